// The run controller: a small store (getState/subscribe/send) around the pure reducer,
// and a thin effect runner that walks the runbook step by step. Every change of state
// is a journal record written (and fsynced) first and then reduced, so what the screen
// shows is what a resume would rebuild. Prompts are the only state not in the journal.
// Here: the store, the prompts, the walk, manual and decision steps, creating and resuming
// a run. Command steps run in exec-step.ts (guarded by step-guards.ts); in-doubt.ts settles
// what a resume found unfinished.
import fs from 'node:fs';
import os from 'node:os';
import type { Inventory } from '../inventory/types.ts';
import { JournalError, JournalWriter, newRunId } from '../journal/writer.ts';
import type { JournalRecord, NewRecord } from '../journal/types.ts';
import type { HostFacts } from '../runbook/facts.ts';
import type { Step } from '../runbook/types.ts';
import { resolveInputs } from '../runbook/inputs.ts';
import { buildVariables, renderTemplate } from '../runbook/template.ts';
import { languageOfRunbook } from '../runbook/translations.ts';
import { errorMessage } from '../util/error-message.ts';
import { sha256 } from '../util/hash.ts';
import { runCommandStep } from './exec-step.ts';
import { settleInDoubt } from './in-doubt.ts';
import { runbookHosts, unknownTargetHosts } from './preflight.ts';
import { hostsNeedingFacts, needsVipHolder, planStep, resolveTargets, type PlanContext, type PlannedHostCommand, type StepPlan } from './plan.ts';
import { changedSteps, initialState, reduce, replay } from './reduce.ts';
import { FINISHED, type RunContext, type RunDeps, type StepOutcome } from './run-context.ts';
import type { Intent, PlannedCommand, Prompt, RunController, RunState } from './types.ts';
import { t } from '../i18n/index.ts';

export type { SettleAction } from '../journal/types.ts';
export type { RunDeps } from './run-context.ts';

export interface EngineController extends RunController {
  readonly runId: string;
  readonly journalFile: string;
  /** On resume: the torn last line that was cut off, if there was one. */
  readonly tornLine?: { line: number; text: string };
  /**
   * Resolves when the run has finished, or (non-interactive) stopped at a prompt only an
   * operator can answer, or the engine itself stopped (state.reason says why).
   */
  settled(): Promise<RunState>;
  /** Closes the journal. A command still running is not waited for. */
  close(): void;
  /**
   * Stops the run for the operator (SIGINT/SIGTERM without a screen): cancels what runs
   * (the remote process group is killed and the step recorded cancelled) and stops walking
   * without finishing the run, so it can be resumed. settled() then has `interrupted`.
   */
  interrupt(): void;
  renderText(text: string): string;
}

/** The run cannot start: bad inputs, or a journal that cannot be resumed. */
export class RunSetupError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'RunSetupError';
  }
}

interface Waiter {
  handle(intent: Intent): boolean;
}

class RunEngine implements EngineController, RunContext {
  private state: RunState;
  private readonly listeners = new Set<() => void>();
  private waiter: Waiter | undefined;
  readonly running = new Map<string, AbortController>();
  readonly settledJobs = new Set<string>();
  /** Steps found cancelled when this process resumed the run, not yet settled. */
  private readonly cancelledBefore = new Set<string>();
  private readonly plans = new Map<string, StepPlan>();
  private readonly knownFacts = new Map<string, HostFacts>();
  private knownVipHolder: string | undefined;
  /** The operator interrupted the run (interrupt()): stop walking, leave it resumable. */
  private interrupted = false;
  /** The step the operator chose to retry: its failure is not asked about again. */
  private retrying: string | undefined;
  private resolveSettled!: (s: RunState) => void;
  private readonly settledPromise: Promise<RunState>;
  readonly steps: readonly Step[];

  constructor(
    readonly deps: RunDeps,
    private readonly writer: JournalWriter,
    private readonly inputs: Record<string, string>,
    state: RunState,
    readonly tornLine?: { line: number; text: string },
  ) {
    this.state = state;
    this.steps = deps.runbook.steps;
    this.settledPromise = new Promise((resolve) => (this.resolveSettled = resolve));
  }

