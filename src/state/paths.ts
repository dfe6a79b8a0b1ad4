// Where mfs-tui keeps its state (run journals): private to the user, created on demand.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Creates `dir` if needed and makes it 0700 (also when it existed with a wider mode). */
export function ensurePrivateDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask and ignored for a folder that already exists.
  fs.chmodSync(dir, 0o700);
  return dir;
}

/**
 * Writes `text` to `file` as a new 0600 file renamed over the old one: an existing wider
 * file (or a symlink) is replaced, never written through, so nobody who could read the
 * old file reads the new text.
 */
export function writePrivateFile(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
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
