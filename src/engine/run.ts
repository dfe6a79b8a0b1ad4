// The run controller: a small store (getState/subscribe/send) around the pure reducer,
// and a thin effect runner that walks the runbook step by step. Every change of state
// is a journal record written (and fsynced) first and then reduced, so what the screen
// shows is what a resume would rebuild. Prompts are the only state not in the journal.
import { languageOfRunbook } from '../runbook/translations.ts';
import fs from 'node:fs';
import os from 'node:os';
import { HostError, type Executor, type ExecResult, type JobControl, type JobProbe } from '../exec/types.ts';
import { jobId } from '../ssh/remote-command.ts';
import type { Inventory } from '../inventory/types.ts';
import { JournalError, JournalWriter, newRunId } from '../journal/writer.ts';
import type { JobState, JournalRecord, NewRecord, Phase, SettleAction } from '../journal/types.ts';
import type { HostFacts } from '../runbook/facts.ts';
import type { Runbook, Step } from '../runbook/types.ts';
import { exitExpected, expectOutputRegExp } from '../runbook/expect.ts';
import { resolveInputs } from '../runbook/inputs.ts';
import { buildVariables, renderTemplate } from '../runbook/template.ts';
import { sha256 } from '../util/hash.ts';
import { OutputCoalescer } from './output.ts';
import { runbookHosts, unknownTargetHosts } from './preflight.ts';
import { hostsNeedingFacts, needsVipHolder, planStep, resolveTargets, type PlanContext, type PlannedHostCommand, type StepPlan } from './plan.ts';
import { awaitingCheck, changedSteps, initialState, reduce, replay } from './reduce.ts';
import type { HostRunState, Intent, PlannedCommand, PreconditionCheck, PreconditionGate, PreconditionOutcome, Prompt, RunController, RunState } from './types.ts';
import { typedConfirmationText } from './typed-confirmation.ts';

export type { SettleAction } from '../journal/types.ts';

export interface RunDeps {
  runbook: Runbook;
  inventory: Inventory;
  /** Input values given by the operator; defaults fill the rest (ignored on resume: the journal's are used). */
  inputs: Record<string, string>;
  /** Where journals go (default: runsDir()). */
  journalDir?: string;
  /** The executor for a host; `local` is the operator's machine. */
  executorFor(host: string): Executor;
  factsFor(host: string): Promise<HostFacts>;
  vipHolder(): Promise<string | undefined>;
  /**
   * Before the first step: every host the runbook may touch is connected, trusted, logged
   * into and its sudo settled; a rejection stops the run with nothing run (preflight.ts).
   */
  preflight?(hosts: readonly string[]): Promise<void>;
  /**
   * Checks a step's `requires=` against the cluster status before it runs. Without one,
   * every precondition is unknown, which counts as unmet: dangerous steps are refused.
   */
  gate?: PreconditionGate;
  /**
   * A check older than this is made again right before a host (batch) starts, e.g. after
   * a long wait at the confirmation or after the previous host (default 2000 ms).
   */
  preconditionMaxAgeMs?: number;
  mode: 'interactive' | 'non-interactive';
  /** --yes: confirmations (typed ones too) and manual steps are answered automatically. */
  autoConfirm: boolean;
  /** Non-interactive answers for decision steps: step id → choice key. */
  decisions?: Record<string, string>;
  /** Non-interactive answer for an in-doubt step after a resume; with several, the first one allowed. */
  settle?: SettleAction | readonly SettleAction[];
  operator: string;
  /** Name of this machine for the journal (default: os.hostname()). */
  machine?: string;
  /** Called with every record after it is on disk (for --json event lines). */
  onRecord?(rec: JournalRecord): void;
  /** Output coalescing: flush after this long or this many characters (defaults 100 ms, 8 KiB). */
  outputFlushMs?: number;
  outputFlushChars?: number;
}

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

/** Stop walking: the run finished, or was aborted, while a step was being worked on. */
const FINISHED = Symbol('finished');

