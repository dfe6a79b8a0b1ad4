// The runbook library as the home screen needs it: each file's front matter (id, title,
// summary, when, risk, roles, inputs) without parsing the markdown body. The full parse
// (micromark, library.ts) runs when a runbook is opened or checked. Front matter is read
// (header.ts) with the same YAML reader and schema as the full parser, so both agree on
// it; front matter remembered from an earlier start (cache.ts) needs neither, so this
// module loads the YAML reader only when a file is new or changed.
import { t } from '../i18n/index.ts';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, parse as parsePath, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLimitedText } from './limits.ts';
import type { RunbookProblem } from './types.ts';
import { sha256 } from '../util/hash.ts';
import { isTranslation, translationPath, type RunbookLanguage } from './translations.ts';

export { sha256 } from '../util/hash.ts';
import type { RunbookHeader } from './header.ts';
export type { RunbookHeader } from './header.ts';

export interface CatalogFile {
  /** The path as listed. */
  path: string;
  /** The file's text, or undefined when it could not be read. */
  text?: string;
  /** sha256 of the text. */
  hash?: string;
  header?: RunbookHeader;
  /** Reading problems: the file could not be read, or its front matter is missing or wrong. */
  problems: RunbookProblem[];
}

export interface Catalog {
  files: CatalogFile[];
  /** Runbooks whose front matter reads, in file order (the ones the full loader returns). */
  headers: RunbookHeader[];
  /** The folder could not be listed: the only problem, as the full loader reports it. */
  listProblem?: RunbookProblem;
  /** A second file with an id already taken, as the full loader reports it. */
  duplicateProblems: RunbookProblem[];
}

/** Front matter remembered from an earlier start (cache.ts), by path and content hash. */
export interface HeaderStore {
  header(path: string, hash: string): RunbookHeader | undefined;
  rememberHeader(path: string, hash: string, header: RunbookHeader): void;
}

/** `file:line:col: message`, the form editors and CI understand. */
export function formatProblem(p: RunbookProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/**
 * The folders runbooks are read from: the operator's own (--runbooks, the config's
 * runbookDirs) first, in the order given, then the built-in library. A built-in runbook's id
 * is never taken over by an operator's file (see duplicateIdProblems).
 */
export interface LibraryFolders {
  /** Every folder, in listing order. */
  dirs: string[];
  /** The built-in library's folder (one of `dirs`), whose runbooks no other folder may shadow. */
  builtin?: string;
}

/** A library of one folder (tests, the lab's own build). */
export function oneFolder(dir: string): LibraryFolders {
  return { dirs: [dir] };
}

/** Whether `file` (a path as listed) lies in the built-in folder of `folders`. */
export function inBuiltinFolder(folders: LibraryFolders | undefined, file: string): boolean {
  return folders?.builtin !== undefined && resolve(dirname(file)) === resolve(folders.builtin);
}

/** One file's claim on a runbook id: its path (as problems name it) and where the id is written. */
export interface IdClaim {
  id: string;
  file: string;
  line: number;
  column: number;
}

/**
 * Which claims on an id are refused when several files share it. A built-in runbook keeps
 * its id: an operator's file never silently replaces it (it could turn a reviewed critical
 * runbook into anything); otherwise the first file in listing order keeps it. Every other
 * claim gets a located problem naming the file that holds the id.
 */
export function duplicateIdProblems(claims: IdClaim[], folders?: LibraryFolders): Map<IdClaim, RunbookProblem> {
  const holder = new Map<string, IdClaim>();
  for (const c of claims) {
    const held = holder.get(c.id);
    if (!held || (!inBuiltinFolder(folders, held.file) && inBuiltinFolder(folders, c.file))) holder.set(c.id, c);
  }
  const out = new Map<IdClaim, RunbookProblem>();
  for (const c of claims) {
    const held = holder.get(c.id)!;
    if (held === c) continue;
    const message = inBuiltinFolder(folders, held.file) ? t('runbook.catalog.builtinId', { id: c.id, file: held.file }) : t('runbook.catalog.duplicateId', { id: c.id, file: held.file });
    out.set(c, { file: c.file, line: c.line, column: c.column, message });
  }
  return out;
}

/** Every `*.md` in `dir` except README.md, in name order. */
export function runbookFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md') && name.toLowerCase() !== 'readme.md')
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Reads each file's front matter (from `store` when the file is unchanged since it was
 * remembered there); the same runbooks, in the same order, as the full loader returns.
 */
