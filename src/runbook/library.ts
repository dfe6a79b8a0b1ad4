// Loading runbook files from disk: parse and validate each, then check that decisions
// hand over only to runbooks that exist and that no two files share an id.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, parse as parsePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Inventory } from '../inventory/types.ts';
import { displayName, locate } from './locations.ts';
import { parseRunbook } from './parse.ts';
import type { Runbook, RunbookProblem } from './types.ts';
import { validateRunbook } from './validate.ts';

export interface LoadOptions {
  /** Runbook ids that exist besides the loaded ones (e.g. the built-in library). */
  knownRunbookIds?: Set<string>;
  inventory?: Inventory;
}

/** `file:line:col: message`, the form editors and CI understand. */
export function formatProblem(p: RunbookProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

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

/** Every `*.md` in `dir` except README.md, in name order. */
export function runbookFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md') && name.toLowerCase() !== 'readme.md')
    .sort()
    .map((name) => join(dir, name));
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
 * The repository's runbooks/ folder: the nearest folder above this module that holds
 * both runbooks/ and package.json. Works from src/runbook/ under tsx and from the
 * bundle in dist/.
 */
export function builtinRunbookDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  const { root } = parsePath(dir);
  for (;;) {
    const candidate = join(dir, 'runbooks');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (dir === root) throw new Error(`no runbooks/ folder found above ${fileURLToPath(import.meta.url)}`);
    dir = dirname(dir);
  }
}
