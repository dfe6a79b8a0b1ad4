// What the home screen needs from the runbook library without parsing every runbook at
// every start. Remembered in the state directory, per file and content hash:
// - its front matter (the list: titles, risk, inputs), and
// - the result of checking it (parse + validate, library.ts), keyed also by what the
//   checks depended on (the other runbooks' ids, the inventory);
// and, per inventory file and content hash, the inventory as last loaded in full (the home
// screen draws its first frame from it, then loads the file again: see app/tui/home.ts).
// Everything is keyed by the checker's own code too (src/runbook and src/inventory), so results of an older parser or
// validator are never reused. A cache file that is unreadable, corrupt, from another
// checker or not private to the user is ignored, and so is any entry that is not exactly
// what this code writes; a missing entry means reading or checking the file again.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Inventory } from '../inventory/types.ts';
import { sha256 } from '../util/hash.ts';
import type { Catalog, CatalogFile, HeaderStore, RunbookHeader } from './catalog.ts';
import { RISK_LEVELS, ROLES } from './types.ts';
import type { RunbookProblem } from './types.ts';
import type { FileCheck } from './library.ts';

export type { FileCheck } from './library.ts';

export interface CheckContext {
  /** Ids of every runbook in the catalog (a decision may hand over to them). */
  knownRunbookIds: Set<string>;
  inventory?: Inventory;
}

const FORMAT = 1;
/** Entries kept besides the ones used by this start (other runbook folders, older versions of files). */
const KEEP_OTHERS = 200;

// Set by scripts/build.mjs: a hash of the runbook checker's sources and the locked dependencies.
declare const MFS_TUI_CHECKER_ID: string | undefined;

let checkerIdMemo: string | null | undefined;

/**
 * Identifies the code that produced a cached result. In the bundle it is fixed at build
 * time; from sources (tsx) it is a hash of src/runbook/*.ts, src/inventory/*.ts and
 * package-lock.json. Null
 * when unknown: then nothing is cached.
 */
export function checkerId(): string | null {
  if (typeof MFS_TUI_CHECKER_ID === 'string') return MFS_TUI_CHECKER_ID;
  if (checkerIdMemo !== undefined) return checkerIdMemo;
  try {
    const dir = dirname(fileURLToPath(import.meta.url));
    const parts: string[] = [];
    for (const d of [dir, join(dir, '..', 'inventory')]) {
      const sources = readdirSync(d)
        .filter((f) => f.endsWith('.ts'))
        .sort();
      if (sources.length === 0) return (checkerIdMemo = null);
      parts.push(...sources.map((f) => `${f}\0${readFileSync(join(d, f), 'utf8')}`));
    }
    parts.push(readFileSync(join(dir, '..', '..', 'package-lock.json'), 'utf8'));
    checkerIdMemo = `src-${sha256(parts.join('\0'))}`;
  } catch {
    checkerIdMemo = null;
  }
  return checkerIdMemo;
}

/** What the checks of a file depend on besides the file itself. */
export function contextFingerprint(ctx: CheckContext): string {
  return sha256(JSON.stringify({ known: [...ctx.knownRunbookIds].sort(), inventory: ctx.inventory ?? null }));
}

function checkKey(file: CatalogFile, context: string): string {
  return sha256(JSON.stringify([FORMAT, 'check', file.path, file.hash, context]));
}

function headerKey(path: string, hash: string): string {
  return sha256(JSON.stringify([FORMAT, 'header', path, hash]));
}

// ---- shape checks: an entry is used only when it is exactly what this code writes ----

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isPos = (v: unknown): boolean => isObject(v) && Number.isInteger(v.line) && Number.isInteger(v.column) && (v.line as number) >= 1 && (v.column as number) >= 1;

function isProblem(v: unknown): v is RunbookProblem {
  return isObject(v) && isString(v.file) && isPos(v) && isString(v.message);
}

function isFileCheck(v: unknown): v is FileCheck {
  return isObject(v) && Array.isArray(v.parse) && Array.isArray(v.validation) && v.parse.every(isProblem) && v.validation.every(isProblem);
}

function isInput(v: unknown): boolean {
  if (!isObject(v) || !isString(v.name) || !isString(v.prompt) || !isPos(v.pos)) return false;
  for (const k of ['default', 'pattern', 'help'] as const) if (v[k] !== undefined && !isString(v[k])) return false;
  return v.choices === undefined || (Array.isArray(v.choices) && v.choices.every(isString));
}

