// `mfs-tui config`: what is remembered between sessions, and the operator's runbook folders
// (`runbookDirs`), which every command adds to the built-in library like --runbooks does.
import { resolve } from 'node:path';
import { EXIT, UserError } from './errors.ts';
import { checkRunbookFolder } from './library-folders.ts';
import { configPath, namedClusters, rememberedInventory, runbookDirs, saveRunbookDirs } from '../../src/state/config.ts';
import { visibleLine } from '../../src/util/visible.ts';

const say = (line: string) => process.stdout.write(visibleLine(line) + '\n');

export function configShow(): void {
  say(`config file: ${configPath()}`);
  say(`clusters: ${namedClusters().size} (mfs-tui clusters)`);
  say(`last inventory: ${rememberedInventory() ?? '-'}`);
  configRunbooksList();
}

export function configRunbooksList(): void {
  const dirs = runbookDirs();
  say(`runbook folders added to the built-in library: ${dirs.length === 0 ? 'none (mfs-tui config runbooks add DIR)' : ''}`);
  for (const d of dirs) say(`  ${d}`);
}

export function configRunbooksAdd(dir: string): void {
  const abs = checkRunbookFolder(dir, 'config runbooks add');
  const dirs = runbookDirs();
  if (dirs.includes(abs)) {
    say(`${abs} is already added`);
    return;
  }
  saveRunbookDirs([...dirs, abs]);
  say(`added ${abs}: its runbooks join the built-in library (a built-in runbook's id stays the built-in's; check with mfs-tui validate)`);
}

export function configRunbooksRemove(dir: string): void {
  const dirs = runbookDirs();
  // By the path as saved or as given now: a folder that is gone can still be removed.
  const match = dirs.find((d) => d === dir || d === resolve(dir));
  if (match === undefined) throw new UserError(`${resolve(dir)} is not among the added runbook folders (${dirs.join(', ') || 'none'})`, EXIT.usage);
  saveRunbookDirs(dirs.filter((d) => d !== match));
  say(`removed ${match}`);
}
