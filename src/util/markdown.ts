// Values from the operator, a file or a host put into a markdown document (the incident
// report, the drill debrief) without changing its structure: a value can never start a
// heading, a list, a table row, a fence or a link, end its inline code early, or run onto
// the next line. Each value is one line (line breaks and every non-printable character shown
// as visible escapes, util/visible.ts); multi-line text goes into a fenced block whose fence
// is longer than any backtick run inside it.
import { visible, visibleLine } from './visible.ts';

/**
 * ASCII punctuation markdown (CommonMark, GFM, GitHub's math) may read as syntax inline. `|`
 * only matters in a table row, and the rows escape it themselves (escaping it twice would
 * print the backslash).
 */
const ACTIVE = /[\\`*_[\]<>#!~&$]/g;

/** Inline text: one line, every markdown-active character backslash-escaped (renders as itself). */
export function mdText(value: string): string {
  return visibleLine(value).replace(ACTIVE, (c) => `\\${c}`);
}

/** Inline code: one line, delimited by a backtick run longer than any inside. */
export function mdCode(value: string): string {
  // (A table row escapes `|` itself, also inside code, as GFM asks.)
  const s = visibleLine(value);
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  // Padded when the value starts or ends with a backtick (or is empty/blank): the padding is stripped on render.
  return longest > 0 || s.trim() === '' ? `${f} ${s} ${f}` : `${f}${s}${f}`;
}

/** A fenced block whose fence is longer than any backtick run inside (output may contain ```). */
export function mdFence(text: string, lang = ''): string {
  const body = visible(text.replace(/\n$/, ''));
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(Math.max(3, longest + 1));
  // The info string is ours (a language word): made inert all the same.
  return `${f}${mdText(lang).replace(/[`\s]/g, '')}\n${body}\n${f}`;
}
