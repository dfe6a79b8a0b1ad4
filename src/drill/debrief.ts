// The debrief of a drill: what the trainee did (runbook runs from the journal, steps, time
// per step), the wrong turns, and how the time compares. Pure: records in, debrief out.
import { mdCode, mdText } from '../util/markdown.ts';
import { t } from '../i18n/index.ts';
import type { JournalRecord } from '../journal/types.ts';
import { findScenario, runbookFit, type RunbookFit } from './scenarios.ts';
import type { Comparison, Debrief, DrillRecord, RunSummaryDebrief, StepSummary, WrongTurn } from './types.ts';

export type { Comparison, Debrief, RunSummaryDebrief, StepSummary, WrongTurn, WrongTurnKind } from './types.ts';

/** One run's journal, as the debrief needs it. */
export interface RunInput {
  runId: string;
  records: JournalRecord[];
}

export interface DebriefInput {
  drill: DrillRecord;
  endedAt: string;
  recovered: boolean;
  problems: string[];
  verified: string[];
  warnings?: string[];
  filesIntact: number;
  /** Journals of runs started during the drill (any cluster: a run elsewhere is a wrong turn). */
  runs: RunInput[];
  /** The practice cluster's name in run journals. */
  labCluster: string;
  /** Earlier drills (any scenario; finished ones count). */
  history: DrillRecord[];
  scriptedMs?: number;
}

const ms = (a: string, b: string) => Math.max(0, Date.parse(b) - Date.parse(a));

export function summarizeRun(run: RunInput, fitOf: (runbookId: string) => RunbookFit, labCluster: string): RunSummaryDebrief | undefined {
  const start = run.records.find((r) => r.type === 'run-started');
  if (!start || start.type !== 'run-started') return undefined;
  const last = run.records.at(-1)!;
  const finish = [...run.records].reverse().find((r) => r.type === 'run-finished');
  const steps = new Map<string, StepSummary & { first?: string; end?: string; lastOk: Map<string, boolean> }>();
  const step = (id: string) => {
    let s = steps.get(id);
    if (!s) {
      s = { stepId: id, kind: 'command', hosts: [], attempts: 0, wallMs: 0, lastOk: new Map() };
      steps.set(id, s);
    }
    return s;
  };
  let prevTs = start.ts;
  for (const r of run.records) {
    switch (r.type) {
      case 'step-started': {
        const s = step(r.stepId);
        s.first ??= r.ts;
        if (!s.hosts.includes(r.host)) s.hosts.push(r.host);
        if (r.phase === 'command') s.attempts = Math.max(s.attempts, r.attempt);
        break;
      }
      case 'step-finished': {
        const s = step(r.stepId);
        s.end = r.ts;
        s.lastOk.set(`${r.host}/${r.phase}`, r.ok);
        break;
      }
      case 'step-cancelled': {
        const s = step(r.stepId);
        s.end = r.ts;
        s.lastOk.set(`${r.host}/${r.phase}`, false);
        break;
      }
      case 'decided': {
        const s = step(r.stepId);
        s.kind = 'decision';
        s.choice = r.choice;
        s.first ??= prevTs;
        s.end = r.ts;
        break;
      }
      case 'acknowledged': {
        const s = step(r.stepId);
        s.kind = 'manual';
        s.first ??= prevTs;
        s.end = r.ts;
        break;
      }
      case 'step-skipped': {
        // A block skipped by its `when=` on one host is routine; a whole step skipped is shown.
        if (r.host === undefined && !steps.has(r.stepId)) {
          const s = step(r.stepId);
          s.kind = 'skipped';
          s.first = s.end = r.ts;
        }
        break;
      }
      default:
        break;
    }
    prevTs = r.ts;
  }
  const out: StepSummary[] = [...steps.values()].map(({ first, end, lastOk, ...s }) => ({
    ...s,
    attempts: Math.max(1, s.attempts),
    wallMs: first && end ? ms(first, end) : 0,
    ok: lastOk.size > 0 ? [...lastOk.values()].every(Boolean) : undefined,
  }));
  const cluster = start.inventory.cluster;
  return {
    runId: start.runId,
    runbookId: start.runbook.id,
    runbookTitle: start.runbook.title,
    cluster,
    fit: cluster === labCluster ? fitOf(start.runbook.id) : 'other-cluster',
    startedAt: start.ts,
    lastAt: last.ts,
    durationMs: ms(start.ts, last.ts),
    status: finish && finish.type === 'run-finished' ? finish.status : 'unfinished',
    steps: out,
  };
}

