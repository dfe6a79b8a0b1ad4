// mfscli is a Python script: on a busy host its interpreter start-up (0.5-1 s) is most of a
// status sweep. A resident interpreter on the probing host compiles mfscli once and runs
// it for each request, in fresh globals, with its output captured: the same program, the
// same output, without the start-up. Requests and answers are one JSON line each over the
// stdin/stdout of one long-running command on the pooled SSH connection.
import { t } from '../i18n/index.ts';
import type { LongProcess } from '../exec/types.ts';
import { shQuote } from '../ssh/remote-command.ts';

/** Printed instead of starting the interpreter when the host has no mfscli or python3. */
const UNAVAILABLE = 'MFS-TUI-MFSCLI-UNAVAILABLE';
/** The interpreter's first line once mfscli is compiled. */
const READY = 'MFS-TUI-MFSCLI-READY';

// Runs mfscli (path in argv[1]) per request line {"id","args","timeout"}; answers
// {"id","rc","out"}. SIGALRM bounds a request (a dead address can hang a connect); rc 124
// then, as timeout(1) would say. mfscli reconfigures sys.stdout, so the capture is a real
// TextIOWrapper (not StringIO), and os.isatty(1) stays false: plain output.
const SERVER = String.raw`
import io, json, signal, sys
path = sys.argv[1]
with open(path, 'rb') as f:
    code = compile(f.read(), path, 'exec')
class Timeout(Exception):
    pass
def alarm(signum, frame):
    raise Timeout()
signal.signal(signal.SIGALRM, alarm)
out = sys.stdout
out.write('${READY}\n')
out.flush()
for line in sys.stdin:
    req = json.loads(line)
    buf = io.BytesIO()
    cap = io.TextIOWrapper(buf, encoding='utf-8', errors='replace', write_through=True)
    rc = 0
    sys.argv = ['mfscli'] + req['args']
    sys.stdout = sys.stderr = cap
    signal.alarm(max(1, int(req.get('timeout', 4))))
    try:
        exec(code, {'__name__': '__main__', '__file__': path})
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Timeout:
        rc = 124
    except BaseException as e:
        cap.write('mfscli failed: %r\n' % (e,))
        rc = 1
    finally:
        signal.alarm(0)
        sys.stdout, sys.stderr = out, sys.__stderr__
    cap.flush()
    out.write(json.dumps({'id': req['id'], 'rc': rc, 'out': buf.getvalue().decode('utf-8', 'replace')}) + '\n')
    out.flush()
`;

/** The command that starts the resident interpreter (or says it cannot). */
export function residentCommand(): string {
  return [
    'export LC_ALL=C',
    `p=$(command -v mfscli) && command -v python3 >/dev/null 2>&1 || { echo ${UNAVAILABLE}; exit 0; }`,
    // Only a Python mfscli (as in MooseFS 3.0) can run in the resident interpreter.
    `head -n 1 "$p" | grep -q python || { echo ${UNAVAILABLE}; exit 0; }`,
    `exec python3 -u -c ${shQuote(SERVER)} "$p"`,
  ].join('\n');
}

export interface MfscliAnswer {
  exitCode: number;
  output: string;
}

/** This host cannot run the resident mfscli (no mfscli, no python3, not a Python mfscli). */
export class ResidentUnavailable extends Error {}

interface Pending {
  resolve(a: MfscliAnswer): void;
  reject(e: Error): void;
}

/**
 * One resident mfscli on one host. Started on first use; a request that times out, or a
 * process that ends, drops it, and the next request starts a new one.
 */
export class ResidentMfscli {
  private proc: Promise<LongProcess> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private unavailable = false;
  private stopped = false;

  /** Only what it uses of an Executor: its name and long-running commands. */
  constructor(private readonly executor: { readonly target: string; spawn(script: string): Promise<LongProcess> }) {}

  get target(): string {
    return this.executor.target;
  }

