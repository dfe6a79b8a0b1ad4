// Small question widgets the screens compose: yes/no, typed host name, runbook inputs.
import { useCallback, useState } from 'react';
import { Box, Text } from 'ink';
import { ARM_AFTER_MS, layer, useArmed, useKeyLayer } from './hooks/keys.tsx';
import { TextField } from './widgets/TextField.tsx';
import { Select } from './widgets/Select.tsx';
import { effectiveValue, inputProblem } from './widgets/input-values.ts';
import type { RunbookInput } from '../src/runbook/types.ts';
import type { InputSuggestion } from '../src/runbook/inputs.ts';
import { visible } from './format.ts';
import { truncateCells } from '../src/util/cells.ts';
import { t } from '../src/i18n/index.ts';

interface ConfirmPromptProps {
  question: string;
  onYes(): void;
  onNo(): void;
  active?: boolean;
  /** Modal questions (cancel? leave?) sit above the prompt they interrupt. */
  priority?: number;
  /** Columns available: a longer question is cut (…) so its keys, (y/n), always show. */
  width?: number;
}

/**
 * y/n. Every other key is left for the layers below, unless this is a modal: a modal
 * swallows every key, takes none pressed before it was drawn (its keys show once it
 * listens), and Esc or q leave it (no).
 */
export function ConfirmPrompt({ question, onYes, onNo, active = true, priority = layer.prompt, width }: ConfirmPromptProps) {
  const modal = priority >= layer.modal;
  const armed = useArmed(modal ? ARM_AFTER_MS : 0);
  useKeyLayer(
    priority,
    (input, key) => {
      if (!armed) return modal;
      if (input === 'y' || input === 'Y') onYes();
      else if (input === 'n' || input === 'N' || key.escape || (modal && input === 'q')) onNo();
      else return modal; // a modal swallows everything else
      return true;
    },
    active,
  );
  return (
    <Text wrap="truncate-end">
      {width === undefined ? question : truncateCells(question, width - 7)} {armed ? <Text bold>(y/n)</Text> : <Text dimColor>…</Text>}
    </Text>
  );
}

interface TypedConfirmPromptProps {
  /** The host name the operator must type. */
  expected: string;
  /** Called with whatever was typed, right or wrong: the engine records refusals too. */
  onSubmit(typed: string): void;
  onCancel(): void;
  active?: boolean;
  /** Why the engine refused the last answer, when this screen did not see it (after a resume). */
  engineMessage?: string;
  /**
   * The last wrong name typed, when the caller keeps it (the engine re-asks with a new
   * prompt, which remounts this widget); otherwise the widget keeps it itself.
   */
  wrongTyped?: string | null;
}

/** Destructive steps: the operator types the target's name; a wrong name says so and asks again. */
export function TypedConfirmPrompt({ expected, onSubmit, onCancel, active = true, engineMessage, wrongTyped }: TypedConfirmPromptProps) {
  const [ownWrong, setWrong] = useState<string | null>(null);
  const wrong = wrongTyped !== undefined ? wrongTyped : ownWrong;
  const submit = useCallback(
    (typed: string) => {
      setWrong(typed.trim() === expected ? null : typed.trim());
      onSubmit(typed.trim());
    },
    [expected, onSubmit],
  );
  return (
    <Box flexDirection="column">
      <Text>
        {t('prompt.typed.before')}
        <Text bold>{expected}</Text>
        {t('prompt.typed.after')} <TextField onSubmit={submit} onCancel={onCancel} active={active} clearOnSubmit />
      </Text>
      {wrong !== null ? <Text color="red">{wrong === '' ? t('prompt.typed.nothing') : t('prompt.typed.wrong', { expected })}</Text> : engineMessage ? <Text color="red">{engineMessage}</Text> : null}
    </Box>
  );
}

