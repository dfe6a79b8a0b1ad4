// The run's state as a pure fold over its journal: reduce(state, record) for each record
// in order. Resuming after a crash is replaying the file, so nothing the process knew
// lives anywhere but in the journal. No I/O here.
import type { JournalRecord } from '../journal/types.ts';
import type { Runbook } from '../runbook/types.ts';
import type { HostRunState, RunState, StepState } from './types.ts';
import { t } from '../i18n/index.ts';

/** Lines of output kept per host in the state; the journal keeps all of it. */
export const OUTPUT_LINES = 200;
/** And at most this many characters of them (a command may print one endless line). */
export const OUTPUT_CHARS = 64 * 1024;

type RecordOf<T extends JournalRecord['type']> = Extract<JournalRecord, { type: T }>;

/** The state before run-started: every step pending. */
export function initialState(runbook: Runbook): RunState {
  return {
    runId: '',
    runbookId: runbook.id,
    steps: runbook.steps.map((s) => freshStep(s.id)),
    cursor: 0,
    status: 'running',
    changedSteps: [],
    startedAt: '',
  };
}

function freshStep(id: string): StepState {
  return { id, status: 'pending', hosts: [] };
}

function freshHost(host: string): HostRunState {
  return { host, status: 'pending', phase: 'command', output: '', attempts: 0 };
}

/** The last `max` lines of `text` (a trailing partial line counts as one). */
export function keepOutputTail(text: string, max: number = OUTPUT_LINES): string {
  if (text.length > OUTPUT_CHARS) text = text.slice(-OUTPUT_CHARS);
  let count = 0;
  // Walk back over newlines; the one that ends the text does not start a new line.
  for (let i = text.length - 2; i >= 0; i--) {
    if (text.charCodeAt(i) === 10 && ++count >= max) return text.slice(i + 1);
  }
  return text;
}

const indexCache = new WeakMap<Runbook, Map<string, number>>();

function stepIndex(runbook: Runbook, stepId: string): number {
  let m = indexCache.get(runbook);
  if (!m) {
    m = new Map(runbook.steps.map((s, i) => [s.id, i]));
    indexCache.set(runbook, m);
  }
  return m.get(stepId) ?? -1;
}

function withStep(state: RunState, i: number, step: StepState): RunState {
  const steps = state.steps.slice();
  steps[i] = step;
  return { ...state, steps };
}

function withHost(step: StepState, host: string, update: (h: HostRunState) => HostRunState): StepState {
  const at = step.hosts.findIndex((h) => h.host === host);
  const hosts = step.hosts.slice();
  if (at === -1) hosts.push(update(freshHost(host)));
  else hosts[at] = update(hosts[at]!);
  return { ...step, hosts };
}

const hostDone = (h: HostRunState): boolean => h.status === 'succeeded' || h.status === 'skipped';

/** A host whose command succeeded and whose check has not run yet. */
export function awaitingCheck(h: HostRunState): boolean {
  return h.status === 'running' && h.phase === 'check' && h.check === undefined;
}

/**
 * When every target host of the step is done, the step is done and the cursor moves on
 * past it (only if the cursor is on it: a replayed record never moves the run backwards).
 */
function settleStep(state: RunState, i: number, ts: string): RunState {
  const step = state.steps[i]!;
  if (!step.targets || step.status === 'succeeded' || step.status === 'skipped') return state;
  const byName = new Map(step.hosts.map((h) => [h.host, h]));
  const all = step.targets.map((t) => byName.get(t));
  if (!all.every((h) => h !== undefined && hostDone(h))) return state;
  const status = all.every((h) => h!.status === 'skipped') ? 'skipped' : 'succeeded';
  const next = withStep(state, i, { ...step, status, finishedAt: ts });
  return state.cursor === i ? { ...next, cursor: i + 1 } : next;
}

/** A step's new state after one of its hosts changed: running while any host is. */
function stepStatusFromHosts(step: StepState): StepState['status'] {
  if (step.hosts.some((h) => h.status === 'in-doubt')) return 'in-doubt';
  if (step.hosts.some((h) => h.status === 'failed')) return 'failed';
  if (step.hosts.some((h) => h.status === 'cancelled')) return 'cancelled';
  return 'running';
}

