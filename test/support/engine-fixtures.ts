// Hand-built runbooks, an inventory and a scriptable fake executor for engine tests.
// The fake is fine here: these tests are about the engine's pure logic and bookkeeping.
import type { Executor, ExecRequest, ExecResult } from '../../src/exec/types.ts';
import type { Inventory, InventoryHost } from '../../src/inventory/types.ts';
import type { CommandBlock, Runbook, Step, TargetSpec } from '../../src/runbook/types.ts';
import type { RunController, RunState } from '../../src/engine/types.ts';
import type { RunDeps } from '../../src/engine/run.ts';
import type { HostFacts } from '../../src/runbook/facts.ts';

const pos = { line: 1, column: 1 };

export function block(script: string, over: Partial<CommandBlock> = {}): CommandBlock {
  return { script, targets: [{ kind: 'local' }], confirm: 'none', timeoutMs: 5000, expectExit: [0], when: [], parallel: 1, pos, ...over };
}

export function on(...targets: (string | TargetSpec)[]): TargetSpec[] {
  return targets.map((t) => {
    if (typeof t !== 'string') return t;
    if (t === 'local' || t === 'all' || t === 'vip-holder') return { kind: t } as TargetSpec;
    if (['master-candidate', 'metalogger', 'chunkserver', 'client', 'cgi'].includes(t)) return { kind: 'role', role: t } as TargetSpec;
    if (t.includes('{{')) return { kind: 'template', template: t };
    return { kind: 'host', name: t };
  });
}

export function commandStep(id: string, ...commands: CommandBlock[]): Step {
  return { id, title: `Step ${id}`, prose: `Do ${id}.`, kind: 'command', commands, requires: [], hash: `h-${id}`, pos };
}

export function manualStep(id: string): Step {
  return { id, title: `Manual ${id}`, prose: 'Power it on.', kind: 'manual', commands: [], requires: [], hash: `h-${id}`, pos };
}

export function decisionStep(id: string, choices: { key: string; goto?: string; runbook?: string }[]): Step {
  return {
    id,
    title: `Decide ${id}`,
    prose: 'Which way?',
    kind: 'decision',
    commands: [],
    decision: { question: 'Which way?', choices: choices.map((c) => ({ ...c, label: `choice ${c.key}`, pos })), pos },
    requires: [],
    hash: `h-${id}`,
    pos,
  };
}

export function runbook(steps: Step[], over: Partial<Runbook> = {}): Runbook {
  return {
    id: 'test-book',
    title: 'Test book',
    summary: 'for tests',
    when: 'always',
    risk: 'low',
    roles: [],
    inputs: [],
    steps,
    file: '/nowhere/test-book.md',
    hash: 'book-hash',
    ...over,
  };
}

function host(name: string, roles: InventoryHost['roles'], address: string): InventoryHost {
  return { name, address, port: 22, user: 'root', agent: false, become: false, roles };
}

export function inventory(): Inventory {
  return {
    cluster: 'testcluster',
    vip: { address: '10.0.0.100', interface: 'eth0', prefix: 24 },
    paths: { data: '/var/lib/mfs', config: '/etc/mfs', mount: '/mnt/mfs' },
    hosts: [
      host('m1', ['master-candidate', 'client'], '10.0.0.1'),
      host('m2', ['master-candidate', 'metalogger'], '10.0.0.2'),
      host('cs1', ['chunkserver'], '10.0.0.11'),
      host('cs2', ['chunkserver'], '10.0.0.12'),
    ],
    knownHosts: [],
    file: '/nowhere/inventory.yaml',
  };
}

/** What a fake command does: its output, exit code, or to hang until cancelled. */
export interface FakeBehaviour {
  stdout?: string[];
  stderr?: string;
  exitCode?: number;
  hang?: boolean;
  timedOut?: boolean;
  throws?: Error;
}

export interface FakeCall {
  host: string;
  script: string;
}

