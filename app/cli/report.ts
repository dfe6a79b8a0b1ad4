// `mfs-tui report RUN` and `mfs-tui runs`: reading journals back.
import { cells, padCells } from '../../src/util/cells.ts';
import { t } from '../../src/i18n/index.ts';
import { existsSync } from 'node:fs';
import type { JournalRecord } from '../../src/journal/types.ts';
import type { Runbook } from '../../src/runbook/types.ts';
import { EXIT, UserError } from './errors.ts';
import { safeJson, visible, visibleLine } from '../../src/util/visible.ts';

export async function reportCommand(run: string, opts: { output?: string }): Promise<void> {
  const [{ findRun }, { readJournal }, { renderReport }] = await Promise.all([import('../../src/journal/list.ts'), import('../../src/journal/read.ts'), import('../../src/journal/report.ts')]);
  const summary = findRun(run);
  const journal = readJournal(summary.file);
  if (journal.records.length === 0) {
    const why = journal.problems.length
      ? journal.problems.join('\n')
      : journal.torn
        ? t('cli.report.error.notJournalTorn', { file: summary.file, text: journal.torn.text.slice(0, 80) })
        : t('cli.report.error.notJournal', { file: summary.file });
    throw new UserError(visible(why), EXIT.failed);
  }
  // A damaged first record is damage even when the line reads as torn (it is the first, not the last).
  if (summary.status === 'damaged' && journal.problems.length === 0) journal.problems.push(summary.damage!);
  const damage = { problems: journal.problems, torn: journal.torn, file: summary.file };
  const text = renderReport(journal.records, await runbookOf(journal.records), damage);
  if (opts.output) {
    // The report carries command output: keep it as private as the journal.
    const { writePrivateFile } = await import('../../src/state/paths.ts');
    writePrivateFile(opts.output, text);
    process.stderr.write(`${t('cli.report.written', { file: opts.output })}\n`);
  } else {
    process.stdout.write(text);
  }
  if (journal.torn) {
    process.stderr.write(`mfs-tui: ${t('cli.report.tornLast', { where: `${summary.file}:${journal.torn.line}`, text: visibleLine(journal.torn.text.slice(0, 120)) })}\n`);
  }
  // Damage is reported, never repaired silently: the report is marked incomplete and the exit code says so.
  if (journal.problems.length > 0) {
    process.stderr.write(`mfs-tui: ${t('cli.report.damaged', { count: journal.records.length })}\n${visible(journal.problems.join('\n'))}\n`);
    process.exitCode = EXIT.failed;
  }
}

/**
 * The runbook a journal was run from, for step titles, in the language the report is asked
 * in: the original or its translation beside it, whichever the run showed; the report is
 * complete without it.
 */
async function runbookOf(records: JournalRecord[]): Promise<Runbook | undefined> {
  const first = records[0];
  if (first?.type !== 'run-started' || !existsSync(first.runbook.file)) return undefined;
  const [{ loadRunbookFiles }, { translationParts, translationPath, isTranslation }, { currentLanguage }] = await Promise.all([
    import('../../src/runbook/library.ts'),
    import('../../src/runbook/translations.ts'),
    import('../../src/i18n/language.ts'),
  ]);
  const shown = first.runbook.file;
  const original = isTranslation(shown) ? translationParts(shown)!.base : shown;
  const asked = translationPath(original, currentLanguage());
  const file = asked !== original && existsSync(asked) ? asked : original;
  const loaded = loadRunbookFiles([file]);
  return [...loaded.runbooks, ...loaded.translations.flatMap((t) => (t.runbook ? [t.runbook] : []))].find((r) => r.id === first.runbook.id);
}

/** A finished run's outcome in the operator's language (in English the journal's own word). */
const OUTCOME = { succeeded: 'run.status.succeeded', failed: 'run.status.failed', aborted: 'run.status.aborted', 'handed-off': 'run.status.handedOff' } as const;

export async function runsCommand(opts: { json?: boolean }): Promise<void> {
  const { listRuns } = await import('../../src/journal/list.ts');
  const runs = listRuns();
  if (opts.json) {
    for (const r of runs) process.stdout.write(`${safeJson(r)}\n`);
    return;
  }
  if (runs.length === 0) {
    process.stdout.write(`${t('cli.runs.none')}\n`);
    return;
  }
  const stateOf = (r: (typeof runs)[number]) =>
    r.status === 'damaged'
      ? t('cli.report.list.damaged')
      : r.status === 'unfinished'
        ? t('cli.report.list.unfinished')
        : r.outcome
          ? t(OUTCOME[r.outcome])
          : r.tornLast
            ? t('cli.report.list.finishedTorn')
            : t('cli.report.list.finished');
  // Columns line up in terminal cells (a Chinese word is two per character): ids differ in
  // length with their runbook, and a state may be longer than the usual 10.
  const idW = Math.max(...runs.map((r) => cells(r.runId)));
  const stateW = Math.max(10, ...runs.map((r) => cells(stateOf(r))));
  for (const r of runs) {
    const run = padCells(r.runId, idW);
    if (r.status === 'damaged') {
      process.stdout.write(visibleLine(`${run}  ${padCells(stateOf(r), stateW)}  ${r.damage}`) + '\n');
      continue;
    }
    const row = { run, state: padCells(stateOf(r), stateW), title: r.runbookTitle, cluster: r.cluster, operator: r.operator, at: r.lastRecordAt };
    process.stdout.write(visibleLine(t('cli.report.list.row', row)) + '\n');
  }
}
