// `mfs-tui drill ...`: training drills on the practice cluster. Thin: parsing and printing;
// the drill itself is in src/drill/ (imported when a drill command runs).
import { wrappedHelp } from './commander-text.ts';
import { t } from '../../src/i18n/index.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { EXIT, UserError } from './errors.ts';
import type { GlobalOptions } from './options.ts';
import { writePrivateFile } from '../../src/state/paths.ts';
import { cells, padCells, padCellsStart } from '../../src/util/cells.ts';

const say = (line: string) => process.stdout.write(line + '\n');

/** Drills run on the practice cluster only: any other inventory is refused. */
async function practiceOnly(g: GlobalOptions): Promise<void> {
  if (process.platform !== 'linux') throw new UserError(t('cli.drill.error.linuxOnly'));
  const { labInventoryPath } = await import('../../src/lab/paths.ts');
  if (g.inventory && path.resolve(g.inventory) !== labInventoryPath()) {
    throw new UserError(t('cli.drill.error.practiceOnly', { inventory: g.inventory, lab: labInventoryPath() }));
  }
  if (!fs.existsSync(labInventoryPath())) throw new UserError(t('cli.drill.error.labNotUp'));
  // Its triage and scripted recovery run unattended: on a lab built --as ops they would need
  // ops' sudo password, which a drill does not ask for.
  const { readState } = await import('../../src/lab/state.ts');
  if (readState()?.operator === 'ops') throw new UserError(t('cli.drill.error.opsLab'));
}

/** Drill and lab errors are the operator's: one message, no stack. */
async function operatorErrors<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === 'DrillError' || name === 'LabError') throw new UserError((err as Error).message, EXIT.failed);
    throw err;
  }
}

interface DrillOpts {
  surprise?: boolean;
  scripted?: boolean;
  history?: boolean;
  report?: string | boolean;
  list?: boolean;
  wait?: string;
}

export function registerDrillCommand(program: Command): void {
  const drill = program
    .command('drill')
    .description(t('cli.drill.description'))
    .argument('[scenario]', t('cli.drill.arg.scenario'))
    .option('--surprise', t('cli.drill.option.surprise'))
    .option('--scripted', t('cli.drill.option.scripted'))
    .option('--history', t('cli.drill.option.history'))
    .option('--report [file]', t('cli.drill.option.report'))
    .option('--list', t('cli.drill.option.list'))
    .addHelpText('after', wrappedHelp(t('cli.drill.helpAfter')))
    .action(async (scenario: string | undefined, opts: DrillOpts, cmd: Command) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      if (opts.list) return listScenarios();
      if (opts.history) return printHistory();
      if (opts.report !== undefined && !scenario) return writeLastReport(typeof opts.report === 'string' ? opts.report : undefined);
      await practiceOnly(g);
      if (!scenario && !opts.surprise) return printUnderWay();
      return operatorErrors(() => start(scenario, opts, g));
    });

  drill
    .command('check')
    .description(t('cli.drill.check.description'))
    .option('--wait <seconds>', t('cli.drill.check.option.wait'))
    .option('--report <file>', t('cli.drill.check.option.report'))
    .option('--json', t('cli.drill.check.option.json'))
    .action(async (opts: { wait?: string; report?: string; json?: boolean }, cmd: Command) => {
      await practiceOnly(cmd.optsWithGlobals() as GlobalOptions);
      const waitS = opts.wait === undefined ? 0 : Number(opts.wait);
      if (!Number.isFinite(waitS) || waitS < 0) throw new UserError(t('cli.drill.error.badWait', { value: opts.wait ?? '' }));
      // commander hands `--report FILE` after `check` to drill's own --report (options are not positional).
      const parentReport = cmd.parent?.opts().report as string | boolean | undefined;
      const report = opts.report ?? (typeof parentReport === 'string' ? parentReport : undefined);
      if (parentReport === true && !opts.report) throw new UserError(t('cli.drill.error.reportNeedsFile'));
      await operatorErrors(() => check(waitS, report, !!opts.json));
    });

  drill
    .command('list')
    .description(t('cli.drill.list.description'))
    .action(() => printHistory());

  drill
    .command('abandon')
    .description(t('cli.drill.abandon.description'))
    .action(async () => {
      const { abandonDrill } = await import('../../src/drill/drill.ts');
      const d = await operatorErrors(async () => abandonDrill());
      say(t('cli.drill.abandoned', { id: d.id, scenario: d.scenario }));
    });
}

