// Records of a run's journal: one JSON object per line, appended and fsynced one by one.
// The journal is the run's source of truth: the engine's state is a fold over it, so
// resuming after a crash is replaying the file.
import type { RemoteJob } from '../exec/types.ts';

export type Phase = 'command' | 'check';

/** What became of an in-doubt job: see exec/types JobProbe; `unknown`: the host did not say. */
export type JobState = 'running' | 'finished' | 'gone' | 'rebooted' | 'unknown';

/**
 * How an in-doubt step is settled: run its check, run it again (only when it provably no
 * longer runs), mark it done, abort the run; for a job still known on its host also
 * follow it to its end (then its exit code is judged) or stop it (kill its group).
 */
export type SettleAction = 'check' | 'rerun' | 'mark-done' | 'abort' | 'follow' | 'stop';

/** One status precondition (a step's `requires=`) as checked before the step ran. */
export interface PreconditionCheck {
  name: string;
  met: boolean;
  /** What was seen, or why it is not met (`m1 and m2 all hold the VIP`). */
  detail: string;
}

/**
 * What the engine does about unmet preconditions: `met` all held; `warned` some did not,
 * but the step is not dangerous, so it runs with a warning; `refused` the step is
 * dangerous (confirm=typed or risk=) and does not run while any is unmet.
 */
export type PreconditionOutcome = 'met' | 'warned' | 'refused';

interface Base {
  /** 1, 2, 3... within the run; a gap means a lost record. */
  seq: number;
  /** ISO 8601 time the record was written. */
  ts: string;
}

export type JournalRecord = Base &
  (
    | {
        type: 'run-started';
        runId: string;
        runbook: {
          id: string;
          title: string;
          /** The file shown to the operator: the original or its translation (`X.zh.md`). */
          file: string;
          hash: string;
          steps: { id: string; hash: string }[];
          /** The language of that file's text (`en`, `zh`); absent in journals written before translations. */
          language?: string;
        };
        inventory: { file: string; hash: string; cluster: string };
        inputs: Record<string, string>;
        operator: string;
        machine: string;
        mode: 'interactive' | 'non-interactive';
      }
    /** The process came back to this run (after a crash or a stop). */
    | {
        type: 'resumed';
        pid: number;
        changedSteps: string[];
        operator: string;
        /** The torn last line cut off before this resume (the process died writing it): a lost record. */
        lostLine?: { line: number; text: string };
      }
    /** The operator said yes (or typed the host name) for one step on one host, or --yes did. */
    | { type: 'confirmed'; stepId: string; host?: string; how: 'yes' | 'typed' | 'auto'; typed?: string }
    /** The operator typed a wrong host name, or said no. */
    | { type: 'refused'; stepId: string; host?: string; typed?: string; reason: string }
    /**
     * A step's status preconditions (`requires=`) were checked before it ran: each with what
     * was seen, and what the engine did (`refused`: a dangerous step did not run).
     */
    | {
        type: 'preconditions';
        stepId: string;
        results: PreconditionCheck[];
        outcome: PreconditionOutcome;
        /** Whether the step counts as dangerous (confirm=typed or risk=). */
        dangerous: boolean;
      }
    | {
        type: 'step-started';
        stepId: string;
        host: string;
        phase: Phase;
        command: string;
        attempt: number;
        /** Every host this step targets, in order (set on the step's first start): the step is done when all are. */
        targets?: string[];
        /** A check phase follows a successful command on this host. */
        hasCheck?: boolean;
      }
    | { type: 'output'; stepId: string; host: string; phase: Phase; stream: 'stdout' | 'stderr'; data: string }
    | {
        type: 'step-finished';
        stepId: string;
        host: string;
        phase: Phase;
        exitCode: number | null;
        signal?: string;
        durationMs: number;
        /** Whether the exit code and output met the step's expectations. */
        ok: boolean;
        /** Why not ok, in words (e.g. `exit 3, expected 0`). */
        reason?: string;
      }
    | { type: 'step-cancelled'; stepId: string; host: string; phase: Phase; reason: 'timeout' | 'operator'; durationMs: number }
    /** Skipped on one host (host set) or as a whole; by the operator or because no block fits the host's facts. */
    | { type: 'step-skipped'; stepId: string; host?: string; by: 'operator' | 'condition'; reason: string }
    /** A manual step the operator acknowledged as done. */
    | { type: 'acknowledged'; stepId: string }
    | { type: 'decided'; stepId: string; choice: string; goto?: string; runbook?: string }
    /**
     * The command runs as a durable job on the host (its process group, the host's boot id,
     * the folder of its output and exit code): a resume can tell whether it still runs.
     */
    | { type: 'job-started'; stepId: string; host: string; phase: Phase; job: RemoteJob }
    /** The SSH connection dropped while the command ran: it is in doubt, not failed. */
    | { type: 'connection-lost'; stepId: string; host: string; phase: Phase; reason: string }
    /**
     * What a resume found of an in-doubt job on its host (its output since is journaled as
     * output records just before): `unknown` when the host could not be asked.
     */
    | { type: 'job-checked'; stepId: string; host: string; phase: Phase; state: JobState; exitCode?: number; detail: string }
    /** How the operator settled a step that was running when the process died. */
    | { type: 'in-doubt-resolved'; stepId: string; host: string; action: SettleAction }
    | { type: 'run-finished'; status: 'succeeded' | 'failed' | 'aborted' | 'handed-off'; nextRunbook?: string; reason?: string }
  );

export type JournalRecordType = JournalRecord['type'];

/** A record before the writer stamps seq and ts on it. */
export type NewRecord = JournalRecord extends infer R ? (R extends JournalRecord ? Omit<R, 'seq' | 'ts'> : never) : never;