/** Wrong turns in the runs, in the order they happened. */
export function findWrongTurns(runs: RunInput[], summaries: RunSummaryDebrief[], scenarioTitle: string, recommended: string[]): WrongTurn[] {
  const turns: WrongTurn[] = [];
  // Changing steps (they needed a confirmation) that succeeded, by runbook/step: a later run doing them again is a re-run.
  const doneBefore = new Map<string, string>();
  runs.forEach((run, i) => {
    const sum = summaries[i];
    if (!sum) return;
    if (sum.fit === 'other-cluster') {
      turns.push({ kind: 'other-cluster', runId: sum.runId, detail: t('drill.turn.otherCluster', { runbook: sum.runbookId, cluster: String(sum.cluster) }) });
      return;
    }
    if (sum.fit === 'unfit') {
      turns.push({
        kind: 'unfit-runbook',
        runId: sum.runId,
        detail: t('drill.turn.unfit', { runbook: sum.runbookId, title: sum.runbookTitle, scenario: scenarioTitle, recommended: recommended.join(t('drill.turn.or')) }),
      });
    }
    const confirmed = new Set<string>();
    const reRun = new Set<string>();
    const outputs = new Map<string, string>();
    for (const r of run.records) {
      if (r.type === 'confirmed') confirmed.add(r.stepId);
      if (r.type === 'output') outputs.set(`${r.stepId}/${r.host}/${r.phase}`, (outputs.get(`${r.stepId}/${r.host}/${r.phase}`) ?? '') + r.data);
      if (r.type === 'step-started') {
        // The output of an earlier attempt is not this attempt's.
        if (r.attempt > 1) outputs.delete(`${r.stepId}/${r.host}/${r.phase}`);
        if (r.phase === 'command' && r.attempt > 1 && !reRun.has(r.stepId)) {
          reRun.add(r.stepId);
          turns.push({ kind: 're-run', runId: sum.runId, stepId: r.stepId, detail: t('drill.turn.attempt', { step: r.stepId, runbook: sum.runbookId, attempt: r.attempt, host: r.host }) });
        }
      }
      if (r.type === 'in-doubt-resolved' && r.action === 'rerun' && !reRun.has(r.stepId)) {
        reRun.add(r.stepId);
        turns.push({ kind: 're-run', runId: sum.runId, stepId: r.stepId, detail: t('drill.turn.inDoubt', { step: r.stepId, runbook: sum.runbookId, host: r.host }) });
      }
      if (r.type === 'preconditions' && r.outcome === 'refused') {
        const unmet = r.results
          .filter((x) => !x.met)
          .map((x) => `${x.name}: ${x.detail}`)
          .join('; ');
        turns.push({
          kind: 'refused-precondition',
          runId: sum.runId,
          stepId: r.stepId,
          detail: t('drill.turn.preconditionRefused', { step: r.stepId, runbook: sum.runbookId, unmet: unmet || t('drill.turn.preconditionUnmet') }),
        });
      }
      if (r.type === 'refused') {
        turns.push({
          kind: 'refused-confirmation',
          runId: sum.runId,
          stepId: r.stepId,
          detail: r.host ? t('drill.turn.confirmationRefusedOn', { step: r.stepId, host: r.host, reason: r.reason }) : t('drill.turn.confirmationRefused', { step: r.stepId, reason: r.reason }),
        });
      }
      if (r.type === 'step-finished' && !r.ok) {
        const text = outputs.get(`${r.stepId}/${r.host}/${r.phase}`) ?? '';
        const refusal = text.split('\n').find((l) => /\bREFUSED\b/.test(l));
        turns.push(
          refusal
            ? { kind: 'refused-precondition', runId: sum.runId, stepId: r.stepId, detail: t('drill.turn.refusedOn', { step: r.stepId, runbook: sum.runbookId, host: r.host, refusal: refusal.trim() }) }
            : {
                kind: 'failed-step',
                runId: sum.runId,
                stepId: r.stepId,
                detail: `${t('drill.turn.failed', { step: r.stepId, runbook: sum.runbookId, host: r.host, phase: r.phase, reason: r.reason ?? t('drill.turn.exit', { code: String(r.exitCode) }) })}${lastLine(text) ? ` — ${lastLine(text)}` : ''}`,
              },
        );
      }
    }
    for (const s of sum.steps) {
      const key = `${sum.runbookId}/${s.stepId}`;
      if (s.kind !== 'command' || !confirmed.has(s.stepId)) continue;
      const earlier = doneBefore.get(key);
      if (earlier && !reRun.has(s.stepId))
        turns.push({ kind: 're-run', runId: sum.runId, stepId: s.stepId, detail: t('drill.turn.ranAgain', { step: s.stepId, runbook: sum.runbookId, run: sum.runId, earlier }) });
      if (s.ok && !earlier) doneBefore.set(key, sum.runId);
    }
    if (sum.status === 'failed' || sum.status === 'aborted') {
      const fin = [...run.records].reverse().find((r) => r.type === 'run-finished');
      const reason = fin && fin.type === 'run-finished' ? fin.reason : undefined;
      const status = runStatusWord(sum.status);
      turns.push({
        kind: 'failed-run',
        runId: sum.runId,
        detail: reason ? t('drill.turn.runEndedReason', { runbook: sum.runbookId, status, reason }) : t('drill.turn.runEnded', { runbook: sum.runbookId, status }),
      });
    }
  });
  return turns;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim().slice(0, 160) ?? '';
}

