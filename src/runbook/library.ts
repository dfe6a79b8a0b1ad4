// Loading runbook files from disk: parse and validate each, then check that decisions
// hand over only to runbooks that exist and that no two files share an id.
import { readFileSync } from 'node:fs';
import type { Inventory } from '../inventory/types.ts';
import { runbookFilesIn } from './catalog.ts';
import type { CatalogFile } from './catalog.ts';
import type { FileCheck } from './cache.ts';
import { displayName, locate } from './locations.ts';
import { parseRunbook } from './parse.ts';
import type { Runbook, RunbookProblem } from './types.ts';
import { validateRunbook } from './validate.ts';

export interface LoadOptions {
  /** Runbook ids that exist besides the loaded ones (e.g. the built-in library). */
  knownRunbookIds?: Set<string>;
  inventory?: Inventory;
}

// Listing the folder and reading front matter only is catalog.ts (the home screen's fast path).
export { builtinRunbookDir, formatProblem, runbookFilesIn } from './catalog.ts';

/** Parses and validates each file. A runbook with problems is still returned when it could be read. */
export function loadRunbookFiles(paths: string[], opts: LoadOptions = {}): { runbooks: Runbook[]; problems: RunbookProblem[] } {
  const runbooks: Runbook[] = [];
  const problems: RunbookProblem[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push({ file: path, line: 1, column: 1, message: `cannot read the file (${code ?? (e as Error).message})` });
      continue;
    }
    const parsed = parseRunbook(text, path);
    problems.push(...parsed.problems);
    if (parsed.runbook) runbooks.push(parsed.runbook);
  }
  const firstFile = new Map<string, string>();
  for (const rb of runbooks) {
    const where = displayName(rb, rb.file);
    const first = firstFile.get(rb.id);
    if (first !== undefined) {
      const pos = locate(rb, 'id', 0, { line: 2, column: 1 });
      problems.push({ file: where, line: pos.line, column: pos.column, message: `duplicate runbook id "${rb.id}" (also in ${first})` });
    } else firstFile.set(rb.id, where);
  }
  const knownRunbookIds = new Set([...firstFile.keys(), ...(opts.knownRunbookIds ?? [])]);
  for (const rb of runbooks) problems.push(...validateRunbook(rb, { knownRunbookIds, inventory: opts.inventory }));
  return { runbooks, problems };
}

export function loadRunbookDir(dir: string, opts: LoadOptions = {}): { runbooks: Runbook[]; problems: RunbookProblem[] } {
  let files: string[];
  try {
    files = runbookFilesIn(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { runbooks: [], problems: [{ file: dir, line: 1, column: 1, message: `cannot list the runbook folder (${code ?? (e as Error).message})` }] };
  }
  return loadRunbookFiles(files, opts);
}

/**
 * Checks one file the catalog read, as loadRunbookFiles would among the catalog's files:
 * `knownRunbookIds` are the ids of every runbook in the catalog (plus any others).
 */
export function checkCatalogFile(file: CatalogFile, opts: LoadOptions = {}): FileCheck {
  if (file.text === undefined) return { parse: file.problems, validation: [] };
  const parsed = parseRunbook(file.text, file.path);
  const validation = parsed.runbook ? validateRunbook(parsed.runbook, { knownRunbookIds: opts.knownRunbookIds, inventory: opts.inventory }) : [];
  return { parse: parsed.problems, validation };
}
