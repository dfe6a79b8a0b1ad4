// How a script is wrapped for the remote side so it can be killed later: the wrapper
// prints the process group of the shell that runs the script to stderr (one marker line,
// stripped before output reaches anyone), then execs the script. Cancelling sends
// `kill -TERM -- -PGID` over a second channel. Pure string building and parsing.
import { t } from '../i18n/index.ts';
import { randomBytes } from 'node:crypto';
import { JOB_ID } from '../exec/types.ts';

/** Single-quotes a string for POSIX sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** How sudo is used for a `become` host. */
export type SudoMode = 'none' | 'nopasswd' | 'password';

/**
 * With 'password', sudo prints `prompt` (a random marker, unique per session) on stderr when,
 * and only when, it wants the password; the caller writes the password then and only then
 * (SudoPromptWatcher). sudo expands `%` in a prompt, so the marker has none.
 */
export function sudoPrefix(mode: SudoMode, prompt?: string): string {
  switch (mode) {
    case 'none':
      return '';
    case 'nopasswd':
      return 'sudo -n -- ';
    case 'password':
      // english: a caller's mistake (the marker is always newSudoPrompt's), never an operator's
      if (!prompt || !/^[A-Za-z0-9_:]+$/.test(prompt)) throw new Error('sudo password mode needs a plain marker prompt');
      return `sudo -S -p ${shQuote(prompt)} -- `;
  }
}

/** A fresh marker for sudo's password prompt. */
export function newSudoPrompt(): string {
  return `__mfs_tui_sudo_${randomBytes(9).toString('hex')}__:`;
}

/**
 * Watches a stderr stream for sudo's marker prompt: removes every occurrence from the
 * stream (the operator never sees it) and counts them. A marker split across chunks is
 * held back until it is whole or clearly not the marker.
 */
export class SudoPromptWatcher {
  private tail = Buffer.alloc(0);
  private readonly marker: Buffer;
  prompts = 0;
  /** Stop looking (sudo has started the command): everything passes through as it is. */
  done = false;

  constructor(
    prompt: string,
    private readonly onPrompt: (count: number) => void,
  ) {
    this.marker = Buffer.from(prompt, 'latin1');
  }

  push(chunk: Buffer): Buffer {
    if (this.done) {
      const out = Buffer.concat([this.tail, chunk]);
      this.tail = Buffer.alloc(0);
      return out;
    }
    let all = Buffer.concat([this.tail, chunk]);
    const parts: Buffer[] = [];
    for (let at = all.indexOf(this.marker); at >= 0; at = all.indexOf(this.marker)) {
      parts.push(all.subarray(0, at));
      all = all.subarray(at + this.marker.length);
      this.prompts++;
      this.onPrompt(this.prompts);
    }
    // Hold back the longest end of the chunk that is a start of the marker.
    let keep = Math.min(all.length, this.marker.length - 1);
    while (keep > 0 && !this.marker.subarray(0, keep).equals(all.subarray(all.length - keep))) keep--;
    parts.push(all.subarray(0, all.length - keep));
    this.tail = Buffer.from(all.subarray(all.length - keep));
    return Buffer.concat(parts);
  }

  flush(): Buffer {
    const out = this.tail;
    this.tail = Buffer.alloc(0);
    return out;
  }
}

export interface WrappedCommand {
  /** The command line for the SSH exec request. */
  command: string;
  /** The unique start of the marker line on stderr. */
  token: string;
}

/**
 * `exec /bin/sh -c '<wrapper>'` so the user's login shell (bash, zsh, fish…) does not matter.
 * The wrapper reads its process group from /proc (it may not be a group leader under sudo),
 * falling back to $$ (the session leader sshd made it) where there is no /proc.
 */
export function wrapScript(script: string, sudo: SudoMode, token = `__mfs_tui_pgid_${randomBytes(6).toString('hex')}__`, sudoPrompt?: string): WrappedCommand {
  // eval, not another `sh -c`: one process less per command (process start-up is most of
  // the cost of a pooled exec).
  const wrapper = `__mfs_pg=$$; [ -r /proc/$$/stat ] && read -r _ _ _ _ __mfs_pg _ < /proc/$$/stat; ` + `printf '%s\\n' "${token}=$__mfs_pg" >&2; unset __mfs_pg; eval ${shQuote(script)}`;
  return { command: `exec ${sudoPrefix(sudo, sudoPrompt)}/bin/sh -c ${shQuote(wrapper)}`, token };
}

