// Who holds the VIP, each master candidate's VRRP state and master, and the VIP/master
// alerts in red (split brain, no holder, VIP without a master, stale master).
import { Box, Text } from 'ink';
import type { ClusterStatus } from '../../src/status/model.ts';
import { formatAge, vipHolders } from '../../src/status/model.ts';
import { vrrpOf } from '../../src/status/text.ts';
import { formatFailover } from '../../src/status/failover-timeline.ts';
import { visibleLine } from '../../src/util/visible.ts';

const VIP_ALERTS = new Set(['split-brain-vip', 'split-brain-masters', 'no-vip-holder', 'vip-without-master', 'no-master', 'stale-master']);

export function VipPanel({ status, compact = false }: { status: ClusterStatus; compact?: boolean }) {
  const holders = vipHolders(status);
  const candidates = status.hosts.filter((h) => h.roles.includes('master-candidate'));
  const alerts = status.alerts.filter((a) => VIP_ALERTS.has(a.code));
  return (
    <Box flexDirection="column" borderStyle={compact ? undefined : 'round'} paddingX={compact ? 0 : 1}>
      <Text>
        <Text bold>VIP {visibleLine(status.vip)}</Text>
        {'  '}
        {holders.length === 0 ? <Text color="red">no holder</Text> : <Text color={holders.length > 1 ? 'red' : 'green'}>held by {visibleLine(holders.map((h) => h.name).join(' + '))}</Text>}
      </Text>
      {candidates.map((h) => {
        const master = status.mfs.candidates.find((c) => c.host === h.name)?.master;
        const running = (h.probe?.daemons.mfsmaster.length ?? 0) > 0;
        return (
          <Text key={h.name}>
            {'  '}
            {visibleLine(h.name).padEnd(10)} {visibleLine(vrrpOf(h)).padEnd(7)} {h.probe?.holdsVip ? 'VIP ' : '    '}
            {running ? `master ${master?.answering ? `v${master.metadataVersion ?? '?'}` : 'running'}` : 'no master'}
            {h.stale ? <Text color="yellow"> stale {formatAge(h.ageMs)}</Text> : null}
          </Text>
        );
      })}
      {status.failover ? (
        <Text color={status.failover.done ? 'green' : 'yellow'} wrap="truncate-end">
          {status.failover.done ? 'failover done: ' : 'failover: '}
          {visibleLine(formatFailover(status.failover))}
        </Text>
      ) : null}
      {alerts.map((a, i) => (
        <Text key={i} color="red" bold={a.severity === 'critical'}>
          ✖ {visibleLine(a.message)}
        </Text>
      ))}
    </Box>
  );
}