  get runId(): string {
    return this.writer.runId;
  }

  get journalFile(): string {
    return this.writer.file;
  }

  getState = (): RunState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  send = (intent: Intent): void => {
    if (intent.type === 'cancel') {
      for (const ac of this.running.values()) ac.abort();
      return;
    }
    this.waiter?.handle(intent);
  };

  settled(): Promise<RunState> {
    return this.settledPromise;
  }

  interrupt(): void {
    this.interrupted = true;
    for (const ac of this.running.values()) ac.abort();
    // Waiting for an answer: nothing runs, stop here.
    if (this.waiter) {
      this.waiter = undefined;
      this.state = { ...this.state, interrupted: true, reason: t('engine.interrupted') };
      this.resolveSettled(this.state);
    }
  }

  close(): void {
    this.writer.close();
  }

  planFor = (stepId: string): PlannedCommand[] => {
    const cached = this.plans.get(stepId);
    if (cached) return cached.commands.map(publicCommand);
    const step = this.steps.find((s) => s.id === stepId);
    if (!step || step.kind !== 'command') return [];
    // A preview with what is known now; the real plan is made when the step starts.
    return planStep(step, { ...this.planContext(), hosts: this.state.steps.find((s) => s.id === stepId)?.targets }).commands.map(publicCommand);
  };

  inputValues = (): Record<string, string> => ({ ...this.inputs });

  renderText = (text: string): string => renderTemplate(text, buildVariables(this.deps.inventory, this.inputs)).text;

  // ---- store plumbing -------------------------------------------------------------

