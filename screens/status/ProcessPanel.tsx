// Hosts × daemons: uptime where a daemon runs, `-` where it does not, stale marks with age.
import { Box, Text } from 'ink';
import { lockedOut, type ClusterStatus, type HostStatus } from '../../src/status/model.ts';
import { DAEMONS } from '../../src/status/probe.ts';
import { DAEMON_SHORT, daemonCell, hostState } from '../../src/status/text.ts';
import { visibleLine } from '../../src/util/visible.ts';

const COL = 7;
/** Fits `LOGIN REFUSED` and `STALE 12 min`. */
const STATE_COL = 14;

function stateColor(h: HostStatus): string | undefined {
  // Red only when the host does not answer; locked out (it answered, refused us) is magenta; old or unknown data is yellow.
  if (lockedOut(h)) return 'magenta';
  if (h.stale) return h.okAt === undefined && h.failure !== 'probe' ? 'red' : 'yellow';
  return h.paused ? 'cyan' : 'green';
}

export function ProcessPanel({ status, compact = false }: { status: ClusterStatus; compact?: boolean }) {
  const nameWidth = Math.max(6, ...status.hosts.map((h) => visibleLine(h.name).length)) + 1;
  return (
    <Box flexDirection="column" borderStyle={compact ? undefined : 'round'} paddingX={compact ? 0 : 1}>
      <Text bold>
        {'HOST'.padEnd(nameWidth)}
        {'STATE'.padEnd(STATE_COL)}
        {DAEMONS.map((d) => DAEMON_SHORT[d].padEnd(COL)).join('')}
      </Text>
      {status.hosts.map((h) => (
        <Text key={h.name} dimColor={h.stale}>
          {visibleLine(h.name).padEnd(nameWidth)}
          <Text color={stateColor(h)}>{visibleLine(hostState(h)).padEnd(STATE_COL)}</Text>
          {DAEMONS.map((d) => {
            const cell = daemonCell(h, d);
            return (
              <Text key={d} color={cell === '-' || cell === '?' ? 'gray' : undefined}>
                {visibleLine(cell).padEnd(COL)}
              </Text>
            );
          })}
        </Text>
      ))}
    </Box>
  );
}
