// One live SSH connection to one host: runs commands on channels of it, streams their
// output, and kills the remote process group on timeout or abort. When the connection
// drops, every running command fails with HostError('disconnected').
import { StringDecoder } from 'node:string_decoder';
import type { Client, ClientChannel } from 'ssh2';
import { HostError, type ExecRequest, type ExecResult, type LongProcess } from '../exec/types.ts';
import { killCommand, MarkerStripper, newSudoPrompt, parseJobMarker, SudoPromptWatcher, wrapJob, wrapScript, type SudoMode, type WrappedCommand } from './remote-command.ts';
import { t } from '../i18n/index.ts';

/** OpenSSH allows 10 sessions per connection; keep room for kill channels. */
const MAX_CONCURRENT_EXECS = 8;
/** Channel opens refused by a busy sshd are retried this often (~4 s in all). */
const CHANNEL_OPEN_ATTEMPTS = 20;
/** After TERM, wait this long before KILL. */
const KILL_GRACE_MS = 2000;
/** After KILL, give up waiting for the channel to close. */
const CLOSE_GRACE_MS = 3000;

/** What the server said of a command's end (exit-status or exit-signal). */
interface ExitStatus {
  code: number | null;
  signal?: string;
}

export interface SudoSetting {
  mode: SudoMode;
  /**
   * Only with mode 'password': written to sudo's stdin when, and only when, sudo prints its
   * marker prompt on stderr (never on a command line, never to the command itself).
   */
  password?: string;
  /** Who sudo authenticates, for messages. */
  user?: string;
}

export interface QuickResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** How often sudo asked for the password (sudo commands with a password only). */
  sudoPrompts: number;
}

export interface QuickOptions {
  timeoutMs?: number;
  /** The command is `sudo -S -p PROMPT …`: answer PROMPT once with the password. */
  sudo?: { prompt: string; password: string };
}

/** sudo asked for the password again, or gave up after it: it did not take it. */
export function sudoRefusedPassword(host: string, sudo: SudoSetting, stderr: string): HostError {
  const said = stderr
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('sudo:'))
    .at(-1);
  const user = sudo.user ?? t('ssh.loginUser');
  return new HostError(host, 'sudo-failed', said ? t('ssh.sudoRefusedSaid', { host, user, said }) : t('ssh.sudoRefused', { host, user }));
}

export class HostConnection {
  private alive = true;
  private readonly onLost = new Set<(err: HostError) => void>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private lostReason = t('ssh.connectionClosed');

  constructor(
    readonly host: string,
    private readonly client: Client,
    /** Other things closed with this connection (a ProxyJump connection). */
    private readonly owned: { end(): void }[] = [],
  ) {
    client.on('error', (err: Error) => {
      this.lostReason = err.message;
    });
    client.on('close', () => this.lose());
  }

  get isAlive(): boolean {
    return this.alive;
  }