  private notify(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch {
        // A listener's failure is the screen's business, not the run's.
      }
    }
  }

  record(rec: NewRecord): JournalRecord {
    const full = this.writer.append(rec);
    this.state = reduce(this.state, full, this.deps.runbook);
    this.deps.onRecord?.(full);
    this.notify();
    return full;
  }

  private setPrompt(prompt: Prompt | undefined): void {
    this.state = { ...this.state, prompt };
    this.notify();
  }

  setChecking(checking: RunState['checking']): void {
    const { checking: _was, ...rest } = this.state;
    this.state = checking ? { ...rest, checking } : rest;
    this.notify();
  }

  /**
   * Shows a prompt and waits for an intent that answers it. `answer` returns undefined
   * for intents that do not fit (they are ignored). `abort` always fits.
   */
  ask<T>(prompt: Prompt, answer: (intent: Intent) => T | undefined): Promise<T | typeof FINISHED> {
    return new Promise((resolve) => {
      this.waiter = {
        handle: (intent) => {
          if (intent.type === 'abort' || (intent.type === 'settle' && intent.action === 'abort')) {
            this.waiter = undefined;
            this.abortRun(prompt);
            resolve(FINISHED);
            return true;
          }
          const value = answer(intent);
          if (value === undefined) return false;
          this.waiter = undefined;
          this.setPrompt(undefined);
          resolve(value);
          return true;
        },
      };
      this.setPrompt(prompt);
      if (this.deps.mode === 'non-interactive') this.resolveSettled(this.state);
    });
  }

  private abortRun(prompt: Prompt): void {
    if (prompt.kind === 'in-doubt') this.record({ type: 'in-doubt-resolved', stepId: prompt.stepId, host: prompt.host, action: 'abort' });
    this.record({ type: 'run-finished', status: 'aborted', reason: 'stepId' in prompt ? t('engine.abortedAt', { step: prompt.stepId }) : t('engine.aborted') });
  }

  // ---- the walk --------------------------------------------------------------------

  /** Writes the first record of this process (run-started or resumed) and starts walking. */
  start(first: NewRecord): void {
    // Steps an earlier process left cancelled (Ctrl-C, a timeout): on resume the operator says what becomes of them.
    if (first.type === 'resumed') for (const st of this.state.steps) if (st.status === 'cancelled') this.cancelledBefore.add(st.id);
    this.record(first);
    // After the caller has had a chance to subscribe.
    queueMicrotask(() => void this.drive());
  }

  private async drive(): Promise<void> {
    try {
      if (await this.preflight()) await this.walk();
      this.setPrompt({ kind: 'finished', status: this.state.status, nextRunbook: this.state.nextRunbook });
    } catch (err) {
      // A journal that cannot be written (disk full…) or a bug: stop, leave the run resumable.
      const message = errorMessage(err);
      this.state = { ...this.state, status: 'failed', reason: t('engine.stopped', { error: message }), prompt: { kind: 'finished', status: 'failed' } };
      this.notify();
    } finally {
      this.writer.close();
      this.resolveSettled(this.state);
    }
  }

  /**
   * Checks every host of the runbook before anything runs. On failure a new run ends failed
   * (nothing ran); a resumed one stops without a record and stays resumable. True to go on.
   */
  private async preflight(): Promise<boolean> {
    if (!this.deps.preflight) return true;
    try {
      const unknown = unknownTargetHosts(this.deps.runbook, this.deps.inventory, this.inputs);
      if (unknown.length > 0) throw new Error(unknown.join('; '));
      await this.deps.preflight(runbookHosts(this.deps.runbook, this.deps.inventory, this.inputs));
      return true;
    } catch (err) {
      const reason = t('engine.preflight', { error: errorMessage(err) });
      // Only run-started in the journal: a new run, which ends here.
      if (this.writer.lastSeq <= 1) this.record({ type: 'run-finished', status: 'failed', reason });
      else {
        this.state = { ...this.state, status: 'failed', reason };
        this.notify();
      }
      return false;
    }
  }

  private async walk(): Promise<void> {
    while (this.state.status === 'running') {
      if (this.interrupted) {
        this.state = { ...this.state, interrupted: true, reason: t('engine.interrupted') };
        return;
      }
      const { cursor } = this.state;
      const step = this.steps[cursor];
      if (!step) {
        const next = this.state.nextRunbook;
        this.record(next ? { type: 'run-finished', status: 'handed-off', nextRunbook: next } : { type: 'run-finished', status: 'succeeded' });
        break;
      }
      const st = this.state.steps[cursor]!;
      let outcome: StepOutcome;
      if (st.status === 'in-doubt') {
        outcome = await settleInDoubt(this, step);
      } else if ((st.status === 'failed' || st.status === 'cancelled') && this.retrying !== step.id) {
        const host = st.hosts.find((h) => h.status === 'failed' || h.status === 'cancelled');
        outcome = await this.afterFailure(step, host?.reason ?? st.reason ?? t('engine.stepEnded', { step: step.id, status: st.status }), host?.host, false);
      } else if (step.kind === 'manual') {
        outcome = await this.manualStep(step);
      } else if (step.kind === 'decision') {
        outcome = await this.decisionStep(step);
      } else {
        this.retrying = undefined;
        const seqBefore = this.writer.lastSeq;
        let problem = await runCommandStep(this, step);
        if (problem === FINISHED) break;
        // Never spin: a pass that wrote nothing and asked nothing is a problem to show.
        if (problem === undefined && this.writer.lastSeq === seqBefore) problem = t('engine.nothingLeft', { step: step.id });
        if (problem !== undefined) outcome = await this.afterFailure(step, problem, undefined, true);
      }
      if (outcome === FINISHED) break;
      if (typeof outcome === 'string') {
        // Only a non-interactive run gets here with a reason: nobody can answer it.
        this.record({ type: 'run-finished', status: 'failed', reason: outcome });
      }
    }
  }

  /**
   * A step failed, was cancelled, or cannot run (`problem`: a reason not in the journal).
   * Asks retry / skip / abort. Returns a reason to end a non-interactive run with.
   */
  private async afterFailure(step: Step, reason: string, host: string | undefined, notJournaled: boolean): Promise<StepOutcome> {
    const what = host ? t('engine.stepFailedOn', { step: step.id, host, reason }) : t('engine.stepFailed', { step: step.id, reason });
    // Interrupted: the cancelled step stays as it is; walk() stops, the run stays resumable.
    if (this.interrupted) return undefined;
    if (this.deps.mode === 'non-interactive') {
      if (!this.cancelledBefore.delete(step.id)) return what;
      return this.settleCancelled(step, host, reason);
    }
    const choice = await this.ask({ kind: 'failed', stepId: step.id, host, reason }, (i) => (i.type === 'retry' || i.type === 'skip' ? i.type : undefined));
    if (choice === FINISHED) return FINISHED;
    if (choice === 'skip') {
      this.record({ type: 'step-skipped', stepId: step.id, by: 'operator', reason: notJournaled ? t('engine.skippedAfter', { reason }) : t('engine.skippedAfterFailure') });
    } else {
      this.retrying = step.id;
    }
    return undefined;
  }

  /**
   * A resumed run without an operator meets a step an earlier process left cancelled: a stop
   * the operator asked for (or a timeout), not a verdict, so it is not failed for them.
   * --settle rerun runs it again, mark-done records it skipped, abort ends the run; without
   * one of them the run stops here, still resumable, and says how to go on.
   */
  private async settleCancelled(step: Step, host: string | undefined, reason: string): Promise<StepOutcome> {
    const action = [this.deps.settle ?? []].flat().find((a) => a === 'rerun' || a === 'mark-done' || a === 'abort');
    if (action === 'rerun') {
      this.retrying = step.id;
      return undefined;
    }
    if (action === 'mark-done') {
      this.record({ type: 'step-skipped', stepId: step.id, by: 'operator', reason: t('engine.cancelledMarkedDone', { reason }) });
      return undefined;
    }
    if (action === 'abort') {
      this.record({ type: 'run-finished', status: 'aborted', reason: t('engine.abortedAt', { step: step.id }) });
      return FINISHED;
    }
    const choice = await this.ask({ kind: 'failed', stepId: step.id, host, reason, cancelled: true }, () => undefined);
    return choice === FINISHED ? FINISHED : undefined;
  }

  private async manualStep(step: Step): Promise<StepOutcome> {
    if (this.deps.autoConfirm) {
      this.record({ type: 'acknowledged', stepId: step.id });
      return undefined;
    }
    if (this.deps.mode === 'non-interactive') return t('engine.manualNeedsOperator', { step: step.id });
    const choice = await this.ask({ kind: 'acknowledge', stepId: step.id }, (i) => (i.type === 'acknowledge' || i.type === 'skip' ? i.type : undefined));
    if (choice === FINISHED) return FINISHED;
    if (choice === 'skip') this.record({ type: 'step-skipped', stepId: step.id, by: 'operator', reason: t('engine.manualSkipped') });
    else this.record({ type: 'acknowledged', stepId: step.id });
    return undefined;
  }

  private async decisionStep(step: Step): Promise<StepOutcome> {
    const choices = step.decision?.choices ?? [];
    const find = (key: string) => choices.find((c) => c.key === key);
    let key: string | undefined;
    if (this.deps.mode === 'non-interactive') {
      key = this.deps.decisions?.[step.id];
      if (key === undefined) return t('engine.decisionNeedsAnswer', { step: step.id, choices: choices.map((c) => c.key).join('|') });
      if (!find(key)) return t('engine.decisionNotChoice', { step: step.id, key, choices: choices.map((c) => c.key).join(', ') });
    } else {
      const answer = await this.ask({ kind: 'decide', stepId: step.id }, (i) => (i.type === 'decide' && find(i.choice) ? i.choice : undefined));
      if (answer === FINISHED) return FINISHED;
      key = answer;
    }
    const choice = find(key)!;
    this.record({ type: 'decided', stepId: step.id, choice: choice.key, goto: choice.goto, runbook: choice.runbook });
    if (choice.runbook !== undefined) {
      this.record({ type: 'run-finished', status: 'handed-off', nextRunbook: choice.runbook, reason: `decision ${step.id}: ${this.renderText(choice.label)}` });
    }
    return undefined;
  }

  // ---- command steps ---------------------------------------------------------------

  private planContext(): PlanContext {
    return {
      inventory: this.deps.inventory,
      inputs: this.inputs,
      vipHolder: this.knownVipHolder,
      facts: (h) => this.knownFacts.get(h),
    };
  }

  /** Looks up what the plan needs (VIP holder, facts) and plans the step; a string is a problem. */
  async plan(step: Step): Promise<StepPlan | string> {
    const targets = this.state.steps[this.state.cursor]!.targets;
    const ctx: PlanContext = { ...this.planContext(), hosts: targets };
    if (!targets && needsVipHolder(step)) {
      try {
        this.knownVipHolder = await this.deps.vipHolder();
      } catch (err) {
        return t('engine.vipUnknown', { error: errorMessage(err) });
      }
      ctx.vipHolder = this.knownVipHolder;
    }
    const hosts = targets ?? resolveTargets(step, ctx).hosts;
    const needFacts = hostsNeedingFacts(step, ctx, hosts).filter((h) => !this.knownFacts.has(h));
    const failures: string[] = [];
    await Promise.all(
      needFacts.map(async (h) => {
        try {
          this.knownFacts.set(h, await this.deps.factsFor(h));
        } catch (err) {
          failures.push(t('engine.factsUnreadable', { host: h, error: errorMessage(err) }));
        }
      }),
    );
    if (failures.length > 0) return failures.join('; ');
    const plan = planStep(step, ctx);
    this.plans.set(step.id, plan);
    this.notify();
    return plan.problems.length > 0 ? plan.problems.join('; ') : plan;
  }
}

