// Helpers for the runbook-library tests: the practice cluster's inventory as data, and a
// step's scripts rendered for one host exactly as the engine would run them.
import type { Inventory, InventoryHost } from '../../src/inventory/types.ts';
import { builtinRunbookDir, loadRunbookDir } from '../../src/runbook/library.ts';
import { buildVariables, renderScript } from '../../src/runbook/template.ts';
import type { CommandBlock, Runbook } from '../../src/runbook/types.ts';

function host(name: string, address: string, roles: InventoryHost['roles']): InventoryHost {
  return { name, address, port: 22, user: 'root', agent: true, become: false, roles };
}

/** The practice cluster's shape (issue 3): m1, m2, ml, c1..c3, cl, spare; VIP 10.77.0.100 on eth0. */
export function labInventory(): Inventory {
  return {
    cluster: 'lab',
    vip: { address: '10.77.0.100', interface: 'eth0', prefix: 24 },
    paths: { data: '/var/lib/mfs', config: '/etc/mfs', mount: '/mnt/mfs' },
    hosts: [
      host('m1', '10.77.0.11', ['master-candidate']),
      host('m2', '10.77.0.12', ['master-candidate']),
      host('ml', '10.77.0.13', ['metalogger']),
      host('c1', '10.77.0.21', ['chunkserver']),
      host('c2', '10.77.0.22', ['chunkserver']),
      host('c3', '10.77.0.23', ['chunkserver']),
      host('cl', '10.77.0.14', ['client']),
      host('spare', '10.77.0.15', []),
    ],
    knownHosts: [],
    file: '/tmp/lab/inventory.yaml',
  };
}

/** Input values that fit every runbook's patterns, for rendering. */
export const SAMPLE_INPUTS: Record<string, string> = {
  host: 'm1',
  host_address: '10.77.0.11',
  metalogger: 'ml',
  old: 'm1',
  old_address: '10.77.0.11',
  target: 'm2',
  target_address: '10.77.0.12',
  first: 'm1',
  router_id: '77',
  chunkservers: 'auto',
  firewall: 'iptables',
  firewall_ports: 'none',
  master: 'm1',
  hdd: '/var/lib/mfs/hdd',
  clients_net: '10.77.0.0/24',
  subdir: 'logs',
  goal: '2',
  new: 'spare',
  new_address: '10.77.0.15',
  current: 'm2',
  a: 'm1',
  a_address: '10.77.0.11',
  b: 'm2',
  b_address: '10.77.0.12',
  user: 'root',
  a_pubkey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7m1 root@m1',
  b_pubkey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7m2 root@m2',
  extra: 'none',
  textfile_dir: '/var/lib/prometheus/node-exporter',
  schedule: 'auto',
  interval: '60',
  daemon: 'chunkserver',
  fence: 'm2',
  fence_address: '10.77.0.12',
  keep: 'm1',
  keep_address: '10.77.0.11',
};

export function library(): Runbook[] {
  return loadRunbookDir(builtinRunbookDir()).runbooks;
}

export function runbook(id: string): Runbook {
  const rb = library().find((r) => r.id === id);
  if (!rb) throw new Error(`no runbook ${id}`);
  return rb;
}

/** The inputs a runbook declares, from SAMPLE_INPUTS. */
export function inputsFor(rb: Runbook): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of rb.inputs) if (SAMPLE_INPUTS[i.name] !== undefined) out[i.name] = SAMPLE_INPUTS[i.name]!;
  return out;
}

/** A block's script (and check) with every variable filled in for `hostName`. */
export function renderBlock(
  rb: Runbook,
  block: CommandBlock,
  hostName: string,
  inv: Inventory = labInventory(),
  inputs: Record<string, string> = inputsFor(rb),
): { script: string; check?: string; missing: string[] } {
  const entry = inv.hosts.find((h) => h.name === hostName);
  const vars = buildVariables(inv, inputs, entry);
  const s = renderScript(block.script, vars);
  const c = block.check ? renderScript(block.check.script, vars) : undefined;
  return { script: s.text, check: c?.text, missing: [...s.missing, ...(c?.missing ?? [])] };
}

/** The text of a quoted heredoc (`cat > PATH <<'EOF'` … `EOF`) that writes `path` in a script. */
export function heredoc(script: string, path: string): string | undefined {
  const start = script.indexOf(`cat > ${path} <<'EOF'\n`);
  if (start < 0) return undefined;
  const body = script.slice(script.indexOf('\n', start) + 1);
  const end = body.indexOf('\nEOF\n');
  return end < 0 ? undefined : body.slice(0, end + 1);
}