  close(): Promise<void> {
    if (!this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      // A peer that does not answer our goodbye must not hold the app open.
      const force = setTimeout(() => this.client.destroy(), 2000);
      this.client.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      this.lostReason = t('ssh.closedByUs');
      this.client.end();
    });
  }

  private lose(): void {
    if (!this.alive) return;
    this.alive = false;
    for (const o of this.owned) o.end();
    const err = new HostError(this.host, 'disconnected', t('ssh.lost', { host: this.host, reason: this.lostReason }));
    for (const cb of [...this.onLost]) cb(err);
  }

  /** A place among the concurrent execs, or undefined when the signal aborts the wait. */
  private async slot(signal: AbortSignal | undefined): Promise<(() => void) | undefined> {
    if (this.active >= MAX_CONCURRENT_EXECS) {
      const got = await new Promise<boolean>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        };
        const onAbort = () => {
          this.waiting.splice(this.waiting.indexOf(wake), 1);
          resolve(false);
        };
        this.waiting.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (!got) return undefined;
    }
    this.active++;
    return () => {
      this.active--;
      this.waiting.shift()?.();
    };
  }

  private lostError(): HostError {
    return new HostError(this.host, 'disconnected', t('ssh.lost', { host: this.host, reason: this.lostReason }));
  }

  /**
   * Opens a session channel. sshd frees a session slot only after reaping its process, so
   * right after many short commands it may briefly refuse new ones (MaxSessions): retry.
   */
  private async openChannel(command: string): Promise<{ channel: ClientChannel; exit: ExitStatus }> {
    for (let attempt = 1; ; attempt++) {
      if (!this.alive) throw this.lostError();
      try {
        return await new Promise<{ channel: ClientChannel; exit: ExitStatus }>((resolve, reject) =>
          this.client.exec(command, (err, channel) => {
            if (err) return reject(err);
            // Listen before any await: a fast command's exit status can arrive in the same
            // read as the exec reply, and ssh2 emits 'exit' once, with no replay.
            const exit: ExitStatus = { code: null };
            channel.on('exit', (code: number | null, signal?: string) => {
              exit.code = code ?? null;
              if (signal) exit.signal = signal;
            });
            resolve({ channel, exit });
          }),
        );
      } catch (err) {
        if (!this.alive) throw this.lostError();
        if (attempt >= CHANNEL_OPEN_ATTEMPTS) {
          throw new HostError(this.host, 'channel-refused', t('ssh.channelRefused', { host: this.host, error: (err as Error).message }));
        }
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
  }

  /**
   * A short helper command (sudo checks, kills): collects output, no streaming, no cancel.
   * With timeoutMs, a command still running then has its channel closed and rejects. With
   * sudo, the password is written once, when sudo's marker prompt shows on stderr; stdin
   * is closed with it, so a second prompt (a wrong password) gets nothing more.
   */
  async quick(command: string, opts: QuickOptions = {}): Promise<QuickResult> {
    const { timeoutMs, sudo } = opts;
    const { channel, exit } = await this.openChannel(command);
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const lost = (e: HostError) => reject(e);
      this.onLost.add(lost);
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.onLost.delete(lost);
              reject(new Error(t('ssh.noAnswerWithin', { seconds: Math.round(timeoutMs / 1000) })));
              channel.close();
            }, timeoutMs);
      const watcher = sudo
        ? new SudoPromptWatcher(sudo.prompt, (n) => {
            if (n === 1) channel.end(`${sudo.password}\n`);
          })
        : undefined;
      channel.on('data', (d: Buffer) => out.push(d));
      channel.stderr.on('data', (d: Buffer) => err.push(watcher ? watcher.push(d) : d));
      channel.on('close', () => {
        clearTimeout(timer);
        this.onLost.delete(lost);
        if (watcher) err.push(watcher.flush());
        resolve({
          exitCode: exit.code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          sudoPrompts: watcher?.prompts ?? 0,
        });
      });
      // Without sudo nothing is fed; with it stdin stays open until sudo asks.
      if (!sudo) channel.end();
    });
  }

  /** Signals a process group, through sudo when the script ran through it. */
  private signalGroup(pgid: number, signal: 'TERM' | 'KILL', sudo: SudoSetting): Promise<unknown> {
    if (sudo.mode !== 'password') return this.quick(killCommand(pgid, signal, sudo.mode)).catch(() => undefined);
    const prompt = newSudoPrompt();
    return this.quick(killCommand(pgid, signal, sudo.mode, prompt), { sudo: { prompt, password: sudo.password ?? '' } }).catch(() => undefined);
  }

  /**
   * A helper command through sudo as the host needs it (`build` gets sudo's marker prompt
   * when a password is fed), e.g. looking at or killing a durable job.
   */
  quickAs(sudo: SudoSetting, build: (prompt?: string) => string, timeoutMs?: number): Promise<QuickResult> {
    if (sudo.mode !== 'password') return this.quick(build(), { timeoutMs });
    const prompt = newSudoPrompt();
    return this.quick(build(prompt), { timeoutMs, sudo: { prompt, password: sudo.password ?? '' } });
  }

  /**
   * Runs a script with live output; timeout/abort kill the remote process group. With
   * `req.job` it runs as a durable job; `wrap` builds a prepared command instead (one
   * whose stderr starts with the pgid marker, e.g. following a job).
   */
  async exec(req: ExecRequest, sudo: SudoSetting, wrap?: (sudoPrompt?: string) => WrappedCommand): Promise<ExecResult> {
    const started = performance.now();
    if (req.signal?.aborted) {
      return { exitCode: null, timedOut: false, cancelled: true, durationMs: 0, stdout: '', stderr: '' };
    }
    const release = await this.slot(req.signal);
    if (!release) {
      return { exitCode: null, timedOut: false, cancelled: true, durationMs: Math.round(performance.now() - started), stdout: '', stderr: '' };
    }
    try {
      return await this.execInSlot(req, sudo, started, wrap);
    } finally {
      release();
    }
  }

  private async execInSlot(req: ExecRequest, sudo: SudoSetting, started: number, wrap?: (sudoPrompt?: string) => WrappedCommand): Promise<ExecResult> {
    const prompt = sudo.mode === 'password' ? newSudoPrompt() : undefined;
    const { command, token } = wrap ? wrap(prompt) : req.job ? wrapJob(req.script, sudo.mode, req.job, undefined, prompt) : wrapScript(req.script, sudo.mode, undefined, prompt);
    const { channel, exit } = await this.openChannel(command);
    return new Promise<ExecResult>((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let cancelled = false;
      let closed = false;
      let pgidKnown: (pgid: number) => void = () => {};
      const pgid = new Promise<number>((r) => (pgidKnown = r));
      const outDecoder = new StringDecoder('utf8');
      const errDecoder = new StringDecoder('utf8');
      let sudoDone = false;
      let stdinEnded = false;
      const endStdin = () => {
        if (stdinEnded) return;
        stdinEnded = true;
        channel.end();
      };
      // The password goes to sudo only when it asks, and only once: a second prompt (it was
      // wrong) gets end of input instead, so sudo gives up after one try.
      const watcher = prompt
        ? new SudoPromptWatcher(prompt, (n) => {
            if (n === 1 && !sudoDone && !stdinEnded) channel.write(`${sudo.password ?? ''}\n`);
            else endStdin();
          })
        : undefined;
      const stripper = new MarkerStripper(token, (p, rest) => {
        // The wrapper runs: sudo is done asking. The script gets end of input on stdin.
        sudoDone = true;
        if (watcher) watcher.done = true;
        endStdin();
        pgidKnown(p);
        const job = req.job && req.onJob ? parseJobMarker(req.job, rest) : undefined;
        if (job) req.onJob?.(job);
      });
      const timers: NodeJS.Timeout[] = [];

      const emitOut = (text: string) => {
        if (!text) return;
        stdout += text;
        req.onStdout?.(text);
      };
      const emitErr = (text: string) => {
        if (!text) return;
        stderr += text;
        req.onStderr?.(text);
      };
      const cleanup = () => {
        closed = true;
        for (const t of timers) clearTimeout(t);
        req.signal?.removeEventListener('abort', onAbort);
        this.onLost.delete(onLost);
      };
      const onLost = (err: HostError) => {
        if (closed) return;
        cleanup();
        reject(err);
      };

      const kill = async () => {
        // The marker comes first on stderr; without it (a shell that died at once) there is nothing to kill.
        const id = await Promise.race([pgid, new Promise<undefined>((r) => timers.push(setTimeout(() => r(undefined), KILL_GRACE_MS)))]);
        if (closed) return;
        const send = (signal: 'TERM' | 'KILL') => (id === undefined ? Promise.resolve() : this.signalGroup(id, signal, sudo));
        await send('TERM');
        timers.push(
          setTimeout(() => {
            if (closed) return;
            void send('KILL');
            // Still open after KILL (e.g. unkillable, or a child holding the output open): stop waiting.
            timers.push(
              setTimeout(() => {
                if (closed) return;
                channel.close();
                finish();
              }, CLOSE_GRACE_MS),
            );
          }, KILL_GRACE_MS),
        );
        if (id === undefined) {
          channel.close();
          finish();
        }
      };
      const cancel = (why: 'timeout' | 'abort') => {
        if (timedOut || cancelled || closed) return;
        if (why === 'timeout') timedOut = true;
        else cancelled = true;
        void kill();
      };
      const onAbort = () => cancel('abort');

      this.onLost.add(onLost);
      req.signal?.addEventListener('abort', onAbort, { once: true });
      if (req.timeoutMs !== undefined && req.timeoutMs > 0) timers.push(setTimeout(() => cancel('timeout'), req.timeoutMs));

      channel.on('data', (d: Buffer) => emitOut(outDecoder.write(d)));
      channel.stderr.on('data', (d: Buffer) => emitErr(errDecoder.write(stripper.push(watcher ? watcher.push(d) : d))));
      const finish = () => {
        if (closed) return;
        emitOut(outDecoder.end());
        const rest = watcher ? stripper.push(watcher.flush()) : Buffer.alloc(0);
        emitErr(errDecoder.write(Buffer.concat([rest, stripper.flush()])) + errDecoder.end());
        cleanup();
        if (watcher && watcher.prompts > 0 && !sudoDone && !timedOut && !cancelled) {
          // sudo asked and never started the command: the password was not taken.
          reject(sudoRefusedPassword(this.host, sudo, stderr));
          return;
        }
        resolve({
          exitCode: timedOut || cancelled ? (exit.signal ? null : exit.code) : exit.code,
          signal: exit.signal,
          timedOut,
          cancelled,
          durationMs: Math.round(performance.now() - started),
          stdout,
          stderr,
        });
      };
      channel.on('close', finish);
      // Without a sudo password nothing is fed: the script reads end of input at once.
      if (!watcher) endStdin();
    });
  }

  /**
   * Starts a long-running command: stdin stays open for the caller, stdout streams to it.
   * It holds one of the connection's exec places until it ends; stop() closes stdin and
   * kills its process group when it does not end by itself within the grace period.
   */
  async spawn(script: string, sudo: SudoSetting): Promise<LongProcess> {
    const release = await this.slot(undefined);
    let channel: ClientChannel;
    let exit: ExitStatus;
    const prompt = sudo.mode === 'password' ? newSudoPrompt() : undefined;
    const { command, token } = wrapScript(script, sudo.mode, undefined, prompt);
    try {
      ({ channel, exit } = await this.openChannel(command));
    } catch (err) {
      release!();
      throw err;
    }
    let pgidKnown: (pgid: number) => void = () => {};
    const pgid = new Promise<number>((r) => (pgidKnown = r));
    // The caller's input waits until sudo is done asking: it must never be taken for the password.
    let started = !prompt;
    let held: string[] = [];
    const watcher = prompt
      ? new SudoPromptWatcher(prompt, (n) => {
          if (n === 1 && !started) channel.write(`${sudo.password ?? ''}\n`);
          else channel.end();
        })
      : undefined;
    /** stop() came before sudo was done asking: end of input follows the held input. */
    let endWhenStarted = false;
    const stripper = new MarkerStripper(token, (p) => {
      if (!started) {
        started = true;
        if (watcher) watcher.done = true;
        for (const text of held) channel.write(text);
        held = [];
        if (endWhenStarted) channel.end();
      }
      pgidKnown(p);
    });
    const outDecoder = new StringDecoder('utf8');
    const errDecoder = new StringDecoder('utf8');
    const listeners: ((chunk: string) => void)[] = [];
    let stderr = '';
    let closed = false;
    const ended = new Promise<{ exitCode: number | null; stderr: string }>((resolve) => {
      const finish = () => {
        if (closed) return;
        closed = true;
        this.onLost.delete(finish);
        release!();
        const rest = watcher ? stripper.push(watcher.flush()) : Buffer.alloc(0);
        stderr += errDecoder.write(Buffer.concat([rest, stripper.flush()])) + errDecoder.end();
        resolve({ exitCode: exit.code, stderr });
      };
      channel.on('close', finish);
      this.onLost.add(finish);
    });
    channel.on('data', (d: Buffer) => {
      const text = outDecoder.write(d);
      if (text) for (const l of listeners) l(text);
    });
    channel.stderr.on('data', (d: Buffer) => {
      stderr += errDecoder.write(stripper.push(watcher ? watcher.push(d) : d));
    });
    const stop = async () => {
      if (closed) return;
      if (started) channel.end();
      else endWhenStarted = true;
      const timeout = (ms: number) => new Promise<'timeout'>((r) => (setTimeout(() => r('timeout'), ms) as unknown as NodeJS.Timeout).unref());
      if ((await Promise.race([ended, timeout(KILL_GRACE_MS)])) !== 'timeout') return;
      const id = await Promise.race([pgid, timeout(100)]);
      if (typeof id === 'number') {
        for (const signal of ['TERM', 'KILL'] as const) {
          await this.signalGroup(id, signal, sudo);
          if ((await Promise.race([ended, timeout(KILL_GRACE_MS)])) !== 'timeout') return;
        }
      }
      channel.close();
      await Promise.race([ended, timeout(CLOSE_GRACE_MS)]);
    };
    return {
      write: (text: string) => {
        if (closed) return;
        if (started) channel.write(text);
        else held.push(text);
      },
      onStdout: (l) => listeners.push(l),
      ended,
      stop,
    };
  }
}
