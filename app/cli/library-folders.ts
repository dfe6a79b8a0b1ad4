// Which runbook folders a command reads: the operator's own folders (each `--runbooks DIR`,
// then the config's runbookDirs) ADDED to the built-in library, never instead of it. A
// folder that is not there is bad input (exit 2), named with where it was given.
import { t } from '../../src/i18n/index.ts';
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GlobalOptions } from './options.ts';
import { EXIT, UserError } from './errors.ts';
import type { LibraryFolders } from '../../src/runbook/catalog.ts';
import { visible } from '../../src/util/visible.ts';

/** Checks `dir` is a folder that can be listed; the error names where it was given. */
export function checkRunbookFolder(dir: string, givenBy: string): string {
  const abs = resolve(dir);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const where = { by: givenBy, dir: visible(abs) };
    throw new UserError(code === 'ENOENT' ? t('cli.runbooks.folderMissing', where) : t('cli.runbooks.folderUnreadable', { ...where, why: code ?? (e as Error).message }), EXIT.usage);
  }
  if (!isDir) throw new UserError(t('cli.runbooks.notFolder', { by: givenBy, dir: visible(abs) }), EXIT.usage);
  return abs;
}

/**
 * The folders of this command's library: every --runbooks folder in the order given, then
 * the config's runbookDirs, then the built-in library; each once (by its real path), the
 * built-in one never twice.
 */
export async function libraryFolders(g: Pick<GlobalOptions, 'runbooks'>): Promise<LibraryFolders> {
  const [{ builtinRunbookDir }, { configPath, runbookDirs }] = await Promise.all([import('../../src/runbook/catalog.ts'), import('../../src/state/config.ts')]);
  const builtin = builtinRunbookDir();
  const given: { dir: string; by: string }[] = [
    ...(g.runbooks ?? []).map((dir) => ({ dir, by: '--runbooks' })),
    ...runbookDirs().map((dir) => ({ dir, by: t('cli.runbooks.givenByConfig', { file: configPath() }) })),
  ];
  const seen = new Set<string>([realpathSync(builtin)]);
  const dirs: string[] = [];
  for (const { dir, by } of given) {
    const abs = checkRunbookFolder(dir, by);
    const real = realpathSync(abs);
    if (seen.has(real)) continue;
    seen.add(real);
    dirs.push(abs);
  }
  return { dirs: [...dirs, builtin], builtin };
}
