// Where mfs-tui keeps its state (run journals): private to the user, created on demand.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function ensurePrivateDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask and ignored for a folder that already exists.
  fs.chmodSync(dir, 0o700);
  return dir;
}

/** `$MFS_TUI_STATE_DIR`, else `$XDG_STATE_HOME/mfs-tui`, else `~/.local/state/mfs-tui`; mode 0700. */
export function stateDir(): string {
  const explicit = process.env.MFS_TUI_STATE_DIR;
  if (explicit) return ensurePrivateDir(path.resolve(explicit));
  const xdg = process.env.XDG_STATE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.local', 'state');
  return ensurePrivateDir(path.join(base, 'mfs-tui'));
}

/** The folder of run journals (`<runId>.jsonl`), mode 0700. */
export function runsDir(): string {
  return ensurePrivateDir(path.join(stateDir(), 'runs'));
}
