// Bad input stays cheap: a runbook or inventory file is read only when it is a regular
// file of at most MAX_FILE_BYTES, and YAML is parsed only when it is not nested deeper than
// MAX_YAML_DEPTH (the yaml package recurses per level: a few hundred thousand `[` take
// seconds and then the memory). Aliases are expanded at most MAX_YAML_ALIASES times (a
// "billion laughs" file). Each limit gives a located problem, never a stack trace.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { RunbookProblem } from './types.ts';
import { othersCanChange } from '../util/trusted-path.ts';
import { t } from '../i18n/index.ts';

/** Runbooks and inventories are small text files; anything bigger is a mistake or an attack. */
export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_YAML_DEPTH = 64;
export const MAX_YAML_ALIASES = 100;

/**
 * The file's text, or why it is not read: not a regular file (a folder, a device, a pipe
 * that would block), writable by every user or changeable by another user (util/trusted-path.ts), larger than `max` bytes, or unreadable. The size is checked on the
 * open file before a byte is read, and no more than `max` + 1 bytes are ever read.
 */
export function readLimitedText(path: string, max = MAX_FILE_BYTES): { text: string } | { problem: RunbookProblem } {
  const problem = (message: string, limit = false) => ({ problem: { file: path, line: 1, column: 1, message, ...(limit ? { limit: true as const } : {}) } });
  // Missing, a folder, no permission: not read either (bad input, exit 2), and said so apart.
  const unreadable = (message: string) => ({ problem: { ...problem(message, true).problem, unreadable: true as const } });
  let fd: number;
  try {
    // O_NONBLOCK: opening a pipe must not wait for a writer (it is refused below).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return unreadable(t('runbook.limit.cannotRead', { why: code ?? (e as Error).message }));
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return unreadable(t('runbook.limit.folder'));
    if (!st.isFile()) return problem(t('runbook.limit.notRegular'), true);
    // Like ssh's StrictModes: what every user may rewrite cannot say what runs here.
    if (st.mode & 0o002) return problem(t('runbook.limit.worldWritable', { mode: (st.mode & 0o777).toString(8).padStart(4, '0') }), true);
    // ... nor what another user owns, or can replace through a folder above it.
    const others = othersCanChange(path);
    if (others) return problem(t('runbook.limit.untrusted', { why: others }), true);
    if (st.size > max) return problem(t('runbook.limit.tooBig', { size: formatBytes(st.size), max: formatBytes(max) }), true);
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > max) return problem(t('runbook.limit.overLimit', { max: formatBytes(max) }), true);
    }
    return { text: buf.subarray(0, n).toString('utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return unreadable(t('runbook.limit.cannotRead', { why: code ?? (e as Error).message }));
  } finally {
    closeSync(fd);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return t('runbook.limit.bytes', { n });
}

// A runbook's markdown is parsed by micromark, whose cost grows with the number of blocks,
// the depth of nested quotes and lists, and long lines of brackets or emphasis (a 1 MB file
// of 20,000 steps took minutes and a gigabyte; 2,000 nested `>` seconds). The library's
// runbooks stay far below each limit (under 800 lines, 20 steps, 6 columns of indentation,
// 460 characters of prose per line), so a file past one is refused before it is parsed.
export const MAX_RUNBOOK_LINES = 5000;
export const MAX_RUNBOOK_STEPS = 200;
/** Quote markers (`>`) or columns of indentation before a line's text, outside code blocks. */
export const MAX_MARKDOWN_DEPTH = 16;
export const MAX_MARKDOWN_INDENT = 64;
/** Characters of one line of prose (code blocks may hold longer lines: they are not parsed inline). */
export const MAX_PROSE_LINE = 4096;
export const MAX_CODE_LINE = 64 * 1024;
/**
 * Inline markup characters outside code blocks (brackets, parentheses, angle brackets,
 * emphasis, backticks, `!`): micromark spends about 0.1 ms on each in a run of them (a
 * line of `[a](` repeated), so a file of them would take minutes. The library's runbooks
 * have at most 1,400.
 */
export const MAX_PROSE_MARKUP = 10_000;

/** Why a runbook's markdown is too absurd to parse (located, `limit`), or undefined. */
export function markdownShapeProblem(text: string, file: string): RunbookProblem | undefined {
  const at = (line: number, column: number, message: string): RunbookProblem => ({ file, line, column, message: t('runbook.limit.notRead', { why: message }), limit: true });
  const lines = text.split('\n');
  if (lines.length > MAX_RUNBOOK_LINES) return at(MAX_RUNBOOK_LINES + 1, 1, t('runbook.limit.lines', { lines: lines.length, max: MAX_RUNBOOK_LINES }));
  let fence: string | undefined;
  let steps = 0;
  let markup = 0;
  for (const [i, line] of lines.entries()) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      else if (line.length > MAX_CODE_LINE) return at(i + 1, MAX_CODE_LINE + 1, t('runbook.limit.codeLine', { length: line.length, max: MAX_CODE_LINE }));
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    if (line.length > MAX_PROSE_LINE) return at(i + 1, MAX_PROSE_LINE + 1, t('runbook.limit.proseLine', { length: line.length, max: MAX_PROSE_LINE }));
    if (/^ {0,3}##(?!#)(\s|$)/.test(line) && ++steps > MAX_RUNBOOK_STEPS) return at(i + 1, 1, t('runbook.limit.steps', { max: MAX_RUNBOOK_STEPS }));
    markup += line.match(/[[\]()<>*_`!]/g)?.length ?? 0;
    if (markup > MAX_PROSE_MARKUP) return at(i + 1, 1, t('runbook.limit.markup', { max: MAX_PROSE_MARKUP }));
    // The containers a line opens or continues: quote markers and list markers (`- - - x` nests too).
    const prefix = /^(?:[ \t>]|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*/.exec(line)![0];
    const containers = (prefix.match(/>|[-*+]|\d{1,9}[.)]/g) ?? []).length;
    if (containers > MAX_MARKDOWN_DEPTH) return at(i + 1, 1, t('runbook.limit.depth', { max: MAX_MARKDOWN_DEPTH }));
    const indent = [...prefix].reduce((n, c) => n + (c === '\t' ? 4 : 1), 0);
    if (indent > MAX_MARKDOWN_INDENT) return at(i + 1, 1, t('runbook.limit.indent', { max: MAX_MARKDOWN_INDENT }));
  }
  return undefined;
}
