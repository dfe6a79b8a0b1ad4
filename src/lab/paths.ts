// Where the practice cluster keeps what it writes at run time: never inside the git checkout.
import path from 'node:path';

/** `$MFS_TUI_LAB_DIR`, else `/var/lib/mfs-tui-lab` (the lab runs as root). */
export function labDir(): string {
  const explicit = process.env.MFS_TUI_LAB_DIR;
  return path.resolve(explicit && explicit.trim() !== '' ? explicit : '/var/lib/mfs-tui-lab');
}

/** The inventory `lab up` writes; it exists only while a lab is up. */
export function labInventoryPath(): string {
  return path.join(labDir(), 'inventory.yaml');
}

export function labFile(
  name: 'state.json' | 'ssh_config' | 'known_hosts' | 'id_ed25519' | 'id_ed25519.pub' | 'inventory.yaml' | 'inventory-ops.yaml' | 'ops_ed25519' | 'ops_ed25519.pub' | 'ops-password',
): string {
  return path.join(labDir(), name);
}

/** One folder per host: the private /etc/mfs, /var/lib/mfs, /root, ... bind-mounted inside it. */
export function hostDir(host: string): string {
  return path.join(labDir(), 'hosts', host);
}

export function hostsDir(): string {
  return path.join(labDir(), 'hosts');
}

/** Survives `lab down`: a real metadata.mfs made once, so later ups skip a master start/stop. */
export function cacheDir(): string {
  return path.join(labDir(), 'cache');
}

/** Device nodes every host copies into its private /dev (made by `lab up`, removed by `lab down`). */
export function devTemplateDir(): string {
  return path.join(labDir(), 'hosts', '.dev');
}

/** The hosts' SSH host keys: kept across labs like a real server's. */
export function keysDir(): string {
  return path.join(labDir(), 'host-keys');
}
