// A runbook's front matter read on its own, with the same YAML reader, schema and problem
// positions as the full parser (catalog.ts loads this only for new or changed files).
import { frontMatterText, type RunbookHeader } from './catalog.ts';
import { readFrontMatter } from './frontmatter.ts';
import type { RunbookProblem } from './types.ts';
import { sha256 } from '../util/hash.ts';

/** Reads a runbook's front matter only, with the same problems (and positions) the full parser gives for it. */
export function readRunbookHeader(text: string, file: string, hash = sha256(text)): { header?: RunbookHeader; problems: RunbookProblem[] } {
  const fm = frontMatterText(text);
  if (!fm) {
    return {
      problems: [{ file, line: 1, column: 1, message: 'no front matter: the file must start with a --- block holding id, title, summary, when and risk' }],
    };
  }
  const read = readFrontMatter(fm.yaml, fm.firstLine);
  const problems = read.problems.map((p) => ({ file, line: p.pos.line, column: p.pos.column, message: p.message, ...(p.limit ? { limit: p.limit } : {}) }));
  if (!read.value) return { problems };
  return { header: { ...read.value, file, hash }, problems };
}
