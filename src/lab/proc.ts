// Small process helpers: run a command and collect its output; look at processes by PID.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { t } from '../i18n/index.ts';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command (no shell) and resolves with its exit code and output; never rejects on failure. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + `${cmd}: ${err.message}`, timedOut });
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Like run, but a non-zero exit becomes an error naming the command and its stderr. */
export async function runChecked(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const why = r.timedOut ? t('lab.proc.timedOut', { ms: String(opts.timeoutMs) }) : t('lab.proc.exit', { code: String(r.code), output: r.stderr.trim() || r.stdout.trim() });
    throw new LabError(t('lab.proc.failed', { command: [cmd, ...args].join(' ').slice(0, 200), why }));
  }
  return r.stdout;
}

/** An operator-facing failure of the lab: printed as one message, never a stack trace. */
export class LabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}

/** A live process (zombies count as gone: they only wait for their parent to reap them). */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export function parentPid(pid: number): number | undefined {
  try {
    const m = /^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function processName(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** A process's argv from /proc (empty when it is gone). */
export function processArgs(pid: number): string[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((a) => a !== '');
  } catch {
    return [];
  }
}

/**
 * MooseFS daemons share their program with one-shot commands: `mfsmaster test` (keepalived-ha's
 * check script runs it every second), `stop`, `kill`, `reload`. Those are not a running daemon.
 */
export function isOneShotMfsCommand(argv: readonly string[]): boolean {
  return argv.slice(1).some((a) => a === 'test' || a === 'stop' || a === 'kill' || a === 'reload');
}

/** The children of a process, found by scanning /proc (this kernel has no /proc/PID/task/PID/children). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (parentPid(Number(entry)) === pid) out.push(Number(entry));
  }
  return out;
}

/** The namespace identity of a process (`net:[4026532]`), or undefined when it is gone. */
export function namespaceOf(pid: number | 'self', kind: 'net' | 'pid' | 'mnt'): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/${kind}`);
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, everyMs = 50): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() >= end) return undefined;
    await sleep(everyMs);
  }
}