async function listScenarios(): Promise<void> {
  const { DRILL_SCENARIOS, NOT_DRILLABLE } = await import('../../src/drill/scenarios.ts');
  say(t('cli.drill.list.drills'));
  for (const s of DRILL_SCENARIOS) say(`  ${padCells(s.id, 21)} ${s.title}  [${t('cli.drill.list.runbooks', { runbooks: s.fits.join(', ') })}]`);
  say(t('cli.drill.list.notOffered'));
  for (const n of NOT_DRILLABLE) say(`  ${padCells(n.scenario, 21)} ${n.reason}`);
}

async function start(scenario: string | undefined, opts: DrillOpts, g: GlobalOptions): Promise<void> {
  const d = await import('../../src/drill/drill.ts');
  const drill = await d.startDrill({ scenario, surprise: opts.surprise, scripted: opts.scripted, triageAtFault: () => triageLab(g) }, say);
  if (!opts.scripted) return;
  say('');
  say(t('cli.drill.scripted'));
  const rec = await d.scriptedRecovery(drill, say);
  say(
    `$ mfs-tui --lab run ${rec.runbook} --yes ${Object.entries(rec.inputs)
      .map(([k, v]) => `--input ${k}=${v}`)
      .join(' ')} ${Object.entries(rec.decide)
      .map(([k, v]) => `--decide ${k}=${v}`)
      .join(' ')}`,
  );
  const code = await d.runRunbookChild(rec);
  if (code !== 0) say(t('cli.drill.runEnded', { code }));
  await check(180, typeof opts.report === 'string' ? opts.report : undefined, false);
}

/** `mfs-tui triage` of the practice cluster, for the debrief: which runbooks it recommended right after the fault. */
async function triageLab(g: GlobalOptions): Promise<import('../../src/drill/types.ts').TriageAtFault> {
  const [{ takeSnapshot, loadTriageLibrary }, { triage }] = await Promise.all([import('./triage.ts'), import('../../src/triage/index.ts')]);
  const lab: GlobalOptions = { ...g, lab: true, inventory: undefined };
  const report = triage(await takeSnapshot(lab), await loadTriageLibrary(lab));
  return {
    at: new Date(report.at).toISOString(),
    findings: report.findings.map((f) => ({ code: f.code, title: f.title, runbook: f.recommendation.kind === 'runbook' ? f.recommendation.runbook : undefined })),
  };
}

async function check(waitS: number, reportFile: string | undefined, json: boolean): Promise<void> {
  const { checkDrill } = await import('../../src/drill/drill.ts');
  const { renderDebriefText, renderDebriefMarkdown, redactSurprise } = await import('../../src/drill/debrief.ts');
  const r = await checkDrill({ waitS }, json ? () => {} : say);
  const debrief = redactSurprise(r.debrief);
  if (json) say(JSON.stringify({ drill: r.drill.id, healthy: r.verdict.healthy, problems: r.verdict.problems, verified: r.verdict.verified, debrief }));
  else {
    if (!r.verdict.healthy) say(t('cli.drill.notRecovered', { id: r.drill.id }));
    process.stdout.write(renderDebriefText(debrief));
  }
  if (reportFile) writePrivate(reportFile, renderDebriefMarkdown(debrief));
  if (!r.verdict.healthy) process.exitCode = EXIT.failed;
}

function writePrivate(file: string, text: string): void {
  writePrivateFile(file, text);
  say(t('cli.drill.debriefWritten', { file }));
}

