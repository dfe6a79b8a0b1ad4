// A RunController whose state the test drives: it records the intents the screen sends
// and lets the test play the engine's part (update(), or a reaction per intent).
import type { HostRunState, Intent, PlannedCommand, RunController, RunState, StepState } from '../../src/engine/types.ts';
import type { CommandBlock, Step } from '../../src/runbook/types.ts';

export class FakeRun implements RunController {
  readonly sent: Intent[] = [];
  private state: RunState;
  private listeners = new Set<() => void>();
  /** Called after each intent is recorded; the test answers like the engine would. */
  onIntent: (intent: Intent, run: FakeRun) => void = () => {};

  constructor(
    readonly steps: readonly Step[],
    private plans: Record<string, PlannedCommand[]>,
    initial?: Partial<RunState>,
  ) {
    this.state = {
      runId: 'r-20261125-0001',
      runbookId: 'health-check',
      steps: steps.map((s) => ({ id: s.id, status: 'pending', hosts: [] })),
      cursor: 0,
      status: 'running',
      changedSteps: [],
      startedAt: new Date().toISOString(),
      ...initial,
    };
  }

  getState = (): RunState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  send = (intent: Intent): void => {
    this.sent.push(intent);
    this.onIntent(intent, this);
  };

  planFor = (stepId: string): PlannedCommand[] => this.plans[stepId] ?? [];

  /** Replace parts of the state and notify, as the engine does after each journal record. */
  update(patch: Partial<RunState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  /** Replace one step's state. */
  setStep(stepId: string, patch: Partial<StepState>, runPatch: Partial<RunState> = {}): void {
    const steps = this.state.steps.map((s) => (s.id === stepId ? { ...s, ...patch } : s));
    this.update({ ...runPatch, steps });
  }
}

export function hostState(host: string, patch: Partial<HostRunState> = {}): HostRunState {
  return { host, status: 'pending', phase: 'command', output: '', attempts: 0, ...patch };
}

function block(script: string, patch: Partial<CommandBlock> = {}): CommandBlock {
  return {
    script,
    targets: [{ kind: 'all' }],
    confirm: 'yes',
    timeoutMs: 30_000,
    expectExit: [0],
    when: [],
    parallel: 1,
    pos: { line: 1, column: 1 },
    ...patch,
  };
}

export function commandStep(id: string, title: string, script: string, patch: Partial<CommandBlock> = {}, prose = ''): Step {
  return { id, title, prose, kind: 'command', commands: [block(script, patch)], requires: [], hash: id, pos: { line: 1, column: 1 } };
}

export function manualStep(id: string, title: string, prose: string): Step {
  return { id, title, prose, kind: 'manual', commands: [], requires: [], hash: id, pos: { line: 1, column: 1 } };
}

export function decisionStep(id: string, title: string, question: string, choices: { key: string; label: string; goto?: string; runbook?: string }[]): Step {
  return {
    id,
    title,
    prose: '',
    kind: 'decision',
    commands: [],
    decision: { question, choices: choices.map((c) => ({ ...c, pos: { line: 1, column: 1 } })), pos: { line: 1, column: 1 } },
    requires: [],
    hash: id,
    pos: { line: 1, column: 1 },
  };
}
