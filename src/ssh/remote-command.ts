// How a script is wrapped for the remote side so it can be killed later: the wrapper
// prints the process group of the shell that runs the script to stderr (one marker line,
// stripped before output reaches anyone), then execs the script. Cancelling sends
// `kill -TERM -- -PGID` over a second channel. Pure string building and parsing.
import { randomBytes } from 'node:crypto';

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
export function wrapScript(
  script: string,
  sudo: SudoMode,
  token = `__mfs_tui_pgid_${randomBytes(6).toString('hex')}__`,
  sudoPrompt?: string,
): WrappedCommand {
  // eval, not another `sh -c`: one process less per command (process start-up is most of
  // the cost of a pooled exec).
  const wrapper =
    `__mfs_pg=$$; [ -r /proc/$$/stat ] && read -r _ _ _ _ __mfs_pg _ < /proc/$$/stat; ` +
    `printf '%s\\n' "${token}=$__mfs_pg" >&2; unset __mfs_pg; eval ${shQuote(script)}`;
  return { command: `exec ${sudoPrefix(sudo, sudoPrompt)}/bin/sh -c ${shQuote(wrapper)}`, token };
}

/** The command that signals the script's whole process group. */
export function killCommand(pgid: number, signal: 'TERM' | 'KILL', sudo: SudoMode, sudoPrompt?: string): string {
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
    private readonly onPgid: (pgid: number) => void,
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
      const value = /^=(\d+)/.exec(all.subarray(at + this.token.length, end).toString('latin1'));
      this.finish();
      if (value) {
        this.pgid = Number(value[1]);
        this.onPgid(this.pgid);
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
