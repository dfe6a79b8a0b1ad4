// Bad input stays cheap: a runbook or inventory file is read only when it is a regular
// file of at most MAX_FILE_BYTES, and YAML is parsed only when it is not nested deeper than
// MAX_YAML_DEPTH (the yaml package recurses per level: a few hundred thousand `[` take
// seconds and then the memory). Aliases are expanded at most MAX_YAML_ALIASES times (a
// "billion laughs" file). Each limit gives a located problem, never a stack trace.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { RunbookProblem } from './types.ts';

/** Runbooks and inventories are small text files; anything bigger is a mistake or an attack. */
export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_YAML_DEPTH = 64;
export const MAX_YAML_ALIASES = 100;

/**
 * The file's text, or why it is not read: not a regular file (a folder, a device, a pipe
 * that would block), larger than `max` bytes, or unreadable. The size is checked on the
 * open file before a byte is read, and no more than `max` + 1 bytes are ever read.
 */
export function readLimitedText(path: string, max = MAX_FILE_BYTES): { text: string } | { problem: RunbookProblem } {
  const problem = (message: string, limit = false) => ({ problem: { file: path, line: 1, column: 1, message, ...(limit ? { limit: true as const } : {}) } });
  let fd: number;
  try {
    // O_NONBLOCK: opening a pipe must not wait for a writer (it is refused below).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return problem(`cannot read the file (${code ?? (e as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return problem('cannot read the file (EISDIR: it is a folder)');
    if (!st.isFile()) return problem('not a regular file: only plain files are read', true);
    if (st.size > max) return problem(`the file is ${formatBytes(st.size)}, over the limit of ${formatBytes(max)}: not read`, true);
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > max) return problem(`the file is over the limit of ${formatBytes(max)}: not read`, true);
    }
    return { text: buf.subarray(0, n).toString('utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return problem(`cannot read the file (${code ?? (e as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