function onStepStarted(state: RunState, i: number, rec: RecordOf<'step-started'>): RunState {
  let step = state.steps[i]!;
  if (step.status === 'succeeded' || step.status === 'skipped') {
    // A finished step starts again (a goto loop came back to it): a new pass.
    step = freshStep(step.id);
  }
  if (rec.targets) {
    step = { ...step, targets: rec.targets };
    for (const t of rec.targets) if (!step.hosts.some((h) => h.host === t)) step = withHost(step, t, (h) => h);
  }
  step = withHost(step, rec.host, (h) =>
    rec.phase === 'command'
      ? {
          ...h,
          status: 'running',
          phase: 'command',
          command: rec.command,
          exitCode: undefined,
          durationMs: undefined,
          reason: undefined,
          output: '',
          check: undefined,
          attempts: rec.attempt,
          startedAt: rec.ts,
          finishedAt: undefined,
          hasCheck: rec.hasCheck,
          job: undefined,
          jobState: undefined,
        }
      : { ...h, status: 'running', phase: 'check', reason: undefined, check: { ok: false, exitCode: null, output: '' }, finishedAt: undefined, job: undefined, jobState: undefined },
  );
  step = { ...step, status: 'running', startedAt: step.startedAt ?? rec.ts, finishedAt: undefined, reason: undefined };
  return withStep({ ...state, cursor: state.cursor }, i, step);
}

function onOutput(state: RunState, i: number, rec: RecordOf<'output'>): RunState {
  const step = withHost(state.steps[i]!, rec.host, (h) => {
    const next = rec.phase === 'check' && h.check ? { ...h, check: { ...h.check, output: keepOutputTail(h.check.output + rec.data) } } : { ...h, output: keepOutputTail(h.output + rec.data) };
    // How far into the job's output files the journal is (where a resume reads on).
    if (h.job && h.job.phase === rec.phase) {
      const bytes = Buffer.byteLength(rec.data);
      next.job = rec.stream === 'stdout' ? { ...h.job, stdoutBytes: h.job.stdoutBytes + bytes } : { ...h.job, stderrBytes: h.job.stderrBytes + bytes };
    }
    return next;
  });
  return withStep(state, i, step);
}

function onJobStarted(state: RunState, i: number, rec: RecordOf<'job-started'>): RunState {
  const step = withHost(state.steps[i]!, rec.host, (h) => ({ ...h, job: { info: rec.job, phase: rec.phase, stdoutBytes: 0, stderrBytes: 0 }, jobState: undefined }));
  return withStep(state, i, step);
}

/** The connection dropped while the command ran: in doubt (the run stays resumable), not failed. */
function onConnectionLost(state: RunState, i: number, rec: RecordOf<'connection-lost'>): RunState {
  let step = withHost(state.steps[i]!, rec.host, (h) => ({ ...h, status: 'in-doubt', reason: rec.reason }));
  step = { ...step, status: stepStatusFromHosts(step), reason: rec.reason };
  return withStep(state, i, step);
}

function onJobChecked(state: RunState, i: number, rec: RecordOf<'job-checked'>): RunState {
  const step = withHost(state.steps[i]!, rec.host, (h) => ({ ...h, jobState: { state: rec.state, exitCode: rec.exitCode, detail: rec.detail } }));
  return withStep(state, i, step);
}

function onStepFinished(state: RunState, i: number, rec: RecordOf<'step-finished'>): RunState {
  let step = withHost(state.steps[i]!, rec.host, (h) => {
    if (rec.phase === 'check') {
      const check = { ok: rec.ok, exitCode: rec.exitCode, output: h.check?.output ?? '', reason: rec.reason };
      return { ...h, check, status: rec.ok ? 'succeeded' : 'failed', reason: rec.ok ? undefined : t('engine.checkFailed', { reason: rec.reason ?? t('engine.notOk') }), finishedAt: rec.ts };
    }
    const base = { ...h, exitCode: rec.exitCode, durationMs: rec.durationMs, reason: rec.reason };
    if (!rec.ok) return { ...base, status: 'failed', finishedAt: rec.ts };
    // The check runs next: the host stays running in the check phase until it has.
    if (h.hasCheck) return { ...base, status: 'running', phase: 'check', check: undefined };
    return { ...base, status: 'succeeded', finishedAt: rec.ts };
  });
  step = { ...step, status: stepStatusFromHosts(step), reason: rec.ok ? undefined : rec.reason };
  return settleStep(withStep(state, i, step), i, rec.ts);
}