class RunEngine implements EngineController {
  private state: RunState;
  private readonly listeners = new Set<() => void>();
  private waiter: Waiter | undefined;
  private readonly running = new Map<string, AbortController>();
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
    private readonly deps: RunDeps,
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
      this.state = { ...this.state, interrupted: true, reason: 'interrupted by the operator; the run can be resumed' };
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

  private record(rec: NewRecord): JournalRecord {
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

  private setChecking(checking: RunState['checking']): void {
    const { checking: _was, ...rest } = this.state;
    this.state = checking ? { ...rest, checking } : rest;
    this.notify();
  }

  /**
   * Shows a prompt and waits for an intent that answers it. `answer` returns undefined
   * for intents that do not fit (they are ignored). `abort` always fits.
   */
  private ask<T>(prompt: Prompt, answer: (intent: Intent) => T | undefined): Promise<T | typeof FINISHED> {
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
    const where = 'stepId' in prompt ? ` at step ${prompt.stepId}` : '';
    if (prompt.kind === 'in-doubt') this.record({ type: 'in-doubt-resolved', stepId: prompt.stepId, host: prompt.host, action: 'abort' });
    this.record({ type: 'run-finished', status: 'aborted', reason: `aborted by the operator${where}` });
  }

  // ---- the walk --------------------------------------------------------------------

