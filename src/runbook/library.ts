// Loading runbook files from disk: parse and validate each, then check that decisions
// hand over only to runbooks that exist and that no two files share an id. Each file
// keeps its own problems, so a broken file never hides or stops the others. A runbook
// that may run comes from runnable.ts, which refuses any with a problem.
import { t } from '../i18n/index.ts';
import type { Inventory } from '../inventory/types.ts';
import { duplicateIdProblems, listFolders, oneFolder, type IdClaim, type LibraryFolders } from './catalog.ts';
import type { CatalogFile } from './catalog.ts';
import { readLimitedText } from './limits.ts';
import { displayName, locate } from './locations.ts';
import { parseRunbook } from './parse.ts';
import { compareTranslation, isTranslation, translationParts, type RunbookLanguage } from './translations.ts';
import type { Runbook, RunbookProblem } from './types.ts';
import { validateRunbook } from './validate.ts';

export interface LoadOptions {
  /** Runbook ids that exist besides the loaded ones (e.g. the built-in library). */
  knownRunbookIds?: Set<string>;
  inventory?: Inventory;
  /** The folders the files come from: a built-in runbook's id is never taken over by another folder's file. */
  folders?: LibraryFolders;
}

/** One file as loaded: its runbook when it could be parsed, and every problem found in it. */
export interface LoadedRunbookFile {
  /** The path as given (the one problems name). */
  path: string;
  runbook?: Runbook;
  problems: RunbookProblem[];
}

/** A translation (`X.zh.md` beside `X.md`): its runbook and problems, those of comparing it with the original included. */
export interface LoadedTranslation extends LoadedRunbookFile {
  /** The original's path. */
  original: string;
  language: RunbookLanguage;
}

export interface LoadedRunbooks {
  /** Every runbook that could be parsed, with problems or not (see runnable.ts for the ones that may run); translations are not listed. */
  runbooks: Runbook[];
  /** Every problem: parse problems, duplicate ids, then validation, then the translations', as `validate` prints them. */
  problems: RunbookProblem[];
  /** Per file, in order (translations apart). */
  files: LoadedRunbookFile[];
  /** The translations among the paths, each checked against its original. */
  translations: LoadedTranslation[];
}

// Listing the folder and reading front matter only is catalog.ts (the home screen's fast path).
export { builtinRunbookDir, formatProblem, oneFolder, runbookFilesIn, type LibraryFolders } from './catalog.ts';

/** Parses and validates each file. A runbook with problems is still returned when it could be read. */
export function loadRunbookFiles(allPaths: string[], opts: LoadOptions = {}): LoadedRunbooks {
  const files: LoadedRunbookFile[] = [];
  // A translation shares its original's id: it is checked against the original, not listed beside it.
  const paths = allPaths.filter((p) => !isTranslation(p));
  const translationPaths = allPaths.filter((p) => isTranslation(p));
  for (const path of paths) {
    const read = readLimitedText(path);
    if ('problem' in read) {
      files.push({ path, problems: [read.problem] });
      continue;
    }
    const parsed = parseRunbook(read.text, path);
    files.push({ path, runbook: parsed.runbook, problems: [...parsed.problems] });
  }
  const claims = new Map<IdClaim, LoadedRunbookFile>();
  for (const f of files) {
    const rb = f.runbook;
    if (!rb) continue;
    const pos = locate(rb, 'id', 0, { line: 2, column: 1 });
    claims.set({ id: rb.id, file: displayName(rb, rb.file), line: pos.line, column: pos.column }, f);
  }
  const duplicates: RunbookProblem[] = [];
  for (const [claim, p] of duplicateIdProblems([...claims.keys()], opts.folders)) {
    duplicates.push(p);
    claims.get(claim)!.problems.push(p);
  }
  const knownRunbookIds = new Set([...[...claims.keys()].map((c) => c.id), ...(opts.knownRunbookIds ?? [])]);
  const validation: RunbookProblem[] = [];
  for (const f of files) {
    if (!f.runbook) continue;
    const found = validateRunbook(f.runbook, { knownRunbookIds, inventory: opts.inventory });
    validation.push(...found);
    f.problems.push(...found);
  }
  const parseProblems = files.flatMap((f) => f.problems.filter((p) => !duplicates.includes(p) && !validation.includes(p)));
  const translations = translationPaths.map((path) => loadTranslation(path, files, { ...opts, knownRunbookIds }));
  return {
    runbooks: files.flatMap((f) => (f.runbook ? [f.runbook] : [])),
    problems: [...parseProblems, ...duplicates, ...validation, ...translations.flatMap((t) => t.problems)],
    files,
    translations,
  };
}

/**
 * Parses and validates a translation, then compares it with its original (one of `loaded`,
 * or read from disk): any difference in what runs is a problem of the translation.
 */
export function loadTranslation(path: string, loaded: LoadedRunbookFile[], opts: LoadOptions = {}): LoadedTranslation {
  const { base, language } = translationParts(path)!;
  const read = readLimitedText(path);
  if ('problem' in read) return { path, problems: [read.problem], original: base, language };
  const parsed = parseRunbook(read.text, path);
  const problems = [...parsed.problems];
  const runbook = parsed.runbook;
  if (runbook) problems.push(...validateRunbook(runbook, { knownRunbookIds: opts.knownRunbookIds, inventory: opts.inventory }));
  let original = loaded.find((f) => f.path === base)?.runbook;
  let originalName = loaded.find((f) => f.path === base)?.path ?? base;
  if (!loaded.some((f) => f.path === base)) {
    const text = readLimitedText(base);
    if (!('problem' in text)) original = parseRunbook(text.text, base).runbook;
    originalName = base;
  }
  if (runbook && original) problems.push(...compareTranslation(original, runbook, path, originalName));
  else if (runbook) problems.push({ file: path, line: 1, column: 1, message: t('runbook.library.noOriginal', { original: originalName }) });
  return { path, runbook, problems, original: base, language };
}

export function loadRunbookDir(dir: string, opts: LoadOptions = {}): LoadedRunbooks {
  return loadRunbookDirs(oneFolder(dir), opts);
}

/** Every runbook file of the folders (listing order: the operator's folders, then the built-in library). */
export function loadRunbookDirs(folders: LibraryFolders, opts: LoadOptions = {}): LoadedRunbooks {
  const listed = listFolders(folders);
  if ('problem' in listed) return { runbooks: [], files: [], translations: [], problems: [listed.problem] };
  return loadRunbookFiles(listed.paths, { ...opts, folders });
}

/** Parse and validation problems of one file, as library.ts checkCatalogFile finds them. */
export interface FileCheck {
  parse: RunbookProblem[];
  validation: RunbookProblem[];
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
