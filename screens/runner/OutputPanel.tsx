// Live output of the current step, per host: identical results from several hosts are
// shown once with the list of hosts; only the last lines that fit are drawn.
import { Box, Text } from 'ink';
import type { HostRunState } from '../../src/engine/types.ts';
import { spinnerFrames, statusColor, statusMark } from '../theme.ts';
import { compactDuration, groupIdentical, hostElapsedMs, hostOutcomeKey, visibleTailLines, type HostGroup } from './view-model.ts';
import { t } from '../../src/i18n/index.ts';

interface OutputPanelProps {
  hosts: readonly HostRunState[];
  rows: number;
  now: number;
  runningSince?: number;
}

function outcome(h: HostRunState, now: number, since?: number): string {
  const parts: string[] = [];
  if (h.status === 'running') {
    parts.push(h.phase === 'check' ? t('runner.output.checking') : t('runner.stepStatus.running'));
    const elapsed = hostElapsedMs(h, now, since);
    if (elapsed !== undefined) parts.push(compactDuration(elapsed));
  } else if (h.status === 'in-doubt') {
    parts.push(t('runner.output.inDoubt'));
  } else if (h.status !== 'pending') {
    if (h.exitCode !== undefined) parts.push(h.exitCode === null ? t('runner.output.noExitCode') : t('runner.exit', { code: h.exitCode }));
    if (h.durationMs !== undefined) parts.push(compactDuration(h.durationMs));
    if (h.attempts > 1) parts.push(t('runner.output.attempt', { n: h.attempts }));
  }
  return parts.join(' · ');
}

function CheckLine({ check }: { check: NonNullable<HostRunState['check']> }) {
  return (
    <Text color={check.ok ? 'green' : 'red'} wrap="truncate-end">
      {'  '}
      {t('runner.output.check')} {check.ok ? '✔' : '✖'}
      {check.exitCode !== null ? ` ${t('runner.exit', { code: check.exitCode })}` : ''}
      {check.reason ? ` — ${check.reason}` : ''}
      {!check.ok && check.output.trim() ? ` — ${check.output.trim().split('\n').at(-1)}` : ''}
    </Text>
  );
}

/** How many output lines each group may show: even shares, leftovers to the last group. */
function shareLines(groups: HostGroup<HostRunState>[], rows: number): number[] {
  const fixed = groups.reduce((n, g) => n + headerRows(g.sample), 0);
  let free = Math.max(0, rows - fixed);
  const wants = groups.map((g) => visibleTailLines(g.sample.output, Number.MAX_SAFE_INTEGER).lines.length);
  const shares = wants.map(() => 0);
  // Hand out one line at a time from the last group backwards: recent output matters most.
  while (free > 0 && shares.some((s, i) => s < (wants[i] ?? 0))) {
    for (let i = groups.length - 1; i >= 0 && free > 0; i--) {
      if ((shares[i] ?? 0) < (wants[i] ?? 0)) {
        shares[i] = (shares[i] ?? 0) + 1;
        free--;
      }
    }
  }
  return shares;
}

/** Rows a group takes without any output lines. */
function headerRows(h: HostRunState): number {
  return 1 + (h.check ? 1 : 0) + (h.reason ? 1 : 0);
}

const quiet = (h: HostRunState) => (h.status === 'succeeded' || h.status === 'skipped') && !h.reason && (h.check?.ok ?? true);

export function OutputPanel({ hosts, rows, now, runningSince }: OutputPanelProps) {
  const visible = hosts.filter((h) => h.status !== 'pending' || h.output !== '');
  if (visible.length === 0 || rows <= 0) return null;
  let groups = groupIdentical(visible, hostOutcomeKey);
  // Too many different results for each to show a line of output: hosts that simply
  // succeeded go on one line, so the room goes to the running and failing ones.
  let quietHosts: string[] = [];
  if (groups.length > 1 && groups.reduce((n, g) => n + headerRows(g.sample) + 1, 0) > rows) {
    quietHosts = groups.filter((g) => quiet(g.sample)).flatMap((g) => g.hosts);
    groups = groups.filter((g) => !quiet(g.sample));
  }
  const room = rows - (quietHosts.length ? 1 : 0);
  let cut = 0;
  while (groups.length > 0 && groups.reduce((n, g) => n + headerRows(g.sample), 0) + (cut ? 1 : 0) > room) {
    cut += groups[0]!.hosts.length;
    groups = groups.slice(1);
  }
  const shares = shareLines(groups, room - (cut ? 1 : 0));
  return (
    <Box flexDirection="column">
      {quietHosts.length > 0 && (
        <Text wrap="truncate-end">
          <Text color="green">✔</Text> <Text bold>{quietHosts.join(', ')}</Text> <Text dimColor>{t('runner.output.quiet')}</Text>
        </Text>
      )}
      {cut > 0 && <Text dimColor>{t('runner.output.moreHosts', { count: cut })}</Text>}
      {groups.map((g, gi) => {
        const h = g.sample;
        const { lines, hidden } = visibleTailLines(h.output, shares[gi] ?? 0);
        return (
          <Box key={g.hosts.join(',')} flexDirection="column">
            <Text wrap="truncate-end">
              <Text color={statusColor[h.status]}>{statusMark[h.status]}</Text>
              {h.status === 'running' && <Text color="cyan"> {spinnerFrames[Math.floor(now / 80) % spinnerFrames.length]}</Text>} <Text bold>{g.hosts.join(', ')}</Text>{' '}
              <Text dimColor>{outcome(h, now, runningSince)}</Text>
              {hidden > 0 && <Text dimColor> {t('runner.output.earlier', { count: hidden })}</Text>}
            </Text>
            {lines.map((line, i) => (
              <Text key={i} wrap="truncate-end">
                {'  '}│ {line}
              </Text>
            ))}
            {h.reason && (
              <Text color={h.status === 'failed' ? 'red' : 'yellow'} wrap="truncate-end">
                {'  '}
                {h.reason}
              </Text>
            )}
            {h.check && <CheckLine check={h.check} />}
          </Box>
        );
      })}
    </Box>
  );
}

/** Rows the panel would like, to budget the layout. */
export function outputRowsWanted(hosts: readonly HostRunState[]): number {
  const visible = hosts.filter((h) => h.status !== 'pending' || h.output !== '');
  return groupIdentical(visible, hostOutcomeKey).reduce(
    (n, g) => n + 1 + (g.sample.check ? 1 : 0) + (g.sample.reason ? 1 : 0) + visibleTailLines(g.sample.output, Number.MAX_SAFE_INTEGER).lines.length,
    0,
  );
}