  /** Writes the first record of this process (run-started or resumed) and starts walking. */
  start(first: NewRecord): void {
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
      const message = err instanceof Error ? err.message : String(err);
      this.state = { ...this.state, status: 'failed', reason: `the engine stopped: ${message}`, prompt: { kind: 'finished', status: 'failed' } };
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
      const reason = `preflight: ${errorMessage(err)}`;
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
        this.state = { ...this.state, interrupted: true, reason: 'interrupted by the operator; the run can be resumed' };
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
      let outcome: string | undefined | typeof FINISHED;
      if (st.status === 'in-doubt') {
        outcome = await this.settleInDoubt(step);
      } else if ((st.status === 'failed' || st.status === 'cancelled') && this.retrying !== step.id) {
        const host = st.hosts.find((h) => h.status === 'failed' || h.status === 'cancelled');
        outcome = await this.afterFailure(step, host?.reason ?? st.reason ?? `step ${step.id} ${st.status}`, host?.host, false);
      } else if (step.kind === 'manual') {
        outcome = await this.manualStep(step);
      } else if (step.kind === 'decision') {
        outcome = await this.decisionStep(step);
      } else {
        this.retrying = undefined;
        const seqBefore = this.writer.lastSeq;
        let problem = await this.commandStep(step);
        if (problem === FINISHED) break;
        // Never spin: a pass that wrote nothing and asked nothing is a problem to show.
        if (problem === undefined && this.writer.lastSeq === seqBefore) problem = `nothing is left to run for step ${step.id}, yet it is not done`;
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
  private async afterFailure(step: Step, reason: string, host: string | undefined, notJournaled: boolean): Promise<string | undefined | typeof FINISHED> {
    const what = `step ${step.id}${host ? ` on ${host}` : ''}: ${reason}`;
    // Interrupted: the cancelled step stays as it is; walk() stops, the run stays resumable.
    if (this.interrupted) return undefined;
    if (this.deps.mode === 'non-interactive') return what;
    const choice = await this.ask({ kind: 'failed', stepId: step.id, host, reason }, (i) => (i.type === 'retry' || i.type === 'skip' ? i.type : undefined));
    if (choice === FINISHED) return FINISHED;
    if (choice === 'skip') {
      this.record({ type: 'step-skipped', stepId: step.id, by: 'operator', reason: notJournaled ? `skipped by the operator after: ${reason}` : 'skipped by the operator after it failed' });
    } else {
      this.retrying = step.id;
    }
    return undefined;
  }

  private async manualStep(step: Step): Promise<string | undefined | typeof FINISHED> {
    if (this.deps.autoConfirm) {
      this.record({ type: 'acknowledged', stepId: step.id });
      return undefined;
    }
    if (this.deps.mode === 'non-interactive')
      return `manual step ${step.id} needs an operator to do it and acknowledge it: run it in a terminal (--yes, for automation only, acknowledges it without asking)`;
    const choice = await this.ask({ kind: 'acknowledge', stepId: step.id }, (i) => (i.type === 'acknowledge' || i.type === 'skip' ? i.type : undefined));
    if (choice === FINISHED) return FINISHED;
    if (choice === 'skip') this.record({ type: 'step-skipped', stepId: step.id, by: 'operator', reason: 'manual step skipped by the operator' });
    else this.record({ type: 'acknowledged', stepId: step.id });
    return undefined;
  }

  private async decisionStep(step: Step): Promise<string | undefined | typeof FINISHED> {
    const choices = step.decision?.choices ?? [];
    const find = (key: string) => choices.find((c) => c.key === key);
    let key: string | undefined;
    if (this.deps.mode === 'non-interactive') {
      key = this.deps.decisions?.[step.id];
      if (key === undefined) return `decision ${step.id} needs an answer: --decide ${step.id}=${choices.map((c) => c.key).join('|')}`;
      if (!find(key)) return `decision ${step.id}: '${key}' is not a choice (${choices.map((c) => c.key).join(', ')})`;
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
  private async makePlan(step: Step): Promise<StepPlan | string> {
    const targets = this.state.steps[this.state.cursor]!.targets;
    const ctx: PlanContext = { ...this.planContext(), hosts: targets };
    if (!targets && needsVipHolder(step)) {
      try {
        this.knownVipHolder = await this.deps.vipHolder();
      } catch (err) {
        return `cannot tell which host holds the VIP: ${errorMessage(err)}`;
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
          failures.push(`${h}: cannot read host facts: ${errorMessage(err)}`);
        }
      }),
    );
    if (failures.length > 0) return failures.join('; ');
    const plan = planStep(step, ctx);
    this.plans.set(step.id, plan);
    this.notify();
    return plan.problems.length > 0 ? plan.problems.join('; ') : plan;
  }

  /** Runs the step's remaining hosts. Returns a problem that kept it from running, if any. */
  private async commandStep(step: Step): Promise<string | undefined | typeof FINISHED> {
    const plan = await this.makePlan(step);
    if (typeof plan === 'string') return plan;
    const first = this.state.steps[this.state.cursor]!.targets === undefined;
    if (first && plan.commands.every((c) => c.skipReason !== undefined)) {
      const reason = plan.commands.length === 0 ? 'no target hosts' : plan.commands.map((c) => c.skipReason).join('; ');
      this.record({ type: 'step-skipped', stepId: step.id, by: 'condition', reason });
      return undefined;
    }
    const targets = plan.commands.map((c) => c.host);
    const hostState = (h: string): HostRunState | undefined => this.state.steps[this.state.cursor]!.hosts.find((x) => x.host === h);
    const todo = plan.commands.filter((c) => {
      const s = hostState(c.host)?.status;
      return s !== 'succeeded' && s !== 'skipped';
    });
    const willRun = todo.some((c) => {
      const hs = hostState(c.host);
      return c.block !== undefined && c.skipReason === undefined && !(hs && awaitingCheck(hs));
    });
    const guarded = step.requires.length > 0 && willRun;
    let checkedAt = 0;
    if (guarded) {
      const verdict = await this.checkPreconditions(step, plan.commands);
      if (verdict !== undefined) return verdict;
      checkedAt = performance.now();
    }
    let confirmedStep = false;
    let targetsWritten = !first;
    const parallel = Math.max(1, todo.find((c) => c.block)?.block?.parallel ?? 1);
    for (let at = 0; at < todo.length; at += parallel) {
      const batch = todo.slice(at, at + parallel);
      const toRun: { c: PlannedHostCommand; checkOnly: boolean }[] = [];
      for (const c of batch) {
        if (c.skipReason !== undefined || !c.block) {
          this.record({ type: 'step-skipped', stepId: step.id, host: c.host, by: 'condition', reason: c.skipReason ?? 'no command block' });
          continue;
        }
        const hs = hostState(c.host);
        if (hs && awaitingCheck(hs)) {
          // Its command succeeded before; only the check is left (after a resume).
          toRun.push({ c, checkOnly: true });
          continue;
        }
        const level = c.block.confirm;
        if (level === 'typed' || (level === 'yes' && !confirmedStep)) {
          const answer = await this.confirm(step, c, level, plan.commands.length === 1 || level === 'typed');
          if (answer !== undefined) return answer;
          if (level === 'yes') confirmedStep = true;
        }
        toRun.push({ c, checkOnly: false });
      }
      // The state may have changed while the operator read the prompt or the last host ran.
      if (guarded && toRun.some((x) => !x.checkOnly) && performance.now() - checkedAt > (this.deps.preconditionMaxAgeMs ?? 2000)) {
        const verdict = await this.checkPreconditions(step, plan.commands);
        if (verdict !== undefined) return verdict;
        checkedAt = performance.now();
      }
      const results = await Promise.all(
        toRun.map(({ c, checkOnly }) => {
          const withTargets = !targetsWritten;
          targetsWritten = true;
          return checkOnly ? this.runCheck(step, c) : this.runHost(step, c, withTargets ? targets : undefined);
        }),
      );
      // A failure stops the step before the next host.
      if (results.some((ok) => !ok)) return undefined;
    }
    return undefined;
  }

  /** Evaluates the step's `requires=` through the gate; unknown (no gate, or it failed) is unmet. */
  private async evaluate(step: Step): Promise<PreconditionCheck[]> {
    const gate = this.deps.gate;
    if (!gate) return step.requires.map((name) => ({ name, met: false, detail: 'not known: no cluster status is available to check it' }));
    // The screen says what is being checked while the gate sweeps (a fresh status can take seconds).
    this.setChecking({ stepId: step.id, names: [...step.requires] });
    try {
      const results = await gate.check(step.requires);
      // Whatever the gate left out is unknown, hence unmet.
      return step.requires.map((name) => results.find((r) => r.name === name) ?? { name, met: false, detail: 'not known: the status check did not answer for it' });
    } catch (err) {
      return step.requires.map((name) => ({ name, met: false, detail: `not known: the status check failed: ${errorMessage(err)}` }));
    } finally {
      this.setChecking(undefined);
    }
  }

  /**
   * Before a step with `requires=` runs: checks its preconditions and journals what was
   * seen. A dangerous step (confirm=typed or risk=) is refused while any is unmet: the
   * operator may re-check or leave; a non-interactive run stops with the reason. Other
   * steps run with a warning. Returns a problem, FINISHED, or undefined to go on.
   */
  private async checkPreconditions(step: Step, commands: readonly PlannedHostCommand[]): Promise<string | typeof FINISHED | undefined> {
    const blocks = commands.flatMap((c) => (c.block && c.skipReason === undefined ? [c.block] : []));
    const dangerous = blocks.some((b) => b.confirm === 'typed' || b.risk !== undefined);
    for (;;) {
      const results = await this.evaluate(step);
      const unmet = results.filter((r) => !r.met);
      const outcome: PreconditionOutcome = unmet.length === 0 ? 'met' : dangerous ? 'refused' : 'warned';
      this.record({ type: 'preconditions', stepId: step.id, results, outcome, dangerous });
      if (outcome !== 'refused') return undefined;
      if (this.deps.mode === 'non-interactive') {
        const why = blocks.some((b) => b.confirm === 'typed') ? 'confirm=typed' : 'risk=';
        return `refused: ${unmet.map((r) => `precondition ${r.name} is not met (${r.detail})`).join('; ')}; the step is dangerous (${why}), so it does not run while that holds (--yes does not override it)`;
      }
      const answer = await this.ask({ kind: 'preconditions', stepId: step.id, results }, (i) => (i.type === 'recheck' ? i.type : undefined));
      if (answer === FINISHED) return FINISHED;
    }
  }

  /** Asks for (or auto-gives) confirmation. Returns a problem or FINISHED when not confirmed. */
  private async confirm(step: Step, c: PlannedHostCommand, level: 'yes' | 'typed', perHost: boolean): Promise<string | typeof FINISHED | undefined> {
    const host = perHost ? c.host : undefined;
    if (this.deps.autoConfirm) {
      this.record({ type: 'confirmed', stepId: step.id, host, how: 'auto' });
      return undefined;
    }
    if (this.deps.mode === 'non-interactive')
      return `needs an operator to confirm it${host ? ` for ${host}` : ''}: run it in a terminal, where the runner screen asks (--yes, for automation only, confirms every step without asking)`;
    let message: string | undefined;
    const expect = level === 'typed' ? typedConfirmationText(c.host, this.deps.runbook.risk, this.deps.inventory.cluster) : undefined;
    for (;;) {
      const answer = await this.ask({ kind: 'confirm', stepId: step.id, host, level, risk: c.block?.risk, message, ...(expect !== undefined ? { expect } : {}) }, (i): Intent | undefined =>
        i.type === 'confirm' || i.type === 'refuse' ? i : undefined,
      );
      if (answer === FINISHED) return FINISHED;
      if (answer.type === 'refuse') {
        this.record({ type: 'refused', stepId: step.id, host, reason: 'the operator said no' });
        return 'not confirmed by the operator';
      }
      if (level === 'yes') {
        this.record({ type: 'confirmed', stepId: step.id, host, how: 'yes' });
        return undefined;
      }
      const typed = answer.type === 'confirm' ? (answer.typed ?? '') : '';
      if (typed === expect) {
        this.record({ type: 'confirmed', stepId: step.id, host: c.host, how: 'typed', typed });
        return undefined;
      }
      const reason = expect === c.host ? `typed "${typed}", expected the host name "${c.host}"` : `typed "${typed}", expected "${expect}" (host@cluster)`;
      this.record({ type: 'refused', stepId: step.id, host: c.host, typed, reason });
      message = `${reason}; type it exactly to run, or abort`;
    }
  }

  /** Runs the command on one host, then its check. Returns whether both succeeded. */
  private async runHost(step: Step, c: PlannedHostCommand, targets: string[] | undefined): Promise<boolean> {
    const block = c.block!;
    const attempt = (this.state.steps[this.state.cursor]!.hosts.find((h) => h.host === c.host)?.attempts ?? 0) + 1;
    this.record({ type: 'step-started', stepId: step.id, host: c.host, phase: 'command', command: c.script, attempt, targets, hasCheck: block.check !== undefined });
    const ok = await this.execPhase(step, c.host, 'command', c.script, block.timeoutMs, block.expectExit, block.expectOutput);
    if (!ok || !block.check) return ok;
    return this.runCheck(step, c);
  }

  private async runCheck(step: Step, c: PlannedHostCommand): Promise<boolean> {
    const check = c.block?.check;
    if (!check || c.check === undefined) return true;
    const attempt = this.state.steps[this.state.cursor]!.hosts.find((h) => h.host === c.host)?.attempts ?? 1;
    this.record({ type: 'step-started', stepId: step.id, host: c.host, phase: 'check', command: c.check, attempt });
    return this.execPhase(step, c.host, 'check', c.check, check.timeoutMs, check.expectExit, check.expectOutput);
  }

  /** Runs one script on one host, journaling its output and its end. */
  private async execPhase(step: Step, host: string, phase: Phase, script: string, timeoutMs: number, expectExit: number[], expectOutput: string | undefined): Promise<boolean> {
    const attempt = this.state.steps[this.state.cursor]!.hosts.find((h) => h.host === host)?.attempts ?? 1;
    // A durable job on an SSH host: it outlives a dropped connection or a killed mfs-tui, and a resume can find it.
    const job = jobId([this.runId, step.id, host, attempt, phase]);
    return this.runExec(step, host, phase, expectExit, expectOutput, (req) =>
      this.deps.executorFor(host).exec({
        ...req,
        script,
        timeoutMs,
        job,
        onJob: (info) => this.record({ type: 'job-started', stepId: step.id, host, phase, job: info }),
      }),
    );
  }

  /**
   * Runs something that ends like a command (an exec, or following an in-doubt job) and
   * journals its output and its end: finished (judged), cancelled, in doubt when the
   * connection dropped, or failed. Returns whether it succeeded.
   */
  private async runExec(
    step: Step,
    host: string,
    phase: Phase,
    expectExit: number[],
    expectOutput: string | undefined,
    run: (req: { signal: AbortSignal; onStdout(d: string): void; onStderr(d: string): void }) => Promise<ExecResult>,
  ): Promise<boolean> {
    const ac = new AbortController();
    this.running.set(host, ac);
    const out = new OutputCoalescer((stream, data) => this.record({ type: 'output', stepId: step.id, host, phase, stream, data }), this.deps.outputFlushMs, this.deps.outputFlushChars);
    const started = performance.now();
    // stdout and stderr as they came, for expect-output.
    let combined = '';
    let result: ExecResult;
    try {
      result = await run({
        signal: ac.signal,
        onStdout: (d) => {
          combined += d;
          out.push('stdout', d);
        },
        onStderr: (d) => {
          combined += d;
          out.push('stderr', d);
        },
      });
    } catch (err) {
      out.flush();
      if (err instanceof HostError && err.kind === 'disconnected') {
        // The command may well go on (a durable job does): its effect is unknown, not failed.
        this.record({ type: 'connection-lost', stepId: step.id, host, phase, reason: errorMessage(err) });
        return false;
      }
      const durationMs = Math.round(performance.now() - started);
      this.record({ type: 'step-finished', stepId: step.id, host, phase, exitCode: null, durationMs, ok: false, reason: errorMessage(err) });
      return false;
    } finally {
      this.running.delete(host);
    }
    out.flush();
    const durationMs = Math.round(result.durationMs);
    if (result.cancelled || result.timedOut || ac.signal.aborted) {
      this.record({ type: 'step-cancelled', stepId: step.id, host, phase, reason: result.timedOut ? 'timeout' : 'operator', durationMs });
      return false;
    }
    const verdict = judge(result, expectExit, expectOutput, combined || `${result.stdout}${result.stderr}`);
    this.record({
      type: 'step-finished',
      stepId: step.id,
      host,
      phase,
      exitCode: result.exitCode,
      signal: result.signal,
      durationMs,
      ok: verdict.ok,
      reason: verdict.reason,
    });
    return verdict.ok;
  }

  // ---- in doubt ----------------------------------------------------------------------

  /** Job settlements already made by --settle in this process: never applied twice to one job. */
  private readonly settledJobs = new Set<string>();

  private async settleInDoubt(step: Step): Promise<string | undefined | typeof FINISHED> {
    const st = this.state.steps[this.state.cursor]!;
    const host = st.hosts.find((h) => h.status === 'in-doubt')!;
    let plan: StepPlan | string = 'not a command step';
    if (step.kind === 'command') plan = await this.makePlan(step);
    const planned = typeof plan === 'string' ? undefined : plan.commands.find((c) => c.host === host.host);
    let canCheck = planned?.check !== undefined;
    let jobs: JobControl | undefined;
    try {
      jobs = this.deps.executorFor(host.host).jobs;
    } catch {
      jobs = undefined;
    }
    let job = host.job;
    let probe: JobProbe | undefined;
    let choices: SettleAction[] | undefined;
    let found: { state: JobState; exitCode?: number; detail: string } | undefined;
    // A command step started over SSH runs as a job named after the run, step, host, attempt
    // and phase: even when its start never reached the journal (killed right then), the host
    // can be asked about it by that name.
    const phase = job?.phase ?? host.phase;
    const asked = job?.info ?? (step.kind === 'command' && host.attempts > 0 ? { id: jobId([this.runId, step.id, host.host, host.attempts, phase]) } : undefined);
    if (asked && jobs) {
      // Where is it now? Reconnects if need be. Its output since the journal stopped is journaled first.
      try {
        probe = await jobs.probe(asked, { stdout: job?.stdoutBytes ?? 0, stderr: job?.stderrBytes ?? 0 });
      } catch (err) {
        probe = undefined;
        found = { state: 'unknown', detail: `could not be looked at: ${errorMessage(err)}` };
      }
      if (probe?.identity && !job) {
        this.record({ type: 'job-started', stepId: step.id, host: host.host, phase, job: probe.identity });
        job = this.state.steps[this.state.cursor]!.hosts.find((h) => h.host === host.host)?.job;
      }
      if (probe) {
        if (probe.stdout) this.record({ type: 'output', stepId: step.id, host: host.host, phase, stream: 'stdout', data: probe.stdout });
        if (probe.stderr) this.record({ type: 'output', stepId: step.id, host: host.host, phase, stream: 'stderr', data: probe.stderr });
        found = { state: probe.state, exitCode: probe.exitCode, detail: job ? describeProbe(job.info, probe) : 'never started there (no trace of it on the host)' };
      }
      this.record({ type: 'job-checked', stepId: step.id, host: host.host, phase, ...found! });
      const state = found!.state;
      if (state === 'running') {
        canCheck = false;
        choices = job ? ['follow', 'stop', 'mark-done', 'abort'] : ['mark-done', 'abort'];
      } else if (state === 'unknown') {
        // Not reachable: whether it still runs cannot be told, so it is not run again.
        canCheck = false;
        choices = ['mark-done', 'abort'];
      } else {
        choices = [...(state === 'finished' && job ? (['follow'] as const) : []), ...(canCheck ? (['check'] as const) : []), 'rerun', 'mark-done', 'abort'];
      }
    }
    const allowed = (a: SettleAction): boolean => (choices ? choices.includes(a) : a !== 'follow' && a !== 'stop' && (a !== 'check' || canCheck));
    const key = `${step.id}\u0000${host.host}\u0000${job?.info.id ?? host.attempts}`;
    // --settle a,b: the first of them that is allowed here.
    const preferred = this.deps.mode === 'non-interactive' && this.deps.settle !== undefined ? [this.deps.settle].flat() : [];
    const wanted = preferred.find(allowed) ?? preferred[0];
    let refused: string | undefined;
    if (wanted && !allowed(wanted)) {
      const asked = preferred.join(',');
      refused =
        found?.state === 'running'
          ? `--settle ${asked} refused: the command still runs on ${host.host}${job ? ` (process group ${job.info.pgid})` : ''}; it is never run twice`
          : found?.state === 'unknown'
            ? `--settle ${asked} refused: whether the command still runs on ${host.host} cannot be told (${found.detail})`
            : `--settle ${asked} is not a choice here`;
    }
    let action: SettleAction | typeof FINISHED;
    if (wanted && !refused && !this.settledJobs.has(key)) {
      this.settledJobs.add(key);
      action = wanted;
    } else {
      // Non-interactive without a usable answer: ask() stops the run here, resumable later.
      const prompt: Prompt = {
        kind: 'in-doubt',
        stepId: step.id,
        host: host.host,
        canCheck,
        ...(found ? { job: found, choices } : {}),
        ...(refused ? { refused } : {}),
      };
      action = await this.ask(prompt, (i) => (i.type === 'settle' && allowed(i.action) ? i.action : undefined));
    }
    if (action === FINISHED) return FINISHED;
    if (action === 'abort') {
      this.record({ type: 'in-doubt-resolved', stepId: step.id, host: host.host, action });
      this.record({ type: 'run-finished', status: 'aborted', reason: `step ${step.id} on ${host.host} was in doubt; the operator aborted` });
      return FINISHED;
    }
    this.record({ type: 'in-doubt-resolved', stepId: step.id, host: host.host, action });
    if ((action === 'follow' || action === 'stop') && job && jobs) {
      if (action === 'stop') {
        const startedAt = host.startedAt ? Date.parse(host.startedAt) : Date.now();
        let after: JobProbe | undefined;
        try {
          after = await jobs.stop(job.info);
        } catch {
          after = undefined;
        }
        // Not provably stopped: it stays in doubt and is asked about again.
        if (!after || after.state === 'running') return undefined;
        this.record({ type: 'step-cancelled', stepId: step.id, host: host.host, phase: job.phase, reason: 'operator', durationMs: Math.max(0, Date.now() - startedAt) });
        return undefined;
      }
      const block = planned?.block;
      const expect = job.phase === 'check' ? block?.check : block;
      const from = probe?.size ?? { stdout: job.stdoutBytes, stderr: job.stderrBytes };
      const elapsed = host.startedAt ? Date.now() - Date.parse(host.startedAt) : 0;
      const timeoutMs = expect ? Math.max(1000, expect.timeoutMs - elapsed) : undefined;
      await this.runExec(step, host.host, job.phase, expect?.expectExit ?? [], expect?.expectOutput, (req) => jobs.follow(job.info, from, { ...req, timeoutMs }));
    }
    // check: the host now awaits its check, which commandStep runs next; rerun: it is pending again.
    return undefined;
  }
}

/** What a probe found, in words for the operator and the report. */
function describeProbe(job: { pgid: number }, p: JobProbe): string {
  switch (p.state) {
    case 'running':
      return `still runs (process group ${job.pgid})`;
    case 'finished':
      return `has ended with exit code ${p.exitCode}`;
    case 'gone':
      return `no longer runs and left no exit code (killed, or its files were removed)`;
    case 'rebooted':
      return `no longer runs: the host has rebooted since it started`;
  }
}

function publicCommand(c: PlannedHostCommand): PlannedCommand {
  const { block: _block, ...rest } = c;
  return rest;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Whether a finished command met its block's expectations, and why not. */
export function judge(r: ExecResult, expectExit: number[], expectOutput: string | undefined, output: string): { ok: boolean; reason?: string } {
  const expected = expectExit.length > 0 ? expectExit : [0];
  if (r.exitCode === null) return { ok: false, reason: r.signal ? `killed by signal ${r.signal}` : 'no exit code' };
  if (!exitExpected(expected, r.exitCode)) return { ok: false, reason: `exit ${r.exitCode}, expected ${expected.join(' or ')}` };
  if (expectOutput !== undefined) {
    let re: RegExp;
    try {
      re = expectOutputRegExp(expectOutput);
    } catch {
      return { ok: false, reason: `the expected output /${expectOutput}/ is not a valid regular expression` };
    }
    if (!re.test(output)) return { ok: false, reason: `output does not match /${expectOutput}/` };
  }
  return { ok: true };
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
  if (resolved.problems.length > 0) throw new RunSetupError(resolved.problems.map((p) => `input ${p.message}`));
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
    if (started.type !== 'run-started') throw new JournalError(`${writer.file}: the first record is not run-started`);
    if (started.runbook.id !== deps.runbook.id) {
      throw new RunSetupError([`run ${runId} is of runbook ${started.runbook.id}, not ${deps.runbook.id}`]);
    }
    const last = read.records.at(-1)!;
    if (last.type === 'run-finished') throw new RunSetupError([`run ${runId} already finished (${last.status}); nothing to resume`]);
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
