// What a run needs from outside (RunDeps), and what the step modules (exec-step, step-guards,
// in-doubt) use of the running engine (RunContext): the journal, the operator, the live state.
import type { Executor } from '../exec/types.ts';
import type { Inventory } from '../inventory/types.ts';
import type { JournalRecord, NewRecord, SettleAction } from '../journal/types.ts';
import type { HostFacts } from '../runbook/facts.ts';
import type { Runbook, Step } from '../runbook/types.ts';
import type { StepPlan } from './plan.ts';
import type { Intent, PreconditionGate, Prompt, RunState, StepState } from './types.ts';

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

/** Stop walking: the run finished, or was aborted, while a step was being worked on. */
export const FINISHED = Symbol('finished');

/** What a step's handling returns: a reason to end a non-interactive run with, FINISHED, or undefined to go on. */
export type StepOutcome = string | undefined | typeof FINISHED;

export interface RunContext {
  readonly deps: RunDeps;
  readonly runId: string;
  getState(): RunState;
  /** Writes a record to the journal (fsynced), then reduces it into the state. */
  record(rec: NewRecord): JournalRecord;
  /** Shows a prompt and waits for an intent that answers it (`answer` returns undefined for one that does not); FINISHED when the operator aborted instead. */
  ask<T>(prompt: Prompt, answer: (intent: Intent) => T | undefined): Promise<T | typeof FINISHED>;
  /** What the screen says is being checked while the preconditions are evaluated. */
  setChecking(checking: RunState['checking']): void;
  /** Looks up what the plan needs (VIP holder, facts) and plans the step; a string is a problem. */
  plan(step: Step): Promise<StepPlan | string>;
  /** Commands running now, by host: cancel and interrupt abort them. */
  readonly running: Map<string, AbortController>;
  /** Job settlements already made by --settle in this process: never applied twice to one job. */
  readonly settledJobs: Set<string>;
}

/** The state of the step the walk is at now. */
export function currentStep(ctx: RunContext): StepState {
  const state = ctx.getState();
  return state.steps[state.cursor]!;
}
