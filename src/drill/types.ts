// A drill as it is kept: the one under way, and each finished one in the history.

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
  debrief?: import('./debrief.ts').Debrief;
}

export interface TriageAtFault {
  at: string;
  findings: { code: string; title: string; runbook?: string }[];
  /** Why no triage was taken (it never stops a drill). */
  error?: string;
}