export function compare(drill: DrillRecord, history: DrillRecord[], scriptedMs?: number): Comparison {
  const earlier = history.filter((d) => d.id !== drill.id && d.scenario === drill.scenario && d.outcome === 'recovered' && !d.scripted && d.recoveryMs !== undefined && d.startedAt < drill.startedAt);
  const times = earlier.map((d) => d.recoveryMs!);
  const sorted = [...earlier].sort((a, b) => (a.startedAt < b.startedAt ? -1 : 1));
  return {
    earlier: earlier.length,
    bestMs: times.length ? Math.min(...times) : undefined,
    lastMs: sorted.at(-1)?.recoveryMs,
    averageMs: times.length ? Math.round(times.reduce((a, b) => a + b, 0) / times.length) : undefined,
    scriptedMs,
  };
}

export function buildDebrief(input: DebriefInput): Debrief {
  const { drill } = input;
  const scenario = findScenario(drill.scenario);
  const title = scenario?.title ?? drill.scenario;
  const recommended = scenario?.fits ?? [];
  const triaged = (drill.triage?.findings ?? []).flatMap((f) => (f.runbook ? [f.runbook] : []));
  const fitOf = (id: string): RunbookFit => (scenario ? runbookFit(scenario, id, triaged) : 'neutral');
  const runs = [...input.runs].sort((a, b) => ((a.records[0]?.ts ?? '') < (b.records[0]?.ts ?? '') ? -1 : 1));
  const summaries = runs.map((r) => summarizeRun(r, fitOf, input.labCluster));
  const kept = summaries.filter((s): s is RunSummaryDebrief => s !== undefined);
  return {
    drillId: drill.id,
    scenario: drill.scenario,
    scenarioTitle: title,
    surprise: drill.surprise,
    scripted: drill.scripted,
    host: drill.host,
    startedAt: drill.startedAt,
    brokeAt: drill.brokeAt,
    endedAt: input.endedAt,
    recovered: input.recovered,
    recoveryMs: input.recovered && drill.brokeAt ? ms(drill.brokeAt, input.endedAt) : undefined,
    problems: input.problems,
    verified: input.verified,
    warnings: input.warnings ?? [],
    files: { total: drill.files.length, intact: input.filesIntact },
    recommended,
    triage: drill.triage,
    runs: kept,
    wrongTurns: findWrongTurns(runs, summaries as RunSummaryDebrief[], title, recommended),
    comparison: compare(drill, input.history, input.scriptedMs),
  };
}

