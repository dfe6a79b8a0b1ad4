// How the engine runs a command somewhere. SSH and local execution implement this;
// the engine and its tests only see this interface.

export interface ExecRequest {
  /** The exact shell script to run (already resolved: no `{{variables}}`). */
  script: string;
  /** Cancels the command on the target (not just the local wait). */
  signal?: AbortSignal;
  /** Kill the remote command after this long; the result says timedOut. */
  timeoutMs?: number;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /**
   * Run as a durable job with this id (ssh/remote-command.ts): the command survives the
   * connection, its output and exit code are kept on the host, and `onJob` says where.
   * Executors that cannot do this ignore it.
   */
  job?: string;
  onJob?: (job: RemoteJob) => void;
}

/** What a job id is (ssh/remote-command.ts jobId): it becomes a file name and a MFS_TUI_JOB value on the host. */
export const JOB_ID = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Where a durable job runs and how to recognise it later (journaled with the step). */
export interface RemoteJob {
  /** File-safe id: run, step, host, attempt, phase. Also the value of MFS_TUI_JOB. */
  id: string;
  /** The job's process group (its own session). */
  pgid: number;
  /** Start time of the group leader (clock ticks since boot, /proc/PID/stat field 22). */
  startTime: string;
  /** /proc/sys/kernel/random/boot_id when it started: another one means the host rebooted. */
  bootId: string;
  /** The recorder that writes the exit code when the job ends. */
  recorder: number;
  /** The private folder of the job's files (`<id>.sh`, `.out`, `.err`, `.rc`). */
  dir: string;
}

/** What became of a job: see ssh/remote-command.ts parseProbe. */
export interface JobProbe {
  state: 'running' | 'finished' | 'gone' | 'rebooted';
  exitCode?: number;
  /** Output printed since the given byte offsets (the last 64 KiB of it). */
  stdout: string;
  stderr: string;
  /** The output files' sizes now (bytes): where following it goes on from. */
  size?: { stdout: number; stderr: number };
  /** Found by its id alone (its start never reached the journal): who it is. */
  identity?: RemoteJob;
}

/** Looking after a durable job after the channel that started it is gone. */
export interface JobControl {
  /** By what the journal has: the job's identity, or only its id when its start never reached the journal. */
  probe(job: RemoteJob | { id: string }, from: { stdout: number; stderr: number }): Promise<JobProbe>;
  /** Follows the job from the offsets to its end, like exec (abort/timeout kill its group). */
  follow(job: RemoteJob, from: { stdout: number; stderr: number }, req: Omit<ExecRequest, 'script' | 'job' | 'onJob'>): Promise<ExecResult>;
  /** Kills the job's process group (TERM, then KILL) if it still runs; resolves when it no longer does. */
  stop(job: RemoteJob): Promise<JobProbe>;
}

export interface ExecResult {
  /** null when the command was killed by a signal or never finished. */
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  cancelled: boolean;
  /** Cancelled while the SSH connection was still being made: the host never answered. */
  unconnected?: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
}

/**
 * A long-running command on a target that is fed on stdin and read on stdout as it goes
 * (a resident helper, not a runbook step). Its stderr is kept for the end.
 */
export interface LongProcess {
  write(text: string): void;
  /** Every stdout chunk from now on (decoded UTF-8). */
  onStdout(listener: (chunk: string) => void): void;
  /** Settles when the process has ended (its channel closed), never rejects. */
  readonly ended: Promise<{ exitCode: number | null; stderr: string }>;
  /** Closes stdin; kills the process group if it has not ended after a grace period. */
  stop(): Promise<void>;
}

/** Runs commands on one target (a host over SSH, or the local machine). */
export interface Executor {
  /** Human name of the target, e.g. `m1` or `local`. */
  readonly target: string;
  exec(req: ExecRequest): Promise<ExecResult>;
  /** Starts a long-running command (where the executor supports it). */
  spawn?(script: string): Promise<LongProcess>;
  /** Durable jobs (where the executor runs them). */
  jobs?: JobControl;
}

/** A failure to reach or authenticate to a host: never a stack trace for the operator. */
export class HostError extends Error {
  constructor(
    readonly host: string,
    readonly kind:
      | 'unreachable'
      | 'timeout'
      | 'auth-refused'
      /** We have no usable key or passphrase for it: a local problem, the host was never asked. */
      | 'no-credentials'
      | 'host-key-unknown'
      | 'host-key-changed'
      | 'host-key-rejected'
      | 'sudo-failed'
      | 'channel-refused'
      | 'disconnected',
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}
