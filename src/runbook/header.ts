// A runbook's front matter read on its own, with the same YAML reader, schema and problem
// positions as the full parser (catalog.ts loads this only for new or changed files).
import { t } from '../i18n/index.ts';
import { readFrontMatter, type FrontMatter } from './frontmatter.ts';
import type { RunbookProblem } from './types.ts';
import { sha256 } from '../util/hash.ts';

/** A runbook's front matter and where it came from. */
export interface RunbookHeader extends FrontMatter {
  /** The path as listed (the one used in problems). */
  file: string;
  /** sha256 of the file's text. */
  hash: string;
}

function lineEndingAt(text: string, i: number): number {
  if (text[i] === '\r') return text[i + 1] === '\n' ? 2 : 1;
  return text[i] === '\n' ? 1 : 0;
}

/** `---` then spaces or tabs up to the end of the line or text: the offset after them, else -1. */
function fenceEnd(text: string, i: number): number {
  if (!text.startsWith('---', i)) return -1;
  let j = i + 3;
  while (text[j] === ' ' || text[j] === '\t') j++;
  return j === text.length || lineEndingAt(text, j) > 0 ? j : -1;
}

/**
 * The YAML front matter as micromark-extension-frontmatter reads it: a `---` line at the
 * very start (after a byte order mark), up to the next `---` line; the text between them
 * without its first and last line ending. `firstLine` is the file line the YAML starts on.
 * Undefined when the file has no (closed) front matter.
 */
export function frontMatterText(text: string): { yaml: string; firstLine: number } | undefined {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const open = fenceEnd(text, start);
  if (open < 0 || open === text.length) return undefined;
  let i = open + lineEndingAt(text, open);
  for (;;) {
    if (fenceEnd(text, i) >= 0) return { yaml: text.slice(open, i).replace(/^(\r?\n|\r)|(\r?\n|\r)$/g, ''), firstLine: 2 };
    let eol = i;
    while (eol < text.length && text[eol] !== '\n' && text[eol] !== '\r') eol++;
    if (eol === text.length) return undefined;
    i = eol + lineEndingAt(text, eol);
  }
}

/** Reads a runbook's front matter only, with the same problems (and positions) the full parser gives for it. */
export function readRunbookHeader(text: string, file: string, hash = sha256(text)): { header?: RunbookHeader; problems: RunbookProblem[] } {
  const fm = frontMatterText(text);
  if (!fm) {
    return {
      problems: [{ file, line: 1, column: 1, message: t('runbook.error.noFrontMatter') }],
    };
  }
  const read = readFrontMatter(fm.yaml, fm.firstLine);
  const problems = read.problems.map((p) => ({ file, line: p.pos.line, column: p.pos.column, message: p.message, ...(p.limit ? { limit: p.limit } : {}) }));
  if (!read.value) return { problems };
  return { header: { ...read.value, file, hash }, problems };
}