  /** Runs `mfscli ARGS` there; rejects with ResidentUnavailable when it cannot run resident. */
  /**
   * Runs `mfscli ARGS` there; rejects with ResidentUnavailable when it cannot run resident.
   * An abort ends the wait at once (a connection still being made goes on, as for exec).
   */
  async run(args: string[], timeoutS: number, deadlineMs: number, signal?: AbortSignal): Promise<MfscliAnswer> {
    if (this.unavailable) throw new ResidentUnavailable(t('mfscli.resident.unavailable', { target: this.target }));
    if (this.stopped) throw new Error(t('mfscli.resident.stopped'));
    const cancelled = () => new Error(t('mfscli.resident.cancelled', { target: this.target }));
    if (signal?.aborted) throw cancelled();
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(cancelled());
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    let id: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    let proc: LongProcess | undefined;
    try {
      proc = await Promise.race([(this.proc ??= this.start()), aborted]);
      id = this.nextId++;
      const answer = new Promise<MfscliAnswer>((resolve, reject) => {
        timer = setTimeout(() => {
          this.pending.delete(id!);
          // A stuck interpreter is no use to the next request: drop it.
          void this.drop(proc!);
          reject(new Error(t('mfscli.resident.tooLong', { target: this.target, ms: deadlineMs })));
        }, deadlineMs);
        this.pending.set(id!, {
          resolve: (a) => {
            clearTimeout(timer);
            resolve(a);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        proc!.write(`${JSON.stringify({ id, args, timeout: timeoutS })}\n`);
      });
      answer.catch(() => undefined);
      return await Promise.race([answer, aborted]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Given up while it ran (the caller's deadline or stop): the interpreter may be stuck
      // on it, and it answers in order, so it is dropped; the next request starts another.
      if (id !== undefined && this.pending.delete(id)) {
        clearTimeout(timer);
        void this.drop(proc!);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const p = this.proc;
    this.proc = undefined;
    if (p)
      await p.then(
        (proc) => proc.stop(),
        () => undefined,
      );
  }

  private async drop(proc: LongProcess): Promise<void> {
    if (this.proc) {
      const current = await this.proc.catch(() => undefined);
      if (current === proc) this.proc = undefined;
    }
    await proc.stop();
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private async start(): Promise<LongProcess> {
    let proc: LongProcess;
    try {
      proc = await this.executor.spawn(residentCommand());
    } catch (err) {
      this.proc = undefined;
      throw err;
    }
    let buffered = '';
    let said: 'ready' | 'unavailable' | undefined;
    let ready!: (ok: boolean) => void;
    const isReady = new Promise<boolean>((r) => (ready = r));
    proc.onStdout((chunk) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!said && (line === READY || line === UNAVAILABLE)) {
          said = line === READY ? 'ready' : 'unavailable';
          ready(said === 'ready');
        } else this.answer(line);
      }
    });
    void proc.ended.then(({ stderr }) => {
      ready(false);
      if (this.proc)
        void this.proc.then(
          (p) => p === proc && (this.proc = undefined),
          () => undefined,
        );
      const why = stderr.trim().split('\n').pop();
      this.failAll(new Error(why ? t('mfscli.resident.endedWhy', { target: this.target, why }) : t('mfscli.resident.ended', { target: this.target })));
    });
    if (!(await isReady)) {
      const { exitCode, stderr } = await proc.ended;
      this.proc = undefined;
      const why = stderr.trim().split('\n').pop();
      // No exit code: the connection went away; the next request tries again.
      if (said !== 'unavailable' && exitCode === null)
        throw new Error(why ? t('mfscli.resident.notStartedWhy', { target: this.target, why }) : t('mfscli.resident.notStarted', { target: this.target }));
      // No mfscli or python3, or an interpreter that died compiling mfscli: per-call mfscli from now on.
      this.unavailable = true;
      throw new ResidentUnavailable(why ? t('mfscli.resident.unavailableWhy', { target: this.target, why }) : t('mfscli.resident.unavailable', { target: this.target }));
    }
    return proc;
  }

  private answer(line: string): void {
    let msg: { id?: unknown; rc?: unknown; out?: unknown };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return; // not ours (nothing else writes to this stdout)
    }
    const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!p) return;
    this.pending.delete(msg.id as number);
    p.resolve({ exitCode: typeof msg.rc === 'number' ? msg.rc : 1, output: typeof msg.out === 'string' ? msg.out : '' });
  }
}