function onStepCancelled(state: RunState, i: number, rec: RecordOf<'step-cancelled'>): RunState {
  const reason = rec.reason === 'timeout' ? t('engine.timedOutAfter', { seconds: Math.round(rec.durationMs / 1000) }) : t('engine.cancelledByOperator');
  let step = withHost(state.steps[i]!, rec.host, (h) =>
    rec.phase === 'check'
      ? { ...h, status: 'cancelled', reason: `check ${reason}`, check: { ok: false, exitCode: null, output: h.check?.output ?? '', reason }, finishedAt: rec.ts }
      : { ...h, status: 'cancelled', reason, exitCode: null, durationMs: rec.durationMs, finishedAt: rec.ts },
  );
  step = { ...step, status: 'cancelled', reason };
  return withStep(state, i, step);
}

function onStepSkipped(state: RunState, i: number, rec: RecordOf<'step-skipped'>): RunState {
  if (rec.host !== undefined) {
    const step = withHost(state.steps[i]!, rec.host, (h) => ({ ...h, status: 'skipped', reason: rec.reason, finishedAt: rec.ts }));
    return settleStep(withStep(state, i, step), i, rec.ts);
  }
  // The whole step: hosts not started are skipped with it; a failure stays on record.
  const old = state.steps[i]!;
  const keep = (h: HostRunState): boolean => hostDone(h) || h.status === 'failed' || h.status === 'cancelled';
  const step: StepState = {
    ...old,
    status: 'skipped',
    reason: rec.reason,
    finishedAt: rec.ts,
    hosts: old.hosts.map((h) => (keep(h) ? h : { ...h, status: 'skipped', reason: rec.reason })),
  };
  const next = withStep(state, i, step);
  return state.cursor === i ? { ...next, cursor: i + 1 } : next;
}

function onPreconditions(state: RunState, i: number, rec: RecordOf<'preconditions'>): RunState {
  const old = state.steps[i]!;
  const finished = old.status === 'succeeded' || old.status === 'skipped';
  // A finished step checked again under the cursor is a new pass (a goto loop came back to
  // it); one the run has moved past stays finished (a replayed record never moves it back).
  if (finished && state.cursor !== i) return state;
  const step = finished ? freshStep(old.id) : old;
  return withStep(state, i, { ...step, preconditions: { results: rec.results, outcome: rec.outcome, at: rec.ts } });
}

function onInDoubtResolved(state: RunState, i: number, rec: RecordOf<'in-doubt-resolved'>): RunState {
  let step = state.steps[i]!;
  switch (rec.action) {
    case 'mark-done':
      step = withHost(step, rec.host, (h) => ({ ...h, status: 'succeeded', reason: t('engine.markedDone'), finishedAt: rec.ts }));
      break;
    case 'rerun':
      step = withHost(step, rec.host, (h) => ({ ...h, status: 'pending', reason: undefined }));
      break;
    case 'check':
      // The check's own step-started / step-finished records follow.
      step = withHost(step, rec.host, (h) => ({ ...h, status: 'running', phase: 'check', check: undefined }));
      break;
    case 'follow':
      // The job is followed to its end: its output and step-finished follow (or it is in doubt again).
      step = withHost(step, rec.host, (h) => ({ ...h, status: 'running', phase: h.job?.phase ?? h.phase, reason: undefined }));
      break;
    case 'stop':
      // Its group is being killed: step-cancelled follows; until then it is still in doubt.
      return state;
    case 'abort':
      // The step's effect stays unknown; run-finished (aborted) follows.
      step = withHost(step, rec.host, (h) => ({ ...h, reason: t('engine.inDoubtAborted') }));
      return withStep(state, i, step);
  }
  step = { ...step, status: stepStatusFromHosts(step) };
  return settleStep(withStep(state, i, step), i, rec.ts);
}

/**
 * Everything still running is in doubt: the process that ran it is gone. A host whose
 * command succeeded and whose check never started is not in doubt: the check just runs.
 */
