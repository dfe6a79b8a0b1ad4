// `mfs-tui config`: what is remembered between sessions, and the operator's runbook folders
// (`runbookDirs`), which every command adds to the built-in library like --runbooks does.
import { resolve } from 'node:path';
import { EXIT, UserError } from './errors.ts';
import { checkRunbookFolder } from './library-folders.ts';
import { configPath, namedClusters, rememberedInventory, runbookDirs, saveRunbookDirs } from '../../src/state/config.ts';
import { visibleLine } from '../../src/util/visible.ts';
import { t } from '../../src/i18n/index.ts';

const say = (line: string) => process.stdout.write(visibleLine(line) + '\n');

export function configShow(): void {
  say(t('cli.config.file', { file: configPath() }));
  say(t('cli.config.clusters', { count: namedClusters().size }));
  say(t('cli.config.lastInventory', { file: rememberedInventory() ?? '-' }));
  configRunbooksList();
}

export function configRunbooksList(): void {
  const dirs = runbookDirs();
  say(dirs.length === 0 ? t('cli.config.foldersNone') : t('cli.config.folders'));
  for (const d of dirs) say(`  ${d}`);
}

export function configRunbooksAdd(dir: string): void {
  // english: the command's name, not prose
  const abs = checkRunbookFolder(dir, 'config runbooks add');
  const dirs = runbookDirs();
  if (dirs.includes(abs)) {
    say(t('cli.config.alreadyAdded', { dir: abs }));
    return;
  }
  saveRunbookDirs([...dirs, abs]);
  say(t('cli.config.added', { dir: abs }));
}

export function configRunbooksRemove(dir: string): void {
  const dirs = runbookDirs();
  // By the path as saved or as given now: a folder that is gone can still be removed.
  const match = dirs.find((d) => d === dir || d === resolve(dir));
  if (match === undefined) throw new UserError(t('cli.config.notAdded', { dir: resolve(dir), dirs: dirs.join(', ') || t('cli.clusters.word.none') }), EXIT.usage);
  saveRunbookDirs(dirs.filter((d) => d !== match));
  say(t('cli.config.removed', { dir: match }));
}
