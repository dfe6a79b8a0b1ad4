// The only way to a runbook that may run: read from disk, parsed, validated, and refused
// with its located problems when anything is wrong. `run` (by id or file, any path form,
// symlinks), resume, the home screen and `lab up` all come through here, so no cached
// result or path spelling can let an unchecked runbook start.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Inventory } from '../inventory/types.ts';
import { formatProblem } from './catalog.ts';
import { t } from '../i18n/index.ts';
import { existsSync } from 'node:fs';
import { loadRunbookDirs, loadRunbookFiles, loadTranslation, type LibraryFolders, type LoadedRunbookFile, type LoadedRunbooks } from './library.ts';
import { isTranslation, translationPath, type RunbookLanguage } from './translations.ts';
import type { Runbook, RunbookProblem } from './types.ts';

/** Why a runbook may not run: it is not there, or it has problems (each located). */
export class RunbookRefused extends Error {
  constructor(
    message: string,
    readonly reason: 'not-found' | 'invalid',
    readonly problems: RunbookProblem[] = [],
  ) {
    super(message);
    this.name = 'RunbookRefused';
  }
}

export interface RunnableOptions {
  /** The runbook folders: the library a runbook is looked up in by id, and the ids a decision may hand over to. */
  folders: LibraryFolders;
  /** When given, hosts named in the runbook must exist in it. */
  inventory?: Inventory;
  /**
   * The operator's language: the runbook's translation into it (`X.zh.md` beside `X.md`) is
   * returned when it exists and is valid and identical in what runs; else the original.
   */
  language?: RunbookLanguage;
}

/** Whether `ref` names a file rather than an id (ids are lowercase words with `-`, never a path). */
export function isRunbookPath(ref: string): boolean {
  return ref.endsWith('.md') || ref.includes('/') || ref.includes('\\');
}

function refuse(file: LoadedRunbookFile, what: string): never {
  const n = file.problems.length;
  throw new RunbookRefused(t('runbook.refused.problems', { what, count: n, problems: file.problems.map(formatProblem).join('\n') }), 'invalid', file.problems);
}

/**
 * The runbook `ref` names (an id in `dir`, or a file path in any form), parsed and
 * validated now; throws RunbookRefused when it is missing or has any problem.
 */
export function runnableRunbook(ref: string, opts: RunnableOptions): Runbook {
  if (isRunbookPath(ref)) {
    // A file too big or with absurd YAML is refused before the library is read.
    const read = loadRunbookFiles([ref]);
    const alone = read.files[0] ?? read.translations[0]!;
    if (alone.problems.some((p) => p.limit)) refuse(alone, t('runbook.refused.file', { file: ref }));
  }
  const library = loadRunbookDirs(opts.folders, { inventory: opts.inventory });
  if (isRunbookPath(ref) && isTranslation(ref)) {
    // A translation named as a file runs only when it is valid and runs what its original runs.
    const knownRunbookIds = new Set(library.files.flatMap((f) => (f.runbook ? [f.runbook.id] : [])));
    const file = loadTranslation(ref, library.files, { knownRunbookIds, inventory: opts.inventory });
    if (!file.runbook || file.problems.length > 0) refuse(file, t('runbook.refused.file', { file: ref }));
    return file.runbook;
  }
  if (isRunbookPath(ref)) {
    const knownRunbookIds = new Set(library.files.flatMap((f) => (f.runbook ? [f.runbook.id] : [])));
    // The same file reached through the library (a symlink, another spelling) is checked as the library checks it.
    const real = realPath(ref);
    const inLibrary = real !== undefined ? library.files.find((f) => realPath(f.path) === real) : undefined;
    // A file named by its path is the one that runs, whatever ids the library holds.
    const file = inLibrary ?? loadRunbookFiles([ref], { knownRunbookIds, inventory: opts.inventory }).files[0]!;
    if (!file.runbook || file.problems.length > 0) refuse(file, t('runbook.refused.file', { file: ref }));
    return localized(file, library, opts);
  }
  const claimants = library.files.filter((f) => f.runbook?.id === ref);
  const file = claimants[0];
  if (!file?.runbook) {
    const ids = library.files.flatMap((f) => (f.runbook ? [f.runbook.id] : []));
    const listing = library.problems.find((p) => opts.folders.dirs.includes(p.file));
    const none = t('cli.clusters.word.none');
    throw new RunbookRefused(listing ? formatProblem(listing) : t('cli.run.error.noRunbook', { ref, dirs: opts.folders.dirs.join(', '), ids: ids.join(', ') || none }), 'not-found');
  }
  // An id two files claim is refused by id, whichever file keeps it: the operator would
  // not know which one runs. Each file can still be run by its path when it has no problem.
  if (claimants.length > 1) {
    const problems = claimants.flatMap((f) => f.problems);
    throw new RunbookRefused(
      t('runbook.refused.claimed', { id: ref, count: claimants.length, files: claimants.map((f) => f.path).join(', '), problems: problems.map(formatProblem).join('\n') }),
      'invalid',
      problems,
    );
  }
  if (file.problems.length > 0) refuse(file, t('runbook.refused.byId', { id: ref, file: file.path }));
  return localized(file, library, opts);
}

/**
 * The runbook in the operator's language: its translation when there is one that is valid
 * and runs exactly what the original runs (compareTranslation), else the original itself,
 * so a broken translation never stops a runbook from running in an incident.
 */
function localized(file: LoadedRunbookFile, library: LoadedRunbooks, opts: RunnableOptions): Runbook {
  const original = file.runbook!;
  if (!opts.language || isTranslation(file.path)) return original;
  const path = translationPath(file.path, opts.language);
  if (path === file.path || !existsSync(path)) return original;
  const knownRunbookIds = new Set(library.files.flatMap((f) => (f.runbook ? [f.runbook.id] : [])));
  const translation = loadTranslation(path, [file], { knownRunbookIds, inventory: opts.inventory });
  return translation.runbook && translation.problems.length === 0 ? translation.runbook : original;
}

/** The runbooks of the folders that may run, and the files that may not, with their problems. */
export function runnableLibrary(folders: LibraryFolders, inventory?: Inventory): { runbooks: Runbook[]; broken: LoadedRunbookFile[]; problems: RunbookProblem[] } {
  const library = loadRunbookDirs(folders, { inventory });
  const runbooks: Runbook[] = [];
  const broken: LoadedRunbookFile[] = [];
  for (const f of library.files) {
    if (f.runbook && f.problems.length === 0) runbooks.push(f.runbook);
    else broken.push(f);
  }
  return { runbooks, broken, problems: library.problems };
}

function realPath(p: string): string | undefined {
  try {
    return realpathSync(resolve(p));
  } catch {
    return undefined;
  }
}
