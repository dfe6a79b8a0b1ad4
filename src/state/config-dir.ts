// Where the remembered settings live (conf's file), computed without loading conf: reading
// the remembered language at every start must not cost conf's start-up (~40 ms bundled).
import fs from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';

/** `$MFS_TUI_CONFIG_DIR`, else the platform's config folder for mfs-tui (~/.config/mfs-tui). */
export function configDir(): string {
  // Tests and sandboxes point this elsewhere.
  return process.env.MFS_TUI_CONFIG_DIR || envPaths('mfs-tui', { suffix: '' }).config;
}

export const CONFIG_FILE_NAME = 'config.json';

/** One remembered value read straight from conf's JSON file; undefined when absent or unreadable. */
export function readRemembered(key: string): unknown {
  try {
    const data: unknown = JSON.parse(fs.readFileSync(path.join(configDir(), CONFIG_FILE_NAME), 'utf8'));
    return data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}
