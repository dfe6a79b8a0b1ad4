// A step's status preconditions (`requires=`) on the runner: the line shown while they are
// being checked, the refusal of a dangerous step while any is unmet (r re-checks against a
// fresh status; a aborts; q leaves), and the warning shown with a harmless step that runs anyway.
import { Box, Text } from 'ink';
import type { Intent, PreconditionCheck, RunState, StepState } from '../../src/engine/types.ts';
import { layer, useKeyLayer } from '../hooks/keys.tsx';
import { visibleLine } from '../../src/util/visible.ts';

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
        Refused: this step is dangerous and {unmet.length === 1 ? 'a precondition does' : `${unmet.length} preconditions do`} not hold now
      </Text>
      {unmet.map((r) => (
        <Text key={r.name} color="red" wrap="truncate-end">
          ✖ {visibleLine(r.name)}: {visibleLine(r.detail)}
        </Text>
      ))}
      <Text wrap="truncate-end">
        <Text bold>r</Text> re-check the cluster status · <Text bold>a</Text> abort the run · <Text bold>q</Text> leave (resume later)
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
          ! precondition {visibleLine(r.name)} not met: {visibleLine(r.detail)} (warning only: the step is not marked dangerous)
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
      checking preconditions: {visibleLine(names.join(', '))}…
    </Text>
  );
}
