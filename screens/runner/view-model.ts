// Pure helpers that turn a RunState into what the runner shows: durations, text wrapping,
// grouping identical host outputs, and how many rows each part of the screen may take.
import { visibleLine } from '../../src/util/visible.ts';
import { cells, padCells, wrapCells } from '../../src/util/cells.ts';
import type { HostRunState, Prompt, RunState, StepState } from '../../src/engine/types.ts';
import { t } from '../../src/i18n/index.ts';

/** 0.4s, 12s, 1m02s, 1h03m. */
export function compactDuration(ms: number): string {
  if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Word-wraps to width in terminal cells (hard-cutting words longer than a line); keeps blank lines. */
export function wrapText(text: string, width: number): string[] {
  return wrapCells(text, Math.max(10, width));
}

/** The last `max` lines of a command's output (no trailing empty line), and how many were left out. */
export function visibleTailLines(text: string, max: number): { lines: string[]; hidden: number } {
  const all = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  // A progress bar redraws with \r: only what is left on the line counts.
  // Whatever else the host printed is shown escaped, never interpreted by the terminal.
  const lines = all.map((l) => visibleLine(l.split('\r').filter(Boolean).at(-1) ?? ''));
  if (text === '') return { lines: [], hidden: 0 };
  const n = Math.max(0, max);
  return { lines: n === 0 ? [] : lines.slice(-n), hidden: Math.max(0, lines.length - n) };
}

export interface HostGroup<T> {
  hosts: string[];
  /** The first member, representative of all (same text and same outcome). */
  sample: T;
}

/** Hosts whose key is the same are shown once, with the list of hosts; first-seen order. */
export function groupIdentical<T extends { host: string }>(items: readonly T[], key: (item: T) => string): HostGroup<T>[] {
  const groups = new Map<string, HostGroup<T>>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.hosts.push(item.host);
    else groups.set(k, { hosts: [item.host], sample: item });
  }
  return [...groups.values()];
}

/** Same output and same outcome: worth one block on screen. */
export function hostOutcomeKey(h: HostRunState): string {
  return JSON.stringify([h.status, h.phase, h.exitCode ?? null, h.reason ?? '', h.output, h.check?.ok ?? null, h.check?.output ?? '']);
}

/** The last non-empty line of a command's output. */
export function lastLine(output: string): string | undefined {
  return visibleTailLines(output.replace(/\s+$/, ''), 1).lines[0]?.trim() || undefined;
}

/**
 * A finished step in one line, for the step list: the last output line when every host
 * ended on the same one, else the first hosts' last lines.
 */
export function resultLine(step: StepState): string | undefined {
  const withOutput = step.hosts.map((h) => ({ host: h.host, line: lastLine(h.output) })).filter((x): x is { host: string; line: string } => x.line !== undefined);
  if (withOutput.length === 0) return undefined;
  const groups = groupIdentical(withOutput, (x) => x.line);
  if (groups.length === 1) return groups[0]!.sample.line;
  const shown = groups.slice(0, 2).map((g) => `${g.hosts.join(', ')}: ${g.sample.line}`);
  return groups.length > 2 ? `${shown.join(' · ')} · …` : shown.join(' · ');
}

/** The step the operator is looking at: the prompt's step, else the cursor's. */
export function currentStepIndex(state: RunState): number {
  const prompt = state.prompt;
  if (prompt && 'stepId' in prompt) {
    const i = state.steps.findIndex((s) => s.id === prompt.stepId);
    if (i >= 0) return i;
  }
  return Math.min(state.cursor, state.steps.length - 1);
}

export function runningHosts(step: StepState | undefined): string[] {
  return step ? step.hosts.filter((h) => h.status === 'running').map((h) => h.host) : [];
}

