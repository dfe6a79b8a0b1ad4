// The full status screen (and a compact sidebar for beside the runner): VIP, processes,
// chunks, and every alert, fed by the status poller. Given the terminal's size, every panel
// fits it: the VIP panel and the critical alerts always show, the host and chunkserver
// tables scroll with their position shown, and nothing runs over a box's border.
import { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import { vipHolders } from '../../src/status/model.ts';
import { ChunkPanel } from './ChunkPanel.tsx';
import { DiskPanel } from './DiskPanel.tsx';
import { ProcessPanel } from './ProcessPanel.tsx';
import { VipPanel } from './VipPanel.tsx';
import { useClusterStatus, useStatusHistory, type StatusStore } from './useStatus.ts';
import { visibleLine } from '../../src/util/visible.ts';
import { layer, useKeyLayer } from '../hooks/keys.tsx';
import { VIP_ALERTS, alertLines, otherAlerts, statusLayout } from './layout.ts';
import { truncateCells } from '../../src/util/cells.ts';
import { t, currentLanguage } from '../../src/i18n/index.ts';

export interface StatusScreenProps {
  store: StatusStore;
  /** Rows the screen may take (its live area); without it every row is drawn. */
  rows?: number;
  columns?: number;
  /** ↑↓ PgUp PgDn scroll the host table (default true). */
  active?: boolean;
}

export function StatusScreen({ store, rows, columns, active = true }: StatusScreenProps) {
  const status = useClusterStatus(store);
  const history = useStatusHistory(store);
  const [offset, setOffset] = useState(0);
  const [disks, setDisks] = useState(false);
  // The poller asks every chunkserver for its disks only while they are shown.
  useEffect(() => {
    store.showDisks?.(disks);
    return () => store.showDisks?.(false);
  }, [store, disks]);
  const width = columns === undefined ? undefined : Math.max(40, columns);
  const others = otherAlerts(status, rows !== undefined);
  const layout = rows === undefined ? undefined : statusLayout(status, rows, width ?? 80, { disks });
  const page = layout?.hostRows ?? status.hosts.length;
  const maxTop = Math.max(0, status.hosts.length - page);
  const scrolls = layout !== undefined && maxTop > 0;
  useKeyLayer(
    layer.screen + 1,
    (input, key) => {
      if (input === 'd') setDisks((d) => !d);
      else if (!scrolls) return false;
      else if (key.upArrow || input === 'k') setOffset((o) => Math.max(0, Math.min(maxTop, o) - 1));
      else if (key.downArrow || input === 'j') setOffset((o) => Math.min(maxTop, o + 1));
      else if (key.pageUp) setOffset((o) => Math.max(0, Math.min(maxTop, o) - page));
      else if (key.pageDown || input === ' ') setOffset((o) => Math.min(maxTop, o + page));
      else if (key.home) setOffset(0);
      else if (key.end) setOffset(maxTop);
      else return false;
      return true;
    },
    active,
  );
  const shownAlerts = layout ? others.slice(0, layout.alerts) : others;
  const hidden = others.length - shownAlerts.length;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold>{visibleLine(status.cluster)}</Text>
        {t('status.title', { seconds: status.intervalMs / 1000 })}{' '}
        <Text dimColor>
          {new Date(status.at).toLocaleTimeString(currentLanguage() === 'zh' ? 'zh-CN' : 'en-US')}
          {disks ? '' : t('status.disksKey')}
        </Text>
      </Text>
      <VipPanel status={status} width={width} />
      {others.length > 0 ? (
        <Box flexDirection="column" paddingX={1}>
          {shownAlerts.flatMap((a, i) =>
            width === undefined
              ? [
                  <Text key={i} color={a.severity === 'critical' ? 'red' : 'yellow'}>
                    {a.severity === 'critical' ? '✖' : '!'} {visibleLine(a.message)}
                  </Text>,
                ]
              : alertLines(a.severity === 'critical' ? '✖' : '!', a.message, width - 2).map((l, j) => (
                  <Text key={`${i}.${j}`} color={a.severity === 'critical' ? 'red' : 'yellow'}>
                    {l}
                  </Text>
                )),
          )}
          {hidden > 0 && (
            <Text color="yellow" wrap="truncate-end">
              {t('status.moreAlerts', { count: hidden })}
            </Text>
          )}
        </Box>
      ) : null}
      <ProcessPanel status={status} width={width} rows={layout?.hostRows} offset={Math.min(offset, maxTop)} />
      {disks ? (
        <DiskPanel status={status} width={width} table={layout?.chunkTable ?? true} rows={layout?.chunkRows} />
      ) : (
        <ChunkPanel status={status} history={history} width={width} table={layout?.chunkTable ?? true} rows={layout?.chunkRows} sparklines={layout?.sparklines ?? true} />
      )}
    </Box>
  );
}

