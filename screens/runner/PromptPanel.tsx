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
}

export interface TypedAnswer {
  /** `${stepId}/${host}` */
  key: string;
  typed: string;
}

/** Rows the prompt takes, for the layout budget. */
export function promptRows(prompt: Prompt | undefined, step?: Step): number {
  switch (prompt?.kind) {
    case undefined:
      return 0;
    case 'confirm':
      return prompt.level === 'typed' ? 2 : 1;
    case 'decide':
      return 1 + (step?.decision?.choices.length ?? 0);
    case 'finished':
      return prompt.nextRunbook ? 2 : 1;
    case 'preconditions':
      return refusalRows(prompt.results);
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
}: { prompt: Extract<Prompt, { kind: 'confirm' }> } & Pick<PromptPanelProps, 'plan' | 'send' | 'active' | 'lastTyped' | 'onTyped'>) {
  const hosts = prompt.host ?? [...new Set(plan.filter((p) => !p.skipReason).map((p) => p.host))].join(', ');
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
  target: string;
}

function Decide({ step, send, active }: Pick<PromptPanelProps, 'step' | 'send' | 'active'>) {
  const choices = step?.decision?.choices ?? [];
  const take = useCallback((item: ChoiceItem) => send({ type: 'decide', choice: item.value }), [send]);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {visibleLine(step?.decision?.question ?? 'Choose:')}
      </Text>
      <Select
        items={choices.map((c): ChoiceItem => ({ value: c.key, label: visibleLine(c.label), target: visibleLine(c.runbook ? `runbook ${c.runbook}` : c.goto ? `step ${c.goto}` : '') }))}
        renderItem={(item, focused) => (
          <Text bold={focused}>
            {item.label}
            {item.target && <Text dimColor> → {item.target}</Text>}
          </Text>
        )}
        onSelect={take}
        active={active}
      />
    </Box>
  );
}

function Failed({ prompt, stepState, send, active }: { prompt: Extract<Prompt, { kind: 'failed' }> } & Pick<PromptPanelProps, 'stepState' | 'send' | 'active'>) {
  useLetterKeys({ r: () => send({ type: 'retry' }), s: () => send({ type: 'skip' }), a: () => send({ type: 'abort' }) }, active);
  const host = stepState?.hosts.find((h) => h.host === prompt.host) ?? stepState?.hosts.find((h) => h.status === 'failed' || h.status === 'cancelled');
  const what = prompt.reason ?? (host ? (host.reason ?? (host.exitCode != null ? `exit ${host.exitCode}` : host.status)) : (stepState?.reason ?? 'the step failed'));
  return (
    <Box flexDirection="column">
      <Text color="red" bold wrap="truncate-end">
        Failed{host ? ` on ${visibleLine(host.host)}` : ''}: {visibleLine(what)}
      </Text>
      <Text>
        <Text bold>r</Text> retry · <Text bold>s</Text> skip this step · <Text bold>a</Text> abort the run
      </Text>
    </Box>
  );
}

function InDoubt({ prompt, send, active }: { prompt: Extract<Prompt, { kind: 'in-doubt' }> } & Pick<PromptPanelProps, 'send' | 'active'>) {
  const settle = (action: SettleAction) => () => send({ type: 'settle', action });
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
  useLetterKeys(Object.fromEntries(choices.map((c) => [keys[c][0], settle(c)])), active);
  return (
    <Box flexDirection="column">
      <Text color="yellow" bold wrap="truncate-end">
        In doubt: it was running on {visibleLine(prompt.host)} when mfs-tui stopped or lost the connection; its effect is unknown.
      </Text>
      {prompt.job && (
        <Text wrap="truncate-end">
          On {visibleLine(prompt.host)} now, the command {visibleLine(prompt.job.detail)}
          {prompt.job.state === 'running' ? ': it is not run again while it runs.' : '.'}
        </Text>
      )}
      <Text>
        {choices.map((c, i) => (
          <Text key={c}>
            {i > 0 ? ' · ' : ''}
            <Text bold>{keys[c][0]}</Text> {keys[c][1]}
          </Text>
        ))}
      </Text>
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
        />
      );
    case 'acknowledge':
      return <Acknowledge send={props.send} active={props.active} />;
    case 'decide':
      return <Decide key={prompt.stepId} step={props.step} send={props.send} active={props.active} />;
    case 'failed':
      return <Failed prompt={prompt} stepState={props.stepState} send={props.send} active={props.active} />;
    case 'in-doubt':
      return <InDoubt prompt={prompt} send={props.send} active={props.active} />;
    case 'finished':
      return <Finished prompt={prompt} onHome={props.onHome} onNextRunbook={props.onNextRunbook} active={props.active} />;
    case 'preconditions':
      return <PreconditionRefusal results={prompt.results} send={props.send} active={props.active} />;
    case 'inputs':
      return <Text color="yellow">The run is missing inputs: {visibleLine(prompt.missing.join(', '))}. Leave (q) and start it again with them.</Text>;
  }
}