async function printUnderWay(): Promise<void> {
  const { activeDrill } = await import('../../src/drill/store.ts');
  const { runsBetween } = await import('../../src/drill/drill.ts');
  const { findScenario, DRILL_SCENARIOS } = await import('../../src/drill/scenarios.ts');
  const { durationWithUnits } = await import('../../src/drill/debrief.ts');
  const d = activeDrill();
  if (!d) {
    say(t('cli.drill.noneUnderWay', { scenarios: DRILL_SCENARIOS.map((s) => s.id).join('|') }));
    return;
  }
  const now = new Date().toISOString();
  say(t('cli.drill.underWay', { id: d.id, what: d.surprise ? t('cli.drill.surprise') : (findScenario(d.scenario)?.title ?? d.scenario) }));
  if (!d.brokeAt) {
    say(t('cli.drill.neverBroken'));
    return;
  }
  say(t('cli.drill.clock', { duration: durationWithUnits(Date.parse(now) - Date.parse(d.brokeAt)), at: d.brokeAt }));
  const last = d.checks.at(-1);
  if (last) say(last.healthy ? t('cli.drill.lastCheckHealthy', { at: last.at }) : t('cli.drill.lastCheckNot', { at: last.at, problems: last.problems.join('; ') }));
  const runs = runsBetween(d.startedAt, now);
  for (const r of runs) {
    const start = r.records[0];
    const fin = [...r.records].reverse().find((x) => x.type === 'run-finished');
    const id = start?.type === 'run-started' ? start.runbook.id : '?';
    say(`  ${fin && fin.type === 'run-finished' ? t('cli.drill.run', { run: r.runId, runbook: id, status: fin.status }) : t('cli.drill.runUnfinished', { run: r.runId, runbook: id })}`);
  }
  if (runs.length === 0) say(t('cli.drill.noRunYet'));
  say(t('cli.drill.whenRecovered'));
}

async function printHistory(): Promise<void> {
  const { drillHistory, activeDrill } = await import('../../src/drill/store.ts');
  const { durationWithUnits } = await import('../../src/drill/debrief.ts');
  const all = drillHistory();
  const active = activeDrill();
  if (all.length === 0 && !active) {
    say(t('cli.drill.noDrills'));
    return;
  }
  // Columns as wide as their header in the operator's language (a Chinese header is two cells a character).
  const head = { runs: t('cli.drill.history.runs'), wrong: t('cli.drill.history.wrongTurns') };
  const runsW = Math.max(4, cells(head.runs));
  const wrongW = cells(head.wrong);
  const outcomeW = Math.max(10, cells(t('cli.drill.history.outcome')), cells(t('cli.drill.outcome.recovered')), cells(t('cli.drill.outcome.abandoned')));
  const outcomeWord = (o: string | undefined) => (o === 'recovered' ? t('cli.drill.outcome.recovered') : o === 'abandoned' ? t('cli.drill.outcome.abandoned') : (o ?? '-'));
  say(
    `${padCells(t('cli.drill.history.drill'), 30)} ${padCells(t('cli.drill.history.scenario'), 16)} ${padCells(t('cli.drill.history.outcome'), outcomeW)} ${padCells(t('cli.drill.history.recovery'), 12)} ${padCells(head.runs, runsW)}  ${head.wrong}`,
  );
  for (const d of all) {
    const runs = d.debrief?.runs.length ?? 0;
    const wrong = d.debrief?.wrongTurns.length ?? 0;
    say(
      `${padCells(d.id, 30)} ${padCells(d.scenario, 16)} ${padCells(outcomeWord(d.outcome), outcomeW)} ${padCells(durationWithUnits(d.recoveryMs), 12)} ${padCellsStart(String(runs), runsW)}  ${padCellsStart(String(wrong), wrongW)}${d.surprise ? `  ${t('cli.drill.history.surprise')}` : ''}${d.scripted ? `  ${t('cli.drill.history.scripted')}` : ''}`,
    );
  }
  if (active) say(`${padCells(active.id, 30)} ${padCells(active.surprise ? '?' : active.scenario, 16)} ${t('cli.drill.history.underWay')}`);
}

async function writeLastReport(file: string | undefined): Promise<void> {
  const { drillHistory } = await import('../../src/drill/store.ts');
  const { renderDebriefMarkdown } = await import('../../src/drill/debrief.ts');
  const last = [...drillHistory()].reverse().find((d) => d.debrief);
  if (!last?.debrief) throw new UserError(t('cli.drill.error.noDebrief'));
  const md = renderDebriefMarkdown(last.debrief);
  if (file) writePrivate(file, md);
  else process.stdout.write(md);
}