/** The command that signals the script's whole process group. */
export function killCommand(pgid: number, signal: 'TERM' | 'KILL', sudo: SudoMode, sudoPrompt?: string): string {
  // -0 is our own group and -1 every process we may signal: never a job's.
  if (!Number.isSafeInteger(pgid) || pgid < 2) throw new Error(t('ssh.job.badGroup', { pgid: String(pgid) }));
  // `kill -SIG -PGID`: the form dash, bash and busybox all accept (dash rejects `--` and `-s`).
  return `exec ${sudoPrefix(sudo, sudoPrompt)}/bin/sh -c ${shQuote(`kill -${signal} -${pgid} 2>/dev/null; exit 0`)}`;
}

/**
 * Removes the marker line from the start of a stderr stream. Feed it bytes; it holds them
 * back until the marker line has been seen (or the stream is clearly not starting with
 * one), then passes everything else through unchanged.
 */
export class MarkerStripper {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private done = false;
  pgid: number | undefined;

  constructor(
    private readonly token: string,
    /** `rest`: everything after `<token>=` on the marker line (a job marker carries more than the pgid). */
    private readonly onPgid: (pgid: number, rest: string) => void,
  ) {}

  /** Returns the bytes that may be passed on now. */
  push(chunk: Buffer): Buffer {
    if (this.done) return chunk;
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    const all = Buffer.concat(this.held);
    const at = all.indexOf(this.token);
    if (at >= 0) {
      const end = all.indexOf(0x0a, at);
      if (end < 0) return Buffer.alloc(0);
      const line = all.subarray(at + this.token.length, end).toString('utf8');
      const value = /^=(\d+)/.exec(line);
      this.finish();
      if (value) {
        this.pgid = Number(value[1]);
        this.onPgid(this.pgid, line.slice(1));
      }
      return Buffer.concat([all.subarray(0, at), all.subarray(end + 1)]);
    }
    // A login shell may print something first; give up waiting after a generous amount.
    if (this.heldBytes > 64 * 1024) {
      this.finish();
      return all;
    }
    return Buffer.alloc(0);
  }

  /** At end of stream: whatever is still held. */
  flush(): Buffer {
    if (this.done) return Buffer.alloc(0);
    const all = Buffer.concat(this.held);
    this.finish();
    return all;
  }

  private finish(): void {
    this.done = true;
    this.held = [];
    this.heldBytes = 0;
  }
}

// ---- durable jobs --------------------------------------------------------------------
// A runbook step must outlive the SSH channel that started it: if the connection drops
// (or mfs-tui is killed) the command goes on, its output still lands somewhere, and a
// later resume can tell whether it still runs, what it printed and how it ended. So the
// step runs as a *job*: its script, output and exit code are files in a private folder
// on the host; the command runs in its own session (setsid) with MFS_TUI_JOB=<id> in its
// environment; a recorder process waits for it and writes the exit code; the channel
// only follows the files. The marker line then carries the job's identity.

/** Where a job lives on its host and how to recognise its processes: the journaled RemoteJob. */
export type JobIdentity = RemoteJob;

/** A job id from its parts, safe as a file name and in a shell word. */
/**
 * A job id goes into the commands that start, probe and follow the job as a file name:
 * anything else (a journal edited by hand) is refused before it reaches a shell.
 */
function checkedJobId(id: string): string {
  if (!JOB_ID.test(id)) throw new Error(t('ssh.job.badId', { id: id.replace(/[^\x20-\x7e]/g, '?') }));
  return id;
}

export function jobId(parts: readonly (string | number)[]): string {
  return parts.map((p) => String(p).replace(/[^A-Za-z0-9_-]+/g, '_')).join('.');
}

