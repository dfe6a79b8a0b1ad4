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
import { t } from '../../src/i18n/index.ts';
import { stepStatusWord } from './status-words.ts';

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
  const question = wrapCells(visibleLine(step?.decision?.question ?? t('runner.decide.choose')), width);
  const choices = (step?.decision?.choices ?? []).map((c) => {
    const target = c.runbook ? t('runner.decide.runbook', { id: c.runbook }) : c.goto ? t('runner.decide.step', { id: c.goto }) : '';
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
  const what =
    prompt.reason ?? (host ? (host.reason ?? (host.exitCode != null ? t('runner.exit', { code: host.exitCode }) : stepStatusWord(host.status))) : (stepState?.reason ?? t('runner.failed.step')));
  return host ? t('runner.failed.on', { host: visibleLine(host.host), what: visibleLine(what) }) : t('runner.failed', { what: visibleLine(what) });
}

/** The settle choices an in-doubt step offers, each with its key. */
function settleKeys(prompt: Extract<Prompt, { kind: 'in-doubt' }>): { choices: SettleAction[]; keys: Record<SettleAction, [string, string]> } {
  const canCheck = prompt.canCheck === true;
  // A job found on the host says what may be done; without one, the classic four.
  const choices: SettleAction[] = prompt.choices ?? [...(canCheck ? ['check' as const] : []), 'rerun', 'mark-done', 'abort'];
  const keys: Record<SettleAction, [string, string]> = {
    follow: ['w', prompt.job?.state === 'running' ? t('runner.settle.follow') : t('runner.settle.takeExit')],
    stop: ['s', t('runner.settle.stop')],
    check: ['c', t('runner.settle.check')],
    rerun: ['r', t('runner.settle.rerun')],
    'mark-done': ['d', t('runner.settle.markDone')],
    abort: ['a', t('runner.keys.a')],
  };
  return { choices, keys };
}

function inDoubtLines(prompt: Extract<Prompt, { kind: 'in-doubt' }>, width: number): { head: string[]; job: string[]; keys: string[] } {
  const head = wrapCells(t('runner.inDoubt.head', { host: visibleLine(prompt.host) }), width);
  const job = prompt.job
    ? wrapCells(t(prompt.job.state === 'running' ? 'runner.inDoubt.jobRunning' : 'runner.inDoubt.job', { host: visibleLine(prompt.host), detail: visibleLine(prompt.job.detail) }), width)
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
  const hosts = targets.length > 8 ? t('runner.confirm.manyHosts', { count: targets.length, hosts: targets.join(', ') }) : targets.join(', ');
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
      question={hosts ? t('runner.confirm.runOn', { hosts: visibleLine(hosts) }) : t('runner.confirm.runStep')}
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
      <Text>{t('runner.acknowledge.byHand')}</Text>
      <Text>
        <Text bold>{t('runner.acknowledge.enter')}</Text> · {t('runner.acknowledge.skip')}
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
        <Text bold>r</Text> {t('runner.failed.retry')} · <Text bold>s</Text> {t('runner.failed.skip')} · <Text bold>a</Text> {t('runner.keys.a')}
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

const finishedWords = (): Record<RunStatus, string> => ({
  running: t('runner.finished.running'),
  succeeded: t('runner.finished.succeeded'),
  failed: t('runner.finished.failed'),
  aborted: t('runner.finished.aborted'),
  'handed-off': t('runner.finished.handedOff'),
});

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
        {finishedWords()[prompt.status]}
      </Text>
      {next && (
        <Text>
          {t('runner.finished.next')} <Text bold>{next}</Text> — <Text bold>n</Text> {t('runner.finished.startIt')}
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
      return <Text color="yellow">{t('runner.missingInputs', { inputs: visibleLine(prompt.missing.join(', ')) })}</Text>;
  }
}
