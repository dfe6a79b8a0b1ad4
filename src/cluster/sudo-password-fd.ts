// The sudo password of a run nobody types into (CI, `run --yes`, `status`): read from a file
// descriptor the caller opened (`MFS_TUI_SUDO_PASSWORD_FD=3 mfs-tui … 3<secret`), once, at
// start-up. The descriptor is closed and the variable removed right after, so no command a
// step starts locally can read it; the password lives in this process's memory only and
// goes where every sudo password goes (sudo's own marker prompt, see src/ssh). Never an
// environment variable holding the password itself: /proc/PID/environ and every child see it.
import { t } from '../i18n/index.ts';
import fs from 'node:fs';
import tty from 'node:tty';

export const SUDO_PASSWORD_FD_ENV = 'MFS_TUI_SUDO_PASSWORD_FD';
/** Longer than any password: a descriptor that gives more is the wrong one. */
const MAX_BYTES = 4096;

let taken: string | undefined;

type NotPassed = 'sudoFd.notOpen' | 'sudoFd.notPassed' | 'sudoFd.notFileOrPipe';

/** Why the variable cannot give a password, or undefined when it gave one (or is not set). */
export function takeSudoPasswordFromFd(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[SUDO_PASSWORD_FD_ENV];
  if (value === undefined || value === '') return undefined;
  delete env[SUDO_PASSWORD_FD_ENV];
  const where = `${SUDO_PASSWORD_FD_ENV}=${JSON.stringify(value).slice(1, -1)}`;
  if (!/^\d{1,4}$/.test(value) || Number(value) < 3) return t('sudoFd.notNumber', { where });
  const fd = Number(value);
  const notPassed = notPassedIn(fd);
  if (notPassed) return t(notPassed, { where, fd });
  if (tty.isatty(fd)) return t('sudoFd.terminal', { where, fd });
  let bytes: Buffer;
  try {
    bytes = readAll(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EBADF' ? t('sudoFd.unreadableClosed', { where, fd }) : code ? t('sudoFd.unreadableCode', { where, fd, code }) : t('sudoFd.unreadable', { where, fd });
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // not open: said above
    }
  }
  if (bytes.length > MAX_BYTES) return t('sudoFd.tooLong', { where, fd, max: MAX_BYTES });
  const password = bytes.toString('utf8').replace(/\r?\n$/, '');
  if (password === '') return t('sudoFd.empty', { where, fd });
  if (/[\r\n\0]/.test(password)) return t('sudoFd.lines', { where, fd });
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
function notPassedIn(fd: number): NotPassed | undefined {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return 'sudoFd.notOpen';
  }
  let target: string;
  try {
    target = fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return st.isFile() || st.isFIFO() ? undefined : 'sudoFd.notFileOrPipe';
  }
  if (target.startsWith('anon_inode:')) return 'sudoFd.notPassed';
  if (/^(pipe|socket):/.test(target)) {
    const twin = fs.readdirSync('/proc/self/fd').some((other) => {
      if (other === String(fd)) return false;
      try {
        return fs.readlinkSync(`/proc/self/fd/${other}`) === target;
      } catch {
        return false;
      }
    });
    if (twin) return 'sudoFd.notPassed';
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