export function markInDoubt(state: RunState): RunState {
  let changed = false;
  const steps = state.steps.map((step) => {
    if (!step.hosts.some((h) => h.status === 'running' && !awaitingCheck(h))) return step;
    changed = true;
    const hosts = step.hosts.map((h): HostRunState => (h.status === 'running' && !awaitingCheck(h) ? { ...h, status: 'in-doubt' } : h));
    return { ...step, hosts, status: 'in-doubt' as const };
  });
  return changed ? { ...state, steps } : state;
}

/** The state after one more journal record. Records for steps the runbook no longer has are ignored. */
export function reduce(state: RunState, rec: JournalRecord, runbook: Runbook): RunState {
  switch (rec.type) {
    case 'run-started':
      return { ...initialState(runbook), runId: rec.runId, startedAt: rec.ts };
    case 'resumed':
      return markInDoubt({ ...state, changedSteps: rec.changedSteps });
    case 'run-finished':
      return { ...state, status: rec.status, nextRunbook: rec.nextRunbook, reason: rec.reason, finishedAt: rec.ts, prompt: undefined };
    case 'confirmed':
    case 'refused':
      // Operator answers are for the report; the step's state changes when it starts.
      return state;
    default:
      break;
  }
  const i = stepIndex(runbook, rec.stepId);
  if (i === -1) return state;
  switch (rec.type) {
    case 'step-started':
      return onStepStarted(state, i, rec);
    case 'output':
      return onOutput(state, i, rec);
    case 'step-finished':
      return onStepFinished(state, i, rec);
    case 'step-cancelled':
      return onStepCancelled(state, i, rec);
    case 'step-skipped':
      return onStepSkipped(state, i, rec);
    case 'acknowledged': {
      const old = state.steps[i]!;
      const next = withStep(state, i, { ...old, status: 'succeeded', startedAt: old.startedAt ?? rec.ts, finishedAt: rec.ts });
      return state.cursor === i ? { ...next, cursor: i + 1 } : next;
    }
    case 'decided': {
      const old = state.steps[i]!;
      let next = withStep(state, i, { ...old, status: 'succeeded', choice: rec.choice, startedAt: old.startedAt ?? rec.ts, finishedAt: rec.ts });
      if (state.cursor !== i) return next;
      // Handed off: nothing more of this runbook runs (run-finished follows, or a resume writes it).
      if (rec.runbook !== undefined) return { ...next, cursor: state.steps.length, nextRunbook: rec.runbook };
      if (rec.goto === undefined) return { ...next, cursor: i + 1 };
      const target = stepIndex(runbook, rec.goto);
      if (target === -1) return { ...next, cursor: i + 1 };
      // The jump target starts afresh, even if an earlier pass ran it (a loop); a jump back
      // is a new pass over every step from the target up to this decision.
      next = withStep(next, target, freshStep(rec.goto));
      for (let j = target + 1; j < i; j++) next = withStep(next, j, freshStep(next.steps[j]!.id));
      return { ...next, cursor: target };
    }
    case 'in-doubt-resolved':
      return onInDoubtResolved(state, i, rec);
    case 'job-started':
      return onJobStarted(state, i, rec);
    case 'connection-lost':
      return onConnectionLost(state, i, rec);
    case 'job-checked':
      return onJobChecked(state, i, rec);
    case 'preconditions':
      return onPreconditions(state, i, rec);
  }
}

/** The state after all records; whatever was still running when they end is in doubt. */
export function replay(records: readonly JournalRecord[], runbook: Runbook): RunState {
  let state = initialState(runbook);
  for (const rec of records) state = reduce(state, rec, runbook);
  return state.status === 'running' ? markInDoubt(state) : state;
}

/**
 * Steps whose source changed since the run started: a different hash, added, or removed.
 * In the current runbook's order, removed ones last.
 */
export function changedSteps(started: RecordOf<'run-started'>, runbook: Runbook): string[] {
  const then = new Map(started.runbook.steps.map((s) => [s.id, s.hash]));
  const now = new Set(runbook.steps.map((s) => s.id));
  const changed = runbook.steps.filter((s) => then.get(s.id) !== s.hash).map((s) => s.id);
  for (const id of then.keys()) if (!now.has(id)) changed.push(id);
  return changed;
}