/** What a trainee may see of a surprise drill before it is recovered: not the fault, its host, nor which runbooks fit. */
export function redactSurprise(d: Debrief): Debrief {
  if (!d.surprise || d.recovered) return d;
  return {
    ...d,
    hidden: true,
    scenario: 'surprise',
    scenarioTitle: t('drill.surpriseTitle'),
    host: undefined,
    recommended: [],
    triage: undefined,
    wrongTurns: d.wrongTurns.filter((w) => w.kind !== 'unfit-runbook'),
  };
}

/** How a run ended, in the operator's language (the journal's word when it is not one of these). */
function runStatusWord(status: string): string {
  const words: Record<string, string> = {
    succeeded: t('run.status.succeeded'),
    failed: t('run.status.failed'),
    aborted: t('run.status.aborted'),
    'handed-off': t('run.status.handedOff'),
    unfinished: t('drill.status.unfinished'),
  };
  return words[status] ?? status;
}

function stepKindWord(kind: 'command' | 'decision' | 'manual' | 'skipped'): string {
  return { command: t('drill.md.kind.command'), decision: t('drill.md.kind.decision'), manual: t('drill.md.kind.manual'), skipped: t('drill.md.kind.skipped') }[kind];
}

/** 12.3 s, 2 min 05 s; - when unknown. */
export function durationWithUnits(msValue: number | undefined): string {
  if (msValue === undefined) return '-';
  const s = msValue / 1000;
  if (s < 60) return t('drill.duration.seconds', { s: s.toFixed(1) });
  const m = Math.floor(s / 60);
  return t('drill.duration.minutes', { m, s: (s - m * 60).toFixed(0).padStart(2, '0') });
}

function delta(a: number, b: number): string {
  const d = a - b;
  return `${d > 0 ? '+' : d < 0 ? '-' : '±'}${durationWithUnits(Math.abs(d))}`;
}

/** Lines comparing this time with earlier drills and the scripted recovery. */
export function comparisonLines(d: Debrief): string[] {
  const c = d.comparison;
  const lines: string[] = [];
  if (d.recoveryMs === undefined) return lines;
  if (d.scripted) lines.push(t('drill.debrief.wasScripted'));
  else if (c.scriptedMs !== undefined) lines.push(t('drill.debrief.scripted', { time: durationWithUnits(c.scriptedMs), delta: delta(d.recoveryMs, c.scriptedMs) }));
  else lines.push(t('drill.debrief.noScripted', { scenario: d.scenario }));
  if (c.earlier === 0) lines.push(t('drill.debrief.first', { scenario: d.scenario }));
  else
    lines.push(
      t('drill.debrief.earlier', {
        count: c.earlier,
        scenario: d.scenario,
        best: durationWithUnits(c.bestMs),
        bestDelta: delta(d.recoveryMs, c.bestMs!),
        last: durationWithUnits(c.lastMs),
        lastDelta: delta(d.recoveryMs, c.lastMs!),
        average: durationWithUnits(c.averageMs),
      }),
    );
  return lines;
}

function fitWord(fit: RunSummaryDebrief['fit']): string {
  switch (fit) {
    case 'fits':
      return t('drill.debrief.fit.fits');
    case 'neutral':
      return t('drill.debrief.fit.neutral');
    case 'unfit':
      return t('drill.debrief.fit.unfit');
    case 'other-cluster':
      return t('drill.debrief.fit.otherCluster');
  }
}

/** ` (surprise)`, ` (scripted recovery)`: what kind of drill it was. */
const drillKind = (d: Debrief) => `${d.surprise ? t('drill.debrief.surprise') : ''}${d.scripted ? t('drill.debrief.scriptedKind') : ''}`;

