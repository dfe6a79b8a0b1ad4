// A step's status preconditions (`requires=`) on the runner: the line shown while they are
// being checked, the refusal of a dangerous step while any is unmet (r re-checks against a
// fresh status; a aborts; q leaves), and the warning shown with a harmless step that runs anyway.
import { Box, Text } from 'ink';
import type { Intent, PreconditionCheck, RunState, StepState } from '../../src/engine/types.ts';
import { layer, useKeyLayer } from '../hooks/keys.tsx';
import { visibleLine } from '../../src/util/visible.ts';
import { t } from '../../src/i18n/index.ts';

/** Rows the refusal takes: the headline, one per unmet precondition, the keys. */
export function refusalRows(results: readonly PreconditionCheck[]): number {
  return 2 + results.filter((r) => !r.met).length;
}

export function PreconditionRefusal({ results, send, active }: { results: readonly PreconditionCheck[]; send(intent: Intent): void; active: boolean }) {
  useKeyLayer(
    layer.prompt,
    (input) => {
      if (input === 'r') send({ type: 'recheck' });
      else if (input === 'a') send({ type: 'abort' });
      else return false;
      return true;
    },
    active,
  );
  const unmet = results.filter((r) => !r.met);
  return (
    <Box flexDirection="column">
      <Text color="red" bold wrap="truncate-end">
        {t('runner.preconditions.refused', { count: unmet.length })}
      </Text>
      {unmet.map((r) => (
        <Text key={r.name} color="red" wrap="truncate-end">
          ✖ {visibleLine(r.name)}: {visibleLine(r.detail)}
        </Text>
      ))}
      <Text wrap="truncate-end">
        <Text bold>r</Text> {t('runner.preconditions.recheck')} · <Text bold>a</Text> {t('runner.keys.a')} · <Text bold>q</Text> {t('runner.preconditions.leave')}
      </Text>
    </Box>
  );
}

/** The unmet preconditions a harmless step runs with, while it is the current step. */
export function warningLines(stepState: StepState | undefined): PreconditionCheck[] {
  const p = stepState?.preconditions;
  if (!p || p.outcome !== 'warned') return [];
  return p.results.filter((r) => !r.met);
}

export function PreconditionWarning({ unmet }: { unmet: readonly PreconditionCheck[] }) {
  if (unmet.length === 0) return null;
  return (
    <Box flexDirection="column">
      {unmet.map((r) => (
        <Text key={r.name} color="yellow" wrap="truncate-end">
          {t('runner.preconditions.warning', { name: visibleLine(r.name), detail: visibleLine(r.detail) })}
        </Text>
      ))}
    </Box>
  );
}

/** The preconditions of this step being checked right now (the engine waits for a fresh status), if any. */
export function checkingNames(state: RunState, stepState: StepState | undefined): string[] {
  const c = state.checking;
  return c && stepState && c.stepId === stepState.id ? c.names : [];
}

export function PreconditionsChecking({ names }: { names: readonly string[] }) {
  if (names.length === 0) return null;
  return (
    <Text color="cyan" wrap="truncate-end">
      {t('runner.preconditions.checking', { names: visibleLine(names.join(', ')) })}
    </Text>
  );
}