function publicCommand(c: PlannedHostCommand): PlannedCommand {
  const { block: _block, ...rest } = c;
  return rest;
}

function inventoryHash(inv: Inventory): string {
  try {
    return sha256(fs.readFileSync(inv.file, 'utf8'));
  } catch {
    return sha256(JSON.stringify(inv));
  }
}

/** Starts a new run: checks the inputs, creates its journal, writes run-started and begins walking. */
export function createRun(deps: RunDeps): EngineController {
  const { runbook, inventory } = deps;
  const resolved = resolveInputs(runbook, deps.inputs, buildVariables(inventory, {}));
  if (resolved.problems.length > 0) throw new RunSetupError(resolved.problems.map((p) => t('run.inputProblem', { problem: p.message })));
  const runId = newRunId(runbook.id);
  const writer = JournalWriter.create(runId, deps.journalDir);
  const engine = new RunEngine(deps, writer, resolved.values, initialState(runbook));
  engine.start({
    type: 'run-started',
    runId,
    runbook: {
      id: runbook.id,
      title: runbook.title,
      file: runbook.file,
      hash: runbook.hash,
      steps: runbook.steps.map((s) => ({ id: s.id, hash: s.hash })),
      language: languageOfRunbook(runbook.file, runbook.title),
    },
    inventory: { file: inventory.file, hash: inventoryHash(inventory), cluster: inventory.cluster },
    inputs: resolved.values,
    operator: deps.operator,
    machine: deps.machine ?? os.hostname(),
    mode: deps.mode,
  });
  return engine;
}