/** Compact status for beside the runner: VIP line, alerts, chunk summary; `rows` caps it (critical alerts counted when cut). */
export function StatusSidebar({ store, rows, width = 44 }: { store: StatusStore; rows?: number; width?: number }) {
  const status = useClusterStatus(store);
  const history = useStatusHistory(store);
  const others = status.alerts.filter((a) => !VIP_ALERTS.has(a.code) && a.severity === 'critical');
  const paused = status.hosts.filter((h) => h.paused).map((h) => h.name);
  const candidates = status.hosts.filter((h) => h.roles.includes('master-candidate')).length;
  const vipLines = 1 + candidates + (status.failover ? 1 : 0) + status.alerts.filter((a) => VIP_ALERTS.has(a.code)).reduce((n, a) => n + alertLines('✖', a.message, width).length, 0);
  // The chunk summary takes about 4 lines; alerts get the rest, one line counting those left out.
  const room = rows === undefined ? Infinity : Math.max(1, rows - vipLines - 4 - (paused.length ? 1 : 0));
  const lines = others.map((a) => alertLines('✖', a.message, width));
  let shown = 0;
  let used = 0;
  while (shown < lines.length && used + lines[shown]!.length <= room - (shown + 1 < lines.length ? 1 : 0)) used += lines[shown++]!.length;
  return (
    <Box flexDirection="column" width={width}>
      <VipPanel status={status} compact width={width} />
      {lines.slice(0, shown).flatMap((ls, i) =>
        ls.map((l, j) => (
          <Text key={`${i}.${j}`} color="red">
            {l}
          </Text>
        )),
      )}
      {shown < lines.length && <Text color="red">{truncateCells(t('status.moreCritical', { count: lines.length - shown }), width)}</Text>}
      <ChunkPanel status={status} history={history} compact />
      {paused.length > 0 ? (
        <Text dimColor wrap="truncate-end">
          {t('status.lightProbes', { hosts: visibleLine(paused.join(', ')) })}
        </Text>
      ) : null}
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
      <Text bold>{t('status.line.status')}</Text> VIP{' '}
      {holders.length === 0 ? <Text color="red">{t('status.vip.noHolder')}</Text> : <Text color={holders.length > 1 ? 'red' : 'green'}>{holders.join(' + ')}</Text>}
      {status.failover && !status.failover.done ? (
        <Text color="yellow">
          {' '}
          · {t('status.failover')}
          {visibleLine(status.failover.steps.at(-1)!.label)}
        </Text>
      ) : null}
      {critical.length > 0 ? (
        <Text color="red">
          {' '}
          · ✖ {visibleLine(critical[0]!.message)}
          {critical.length > 1 ? ` (+${critical.length - 1})` : ''}
        </Text>
      ) : null}
      {warnings > 0 ? <Text color="yellow"> · {t('status.line.warnings', { count: warnings })}</Text> : null}
      {critical.length === 0 && warnings === 0 ? <Text color="green"> · {t('status.line.noAlerts')}</Text> : null}
    </Text>
  );
}
