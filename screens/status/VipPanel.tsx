// Who holds the VIP, each master candidate's VRRP state and master, and the VIP/master
// alerts in red (split brain, no holder, VIP without a master, stale master).
import { Box, Text } from 'ink';
import type { ClusterStatus } from '../../src/status/model.ts';
import { formatAge, vipHolders } from '../../src/status/model.ts';
import { vrrpOf } from '../../src/status/text.ts';
import { formatFailover } from '../../src/status/failover-timeline.ts';
import { visibleLine } from '../../src/util/visible.ts';
import { fitCells } from '../../src/util/cells.ts';
import { VIP_ALERTS, alertLines } from './layout.ts';
import { t } from '../../src/i18n/index.ts';

export function VipPanel({ status, compact = false, width }: { status: ClusterStatus; compact?: boolean; width?: number }) {
  const holders = vipHolders(status);
  const candidates = status.hosts.filter((h) => h.roles.includes('master-candidate'));
  const alerts = status.alerts.filter((a) => VIP_ALERTS.has(a.code));
  return (
    <Box flexDirection="column" borderStyle={compact ? undefined : 'round'} paddingX={compact ? 0 : 1} width={width}>
      <Text wrap="truncate-end">
        <Text bold>VIP {visibleLine(status.vip)}</Text>
        {'  '}
        {holders.length === 0 ? (
          <Text color="red">{t('status.vip.noHolder')}</Text>
        ) : (
          <Text color={holders.length > 1 ? 'red' : 'green'}>{t('status.vip.heldBy', { hosts: visibleLine(holders.map((h) => h.name).join(' + ')) })}</Text>
        )}
      </Text>
      {candidates.map((h) => {
        const master = status.mfs.candidates.find((c) => c.host === h.name)?.master;
        const running = (h.probe?.daemons.mfsmaster.length ?? 0) > 0;
        return (
          <Text key={h.name} wrap="truncate-end">
            {'  '}
            {fitCells(visibleLine(h.name), 10)} {fitCells(visibleLine(vrrpOf(h)), 7)} {h.probe?.holdsVip ? 'VIP ' : '    '}
            {running ? (master?.answering ? t('status.vip.masterVersion', { version: master.metadataVersion ?? '?' }) : t('status.vip.masterRunning')) : t('status.vip.noMaster')}
            {h.stale ? <Text color="yellow"> {t('status.stale', { age: formatAge(h.ageMs) })}</Text> : null}
          </Text>
        );
      })}
      {status.failover ? (
        <Text color={status.failover.done ? 'green' : 'yellow'} wrap="truncate-end">
          {status.failover.done ? t('status.failoverDone') : t('status.failover')}
          {visibleLine(formatFailover(status.failover))}
        </Text>
      ) : null}
      {alerts.flatMap((a, i) =>
        width === undefined
          ? [
              <Text key={i} color="red" bold={a.severity === 'critical'}>
                ✖ {visibleLine(a.message)}
              </Text>,
            ]
          : alertLines('✖', a.message, width - (compact ? 0 : 4)).map((l, j) => (
              <Text key={`${i}.${j}`} color="red" bold={a.severity === 'critical'}>
                {l}
              </Text>
            )),
      )}
    </Box>
  );
}