function isHeader(v: unknown, path: string, hash: string): v is RunbookHeader {
  return (
    isObject(v) &&
    v.file === path &&
    v.hash === hash &&
    [v.id, v.title, v.summary, v.when].every(isString) &&
    (RISK_LEVELS as readonly unknown[]).includes(v.risk) &&
    Array.isArray(v.roles) &&
    v.roles.every((r) => (ROLES as readonly unknown[]).includes(r)) &&
    Array.isArray(v.inputs) &&
    v.inputs.every(isInput) &&
    isPos(v.idPos)
  );
}

function inventoryKey(file: string, textHash: string): string {
  return sha256(JSON.stringify([FORMAT, 'inventory', file, textHash]));
}

const isPort = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536;
const isOptString = (v: unknown): boolean => v === undefined || isString(v);

function isInventoryHost(v: unknown): boolean {
  return (
    isObject(v) &&
    isString(v.name) &&
    isString(v.address) &&
    isPort(v.port) &&
    isString(v.user) &&
    isOptString(v.identityFile) &&
    typeof v.agent === 'boolean' &&
    typeof v.become === 'boolean' &&
    Array.isArray(v.roles) &&
    v.roles.every((r) => (ROLES as readonly unknown[]).includes(r)) &&
    isOptString(v.proxyJump)
  );
}

function isInventory(v: unknown, file: string): v is Inventory {
  return (
    isObject(v) &&
    v.file === file &&
    isString(v.cluster) &&
    isObject(v.vip) &&
    isString(v.vip.address) &&
    isString(v.vip.interface) &&
    Number.isInteger(v.vip.prefix) &&
    isObject(v.paths) &&
    [v.paths.data, v.paths.config, v.paths.mount].every(isString) &&
    Array.isArray(v.hosts) &&
    v.hosts.every(isInventoryHost) &&
    Array.isArray(v.knownHosts) &&
    v.knownHosts.every(isString) &&
    isOptString(v.sshConfig)
  );
}

interface Stored {
  value: unknown;
  /** ms since the epoch when last written. */
  used: number;
}

export class RunbookCache implements HeaderStore {
  private readonly entries = new Map<string, Stored>();
  private readonly usedNow = new Set<string>();
  private dirty = false;
  /** Why the file on disk was not used, when it was not (for tests and debugging). */
  readonly ignored?: string;

  private constructor(
    readonly file: string,
    readonly checker: string,
    ignored?: string,
  ) {
    this.ignored = ignored;
  }

  /** Opens the cache file for this checker; anything wrong with the file means starting empty. */
  static open(file: string, checker: string): RunbookCache {
    const empty = (why: string) => new RunbookCache(file, checker, why);
    let text: string;
    try {
      const st = statSync(file);
      if (!st.isFile()) return empty('not a regular file');
      if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return empty('owned by another user');
      if ((st.mode & 0o077) !== 0) return empty(`mode ${(st.mode & 0o777).toString(8)}: not private to the user`);
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return empty((e as NodeJS.ErrnoException).code ?? 'unreadable');
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return empty('not JSON');
    }
    if (!isObject(data) || data.format !== FORMAT) return empty('another format');
    if (data.checker !== checker) return empty('another checker');
    if (!isObject(data.entries)) return empty('no entries');
    const cache = new RunbookCache(file, checker);
    for (const [key, v] of Object.entries(data.entries)) {
      if (/^[0-9a-f]{64}$/.test(key) && isObject(v) && 'value' in v && typeof v.used === 'number') cache.entries.set(key, { value: v.value, used: v.used });
    }
    return cache;
  }

  private take(key: string): unknown {
    const e = this.entries.get(key);
    if (e) this.usedNow.add(key);
    return e?.value;
  }

  private put(key: string, value: unknown): void {
    this.entries.set(key, { value, used: Date.now() });
    this.usedNow.add(key);
    this.dirty = true;
  }

  check(file: CatalogFile, context: string): FileCheck | undefined {
    const v = this.take(checkKey(file, context));
    return isFileCheck(v) ? v : undefined;
  }

  rememberCheck(file: CatalogFile, context: string, check: FileCheck): void {
    this.put(checkKey(file, context), check);
  }

  header(path: string, hash: string): RunbookHeader | undefined {
    const v = this.take(headerKey(path, hash));
    return isHeader(v, path, hash) ? v : undefined;
  }

  rememberHeader(path: string, hash: string, header: RunbookHeader): void {
    this.put(headerKey(path, hash), header);
  }