/**
 * The private folder on the host: $XDG_RUNTIME_DIR/mfs-tui, else /run/mfs-tui-<uid>
 * (root, and so sudo), else ~/.local/state/mfs-tui/jobs. Made 0700 and must be ours.
 */
const PICK_DIR =
  `__mfs_d=; for __c in "\${XDG_RUNTIME_DIR:+$XDG_RUNTIME_DIR/mfs-tui}" "/run/mfs-tui-$(id -u)" "\${HOME:+$HOME/.local/state/mfs-tui/jobs}"; do ` +
  `[ -n "$__c" ] || continue; [ -d "$__c" ] || { mkdir -p "$__c" && chmod 700 "$__c"; } 2>/dev/null; [ -d "$__c" ] && [ -O "$__c" ] && [ -w "$__c" ] && __mfs_d=$__c && break; done`;

/** Runs in the job's own session: notes its group and start time, then becomes the script. */
const RUNNER =
  // english: shell code, not prose
  `if [ -r /proc/$$/stat ]; then read -r _ _ _ _ pg _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ st _ < /proc/$$/stat; else pg=$$; st=0; fi; ` +
  // The script gets the login's umask back (the job's own files were made private before).
  `printf '%s %s\\n' "$pg" "$st" > "$0.pid"; umask "$1"; exec /bin/sh "$0.sh" > "$0.out" 2> "$0.err" < /dev/null`;

/** Waits for the job (in a session of its own) and writes its exit code when it ends. */
const RECORDER = `setsid -w /bin/sh -c ${shQuote(RUNNER)} "$0" "$1" < /dev/null > /dev/null 2>&1 & wait $!; printf '%s\\n' "$?" > "$0.rc.tmp" && mv "$0.rc.tmp" "$0.rc"`;

/** Follows a job's output files from byte offsets until its recorder wrote the exit code; exits with it. */
function followScript(f: string, recorder: string, outFrom: string, errFrom: string): string {
  return (
    `if [ ! -e "${f}.rc" ] && kill -0 ${recorder} 2>/dev/null; then ` +
    `tail -c +$((${outFrom}+1)) -s 0.05 --pid=${recorder} -f "${f}.out" & __t1=$!; ` +
    `tail -c +$((${errFrom}+1)) -s 0.05 --pid=${recorder} -f "${f}.err" >&2 & __t2=$!; wait $__t1 $__t2; ` +
    `else tail -c +$((${outFrom}+1)) "${f}.out"; tail -c +$((${errFrom}+1)) "${f}.err" >&2; fi; ` +
    // english: shell code, not prose
    `if [ -r "${f}.rc" ]; then read -r __rc < "${f}.rc"; exit "$__rc"; fi; ` +
    `printf '%s\\n' ${shQuote(t('ssh.job.noExitCode'))} >&2; exit 255`
  );
}

/**
 * Wraps a step's script as a durable job (see above). The marker line on stderr is
 * `<token>=<pgid> <start time> <boot id> <recorder pid> <folder>`. Where no private
 * folder or setsid is available the script runs as a plain wrapped command (wrapScript's
 * marker, no job: it dies with the channel as before).
 */
