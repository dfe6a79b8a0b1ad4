// The full status screen (and a compact sidebar for beside the runner): VIP, processes,
// chunks, and every alert, fed by the status poller.
import { Box, Text } from 'ink';
import { vipHolders } from '../../src/status/model.ts';
import { ChunkPanel } from './ChunkPanel.tsx';
import { ProcessPanel } from './ProcessPanel.tsx';
import { VipPanel } from './VipPanel.tsx';
import { useClusterStatus, useStatusHistory, type StatusStore } from './useStatus.ts';
import { visibleLine } from '../../src/util/visible.ts';

const SHOWN_ELSEWHERE = new Set(['split-brain-vip', 'split-brain-masters', 'no-vip-holder', 'vip-without-master', 'no-master', 'stale-master']);

export function StatusScreen({ store }: { store: StatusStore }) {
  const status = useClusterStatus(store);
  const history = useStatusHistory(store);
  const others = status.alerts.filter((a) => !SHOWN_ELSEWHERE.has(a.code));
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{visibleLine(status.cluster)}</Text> status, every {status.intervalMs / 1000} s  <Text dimColor>{new Date(status.at).toLocaleTimeString()}</Text>
      </Text>
      <VipPanel status={status} />
      {others.length > 0 ? (
        <Box flexDirection="column" paddingX={1}>
          {others.map((a, i) => (
            <Text key={i} color={a.severity === 'critical' ? 'red' : 'yellow'}>
              {a.severity === 'critical' ? '✖' : '!'} {visibleLine(a.message)}
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
  const paused = status.hosts.filter((h) => h.paused).map((h) => h.name);
  return (
    <Box flexDirection="column">
      <VipPanel status={status} compact />
      {others.map((a, i) => (
        <Text key={i} color="red">
          ✖ {visibleLine(a.message)}
        </Text>
      ))}
      <ChunkPanel status={status} history={history} compact />
      {paused.length > 0 ? <Text dimColor>light probes on {visibleLine(paused.join(', '))} (a step runs there)</Text> : null}
    </Box>
  );
}

/** One line for narrow terminals: who holds the VIP, the step of a failover under way, and the worst alert. */
export function StatusLine({ store }: { store: StatusStore }) {
  const status = useClusterStatus(store);
  const holders = vipHolders(status).map((h) => visibleLine(h.name));
  const critical = status.alerts.filter((a) => a.severity === 'critical');
  const warnings = status.alerts.length - critical.length;
  return (
    <Text wrap="truncate-end">
      <Text bold>status</Text> VIP{' '}
      {holders.length === 0 ? <Text color="red">no holder</Text> : <Text color={holders.length > 1 ? 'red' : 'green'}>{holders.join(' + ')}</Text>}
      {status.failover && !status.failover.done ? <Text color="yellow"> · failover: {visibleLine(status.failover.steps.at(-1)!.label)}</Text> : null}
      {critical.length > 0 ? <Text color="red"> · ✖ {visibleLine(critical[0]!.message)}{critical.length > 1 ? ` (+${critical.length - 1})` : ''}</Text> : null}
      {warnings > 0 ? <Text color="yellow"> · {warnings} warning{warnings > 1 ? 's' : ''}</Text> : null}
      {critical.length === 0 && warnings === 0 ? <Text color="green"> · no alerts</Text> : null}
    </Text>
  );
}