/**
 * Comes back to an unfinished run: cuts a torn last line, replays the journal, writes
 * `resumed` (with the steps that changed since) and continues. Whatever was running when
 * the process died is in doubt and is asked about before anything else runs.
 */
export function resumeRun(deps: RunDeps, runId: string): EngineController {
  const { writer, read } = JournalWriter.open(runId, deps.journalDir);
  try {
    const started = read.records[0]!;
    if (started.type !== 'run-started') throw new JournalError(t('engine.notRunStarted', { file: writer.file }));
    if (started.runbook.id !== deps.runbook.id) {
      throw new RunSetupError([t('engine.otherRunbook', { runId, runbook: started.runbook.id, wanted: deps.runbook.id })]);
    }
    const last = read.records.at(-1)!;
    if (last.type === 'run-finished') throw new RunSetupError([t('engine.alreadyFinished', { runId, status: last.status })]);
    const state = replay(read.records, deps.runbook);
    const engine = new RunEngine(deps, writer, started.inputs, state, read.torn);
    engine.start({
      type: 'resumed',
      pid: process.pid,
      changedSteps: changedSteps(started, deps.runbook),
      operator: deps.operator,
      ...(read.torn ? { lostLine: read.torn } : {}),
    });
    return engine;
  } catch (err) {
    writer.close();
    throw err;
  }
}
