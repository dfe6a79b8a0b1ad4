// `mfs-tui resume [RUN]`: list unfinished runs, or continue one (on the screen, or with --yes).
import { t } from '../i18n/index.ts';
import { existsSync } from 'node:fs';
import type { GlobalOptions } from './main.ts';
import { EXIT, UserError } from './errors.ts';
import { inventoryPathFor } from './context.ts';
import { visibleLine } from '../util/visible.ts';
import { drive, findRunbook, type RunOptions } from './run.ts';
import type { Inventory } from '../inventory/types.ts';
import type { Runbook } from '../runbook/types.ts';

export interface ResumeOptions extends GlobalOptions {
  yes?: boolean;
  settle?: string;
  /** Answers for decision steps still ahead, as `run --decide`. */
  decide?: Record<string, string>;
  json?: boolean;
}

const SETTLE = ['check', 'rerun', 'mark-done', 'abort', 'follow', 'stop'];

/** The run's runbook (the file it started from, else the library's runbook of that id) and inventory. */
export async function openRecordedRun(runId: string, g: GlobalOptions): Promise<{ runId: string; runbook: Runbook; inventory: Inventory }> {
  const [{ findRun }, { readJournal }, { loadInventory }] = await Promise.all([
    import('../journal/list.ts'),
    import('../journal/read.ts'),
    import('../inventory/load.ts'),
  ]);
  const summary = findRun(runId);
  if (summary.status === 'damaged') throw new UserError(`run ${summary.runId} cannot be resumed: its journal is damaged (${summary.damage}); nothing was run or repaired. \`mfs-tui report ${summary.runId}\` writes what is readable.`, EXIT.failed);
  if (summary.status === 'finished') {
    const how = summary.outcome ?? 'its run-finished record is torn: the process stopped while writing it, after the run had ended';
    throw new UserError(t('cli.resume.alreadyFinished', { run: summary.runId, how }), EXIT.failed);
  }
  const first = readJournal(summary.file).records[0];
  if (!first || first.type !== 'run-started') throw new UserError(`${summary.file}: not a run journal (no run-started record)`, EXIT.failed);
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
  return { runId: summary.runId, runbook, inventory };
}

export async function resumeCommand(run: string | undefined, opts: ResumeOptions): Promise<void> {
  // A list (follow,rerun): the first that is allowed for the step as found.
  for (const a of opts.settle?.split(',') ?? []) if (!SETTLE.includes(a)) throw new UserError(`--settle takes ${SETTLE.join(', ')} (or several, comma-separated: the first allowed is taken); got '${a}'`);
  if (!run) {
    const { listRuns } = await import('../journal/list.ts');
    const open = listRuns().filter((r) => r.status === 'unfinished');
    if (open.length === 0) {
      process.stdout.write(`${t('cli.resume.none')}\n`);
      return;
    }
    for (const r of open) process.stdout.write(visibleLine(`${r.runId}  ${r.runbookTitle}  (${r.cluster}; started ${r.started}, last ${r.lastRecordAt})`) + '\n');
    process.stdout.write(`${t('cli.resume.how')}\n`);
    return;
  }
  const rec = await openRecordedRun(run, opts);
  if (!opts.yes && !opts.settle && process.stdin.isTTY) {
    const { homeCommand } = await import('./home.ts');
    return homeCommand({ ...opts, inventory: rec.inventory.file }, { resume: rec.runId });
  }
  const { decideProblems } = await import('../engine/operator-needs.ts');
  const badDecide = decideProblems(rec.runbook, opts.decide ?? {});
  if (badDecide.length > 0) throw new UserError(badDecide.join('\n'), EXIT.usage);
  const { resumeRun } = await import('../engine/run.ts');
  const runOpts: RunOptions = { ...opts, input: {}, decide: opts.decide ?? {} };
  await drive(runOpts, rec.inventory, (deps) => {
    const ctrl = resumeRun({ ...deps, runbook: rec.runbook, inputs: {} }, rec.runId);
    const torn = ctrl.tornLine;
    if (torn) {
      process.stderr.write(
        `mfs-tui: ${ctrl.journalFile}:${torn.line}: the last line was torn (mfs-tui stopped while writing it) and is cut off; that record is lost: ${torn.text.slice(0, 120)}\n`,
      );
    }
    return ctrl;
  });
}
