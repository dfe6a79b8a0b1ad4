// What the run waits for from the operator, as a question with its keys. Every answer is
// sent to the engine as an intent; the engine decides and records.
import { useCallback } from 'react';
import { Box, Text } from 'ink';
import type { Intent, PlannedCommand, Prompt, RunStatus, SettleAction, StepState } from '../../src/engine/types.ts';
import type { Step } from '../../src/runbook/types.ts';
import { ConfirmPrompt, TypedConfirmPrompt } from '../prompts.tsx';
import { Select } from '../widgets/Select.tsx';
import { layer, useKeyLayer } from '../hooks/keys.tsx';
import { PreconditionRefusal, refusalRows } from './Preconditions.tsx';
import { visibleLine } from '../../src/util/visible.ts';
import { cells, truncateCells, wrapCells } from '../../src/util/cells.ts';

interface PromptPanelProps {
  prompt: Prompt;
  step?: Step;
  stepState?: StepState;
  plan: readonly PlannedCommand[];
  send(intent: Intent): void;
  active: boolean;
  onHome?(): void;
  onNextRunbook?(id: string): void;
  /** The last typed confirmation per step/host, kept above the prompt so a re-ask still shows it. */
  lastTyped: TypedAnswer | null;
  onTyped(answer: TypedAnswer): void;
  /** Columns the panel may use: its text wraps to them, and promptRows counts the wrapped rows. */
  width?: number;
}

export interface TypedAnswer {
  /** `${stepId}/${host}` */
  key: string;
  typed: string;
}

/** Lines the question of a decision takes at this width, and each choice (its label and where it goes). */
export function decisionLines(step: Step | undefined, width: number): { question: string[]; choices: string[][] } {
  const w = Math.max(10, width - 2);
  const question = wrapCells(visibleLine(step?.decision?.question ?? 'Choose:'), width);
  const choices = (step?.decision?.choices ?? []).map((c) => {
    const target = c.runbook ? `runbook ${c.runbook}` : c.goto ? `step ${c.goto}` : '';
    return wrapCells(`${visibleLine(c.label)}${target ? ` → ${visibleLine(target)}` : ''}`, w);
  });
  return { question, choices };
}

/** The failure line of a failed step, wrapped (at most 3 rows: the rest is in the journal). */
function failedLines(text: string, width: number): string[] {
  const lines = wrapCells(text, width);
  return lines.length > 3 ? [...lines.slice(0, 2), truncateCells(lines.slice(2).join(' '), width)] : lines;
}

function failedText(prompt: Extract<Prompt, { kind: 'failed' }>, stepState: StepState | undefined): string {
  const host = stepState?.hosts.find((h) => h.host === prompt.host) ?? stepState?.hosts.find((h) => h.status === 'failed' || h.status === 'cancelled');
  const what = prompt.reason ?? (host ? (host.reason ?? (host.exitCode != null ? `exit ${host.exitCode}` : host.status)) : (stepState?.reason ?? 'the step failed'));
  return `Failed${host ? ` on ${visibleLine(host.host)}` : ''}: ${visibleLine(what)}`;
}

/** The settle choices an in-doubt step offers, each with its key. */
function settleKeys(prompt: Extract<Prompt, { kind: 'in-doubt' }>): { choices: SettleAction[]; keys: Record<SettleAction, [string, string]> } {
  const canCheck = prompt.canCheck === true;
  // A job found on the host says what may be done; without one, the classic four.
  const choices: SettleAction[] = prompt.choices ?? [...(canCheck ? ['check' as const] : []), 'rerun', 'mark-done', 'abort'];
  const keys: Record<SettleAction, [string, string]> = {
    follow: ['w', prompt.job?.state === 'running' ? 'wait for it and follow its output' : 'take its exit code'],
    stop: ['s', 'stop it (kill its process group)'],
    check: ['c', 'run its check'],
    rerun: ['r', 're-run it'],
    'mark-done': ['d', 'mark it done'],
    abort: ['a', 'abort the run'],
  };
  return { choices, keys };
}

function inDoubtLines(prompt: Extract<Prompt, { kind: 'in-doubt' }>, width: number): { head: string[]; job: string[]; keys: string[] } {
  const head = wrapCells(`In doubt: it was running on ${visibleLine(prompt.host)} when mfs-tui stopped or lost the connection; its effect is unknown.`, width);
  const job = prompt.job
    ? wrapCells(`On ${visibleLine(prompt.host)} now, the command ${visibleLine(prompt.job.detail)}${prompt.job.state === 'running' ? ': it is not run again while it runs.' : '.'}`, width)
    : [];
  const { choices, keys } = settleKeys(prompt);
  // Every key stays readable: the list wraps between choices, never inside one.
  const rows: string[] = [];
  for (const c of choices) {
    const item = `${keys[c][0]} ${keys[c][1]}`;
    const last = rows.at(-1);
    if (last !== undefined && cells(`${last} · ${item}`) <= width) rows[rows.length - 1] = `${last} · ${item}`;
    else rows.push(item);
  }
  return { head, job, keys: rows };
}

