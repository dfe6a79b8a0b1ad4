// The state of one run, as screens and the non-interactive mode see it, and the intents
// they send back. The state is derived from the journal (reduce.ts) plus what is in
// flight right now (live output, the pending prompt).
import type { JobState, Phase, PreconditionCheck, PreconditionOutcome, SettleAction } from '../journal/types.ts';
import type { RemoteJob } from '../exec/types.ts';
import type { Step } from '../runbook/types.ts';

/** Defined with the journal records that persist them; re-exported for the engine's users. */
export type { PreconditionCheck, PreconditionOutcome, SettleAction };

export type StepStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'skipped'
  /** Started before the process died, never finished: the operator must settle it. */
  | 'in-doubt';

export interface HostRunState {
  host: string;
  status: StepStatus;
  phase: Phase;
  /** The exact resolved command (or check) last started on this host. */
  command?: string;
  exitCode?: number | null;
  durationMs?: number;
  /** Why it failed or was skipped, in words. */
  reason?: string;
  /** Output of the last attempt, stdout and stderr interleaved as they came. */
  output: string;
  /** Result of the check block, when the step has one and it ran. */
  check?: { ok: boolean; exitCode: number | null; output: string; reason?: string };
  attempts: number;
  /** A check phase follows a successful command on this host (from step-started). */
  hasCheck?: boolean;
  /** The durable job of the last command (or check) started here, and how much of its output the journal has (bytes). */
  job?: { info: RemoteJob; phase: Phase; stdoutBytes: number; stderrBytes: number };
  /** What a resume found of that job on the host. */
  jobState?: { state: JobState; exitCode?: number; detail: string };
  /** When the last attempt (or check) started and finished on this host (ISO). */
  startedAt?: string;
  finishedAt?: string;
}

/** Evaluates status preconditions by name against the current cluster status (src/status/gate.ts). */
export interface PreconditionGate {
  check(names: readonly string[]): Promise<PreconditionCheck[]>;
}

export interface StepState {
  id: string;
  status: StepStatus;
  /** Per target host, in target order. Empty for manual and decision steps. */
  hosts: HostRunState[];
  /** The choice taken at a decision step. */
  choice?: string;
  /** Every host the step targets in this pass, once it has started (from the journal). */
  targets?: string[];
  /** When the step first started in this pass and when it ended (ISO), for elapsed times. */
  startedAt?: string;
  finishedAt?: string;
  /** Why it was skipped or failed, in words. */
  reason?: string;
  /** The last check of the step's `requires=` in this pass (from the journal). */
  preconditions?: { results: PreconditionCheck[]; outcome: PreconditionOutcome; at: string };
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'aborted' | 'handed-off';

/** What the run is waiting for from the operator, if anything. */
export type Prompt =
  | { kind: 'inputs'; missing: string[] }
  /** `message`: why the last answer was refused (e.g. a wrong host name typed). */
  | {
      kind: 'confirm';
      stepId: string;
      host?: string;
      level: 'yes' | 'typed';
      risk?: string;
      message?: string;
      /** typed level: exactly what must be typed (`m1`, or `m1@prod` in a critical runbook). */ expect?: string;
    }
  | { kind: 'acknowledge'; stepId: string }
  | { kind: 'decide'; stepId: string }
  /** `reason`: what went wrong, e.g. `exit 3, expected 0` or a missing variable. */
  /** `cancelled`: a step an earlier process left cancelled, met by a resumed run without an operator. */
  | { kind: 'failed'; stepId: string; host?: string; reason?: string; cancelled?: boolean }
  /**
   * `canCheck`: the host's command has a check block, so the `check` settlement is offered.
   * For a durable job: what was found of it on the host (`job`) and the settlements that
   * are allowed (`choices`; `rerun` only when it provably no longer runs). `refused`: the
   * settlement asked for (--settle) that is not allowed now, and why.
   */
  | { kind: 'in-doubt'; stepId: string; host: string; canCheck?: boolean; job?: { state: JobState; exitCode?: number; detail: string }; choices?: SettleAction[]; refused?: string }
  /** A dangerous step refused while status preconditions are unmet: re-check them, or leave/abort. */
  | { kind: 'preconditions'; stepId: string; results: PreconditionCheck[] }
  | { kind: 'finished'; status: RunStatus; nextRunbook?: string };

/** A planned command: one step's resolved script on one host. */
export interface PlannedCommand {
  stepId: string;
  host: string;
  script: string;
  check?: string;
  /** Why the step will not run on this host (no block matches its facts). */
  skipReason?: string;
}

export interface RunState {
  runId: string;
  runbookId: string;
  steps: StepState[];
  /** Index into steps of the step being worked on; steps.length when done. */
  cursor: number;
  status: RunStatus;
  prompt?: Prompt;
  /** Steps whose text changed since the run started (only after a resume). */
  changedSteps: string[];
  startedAt: string;
  nextRunbook?: string;
  /** When the run finished and why it ended that way (from run-finished). */
  finishedAt?: string;
  reason?: string;
  /**
   * A step's `requires=` being checked against the cluster status right now (the gate has
   * not answered yet): before the step, before a later host of it, or on a re-check. Not
   * journaled: only the result is (`preconditions`).
   */
  checking?: { stepId: string; names: string[] };
  /** The operator interrupted the run (SIGINT without a screen): it stopped unfinished, resumable. */
  interrupted?: boolean;
}

/** What the operator (or --yes) can tell a run. */
export type Intent =
  | { type: 'confirm'; typed?: string }
  | { type: 'refuse' }
  | { type: 'acknowledge' }
  | { type: 'decide'; choice: string }
  | { type: 'retry' }
  | { type: 'skip' }
  /** Evaluate a refused step's preconditions again (against a fresh status). */
  | { type: 'recheck' }
  | { type: 'abort' }
  /** Cancel the command running now (Ctrl-C, after the screen asked). */
  | { type: 'cancel' }
  | { type: 'settle'; action: SettleAction };

/** A run as a store: screens subscribe with useSyncExternalStore and send intents. */
export interface RunController {
  getState(): RunState;
  subscribe(listener: () => void): () => void;
  send(intent: Intent): void;
  /** The runbook steps, for prose and titles. */
  readonly steps: readonly Step[];
  /** Resolved commands per step and host, for display before confirming. */
  planFor(stepId: string): PlannedCommand[];
  /** Fills the run's {{variables}} (inventory and inputs) into prose and questions; unknown ones stay as written. */
  renderText?(text: string): string;
  /** The run's input values (a runbook it hands over to may take some of them). */
  inputValues?(): Record<string, string>;
}
