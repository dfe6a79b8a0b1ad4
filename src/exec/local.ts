// Running a step on the operator's machine (`on=local`) with zx. The command gets its own
// process group (detached) so a timeout or abort kills everything it started; output goes
// only to the callbacks, never to the terminal (stdin is closed, zx is quiet).
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { $ } from 'zx';
import type { ExecRequest, ExecResult, Executor, LongProcess } from './types.ts';

const KILL_GRACE_MS = 2000;

export class LocalExecutor implements Executor {
  readonly target = 'local';

  constructor(private readonly opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {}

  async exec(req: ExecRequest): Promise<ExecResult> {
    const started = performance.now();
    if (req.signal?.aborted) {
      return { exitCode: null, timedOut: false, cancelled: true, durationMs: 0, stdout: '', stderr: '' };
    }
    const proc = $({
      nothrow: true,
      quiet: true,
      verbose: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: this.opts.cwd,
      env: this.opts.env ?? process.env,
    })`/bin/sh -c ${req.script}`;

    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let cancelled = false;
    const outDecoder = new StringDecoder('utf8');
    const errDecoder = new StringDecoder('utf8');
    const onOut = (text: string) => {
      if (!text) return;
      stdout += text;
      req.onStdout?.(text);
    };
    const onErr = (text: string) => {
      if (!text) return;
      stderr += text;
      req.onStderr?.(text);
    };
    proc.stdout.on('data', (d: Buffer) => onOut(outDecoder.write(d)));
    proc.stderr.on('data', (d: Buffer) => onErr(errDecoder.write(d)));

    const timers: NodeJS.Timeout[] = [];
    const killGroup = (signal: NodeJS.Signals) => {
      const pid = proc.pid;
      if (pid === undefined) return;
      try {
        process.kill(-pid, signal); // the whole group: the shell and everything it started
      } catch {
        // already gone
      }
    };
    const cancel = (why: 'timeout' | 'abort') => {
      if (timedOut || cancelled) return;
      if (why === 'timeout') timedOut = true;
      else cancelled = true;
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS));
    };
    const onAbort = () => cancel('abort');
    req.signal?.addEventListener('abort', onAbort, { once: true });
    if (req.timeoutMs !== undefined && req.timeoutMs > 0) timers.push(setTimeout(() => cancel('timeout'), req.timeoutMs));

    try {
      const out = await proc;
      onOut(outDecoder.end());
      onErr(errDecoder.end());
      return {
        exitCode: out.signal ? null : out.exitCode,
        signal: out.signal ?? undefined,
        timedOut,
        cancelled,
        durationMs: Math.round(performance.now() - started),
        stdout,
        stderr,
      };
    } finally {
      for (const t of timers) clearTimeout(t);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** A long-running local command in its own process group (see LongProcess). */
  async spawn(script: string): Promise<LongProcess> {
    const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: ['pipe', 'pipe', 'pipe'], cwd: this.opts.cwd, env: this.opts.env ?? process.env });
    const decoder = new StringDecoder('utf8');
    let stderr = '';
    const listeners: ((chunk: string) => void)[] = [];
    child.stdout.on('data', (d: Buffer) => {
      const text = decoder.write(d);
      if (text) for (const l of listeners) l(text);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.stdin.on('error', () => undefined); // writes after the end: nothing to do
    const ended = new Promise<{ exitCode: number | null; stderr: string }>((resolve) => {
      child.on('close', (code) => resolve({ exitCode: code, stderr }));
      child.on('error', (err) => resolve({ exitCode: null, stderr: `${stderr}${err.message}\n` }));
    });
    let done = false;
    void ended.then(() => (done = true));
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    return {
      write: (text) => {
        if (!done) child.stdin.write(text);
      },
      onStdout: (l) => listeners.push(l),
      ended,
      stop: async () => {
        if (done) return;
        child.stdin.end();
        const grace = () => new Promise<'timeout'>((r) => (setTimeout(() => r('timeout'), KILL_GRACE_MS) as unknown as NodeJS.Timeout).unref());
        if ((await Promise.race([ended, grace()])) !== 'timeout') return;
        killGroup('SIGTERM');
        if ((await Promise.race([ended, grace()])) !== 'timeout') return;
        killGroup('SIGKILL');
        await ended;
      },
    };
  }
}
