// What mfs-tui remembers between sessions (conf): the last inventory used.
// Never a password, passphrase or anything secret.
import path from 'node:path';
import Conf from 'conf';
import { ensurePrivateDir } from './paths.ts';

interface Remembered {
  lastInventory?: string;
}

let store: Conf<Remembered> | undefined;

function conf(): Conf<Remembered> {
  store ??= new Conf<Remembered>({
    projectName: 'mfs-tui',
    projectSuffix: '',
    // Tests and sandboxes point this elsewhere; the file is private to the user.
    cwd: process.env.MFS_TUI_CONFIG_DIR || undefined,
    configFileMode: 0o600,
    // No `schema`: conf would compile it with ajv at every start (~150 ms on this machine);
    // the one value is checked where it is read.
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

export function configPath(): string {
  return conf().path;
}
