// The full status screen (and a compact sidebar for beside the runner): VIP, processes,
// chunks, and every alert, fed by the status poller.
import { Box, Text } from 'ink';
import { ChunkPanel } from './ChunkPanel.tsx';
import { ProcessPanel } from './ProcessPanel.tsx';
import { VipPanel } from './VipPanel.tsx';
import { useClusterStatus, useStatusHistory, type StatusStore } from './useStatus.ts';

const SHOWN_ELSEWHERE = new Set(['split-brain-vip', 'split-brain-masters', 'no-vip-holder', 'vip-without-master', 'no-master', 'stale-master']);

export function StatusScreen({ store }: { store: StatusStore }) {
  const status = useClusterStatus(store);
  const history = useStatusHistory(store);
  const others = status.alerts.filter((a) => !SHOWN_ELSEWHERE.has(a.code));
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{status.cluster}</Text> status, every {status.intervalMs / 1000} s  <Text dimColor>{new Date(status.at).toLocaleTimeString()}</Text>
      </Text>
      <VipPanel status={status} />
      {others.length > 0 ? (
        <Box flexDirection="column" paddingX={1}>
          {others.map((a, i) => (
            <Text key={i} color={a.severity === 'critical' ? 'red' : 'yellow'}>
              {a.severity === 'critical' ? '✖' : '!'} {a.message}
            </Text>
          ))}
        </Box>
      ) : null}
      <ProcessPanel status={status} />
      <ChunkPanel status={status} history={history} />
    </Box>
  );
}

/** Compact status for beside the runner: VIP line, alerts, chunk summary. */
export function StatusSidebar({ store }: { store: StatusStore }) {
  const status = useClusterStatus(store);
  const history = useStatusHistory(store);
  const others = status.alerts.filter((a) => !SHOWN_ELSEWHERE.has(a.code) && a.severity === 'critical');
  return (
    <Box flexDirection="column">
      <VipPanel status={status} compact />
      {others.map((a, i) => (
        <Text key={i} color="red">
          ✖ {a.message}
        </Text>
      ))}
      <ChunkPanel status={status} history={history} compact />
    </Box>
  );
}
