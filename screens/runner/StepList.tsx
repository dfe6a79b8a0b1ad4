// The run's steps with a state mark each, windowed around the current step.
import { Box, Text } from 'ink';
import type { StepState } from '../../src/engine/types.ts';
import type { Step } from '../../src/runbook/types.ts';
import { spinnerFrames, statusColor, statusMark } from '../theme.ts';
import { compactDuration, resultLine, stepElapsedMs, stepWindow } from './view-model.ts';
import { visibleLine } from '../../src/util/visible.ts';
import { t } from '../../src/i18n/index.ts';
import { stepStatusWord } from './status-words.ts';

interface StepListProps {
  steps: readonly Step[];
  states: readonly StepState[];
  current: number;
  rows: number;
  now: number;
  /** When each running step started, as seen by this screen. */
  runningSince: ReadonlyMap<string, number>;
  changed: readonly string[];
  /** Point at the current step (not once the run is over). */
  marked?: boolean;
  /** Fills the run's {{variables}} into a title: no raw template text on screen. */
  renderText?(text: string): string;
}

function stepNote(state: StepState): string {
  if (state.choice) return `→ ${state.choice}`;
  const failed = state.hosts.find((h) => h.status === 'failed' || h.status === 'cancelled');
  if (failed) return `${failed.host}: ${failed.reason ?? (failed.exitCode != null ? t('runner.exit', { code: failed.exitCode }) : stepStatusWord(failed.status))}`;
  if (state.status === 'skipped' || state.status === 'failed' || state.status === 'cancelled') return state.reason ?? state.hosts.find((h) => h.reason)?.reason ?? '';
  // Finished outputs are collapsed to their last line here; the journal has them whole.
  if (state.status === 'succeeded') return resultLine(state) ?? '';
  return '';
}

export function StepList({ steps, states, current, rows, now, runningSince, changed, marked = true, renderText = (t) => t }: StepListProps) {
  if (rows <= 0) return null;
  const { from, to } = stepWindow(states.length, current, rows);
  const width = String(states.length).length;
  return (
    <Box flexDirection="column">
      {states.slice(from, to).map((state, i) => {
        const index = from + i;
        const step = steps.find((s) => s.id === state.id);
        const elapsed = stepElapsedMs(state, now, runningSince.get(state.id));
        const isCurrent = marked && index === current;
        const note = stepNote(state);
        return (
          <Box key={state.id}>
            {/* The fixed columns never shrink; only the title and its note are cut. */}
            <Box flexShrink={0}>
              <Text color={isCurrent ? 'cyan' : undefined}>{isCurrent ? '› ' : '  '}</Text>
              <Text color={statusColor[state.status]}>{statusMark[state.status]}</Text>
              {state.status === 'running' && <Text color="cyan"> {spinnerFrames[Math.floor(now / 80) % spinnerFrames.length]}</Text>}
            </Box>
            <Box flexGrow={1} flexShrink={1} marginLeft={1}>
              <Text wrap="truncate-end" bold={isCurrent} dimColor={state.status === 'pending' && !isCurrent}>
                {String(index + 1).padStart(width)}. {visibleLine(step ? renderText(step.title) : state.id)}
                {changed.includes(state.id) ? t('runner.changed') : ''}
                {note ? (state.choice ? ` ${visibleLine(note)}` : ` — ${visibleLine(note)}`) : ''}
              </Text>
            </Box>
            {elapsed !== undefined && (
              <Box flexShrink={0}>
                <Text dimColor> {compactDuration(elapsed)}</Text>
              </Box>
            )}
          </Box>
        );
      })}
    </Box>
  );
}
