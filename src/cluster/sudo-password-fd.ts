// The sudo password of a run nobody types into (CI, `run --yes`, `status`): read from a file
// descriptor the caller opened (`MFS_TUI_SUDO_PASSWORD_FD=3 mfs-tui … 3<secret`), once, at
// start-up. The descriptor is closed and the variable removed right after, so no command a
// step starts locally can read it; the password lives in this process's memory only and
// goes where every sudo password goes (sudo's own marker prompt, see src/ssh). Never an
// environment variable holding the password itself: /proc/PID/environ and every child see it.
import fs from 'node:fs';
import tty from 'node:tty';

export const SUDO_PASSWORD_FD_ENV = 'MFS_TUI_SUDO_PASSWORD_FD';
/** Longer than any password: a descriptor that gives more is the wrong one. */
const MAX_BYTES = 4096;

let taken: string | undefined;

/** Why the variable cannot give a password, or undefined when it gave one (or is not set). */
export function takeSudoPasswordFromFd(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[SUDO_PASSWORD_FD_ENV];
  if (value === undefined || value === '') return undefined;
  delete env[SUDO_PASSWORD_FD_ENV];
  const where = `${SUDO_PASSWORD_FD_ENV}=${JSON.stringify(value).slice(1, -1)}`;
  if (!/^\d{1,4}$/.test(value) || Number(value) < 3) return `${where}: give a file descriptor number of 3 or more that the password can be read from (e.g. 3<FILE)`;
  const fd = Number(value);
  const notPassed = notPassedIn(fd);
  if (notPassed) return `${where}: descriptor ${fd} ${notPassed}`;
  if (tty.isatty(fd)) return `${where}: descriptor ${fd} is a terminal; give a pipe or a file (run without it to be asked)`;
  let bytes: Buffer;
  try {
    bytes = readAll(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return `${where}: descriptor ${fd} cannot be read${code === 'EBADF' ? ' (it is not open)' : code ? ` (${code})` : ''}`;
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // not open: said above
    }
  }
  if (bytes.length > MAX_BYTES) return `${where}: descriptor ${fd} gave more than ${MAX_BYTES} bytes; it should hold the password alone`;
  const password = bytes.toString('utf8').replace(/\r?\n$/, '');
  if (password === '') return `${where}: descriptor ${fd} gave an empty password`;
  if (/[\r\n\0]/.test(password)) return `${where}: descriptor ${fd} gave more than one line; it should hold the password alone`;
  taken = password;
  return undefined;
}

/**
 * Why `fd` is not one the caller opened for us, or undefined. A number nobody passed may be
 * one of node's own (its event loop's epoll and eventfd, its wake-up pipes, whose two ends
 * are both in this process): reading or closing that would break this process. A passed
 * descriptor is a file, a device, or a pipe whose other end is elsewhere. Without /proc
 * (not Linux): a file or a pipe.
 */
function notPassedIn(fd: number): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return 'is not open';
  }
  let target: string;
  try {
    target = fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return st.isFile() || st.isFIFO() ? undefined : 'is not a file or a pipe';
  }
  if (target.startsWith('anon_inode:')) return 'is not open (not passed to mfs-tui)';
  if (/^(pipe|socket):/.test(target)) {
    const twin = fs.readdirSync('/proc/self/fd').some((other) => {
      if (other === String(fd)) return false;
      try {
        return fs.readlinkSync(`/proc/self/fd/${other}`) === target;
      } catch {
        return false;
      }
    });
    if (twin) return 'is not open (not passed to mfs-tui)';
  }
  return undefined;
}

function readAll(fd: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(MAX_BYTES + 1);
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    total += n;
    if (total > MAX_BYTES) break;
  }
  buf.fill(0);
  return Buffer.concat(chunks);
}

/** The password read at start-up, if one was given. */
export function givenSudoPassword(): string | undefined {
  return taken;
}