/**
 * Executors for every host that answer from a table keyed by script (first match by
 * substring), defaulting to instant success. Every call is logged in order.
 */
export class FakeHosts {
  readonly calls: FakeCall[] = [];
  readonly behaviours = new Map<string, FakeBehaviour | FakeBehaviour[]>();
  private readonly started: (() => void)[] = [];

  when(scriptPart: string, b: FakeBehaviour | FakeBehaviour[]): this {
    this.behaviours.set(scriptPart, b);
    return this;
  }

  /** Resolves once a command has started (after `n` calls in all). */
  waitForCalls(n: number): Promise<void> {
    if (this.calls.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.started.push(() => this.calls.length >= n && resolve()));
  }

  private behaviourFor(script: string): FakeBehaviour {
    for (const [part, b] of this.behaviours) {
      if (!script.includes(part)) continue;
      if (!Array.isArray(b)) return b;
      // A list: one behaviour per call, the last one repeating.
      return b.length > 1 ? b.shift()! : b[0]!;
    }
    return {};
  }

  executorFor = (hostName: string): Executor => ({
    target: hostName,
    exec: async (req: ExecRequest): Promise<ExecResult> => {
      this.calls.push({ host: hostName, script: req.script });
      for (const s of this.started) s();
      const b = this.behaviourFor(req.script);
      if (b.throws) throw b.throws;
      const stdout = (b.stdout ?? []).join('');
      for (const chunk of b.stdout ?? []) req.onStdout?.(chunk);
      if (b.stderr) req.onStderr?.(b.stderr);
      if (b.hang) {
        await new Promise<void>((resolve) => {
          if (req.signal?.aborted) resolve();
          req.signal?.addEventListener('abort', () => resolve());
        });
        return { exitCode: null, signal: 'SIGTERM', timedOut: false, cancelled: true, durationMs: 5, stdout, stderr: b.stderr ?? '' };
      }
      if (b.timedOut) return { exitCode: null, signal: 'SIGKILL', timedOut: true, cancelled: false, durationMs: 5000, stdout, stderr: '' };
      return { exitCode: b.exitCode ?? 0, timedOut: false, cancelled: false, durationMs: 1, stdout, stderr: b.stderr ?? '' };
    },
  });
}

/** Resolves when the controller's state satisfies `pred` (checked now and on every change). */
export function waitFor(c: RunController, pred: (s: RunState) => boolean, what = 'state', ms = 3000): Promise<RunState> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const s = c.getState();
      if (!pred(s)) return false;
      clearTimeout(timer);
      unsubscribe();
      resolve(s);
      return true;
    };
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${what}; prompt=${JSON.stringify(c.getState().prompt)} status=${c.getState().status}`));
    }, ms);
    const unsubscribe = c.subscribe(() => void check());
    check();
  });
}

/** Waits for a prompt of this kind. */
export function waitPrompt(c: RunController, kind: string): Promise<RunState> {
  return waitFor(c, (s) => s.prompt?.kind === kind, `prompt ${kind}`);
}

/** The facts every fake host reports unless a test says otherwise. */
export const debianFacts: HostFacts = { os: 'debian', osId: 'debian', osVersion: '12', init: 'systemd', mfs: '3.0.117', hostname: 'x' };

/**
 * What createRun/resumeRun need for `book` on the fake hosts: the test inventory, Debian
 * facts, m1 holding the VIP, an interactive run by alice journaled in `journalDir`; `over`
 * replaces any of it.
 */
export function fakeRunDeps(book: Runbook, fake: FakeHosts, journalDir: string, over: Partial<RunDeps> = {}): RunDeps {
  return {
    runbook: book,
    inventory: inventory(),
    inputs: {},
    journalDir,
    executorFor: fake.executorFor,
    factsFor: async () => debianFacts,
    vipHolder: async () => 'm1',
    mode: 'interactive',
    autoConfirm: false,
    operator: 'alice',
    outputFlushMs: 5,
    ...over,
  };
}
