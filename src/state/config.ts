// What mfs-tui remembers between sessions (conf): the last inventory used.
// Never a password, passphrase or anything secret.
import Conf from 'conf';

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
    schema: { lastInventory: { type: 'string' } },
  });
  return store;
}

export function rememberedInventory(): string | undefined {
  return conf().get('lastInventory');
}

export function rememberInventory(file: string): void {
  conf().set('lastInventory', file);
}

export function configPath(): string {
  return conf().path;
}