/** Rows the prompt takes at this width, for the layout budget (the rows it draws, wrapped lines included). */
export function promptRows(prompt: Prompt | undefined, step?: Step, width = 80, stepState?: StepState): number {
  switch (prompt?.kind) {
    case undefined:
      return 0;
    case 'confirm':
      return prompt.level === 'typed' ? 2 : 1;
    case 'decide': {
      const d = decisionLines(step, width);
      return d.question.length + d.choices.reduce((n, c) => n + c.length, 0);
    }
    case 'finished':
      return prompt.nextRunbook ? 2 : 1;
    case 'preconditions':
      return refusalRows(prompt.results);
    case 'failed':
      return failedLines(failedText(prompt, stepState), width).length + 1;
    case 'in-doubt': {
      const l = inDoubtLines(prompt, width);
      return l.head.length + l.job.length + l.keys.length;
    }
    default:
      return 2;
  }
}

/** Single-letter keys for a prompt: each letter sends one intent. */
function useLetterKeys(map: Record<string, () => void>, active: boolean) {
  useKeyLayer(
    layer.prompt,
    (input) => {
      const action = map[input];
      if (!action) return false;
      action();
      return true;
    },
    active,
  );
}

/** What a typed confirmation must say: the engine's (host, or host@cluster), else the host, else the step's only target. */
function typedTarget(prompt: Extract<Prompt, { kind: 'confirm' }>, plan: readonly PlannedCommand[]): string {
  if (prompt.expect) return prompt.expect;
  if (prompt.host) return prompt.host;
  const hosts = [...new Set(plan.filter((p) => !p.skipReason).map((p) => p.host))];
  return hosts.length === 1 && hosts[0] ? hosts[0] : prompt.stepId;
}

function ConfirmStep({
  prompt,
  plan,
  send,
  active,
  lastTyped,
  onTyped,
  width,
}: { prompt: Extract<Prompt, { kind: 'confirm' }> } & Pick<PromptPanelProps, 'plan' | 'send' | 'active' | 'lastTyped' | 'onTyped' | 'width'>) {
  const targets = prompt.host ? [prompt.host] : [...new Set(plan.filter((p) => !p.skipReason).map((p) => p.host))];
  // Many hosts: their number first, so it shows however narrow the terminal (the commands above list them all).
  const hosts = targets.length > 8 ? `${targets.length} hosts (${targets.join(', ')})` : targets.join(', ');
  const expected = typedTarget(prompt, plan);
  const key = `${prompt.stepId}/${expected}`;
  const submitTyped = useCallback(
    (typed: string) => {
      onTyped({ key, typed });
      send({ type: 'confirm', typed });
    },
    [send, onTyped, key],
  );
  if (prompt.level === 'typed') {
    const typed = lastTyped?.key === key ? lastTyped.typed : null;
    return (
      <TypedConfirmPrompt
        wrongTyped={typed === null || typed === expected ? null : typed}
        expected={expected}
        onSubmit={submitTyped}
        onCancel={() => send({ type: 'refuse' })}
        active={active}
        engineMessage={prompt.message}
      />
    );
  }
  return (
    <ConfirmPrompt
      question={hosts ? `Run this on ${visibleLine(hosts)}?` : 'Run this step?'}
      onYes={() => send({ type: 'confirm' })}
      onNo={() => send({ type: 'refuse' })}
      active={active}
      width={width}
    />
  );
}

function Acknowledge({ send, active }: Pick<PromptPanelProps, 'send' | 'active'>) {
  useKeyLayer(
    layer.prompt,
    (input, key) => {
      if (key.return) send({ type: 'acknowledge' });
      else if (input === 's') send({ type: 'skip' });
      else return false;
      return true;
    },
    active,
  );
  return (
    <Box flexDirection="column">
      <Text>This step is done by hand.</Text>
      <Text>
        <Text bold>Press Enter once it is done</Text> · s skip it
      </Text>
    </Box>
  );
}

interface ChoiceItem {
  value: string;
  label: string;
  /** The label and its target, wrapped to the width. */
  lines: string[];
}