export async function catalogFiles(paths: string[], store?: HeaderStore, folders?: LibraryFolders): Promise<Catalog> {
  const read = paths.map((path): CatalogFile & { known?: boolean } => {
    const read = readLimitedText(path);
    if ('problem' in read) return { path, problems: [read.problem] };
    const text = read.text;
    const hash = sha256(text);
    // Only front matter that read without problems is remembered.
    const known = store?.header(path, hash);
    return known ? { path, text, hash, header: known, problems: [], known: true } : { path, text, hash, problems: [] };
  });
  const reader = read.some((f) => f.text !== undefined && !f.known) ? (await import('./header.ts')).readRunbookHeader : undefined;
  const files: CatalogFile[] = read.map(({ known, ...f }) => {
    if (known || f.text === undefined || !reader) return f;
    const { header, problems } = reader(f.text, f.path, f.hash);
    if (header && problems.length === 0) store?.rememberHeader(f.path, f.hash!, header);
    return { ...f, header, problems };
  });
  const headers = files.flatMap((f) => (f.header ? [f.header] : []));
  const claims = headers.map((h): IdClaim => ({ id: h.id, file: h.file, line: h.idPos.line, column: h.idPos.column }));
  const duplicateProblems = [...duplicateIdProblems(claims, folders).values()];
  return { files, headers, duplicateProblems };
}

/**
 * The runbooks of a folder, each listed once: a translation (`X.zh.md` beside `X.md`) is
 * not a runbook of its own. With `language`, a runbook with a translation into it is listed
 * with the translation's title, summary and when (its file stays the original's; the
 * runner opens the translation when it is valid).
 */
export async function catalogDir(dir: string, store?: HeaderStore, language?: RunbookLanguage): Promise<Catalog> {
  return catalogDirs(oneFolder(dir), store, language);
}

/** The runbooks of every folder, in order (as catalogDir); the first folder that cannot be listed is the only problem. */
export async function catalogDirs(folders: LibraryFolders, store?: HeaderStore, language?: RunbookLanguage): Promise<Catalog> {
  const listed = listFolders(folders);
  if ('problem' in listed) return { files: [], headers: [], duplicateProblems: [], listProblem: listed.problem };
  const catalog = await catalogFiles(
    listed.paths.filter((p) => !isTranslation(p)),
    store,
    folders,
  );
  return language ? localizeHeaders(catalog, language) : catalog;
}

/** Every runbook file of the folders, in order, or the problem of the first folder that cannot be listed. */
export function listFolders(folders: LibraryFolders): { paths: string[] } | { problem: RunbookProblem } {
  const paths: string[] = [];
  for (const dir of folders.dirs) {
    try {
      paths.push(...runbookFilesIn(dir));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return { problem: { file: dir, line: 1, column: 1, message: t('runbook.catalog.cannotList', { why: code ?? (e as Error).message }) } };
    }
  }
  return { paths };
}

/** Titles, summaries and whens from each runbook's translation into `language`, where one reads with the same id. */
async function localizeHeaders(catalog: Catalog, language: RunbookLanguage): Promise<Catalog> {
  const shown = await Promise.all(
    catalog.headers.map(async (h) => {
      const path = translationPath(h.file, language);
      if (path === h.file || !existsSync(path)) return h;
      const read = readLimitedText(path);
      if ('problem' in read) return h;
      const { readRunbookHeader } = await import('./header.ts');
      const t = readRunbookHeader(read.text, path, sha256(read.text)).header;
      return t && t.id === h.id ? { ...h, title: t.title, summary: t.summary, when: t.when } : h;
    }),
  );
  const byFile = new Map(catalog.headers.map((h, i) => [h, shown[i]!]));
  return { ...catalog, headers: shown, files: catalog.files.map((f) => (f.header ? { ...f, header: byFile.get(f.header) ?? f.header } : f)) };
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
    if (dir === root)
      // english: an installation fault (the package lost its runbooks/), not an operator's mistake
      throw new Error(`no runbooks/ folder found above ${fileURLToPath(import.meta.url)}`);
    dir = dirname(dir);
  }
}