  /**
   * The inventory as it was last loaded in full (parsed, checked, resolved with `ssh -G`)
   * from this file with this text: enough to draw the home screen before loading it again.
   */
  inventory(file: string): Inventory | undefined {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    const v = this.take(inventoryKey(file, sha256(text)));
    return isInventory(v, file) ? v : undefined;
  }

  /** Remembers a fully loaded inventory under its file's text as it is now. */
  rememberInventory(inv: Inventory): void {
    let text: string;
    try {
      text = readFileSync(inv.file, 'utf8');
    } catch {
      return;
    }
    const key = inventoryKey(inv.file, sha256(text));
    if (JSON.stringify(this.entries.get(key)?.value) === JSON.stringify(inv)) this.usedNow.add(key);
    else this.put(key, inv);
  }

  /**
   * Writes the cache when something was added: a private (0600) temporary file, synced,
   * renamed over the old one. Errors are ignored: it is only a cache.
   */
  save(): void {
    if (!this.dirty) return;
    const now = Date.now();
    const others = [...this.entries]
      .filter(([k]) => !this.usedNow.has(k))
      .sort((a, b) => b[1].used - a[1].used)
      .slice(0, KEEP_OTHERS);
    const entries: Record<string, Stored> = {};
    for (const k of this.usedNow) entries[k] = { value: this.entries.get(k)!.value, used: now };
    for (const [k, v] of others) entries[k] = v;
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify({ format: FORMAT, checker: this.checker, entries }));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      rmSync(tmp, { force: true });
    }
  }
}

/** The cache in the state directory, or none when the checker is unknown. */
export function openRunbookCache(stateDir: string): RunbookCache | undefined {
  const checker = checkerId();
  return checker ? RunbookCache.open(join(stateDir, 'runbook-cache.json'), checker) : undefined;
}

/** The library's problems in the order library.ts loadRunbookFiles gives them. */
export function assembleProblems(catalog: Catalog, checks: FileCheck[]): RunbookProblem[] {
  if (catalog.listProblem) return [catalog.listProblem];
  return [...checks.flatMap((c) => c.parse), ...catalog.duplicateProblems, ...checks.flatMap((c) => c.validation)];
}

export function checkContext(catalog: Catalog, inventory?: Inventory): CheckContext {
  return { knownRunbookIds: new Set(catalog.headers.map((h) => h.id)), inventory };
}

/** The library's problems when every file's check is in the cache; undefined when any is missing. */
export function cachedLibraryProblems(catalog: Catalog, inventory: Inventory | undefined, cache: RunbookCache | undefined): RunbookProblem[] | undefined {
  if (catalog.listProblem) return [catalog.listProblem];
  const context = contextFingerprint(checkContext(catalog, inventory));
  const checks: FileCheck[] = [];
  for (const file of catalog.files) {
    if (file.text === undefined) {
      checks.push({ parse: file.problems, validation: [] });
      continue;
    }
    const hit = cache?.check(file, context);
    if (!hit) return undefined;
    checks.push(hit);
  }
  return assembleProblems(catalog, checks);
}

/**
 * Checks every file of the catalog (parse + validate; cached results reused), saves the
 * cache after each file it had to check, and returns the library's problems exactly as
 * loadRunbookFiles would. `pause` runs before each file that needs parsing, e.g. to let
 * the screen take key presses; when it throws, checking stops (what was checked is kept)
 * and the error is passed on.
 */
export async function checkLibrary(catalog: Catalog, inventory: Inventory | undefined, cache: RunbookCache | undefined, pause?: () => Promise<void>): Promise<RunbookProblem[]> {
  if (catalog.listProblem) return [catalog.listProblem];
  const ctx = checkContext(catalog, inventory);
  const context = contextFingerprint(ctx);
  let lib: typeof import('./library.ts') | undefined;
  const checks: FileCheck[] = [];
  try {
    for (const file of catalog.files) {
      if (file.text === undefined) {
        checks.push({ parse: file.problems, validation: [] });
        continue;
      }
      let check = cache?.check(file, context);
      if (!check) {
        if (pause) await pause();
        lib ??= await import('./library.ts');
        check = lib.checkCatalogFile(file, ctx);
        cache?.rememberCheck(file, context, check);
        // Saved file by file: a start cut short (the operator quits at once) still leaves its work.
        cache?.save();
      }
      checks.push(check);
    }
  } finally {
    cache?.save();
  }
  return assembleProblems(catalog, checks);
}