/** Parsed ISO time, or undefined. */
function time(iso: string | undefined): number | undefined {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * How long a step has taken: from its start to its end (or now while it runs), else the
 * sum of its hosts' durations; `seenRunningAt` is when this screen saw it start, for
 * engines that do not stamp times.
 */
export function stepElapsedMs(step: StepState, now: number, seenRunningAt?: number): number | undefined {
  const started = time(step.startedAt);
  if (step.status === 'running') {
    const from = started ?? seenRunningAt;
    return from === undefined ? undefined : now - from;
  }
  const finished = time(step.finishedAt);
  if (started !== undefined && finished !== undefined) return finished - started;
  return stepDurationMs(step);
}

/** How long a host has been at it (running) or took (done). */
export function hostElapsedMs(h: HostRunState, now: number, fallbackStart?: number): number | undefined {
  if (h.status === 'running') {
    const from = time(h.startedAt) ?? fallbackStart;
    return from === undefined ? undefined : now - from;
  }
  return h.durationMs;
}

/** Sum of the hosts' durations (hosts run one after another by default). */
export function stepDurationMs(step: StepState): number | undefined {
  const ds = step.hosts.map((h) => h.durationMs).filter((d): d is number => d !== undefined);
  return ds.length ? ds.reduce((a, b) => a + b, 0) : undefined;
}

/** The rows of the step list to show: a window around the current step. */
export function stepWindow(count: number, current: number, size: number): { from: number; to: number } {
  const n = Math.max(1, Math.min(size, count));
  const from = Math.max(0, Math.min(current - Math.floor(n / 2), count - n));
  return { from, to: from + n };
}

export interface LayoutNeeds {
  rows: number;
  stepCount: number;
  proseLines: number;
  commandLines: number;
  /** Header, prompt, help, risk, blank separators: rows that are always drawn. */
  fixedLines: number;
  outputLines: number;
}

export interface LayoutBudget {
  steps: number;
  prose: number;
  commands: number;
  output: number;
}

/**
 * Share the terminal's rows so the live area stays shorter than the terminal (past that
 * Ink clears the whole screen on each frame). Output gets what the others leave.
 */
export function planLayout(n: LayoutNeeds): LayoutBudget {
  let free = Math.max(0, n.rows - 1 - n.fixedLines);
  const take = (want: number, cap: number) => {
    const got = Math.max(0, Math.min(want, cap, free));
    free -= got;
    return got;
  };
  // Live output first (a few rows), then the step list, the commands and the prose.
  const output = take(n.outputLines, Math.max(3, Math.floor(n.rows / 4)));
  const steps = take(n.stepCount, Math.max(3, Math.floor(n.rows / 4)));
  const commands = take(n.commandLines, Math.max(2, Math.floor(n.rows / 5)));
  const prose = take(n.proseLines, Math.max(2, Math.floor(n.rows / 6)));
  // Rows still free go to what was cut, output first.
  const moreOutput = take(n.outputLines - output, free);
  const moreCommands = take(n.commandLines - commands, free);
  const moreProse = take(n.proseLines - prose, free);
  return { steps, prose: prose + moreProse, commands: commands + moreCommands, output: output + moreOutput };
}

/** What the help line says for the current situation. */
export function helpFor(prompt: Prompt | undefined, running: boolean): string {
  if (running) return t('runner.help.running');
  switch (prompt?.kind) {
    case 'confirm':
      return prompt.level === 'typed' ? t('runner.help.typed') : t('runner.help.confirm');
    case 'acknowledge':
      return t('runner.help.acknowledge');
    case 'decide':
      return t('runner.help.decide');
    case 'failed':
      return t('runner.help.failed');
    case 'preconditions':
      return t('runner.help.preconditions');
    case 'in-doubt':
      return `${prompt.canCheck ? t('runner.help.inDoubtCheck') : ''}${t('runner.help.inDoubt')}`;
    case 'finished':
      return prompt.nextRunbook ? t('runner.help.finishedNext') : t('runner.help.finished');
    default:
      return t('runner.help.default');
  }
}

/** The key that opens the whole command: v, or Tab while a host name is being typed (v could be part of it). */
export function pagerKeyFor(prompt: Prompt | undefined): 'v' | 'tab' {
  return prompt?.kind === 'confirm' && prompt.level === 'typed' ? 'tab' : 'v';
}

/** Every key of the runner with what it does, in the operator's language (the keys themselves never change). */
export function allKeys(): [string, string][] {
  return [
    ['y / n', t('runner.keys.yn')],
    [t('runner.keys.vKey'), t('runner.keys.v')],
    [t('runner.keys.typedKey'), t('runner.keys.typed')],
    ['enter', t('runner.keys.enter')],
    ['↑ ↓  j k  1-9', t('runner.keys.move')],
    ['r', t('runner.keys.r')],
    ['s', t('runner.keys.s')],
    ['w', t('runner.keys.w')],
    ['c', t('runner.keys.c')],
    ['d', t('runner.keys.d')],
    ['a', t('runner.keys.a')],
    ['n', t('runner.keys.n')],
    ['ctrl-c', t('runner.keys.ctrlC')],
    ['q', t('runner.keys.q')],
    ['?', t('runner.keys.help')],
  ];
}

/** The key list as lines for a width: keys in one column (measured in cells), each meaning wrapped beside it. */
export function keyListLines(width: number, keys: readonly [string, string][] = allKeys()): string[] {
  const keyWidth = Math.max(...keys.map(([k]) => cells(k))) + 2;
  const out: string[] = [];
  for (const [k, what] of keys) {
    wrapCells(what, Math.max(10, width - keyWidth)).forEach((line, i) => out.push(`${padCells(i === 0 ? k : '', keyWidth)}${line}`));
  }
  return out;
}
