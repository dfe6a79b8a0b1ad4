// The real bin/mfs-tui in a real terminal: a tmux server of this test's own (its socket
// name), one session `app`; keystrokes in, screen text out.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { BIN } from './cli-env.ts';

export class TmuxApp {
  /**
   * Each start gets a server of its own (`NAME-1`, `NAME-2`, ...): a server whose last session
   * was just killed is still exiting, and a new session on its socket failed with "server
   * exited unexpectedly" (CI run 11, home-library's second start).
   */
  private starts = 0;
  private sockets: string[] = [];

  constructor(private readonly name: string) {}

  private get socket(): string {
    return `${this.name}-${this.starts}`;
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Starts `mfs-tui ARGS` with exactly these environment variables in a terminal of this size. */
  start(env: Record<string, string | undefined>, args: string, size: { columns: number; rows: number }): void {
    this.starts++;
    this.sockets.push(this.socket);
    const vars = Object.entries(env)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
    this.tmux('new-session', '-d', '-s', 'app', '-x', String(size.columns), '-y', String(size.rows), `env ${vars} ${process.execPath} ${BIN} ${args}; sleep 30`);
  }

  // Arrow properties: a test may take them apart (`const { screen, keys, waitFor } = app`).
  screen = (): string => this.tmux('capture-pane', '-p', '-t', 'app');

  keys = (...k: string[]): void => void this.tmux('send-keys', '-t', 'app', ...k);

  /** Resolves with the screen once it matches; fails with what the screen shows after timeoutMs. */
  waitFor = async (re: RegExp, what: string, timeoutMs = 30_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (re.test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`waited for ${what} (${re}); the screen shows:\n${last}`);
  };

  killSession(): void {
    this.tmux('kill-session', '-t', 'app');
  }

  /** Every server this app started, whatever is left of them (for after()). */
  close(): void {
    for (const socket of this.sockets.splice(0)) {
      try {
        execFileSync('tmux', ['-L', socket, 'kill-server'], { encoding: 'utf8', stdio: 'ignore' });
      } catch {
        // no server left
      }
    }
  }
}

/** A loopback port nothing listens on (bound, then closed): hosts there are down, connection refused. */
export function closedLocalPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 1));
    });
  });
}
