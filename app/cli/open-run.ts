// Opening what a run needs from the operator's words: the runbook named (by id or file)
// and, for a run already started, its runbook and inventory from the journal. Used by
// `run`, `resume` and the home screen alike.
import { existsSync } from 'node:fs';
import { t } from '../../src/i18n/index.ts';
import type { Inventory } from '../../src/inventory/types.ts';
import type { JournalRecord } from '../../src/journal/types.ts';
import type { Runbook } from '../../src/runbook/types.ts';
import { inventoryPathFor } from './context.ts';
import { EXIT, UserError } from './errors.ts';
import type { GlobalOptions } from './options.ts';

/**
 * The runbook to run: by id in the library (or --runbooks), or by file path in any form
 * (relative, absolute, through a symlink). Always parsed and validated now: a runbook with
 * any problem is refused with each one located (exit 1), an oversized or absurd file too (exit 2).
 */
export async function findRunbook(ref: string, g: GlobalOptions): Promise<Runbook> {
  const [{ runnableRunbook, RunbookRefused, isRunbookPath }, { libraryFolders }] = await Promise.all([import('../../src/runbook/runnable.ts'), import('./library-folders.ts')]);
  const folders = await libraryFolders(g);
  try {
    // By id, the runbook in the operator's language (its translation, when valid); a file named is run as it is.
    const { currentLanguage } = await import('../../src/i18n/language.ts');
    return runnableRunbook(ref, { folders, language: isRunbookPath(ref) ? undefined : currentLanguage() });
  } catch (e) {
    if (!(e instanceof RunbookRefused)) throw e;
    if (e.reason === 'not-found') throw new UserError(e.message);
    throw new UserError(e.message, e.problems.some((p) => p.limit) ? EXIT.usage : EXIT.failed);
  }
}

/** The run's runbook (the file it started from, else the library's runbook of that id) and inventory. */
export async function openRecordedRun(runId: string, g: GlobalOptions): Promise<{ runId: string; runbook: Runbook; inventory: Inventory; records: readonly JournalRecord[] }> {
  const [{ findRun }, { readJournal }, { loadInventory }] = await Promise.all([import('../../src/journal/list.ts'), import('../../src/journal/read.ts'), import('../../src/inventory/load.ts')]);
  const summary = findRun(runId);
  if (summary.status === 'damaged') throw new UserError(t('openRun.damaged', { runId: summary.runId, damage: summary.damage ?? '' }), EXIT.failed);
  if (summary.status === 'finished') {
    const how = summary.outcome ?? t('openRun.tornFinish');
    throw new UserError(t('cli.resume.alreadyFinished', { run: summary.runId, how }), EXIT.failed);
  }
  const { records } = readJournal(summary.file);
  const first = records[0];
  if (!first || first.type !== 'run-started') throw new UserError(t('openRun.notJournal', { file: summary.file }), EXIT.failed);
  const runbook = existsSync(first.runbook.file) ? await findRunbook(first.runbook.file, g) : await findRunbook(first.runbook.id, g);
  // The run's own inventory unless the operator names another file or cluster for it.
  const named = g.inventory || g.cluster || g.lab ? (await inventoryPathFor(g)).file : undefined;
  const invFile = named ?? first.inventory.file;
  if (!existsSync(invFile)) throw new UserError(t('cli.resume.inventoryGone', { file: invFile }));
  const inventory = await loadInventory(invFile);
  // A run belongs to one cluster: never resumed against another (the practice cluster included).
  if (inventory.cluster !== first.inventory.cluster) {
    throw new UserError(t('cli.resume.otherCluster', { run: summary.runId, started: first.inventory.cluster, file: invFile, cluster: inventory.cluster }), EXIT.usage);
  }
  return { runId: summary.runId, runbook, inventory, records };
}