/** The debrief for the terminal. */
export function renderDebriefText(d: Debrief): string {
  const L: string[] = [];
  L.push(`${t('drill.debrief.drill', { id: d.drillId, title: d.scenarioTitle })}${drillKind(d)}`);
  if (d.recovered) {
    const fault = d.host ? t('drill.debrief.faultAtOn', { at: d.brokeAt ?? '?', host: d.host }) : t('drill.debrief.faultAt', { at: d.brokeAt ?? '?' });
    L.push(t('drill.debrief.recovered', { time: durationWithUnits(d.recoveryMs), fault, verified: d.endedAt }));
  } else {
    L.push(t('drill.debrief.notRecovered', { at: d.endedAt }));
    for (const p of d.problems) L.push(`  ✘ ${p}`);
  }
  for (const v of d.verified) L.push(`  ✔ ${v}`);
  for (const w of d.warnings) L.push(`  ⚠ ${w}`);
  L.push(t('drill.debrief.files', { intact: d.files.intact, total: d.files.total }));
  const tri = triageSummary(d);
  if (tri) L.push(t('drill.debrief.triage', { summary: tri }));
  L.push('');
  if (d.runs.length === 0) L.push(t('drill.debrief.runsNone'));
  else {
    L.push(t('drill.debrief.runs', { count: d.runs.length }));
    for (const r of d.runs) {
      L.push(
        `  ${r.runId}  ${r.runbookId} [${d.hidden && r.fit !== 'other-cluster' ? t('drill.debrief.fitHidden') : fitWord(r.fit)}] ${t('drill.debrief.runStatus', { status: runStatusWord(r.status), time: durationWithUnits(r.durationMs) })}`,
      );
      for (const s of r.steps) L.push(`    ${stepLine(s)}`);
    }
  }
  L.push('');
  if (d.wrongTurns.length === 0) L.push(t('drill.debrief.wrongTurnsNone'));
  else {
    L.push(t('drill.debrief.wrongTurns', { count: d.wrongTurns.length }));
    for (const w of d.wrongTurns) L.push(`  - ${w.detail}`);
  }
  const cmp = comparisonLines(d);
  if (cmp.length > 0) {
    L.push('');
    L.push(t('drill.debrief.compared'));
    for (const c of cmp) L.push(`  ${c}`);
  }
  return L.join('\n') + '\n';
}

/** What triage said at the fault (finding codes and runbooks, the same in every language). */
function triageSummary(d: Debrief): string | undefined {
  if (!d.triage) return undefined;
  if (d.triage.error) return t('drill.debrief.triageNotTaken', { error: d.triage.error });
  if (d.triage.findings.length === 0) return t('drill.debrief.triageNothing');
  return d.triage.findings.map((f) => `${f.code}${f.runbook ? ` → ${f.runbook}` : ''}`).join(', ');
}

