// Shared render helper for screen tests: a fixed-size fake terminal, key writes, and
// waiting for frame content instead of sleeping.
import { EventEmitter } from 'node:events';
import { render as inkRender, type Instance } from 'ink';
import type { ReactElement } from 'react';

class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = () => this.frames.at(-1) ?? '';
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export interface Rendered {
  lastFrame(): string;
  frames: string[];
  /** Write keys as one input chunk, as a terminal would for a fast typist or a paste. */
  press(keys: string): void;
  /** Resolves with the frame once it contains text (or matches); rejects with the last frame after timeoutMs. */
  waitFor(expected: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
  unmount(): void;
  /** Change the terminal size and tell the app, as a real terminal does. */
  resize(columns: number, rows: number): void;
  instance: Instance;
}

export const keys = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
  ctrlC: '\u0003',
};

const mounted = new Set<Rendered>();

/** Unmounts whatever a test left rendered (a failed assertion skips its own unmount; timers would keep the process alive). */
export function cleanupRendered(): void {
  for (const r of [...mounted]) r.unmount();
}

export function renderScreen(tree: ReactElement, size: { columns?: number; rows?: number } = {}): Rendered {
  const stdout = new FakeStdout(size.columns ?? 100, size.rows ?? 40);
  const stdin = new FakeStdin();
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout(100, 40) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const rendered: Rendered = {
    instance,
    frames: stdout.frames,
    lastFrame: stdout.lastFrame,
    press: (k) => stdin.write(k),
    resize: (columns, rows) => {
      stdout.columns = columns;
      stdout.rows = rows;
      stdout.emit('resize');
    },
    unmount: () => {
      if (!mounted.delete(rendered)) return;
      instance.unmount();
      instance.cleanup();
    },
    waitFor(expected, timeoutMs = 5000) {
      const matches = typeof expected === 'string' ? (f: string) => f.includes(expected) : expected instanceof RegExp ? (f: string) => expected.test(f) : expected;
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = () => {
          const frame = stdout.lastFrame();
          if (matches(frame)) return resolve(frame);
          if (Date.now() - started > timeoutMs) {
            return reject(new Error(`timed out waiting for ${String(expected)}; last frame:\n${frame}`));
          }
          setTimeout(poll, 5);
        };
        poll();
      });
    },
  };
  mounted.add(rendered);
  return rendered;
}

/** Lets effects and the renderer settle (one macrotask turn). */
export function tick(ms = 20): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * On Home, open the entry with this title: typed into Home's filter (the list puts triage and
 * status first, so the runbook is found by name, as an operator would), then Enter.
 */
export async function pickOnHome(r: Rendered, title: string): Promise<void> {
  await r.waitFor(title);
  r.press(title);
  await r.waitFor(`❯ ${title}`);
  r.press(keys.enter);
}
