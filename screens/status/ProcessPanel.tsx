// Hosts × daemons: uptime where a daemon runs, `-` where it does not, stale marks with age.
// Columns are measured in terminal cells; a long host name is cut (…) to keep the table
// inside its box; a table longer than its rows scrolls, its position shown.
import { Box, Text } from 'ink';
import { lockedOut, type ClusterStatus, type HostStatus } from '../../src/status/model.ts';
import { DAEMONS } from '../../src/status/probe.ts';
import { DAEMON_SHORT, daemonCell, hostState } from '../../src/status/text.ts';
import { visibleLine } from '../../src/util/visible.ts';
import { cells, fitCells } from '../../src/util/cells.ts';
import { hostsProblemsFirst, position } from './layout.ts';
import { hostStateCounts } from '../../src/status/fleet-summary.ts';

const RANK_COLOR = ['red', 'yellow', 'green'] as const;
import { t } from '../../src/i18n/index.ts';

const COL = 7;
/** Fits `LOGIN REFUSED` and `STALE 12 min`. */
const STATE_COL = 14;

function stateColor(h: HostStatus): string | undefined {
  // Red only when the host does not answer; locked out (it answered, refused us) is magenta; old or unknown data is yellow.
  if (lockedOut(h)) return 'magenta';
  if (h.stale) return h.okAt === undefined && h.failure !== 'probe' ? 'red' : 'yellow';
  if (h.overdue) return 'yellow';
  return h.paused ? 'cyan' : 'green';
}

export interface ProcessPanelProps {
  status: ClusterStatus;
  compact?: boolean;
  /** Columns the panel may take, border included (default: as wide as the table). */
  width?: number;
  /** Host rows shown at once; more hosts scroll (problem hosts come first). Default: all. */
  rows?: number;
  /** First host row shown (clamped). */
  offset?: number;
}

export function ProcessPanel({ status, compact = false, width, rows, offset = 0 }: ProcessPanelProps) {
  const chrome = compact ? 0 : 4;
  const fixed = STATE_COL + DAEMONS.length * COL;
  const longest = Math.max(6, ...status.hosts.map((h) => cells(visibleLine(h.name)))) + 1;
  const nameWidth = width === undefined ? longest : Math.max(6, Math.min(longest, width - chrome - fixed));
  const hosts = rows === undefined ? status.hosts : hostsProblemsFirst(status.hosts);
  const shown = rows === undefined ? hosts.length : Math.max(1, Math.min(rows, hosts.length));
  const top = Math.max(0, Math.min(offset, hosts.length - shown));
  const scrolled = shown < hosts.length;
  return (
    <Box flexDirection="column" borderStyle={compact ? undefined : 'round'} paddingX={compact ? 0 : 1} width={width}>
      {scrolled && (
        <Text wrap="truncate-end">
          {t('status.hostCount', { count: hosts.length })}
          {hostStateCounts(hosts).map((c) => (
            <Text key={c.state} color={RANK_COLOR[c.rank]}>
              {'  '}
              {c.count} {visibleLine(c.state)}
            </Text>
          ))}
        </Text>
      )}
      <Text bold wrap="truncate-end">
        {fitCells(t('status.col.host'), nameWidth)}
        {fitCells(t('status.col.state'), STATE_COL)}
        {DAEMONS.map((d) => fitCells(DAEMON_SHORT[d], COL)).join('')}
      </Text>
      {hosts.slice(top, top + shown).map((h) => (
        <Text key={h.name} dimColor={h.stale} wrap="truncate-end">
          {fitCells(visibleLine(h.name), nameWidth)}
          <Text color={stateColor(h)}>{fitCells(visibleLine(hostState(h)), STATE_COL)}</Text>
          {DAEMONS.map((d) => {
            const cell = daemonCell(h, d);
            return (
              <Text key={d} color={cell === '-' || cell === '?' ? 'gray' : undefined}>
                {fitCells(visibleLine(cell), COL)}
              </Text>
            );
          })}
        </Text>
      ))}
      {scrolled && (
        <Text color="cyan" wrap="truncate-end">
          {position('hosts', top, shown, hosts.length)}
          {t('status.hostsScroll')}
        </Text>
      )}
    </Box>
  );
}