function stepLine(s: StepSummary): string {
  const mark = s.kind === 'decision' ? '?' : s.kind === 'skipped' ? '-' : s.ok === false ? '✘' : '✔';
  const what =
    s.kind === 'decision'
      ? ` → ${s.choice}`
      : s.kind === 'manual'
        ? t('drill.debrief.acknowledged')
        : s.kind === 'skipped'
          ? t('drill.debrief.skipped')
          : s.hosts.length
            ? t('drill.debrief.onHosts', { hosts: s.hosts.join(',') })
            : '';
  return `${mark} ${s.stepId}${what}${s.attempts > 1 ? ` ×${s.attempts}` : ''}  ${durationWithUnits(s.wallMs)}`;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
// Values from hosts, runbook files, journals and the operator go through mdText/mdCode
// (util/markdown.ts): they can never add a heading, list item, table row or line of their own.

/** The debrief as a markdown document (`drill --report`). */
export function renderDebriefMarkdown(d: Debrief): string {
  const L: string[] = [];
  L.push(`# ${t('drill.md.heading', { title: mdText(d.scenarioTitle) })}`, '');
  L.push('| | |', '| --- | --- |');
  L.push(`| ${t('drill.md.drill')} | ${mdCell(mdCode(d.drillId))}${drillKind(d)} |`);
  L.push(`| ${t('drill.md.scenario')} | ${mdCell(mdCode(d.scenario))}${d.host ? mdCell(t('drill.debrief.onHosts', { hosts: mdText(d.host) })) : ''} |`);
  L.push(`| ${t('drill.md.faultAt')} | ${d.brokeAt !== undefined ? mdCell(mdText(d.brokeAt)) : '-'} |`);
  L.push(`| ${t('drill.md.checkedAt')} | ${mdCell(mdText(d.endedAt))} |`);
  L.push(`| ${t('drill.md.result')} | ${d.recovered ? `**${t('drill.md.recoveredIn', { time: durationWithUnits(d.recoveryMs) })}**` : `**${t('drill.md.notRecovered')}**`} |`);
  L.push(`| ${t('drill.md.files')} | ${t('drill.md.filesIntact', { intact: d.files.intact, total: d.files.total })} |`);
  L.push(`| ${t('drill.md.fitting')} | ${d.recommended.map((r) => mdCell(mdCode(r))).join(', ') || '-'} |`);
  const tri = triageSummary(d);
  if (tri) L.push(`| ${t('drill.md.triage')} | ${mdCell(mdText(tri))} |`);
  L.push('');
  if (!d.recovered) {
    L.push(`## ${t('drill.md.stillWrong')}`, '');
    for (const p of d.problems) L.push(`- ${mdText(p)}`);
    L.push('');
  }
  if (d.verified.length > 0) {
    L.push(`## ${t('drill.md.verified')}`, '');
    for (const v of d.verified) L.push(`- ${mdText(v)}`);
    L.push('');
  }
  if (d.warnings.length > 0) {
    L.push(`## ${t('drill.md.worthFixing')}`, '');
    for (const w of d.warnings) L.push(`- ${mdText(w)}`);
    L.push('');
  }
  L.push(`## ${t('drill.md.runs')}`, '');
  if (d.runs.length === 0) L.push(t('drill.md.none'), '');
  for (const r of d.runs) {
    L.push(`### ${mdCode(r.runbookId)}: ${mdText(r.runbookTitle)}`, '');
    const fit = d.hidden && r.fit !== 'other-cluster' ? t('drill.debrief.fitHidden') : fitWord(r.fit).toLowerCase();
    L.push(t('drill.md.run', { run: mdCode(r.runId), fit, status: mdText(runStatusWord(r.status)), time: durationWithUnits(r.durationMs), started: mdText(r.startedAt) }), '');
    L.push(t('drill.md.stepTable'), '| --- | --- | --- | --- | --- | --- |');
    for (const s of r.steps) {
      const result =
        s.kind === 'decision'
          ? t('drill.md.chose', { choice: mdText(String(s.choice)) })
          : s.kind === 'skipped'
            ? t('drill.md.skipped')
            : s.kind === 'manual'
              ? t('drill.md.acknowledged')
              : s.ok === false
                ? t('drill.md.failed')
                : s.ok
                  ? t('drill.md.ok')
                  : '-';
      L.push(`| ${mdCell(mdCode(s.stepId))} | ${stepKindWord(s.kind)} | ${mdCell(s.hosts.map(mdText).join(', ')) || '-'} | ${s.attempts} | ${durationWithUnits(s.wallMs)} | ${mdCell(result)} |`);
    }
    L.push('');
  }
  L.push(`## ${t('drill.md.wrongTurns')}`, '');
  if (d.wrongTurns.length === 0) L.push(t('drill.md.none'));
  for (const w of d.wrongTurns) L.push(`- ${t('drill.md.wrongTurn', { detail: mdText(w.detail), run: mdCode(w.runId) })}`);
  L.push('');
  const cmp = comparisonLines(d);
  if (cmp.length > 0) {
    L.push(`## ${t('drill.md.compared')}`, '');
    for (const c of cmp) L.push(`- ${c}`);
    L.push('');
  }
  return L.join('\n');
}