export function wrapJob(script: string, sudo: SudoMode, id: string, token = `__mfs_tui_pgid_${randomBytes(6).toString('hex')}__`, sudoPrompt?: string): WrappedCommand {
  const plain = `__mfs_pg=$$; [ -r /proc/$$/stat ] && read -r _ _ _ _ __mfs_pg _ < /proc/$$/stat; ` + `printf '%s\\n' "${token}=$__mfs_pg" >&2; unset __mfs_pg; eval ${shQuote(script)}`;
  const f = `$__mfs_d/${checkedJobId(id)}`;
  const wrapper =
    `__mfs_um=$(umask); umask 077; ${PICK_DIR}; ` +
    // english: shell code, not prose
    `if [ -z "$__mfs_d" ] || ! command -v setsid >/dev/null 2>&1 || ! printf '%s' ${shQuote(script)} > "${f}.sh" || ! : > "${f}.out" || ! : > "${f}.err"; then umask "$__mfs_um"; ${plain}; exit $?; fi; ` +
    `rm -f "${f}.rc" "${f}.pid"; ` +
    // Jobs of a week ago are nobody's business any more (in the background: no wait for it).
    `(find "$__mfs_d" -maxdepth 1 -type f -mtime +7 -delete 2>/dev/null &) ; ` +
    // The recorder has its own session too: a hang-up of the channel's (or sudo's pty's) group must not reach it.
    `MFS_TUI_JOB=${id} setsid -w /bin/sh -c ${shQuote(RECORDER)} "${f}" "$__mfs_um" < /dev/null > /dev/null 2>&1 & __mfs_rec=$!; ` +
    // english: shell code, not prose
    `__n=0; while [ ! -s "${f}.pid" ] && [ $__n -lt 1000 ]; do sleep 0.005; __n=$((__n+1)); done; ` +
    `read -r __pg __st 2>/dev/null < "${f}.pid" || { __pg=0; __st=0; }; ` +
    `read -r __boot 2>/dev/null < /proc/sys/kernel/random/boot_id || __boot=none; ` +
    `printf '%s\\n' "${token}=$__pg $__st $__boot $__mfs_rec $__mfs_d" >&2; ` +
    followScript(f, '$__mfs_rec', '0', '0');
  return { command: `exec ${sudoPrefix(sudo, sudoPrompt)}/bin/sh -c ${shQuote(wrapper)}`, token };
}

/** Parses the rest of a job marker line (after `<token>=`). */
export function parseJobMarker(id: string, rest: string): JobIdentity | undefined {
  const m = /^(\d+) (\d+) (\S+) (\d+) (.+)$/.exec(rest);
  if (!m || Number(m[1]) < 2) return undefined;
  return { id, pgid: Number(m[1]), startTime: m[2]!, bootId: m[3]!, recorder: Number(m[4]), dir: m[5]! };
}

/** Follows a job already running (or ended) from byte offsets of its stdout and stderr. */
export function followCommand(
  job: JobIdentity,
  from: { stdout: number; stderr: number },
  sudo: SudoMode,
  sudoPrompt?: string,
  token = `__mfs_tui_pgid_${randomBytes(6).toString('hex')}__`,
): WrappedCommand {
  // The marker names the job's group, so a cancel while following kills the job.
  checkedJobId(job.id);
  const script =
    `printf '%s\\n' ${shQuote(`${token}=${job.pgid}`)} >&2; __f=${shQuote(`${job.dir}/${job.id}`)}; ` + followScript('$__f', String(job.recorder), String(from.stdout), String(from.stderr));
  return { command: `exec ${sudoPrefix(sudo, sudoPrompt)}/bin/sh -c ${shQuote(script)}`, token };
}

/**
 * Says what became of a job, found by its id alone (its start may never have reached the
 * journal): `boot <id>`; `proc <pid> <pgid>` for every process carrying its MFS_TUI_JOB
 * marker (the job's group and its recorder: while any lives, it runs); `dir`, `pid <pgid>
 * <start time>` and `rc <code>` from its folder; `size <out> <err>`; then after a `--`
 * line its output from the offsets (the last 64 KiB of it) and its stderr on stderr.
 */
