// A drill as it is kept: the one under way, and each finished one in the history.
import type { RunbookFit } from './scenarios.ts';

export interface DrillFile {
  name: string;
  sha256: string;
  size: number;
}

export interface DrillCheck {
  at: string;
  healthy: boolean;
  problems: string[];
}

export interface DrillRecord {
  /** `drill-20261125-221500-ab12`: sorts by start. */
  id: string;
  scenario: string;
  surprise: boolean;
  /** The run was the scripted recovery (`--scripted`): its time is the reference. */
  scripted: boolean;
  /** When the drill began (files written next). */
  startedAt: string;
  /** When the fault was in place: the clock starts here. */
  brokeAt?: string;
  /** The host the fault hit. */
  host?: string;
  /** What `lab break` (and the preparation) did, hidden from the trainee in a surprise drill. */
  did: string[];
  /** The master's metadata version just before the fault. */
  versionBefore: number;
  /** Folder on the client (cl) with the drill's files. */
  dir: string;
  files: DrillFile[];
  checks: DrillCheck[];
  endedAt?: string;
  outcome?: 'recovered' | 'abandoned';
  /** brokeAt → the check that found the cluster healthy. */
  recoveryMs?: number;
  /** What triage said right after the fault (its runbooks count as fitting in the debrief). */
  triage?: TriageAtFault;
  /** Filled in when the drill ends. */
  debrief?: Debrief;
}

export interface TriageAtFault {
  at: string;
  findings: { code: string; title: string; runbook?: string }[];
  /** Why no triage was taken (it never stops a drill). */
  error?: string;
}

// What a debrief holds (drill/debrief.ts builds it; a finished drill record keeps it).
export interface StepSummary {
  stepId: string;
  kind: 'command' | 'decision' | 'manual' | 'skipped';
  hosts: string[];
  /** Highest attempt number seen (1: ran once). */
  attempts: number;
  /** From the step's first start (or the record before a decision) to its last finish. */
  wallMs: number;
  /** Every command and check phase that ran ended as expected. */
  ok?: boolean;
  choice?: string;
}

export interface RunSummaryDebrief {
  runId: string;
  runbookId: string;
  runbookTitle: string;
  cluster: string;
  fit: RunbookFit | 'other-cluster';
  startedAt: string;
  lastAt: string;
  durationMs: number;
  status: 'succeeded' | 'failed' | 'aborted' | 'handed-off' | 'unfinished';
  steps: StepSummary[];
}

export type WrongTurnKind = 'unfit-runbook' | 'other-cluster' | 'refused-precondition' | 'failed-step' | 're-run' | 'refused-confirmation' | 'failed-run';

export interface WrongTurn {
  kind: WrongTurnKind;
  runId: string;
  stepId?: string;
  detail: string;
}

export interface Comparison {
  /** Earlier recovered drills of this scenario (not scripted). */
  earlier: number;
  bestMs?: number;
  lastMs?: number;
  averageMs?: number;
  scriptedMs?: number;
}

export interface Debrief {
  /** A surprise drill not recovered yet: the fault and what fits it are not shown. */
  hidden?: boolean;
  drillId: string;
  scenario: string;
  scenarioTitle: string;
  surprise: boolean;
  scripted: boolean;
  host?: string;
  startedAt: string;
  brokeAt?: string;
  endedAt: string;
  recovered: boolean;
  recoveryMs?: number;
  /** What is still wrong, when not recovered. */
  problems: string[];
  verified: string[];
  /** Not part of "recovered", worth fixing (e.g. the standby holds no current metadata). */
  warnings: string[];
  files: { total: number; intact: number };
  recommended: string[];
  /** What triage said right after the fault, when it was taken. */
  triage?: DrillRecord['triage'];
  runs: RunSummaryDebrief[];
  wrongTurns: WrongTurn[];
  comparison: Comparison;
}
