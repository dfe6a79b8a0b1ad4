// What mfs-tui remembers between sessions (conf): the named clusters (name → inventory file)
// and the last inventory used. Never a password, passphrase or anything secret.
import path from 'node:path';
import Conf from 'conf';
import { ensurePrivateDir } from './paths.ts';
import { configDir, CONFIG_FILE_NAME } from './config-dir.ts';

interface Remembered {
  lastInventory?: string;
  /** The language last asked for with --lang ('en' or 'zh'). */
  language?: string;
  /** Cluster name → absolute path of its inventory file. */
  clusters?: Record<string, string>;
  /** The operator's runbook folders (absolute), added to the built-in library. */
  runbookDirs?: string[];
}

let store: Conf<Remembered> | undefined;

function conf(): Conf<Remembered> {
  store ??= new Conf<Remembered>({
    projectName: 'mfs-tui',
    projectSuffix: '',
    // The file is private to the user; config-dir.ts reads it too, without conf.
    cwd: configDir(),
    configName: CONFIG_FILE_NAME.replace(/\.json$/, ''),
    configFileMode: 0o600,
    // No `schema`: conf would compile it with ajv at every start (~150 ms on this machine);
    // each value is checked where it is read.
  });
  // conf makes its folder with the umask's mode; the config folder is private (0700).
  ensurePrivateDir(path.dirname(store.path));
  return store;
}

export function rememberedInventory(): string | undefined {
  const v: unknown = conf().get('lastInventory');
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function rememberInventory(file: string): void {
  conf().set('lastInventory', file);
}

export function rememberLanguage(language: string): void {
  if (conf().get('language') !== language) conf().set('language', language);
}

export function configPath(): string {
  return conf().path;
}

/** The named clusters, name → inventory file, in name order. */
export function namedClusters(): Map<string, string> {
  const raw: unknown = conf().get('clusters');
  const out = new Map<string, string>();
  if (raw && typeof raw === 'object') {
    for (const [name, file] of Object.entries(raw as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) {
      if (typeof file === 'string' && file !== '') out.set(name, file);
    }
  }
  return out;
}

export function saveNamedClusters(clusters: Map<string, string>): void {
  conf().set('clusters', Object.fromEntries(clusters));
}

/** The operator's runbook folders from the config, in order (added to the built-in library). */
export function runbookDirs(): string[] {
  const raw: unknown = conf().get('runbookDirs');
  return Array.isArray(raw) ? raw.filter((d): d is string => typeof d === 'string' && d !== '') : [];
}

export function saveRunbookDirs(dirs: string[]): void {
  conf().set('runbookDirs', dirs);
}