export function probeCommand(id: string, dirHint: string | undefined, from: { stdout: number; stderr: number }, sudo: SudoMode, sudoPrompt?: string): string {
  const marker = shQuote(`MFS_TUI_JOB=${checkedJobId(id)}`);
  const script =
    // The probe's own complaints (processes that end while it looks) go nowhere; fd 3 is the job's stderr.
    `exec 3>&2 2>/dev/null; __d=; for __c in ${dirHint ? shQuote(dirHint) : ''} "\${XDG_RUNTIME_DIR:+$XDG_RUNTIME_DIR/mfs-tui}" "/run/mfs-tui-$(id -u)" "\${HOME:+$HOME/.local/state/mfs-tui/jobs}"; do ` +
    `[ -n "$__c" ] && [ -O "$__c" ] && [ -e "$__c/${id}.sh" ] && __d=$__c && break; done; ` +
    `read -r __b < /proc/sys/kernel/random/boot_id || __b=none; echo "boot $__b"; ` +
    `grep -slzx ${marker} /proc/[0-9]*/environ | while read -r __e; do __p=\${__e#/proc/}; __p=\${__p%/environ}; ` +
    `read -r _ _ _ _ __g _ < "/proc/$__p/stat" && echo "proc $__p $__g"; done; ` +
    `[ -n "$__d" ] || { echo --; exit 0; }; __f="$__d/${id}"; echo "dir $__d"; ` +
    `[ -s "$__f.pid" ] && read -r __pg __st < "$__f.pid" && echo "pid $__pg $__st"; ` +
    // Read last: once nothing of it runs, the exit code is there or never will be.
    `[ -r "$__f.rc" ] && read -r __rc < "$__f.rc" && echo "rc $__rc"; ` +
    // Sizes first, then exactly the bytes up to them: following goes on from there, nothing twice.
    `__so=$(wc -c < "$__f.out") && __se=$(wc -c < "$__f.err") && echo "size $__so $__se"; echo --; ` +
    `[ "\${__so:-0}" -gt ${from.stdout} ] && tail -c +${from.stdout + 1} "$__f.out" | head -c $((__so-${from.stdout})) | tail -c 65536; ` +
    `[ "\${__se:-0}" -gt ${from.stderr} ] && tail -c +${from.stderr + 1} "$__f.err" | head -c $((__se-${from.stderr})) | tail -c 65536 >&3; exit 0`;
  return `exec ${sudoPrefix(sudo, sudoPrompt)}/bin/sh -c ${shQuote(script)}`;
}

/**
 * What a probe found. running: processes of the job's group (with its marker) still run;
 * finished: it wrote its exit code; gone: neither (killed with its recorder, or its files
 * lost); rebooted: the host restarted since (so it surely no longer runs).
 */
export type { JobProbe } from '../exec/types.ts';
import type { JobProbe, RemoteJob } from '../exec/types.ts';

/**
 * Reads a probe's answer. `job`: what the journal knows of it (a boot id to compare); when
 * the journal never got its start, the identity is rebuilt from what the probe found.
 */
export function parseProbe(id: string, job: JobIdentity | undefined, stdout: string, stderr: string): JobProbe & { identity?: JobIdentity } {
  const at = stdout.indexOf('--\n');
  const head = at < 0 ? stdout : stdout.slice(0, at);
  const out = at < 0 ? '' : stdout.slice(at + 3);
  const field = (k: string) => new RegExp(`^${k} (.*)$`, 'm').exec(head)?.[1];
  const boot = field('boot') ?? 'none';
  if (job && boot !== 'none' && job.bootId !== 'none' && boot !== job.bootId) return { state: 'rebooted', stdout: '', stderr: '' };
  const procs = [...head.matchAll(/^proc (\d+) (\d+)$/gm)].map((m) => ({ pid: Number(m[1]), pgid: Number(m[2]) }));
  const pidLine = /^(\d+) (\d+)$/.exec(field('pid') ?? '');
  const dir = field('dir');
  let identity = job;
  if (!identity && dir && pidLine) {
    const pgid = Number(pidLine[1]);
    // The recorder leads a session of its own, apart from the job's group.
    const recorder = procs.find((p) => p.pgid !== pgid && p.pid === p.pgid)?.pid ?? 0;
    identity = { id, pgid, startTime: pidLine[2]!, bootId: boot, recorder, dir };
  }
  const sizes = /^(\d+) (\d+)$/.exec(field('size') ?? '');
  const size = sizes ? { size: { stdout: Number(sizes[1]), stderr: Number(sizes[2]) } } : {};
  const base = { stdout: out, stderr, ...size, ...(identity && !job ? { identity } : {}) };
  const rc = field('rc');
  // The script has ended once its exit code is written (a daemon it started may live on: that is its business).
  if (rc !== undefined && /^\d+$/.test(rc)) return { state: 'finished', exitCode: Number(rc), ...base };
  if (procs.length > 0) return { state: 'running', ...base };
  return { state: 'gone', ...base };
}
