// `mfs-tui resume [RUN]`: list unfinished runs, or continue one (on the screen, or with --yes).
import { t } from '../../src/i18n/index.ts';
import type { GlobalOptions } from './options.ts';
import { EXIT, UserError } from './errors.ts';
import { visibleLine } from '../../src/util/visible.ts';
import { cells, padCells } from '../../src/util/cells.ts';
import { drive, type RunOptions } from './run.ts';
import { openRecordedRun } from './open-run.ts';

export interface ResumeOptions extends GlobalOptions {
  yes?: boolean;
  settle?: string;
  /** Answers for decision steps still ahead, as `run --decide`. */
  decide?: Record<string, string>;
  json?: boolean;
}

const SETTLE = ['check', 'rerun', 'mark-done', 'abort', 'follow', 'stop'];

export async function resumeCommand(run: string | undefined, opts: ResumeOptions): Promise<void> {
  // A list (follow,rerun): the first that is allowed for the step as found.
  for (const a of opts.settle?.split(',') ?? []) if (!SETTLE.includes(a)) throw new UserError(t('cli.resume.error.settle', { choices: SETTLE.join(', '), got: a }));
  if (!run) {
    const { listRuns } = await import('../../src/journal/list.ts');
    const open = listRuns().filter((r) => r.status === 'unfinished');
    if (open.length === 0) {
      process.stdout.write(`${t('cli.resume.none')}\n`);
      return;
    }
    // Titles line up in terminal cells: run ids differ in length with their runbook.
    const idW = Math.max(...open.map((r) => cells(r.runId)));
    for (const r of open) {
      const row = { run: padCells(r.runId, idW), title: r.runbookTitle, cluster: r.cluster, started: r.started, at: r.lastRecordAt };
      process.stdout.write(visibleLine(t('cli.resume.row', row)) + '\n');
    }
    process.stdout.write(`${t('cli.resume.how')}\n`);
    return;
  }
  const rec = await openRecordedRun(run, opts);
  if (!opts.yes && !opts.settle && process.stdin.isTTY) {
    const { homeCommand } = await import('../tui/home.ts');
    // The run's own inventory, and no other choice beside it (--cluster or --lab would clash with it).
    return homeCommand({ ...opts, inventory: rec.inventory.file, cluster: undefined, lab: false }, { resume: rec.runId });
  }
  const [{ decideProblems, operatorNeeds, refusalText, stepsAhead }, { replay }] = await Promise.all([import('../../src/engine/operator-needs.ts'), import('../../src/engine/reduce.ts')]);
  const badDecide = decideProblems(rec.runbook, opts.decide ?? {});
  if (badDecide.length > 0) throw new UserError(badDecide.join('\n'), EXIT.usage);
  // Without --yes nobody here can answer a confirmation: refused up front (exit 2, as `run`
  // does), when a step still ahead asks one, instead of running up to it and stopping there.
  if (!opts.yes) {
    const state = replay(rec.records, rec.runbook);
    const ahead = stepsAhead(new Map(state.steps.map((s) => [s.id, s.status])));
    const needs = operatorNeeds(rec.runbook, opts.decide ?? {}).filter((n) => ahead(n.step));
    if (needs.some((n) => n.kind !== 'decision')) throw new UserError(refusalText(rec.runbook, needs, undefined, rec.runId), EXIT.usage);
  }
  const runOpts: RunOptions = { ...opts, input: {}, decide: opts.decide ?? {} };
  await drive(runOpts, rec.inventory, async (runs, how) => {
    const ctrl = await runs.resume(rec.runbook, rec.runId, how);
    const torn = ctrl.tornLine;
    if (torn) {
      process.stderr.write(`${t('cli.resume.tornLine', { file: ctrl.journalFile, line: torn.line, text: torn.text.slice(0, 120) })}\n`);
    }
    return ctrl;
  });
}