function Decide({ step, send, active, width = 80 }: Pick<PromptPanelProps, 'step' | 'send' | 'active' | 'width'>) {
  const choices = step?.decision?.choices ?? [];
  const lines = decisionLines(step, width);
  const take = useCallback((item: ChoiceItem) => send({ type: 'decide', choice: item.value }), [send]);
  return (
    <Box flexDirection="column">
      {lines.question.map((l, i) => (
        <Text key={i} bold>
          {l}
        </Text>
      ))}
      <Select
        items={choices.map((c, i): ChoiceItem => ({ value: c.key, label: visibleLine(c.label), lines: lines.choices[i] ?? [] }))}
        renderItem={(item, focused) => (
          <Box flexDirection="column">
            {item.lines.map((l, i) => (
              <Text key={i} bold={focused}>
                {l}
              </Text>
            ))}
          </Box>
        )}
        onSelect={take}
        active={active}
      />
    </Box>
  );
}

function Failed({ prompt, stepState, send, active, width = 80 }: { prompt: Extract<Prompt, { kind: 'failed' }> } & Pick<PromptPanelProps, 'stepState' | 'send' | 'active' | 'width'>) {
  useLetterKeys({ r: () => send({ type: 'retry' }), s: () => send({ type: 'skip' }), a: () => send({ type: 'abort' }) }, active);
  return (
    <Box flexDirection="column">
      {failedLines(failedText(prompt, stepState), width).map((l, i) => (
        <Text key={i} color="red" bold>
          {l}
        </Text>
      ))}
      <Text wrap="truncate-end">
        <Text bold>r</Text> retry · <Text bold>s</Text> skip this step · <Text bold>a</Text> abort the run
      </Text>
    </Box>
  );
}

function InDoubt({ prompt, send, active, width = 80 }: { prompt: Extract<Prompt, { kind: 'in-doubt' }> } & Pick<PromptPanelProps, 'send' | 'active' | 'width'>) {
  const settle = (action: SettleAction) => () => send({ type: 'settle', action });
  const { choices, keys } = settleKeys(prompt);
  const lines = inDoubtLines(prompt, width);
  useLetterKeys(Object.fromEntries(choices.map((c) => [keys[c][0], settle(c)])), active);
  return (
    <Box flexDirection="column">
      {lines.head.map((l, i) => (
        <Text key={`h${i}`} color="yellow" bold>
          {l}
        </Text>
      ))}
      {lines.job.map((l, i) => (
        <Text key={`j${i}`}>{l}</Text>
      ))}
      {lines.keys.map((l, i) => (
        <Text key={`k${i}`}>{l}</Text>
      ))}
    </Box>
  );
}

const finishedWords: Record<RunStatus, string> = {
  running: 'still running',
  succeeded: 'Run finished: every step succeeded.',
  failed: 'Run finished with a failed step.',
  aborted: 'Run aborted.',
  'handed-off': 'Run handed off to another runbook.',
};

function Finished({ prompt, onHome, onNextRunbook, active }: { prompt: Extract<Prompt, { kind: 'finished' }> } & Pick<PromptPanelProps, 'onHome' | 'onNextRunbook' | 'active'>) {
  const next = prompt.nextRunbook;
  useKeyLayer(
    layer.prompt,
    (input, key) => {
      if (key.return && onHome) onHome();
      else if (input === 'n' && next && onNextRunbook) onNextRunbook(next);
      else return false;
      return true;
    },
    active,
  );
  const color = prompt.status === 'succeeded' ? 'green' : prompt.status === 'handed-off' ? 'cyan' : 'red';
  return (
    <Box flexDirection="column">
      <Text color={color} bold>
        {finishedWords[prompt.status]}
      </Text>
      {next && (
        <Text>
          Next runbook: <Text bold>{next}</Text> — <Text bold>n</Text> start it
        </Text>
      )}
    </Box>
  );
}

export function PromptPanel(props: PromptPanelProps) {
  const { prompt } = props;
  switch (prompt.kind) {
    case 'confirm':
      return (
        <ConfirmStep
          key={`${prompt.stepId}/${prompt.host ?? ''}`}
          prompt={prompt}
          plan={props.plan}
          send={props.send}
          active={props.active}
          lastTyped={props.lastTyped}
          onTyped={props.onTyped}
          width={props.width}
        />
      );
    case 'acknowledge':
      return <Acknowledge send={props.send} active={props.active} />;
    case 'decide':
      return <Decide key={prompt.stepId} step={props.step} send={props.send} active={props.active} width={props.width} />;
    case 'failed':
      return <Failed prompt={prompt} stepState={props.stepState} send={props.send} active={props.active} width={props.width} />;
    case 'in-doubt':
      return <InDoubt prompt={prompt} send={props.send} active={props.active} width={props.width} />;
    case 'finished':
      return <Finished prompt={prompt} onHome={props.onHome} onNextRunbook={props.onNextRunbook} active={props.active} />;
    case 'preconditions':
      return <PreconditionRefusal results={prompt.results} send={props.send} active={props.active} />;
    case 'inputs':
      return <Text color="yellow">The run is missing inputs: {visibleLine(prompt.missing.join(', '))}. Leave (q) and start it again with them.</Text>;
  }
}