interface InputsFormProps {
  inputs: readonly RunbookInput[];
  /** Defaults with their {{variables}} already resolved, by input name. */
  defaults?: Record<string, string>;
  /**
   * Defaults worked out from the values given so far (live status, the run that handed
   * over, an input's host address), with where each comes from; wins over `defaults`.
   */
  suggest?(values: Record<string, string>): Record<string, InputSuggestion>;
  /** Values that contradict the live status: shown, and confirmed with Enter, before the run starts. */
  contradictions?(values: Record<string, string>): string[];
  onSubmit(values: Record<string, string>): void;
  onCancel(): void;
  active?: boolean;
}

/** Asks the runbook's inputs one after another, each checked before moving on. */
export function InputsForm({ inputs, defaults = {}, suggest, contradictions, onSubmit, onCancel, active = true }: InputsFormProps) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | undefined>();
  const index = inputs.findIndex((i) => !(i.name in values));
  const current = inputs[index];
  const suggestion = current ? suggest?.(values)[current.name] : undefined;
  const currentDefault = current ? (suggest ? (defaults[current.name] ?? suggestion?.value) : defaults[current.name]) : undefined;
  const flagged = !current && contradictions ? contradictions(values) : [];

  const accept = useCallback(
    (typed: string) => {
      if (!current) return;
      const value = effectiveValue(suggest ? {} : current, typed, currentDefault);
      const why = inputProblem(current, value);
      setProblem(why);
      if (why) return;
      const next = { ...values, [current.name]: value };
      setValues(next);
      if (inputs.every((i) => i.name in next) && !(contradictions && contradictions(next).length > 0)) onSubmit(next);
    },
    [current, currentDefault, suggest, values, inputs, onSubmit, contradictions],
  );
  const pickChoice = useCallback((item: { value: string }) => accept(item.value), [accept]);
  // All given, and some contradict the live status: Enter starts anyway, Esc asks again.
  useKeyLayer(
    layer.prompt,
    (_input, key) => {
      if (key.return) onSubmit(values);
      else if (key.escape) setValues({});
      else return false;
      return true;
    },
    active && !current && flagged.length > 0,
  );

  if (!current) {
    if (flagged.length === 0) return <Text dimColor>{t('prompt.inputs.complete')}</Text>;
    return (
      <Box flexDirection="column">
        {inputs.map((i) => (
          <Text key={i.name} dimColor>
            ✔ {i.prompt}: {visible(values[i.name] ?? '')}
          </Text>
        ))}
        <Text color="yellow" bold>
          {t('prompt.inputs.contradict')}
        </Text>
        {flagged.map((line, n) => (
          <Text key={n} color="yellow">
            ⚠ {visible(line)}
          </Text>
        ))}
        <Text dimColor>{t('prompt.inputs.contradictKeys')}</Text>
      </Box>
    );
  }
  const shownDefault = suggest ? currentDefault : (currentDefault ?? current.default);
  return (
    <Box flexDirection="column">
      {inputs.slice(0, index).map((i) => (
        <Text key={i.name} dimColor>
          ✔ {i.prompt}: {visible(values[i.name] ?? '')}
        </Text>
      ))}
      <Text bold>
        {current.prompt}
        {shownDefault !== undefined && shownDefault !== '' && <Text dimColor> [{visible(shownDefault)}]</Text>}
      </Text>
      {suggestion?.source && defaults[current.name] === undefined && <Text dimColor>{visible(suggestion.source)}</Text>}
      {current.help && <Text dimColor>{current.help}</Text>}
      {current.choices && current.choices.length > 0 ? (
        <Select
          key={current.name}
          items={current.choices.map((c) => ({ value: c }))}
          renderItem={(item) => <Text>{item.value}</Text>}
          onSelect={pickChoice}
          active={active}
          limit={8}
          onOtherKey={(_input, key) => {
            if (!key.escape) return false;
            onCancel();
            return true;
          }}
        />
      ) : (
        <Text>
          › <TextField key={current.name} onSubmit={accept} onCancel={onCancel} active={active} placeholder={shownDefault} />
        </Text>
      )}
      {problem && <Text color="red">{problem}</Text>}
      <Text dimColor>{t('prompt.inputs.keys')}</Text>
    </Box>
  );
}
