// Space gauge, chunk classes with counts, the chunkserver table and sparklines of
// missing/undergoal chunks and used space over the poller's history. Widths in cells; a
// table longer than its rows shows its position (disconnected chunkservers first).
import { Box, Text } from 'ink';
import type { ClusterStatus, HistoryPoint } from '../../src/status/model.ts';
import { formatAge, spaceOf } from '../../src/status/model.ts';
import { CHUNK_CLASS_KEY, formatBytes } from '../../src/status/text.ts';
import { sparkline } from './sparkline.ts';
import { visibleLine } from '../../src/util/visible.ts';
import { cells, fitCells } from '../../src/util/cells.ts';
import { position } from './layout.ts';
import { t } from '../../src/i18n/index.ts';

/** A sparkline's label, padded to one column in cells (the longest English one is 'undergoal '). */
const sparkLabel = (label: string) => fitCells(label, Math.max(10, cells(label) + 1));
const CLASS_COLOR = { missing: 'red', endangered: 'red', undergoal: 'yellow', stable: 'green', overgoal: 'cyan' } as const;

export function gauge(fraction: number | undefined, width: number): string {
  if (fraction === undefined) return '?'.padEnd(width, ' ');
  const full = Math.round(fraction * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

export interface ChunkPanelProps {
  status: ClusterStatus;
  history: readonly HistoryPoint[];
  compact?: boolean;
  /** Columns the panel may take, border included (default: as wide as its content). */
  width?: number;
  /** The chunkserver table (false: one summary line). Default true. */
  table?: boolean;
  /** Chunkserver rows shown at once (default: all). */
  rows?: number;
  offset?: number;
  /** The three history lines (default true). */
  sparklines?: boolean;
}

const COLS = [
  ['status.col.state', 13],
  ['status.col.chunks', 9],
  ['status.col.used', 10],
  ['status.col.total', 10],
  ['status.col.load', 6],
] as const;

export function ChunkPanel({ status, history, compact = false, width, table = true, rows, offset = 0, sparklines = true }: ChunkPanelProps) {
  const vip = status.mfs.viaVip;
  const box = { borderStyle: compact ? undefined : ('round' as const), paddingX: compact ? 0 : 1, width };
  if (!vip || vip.noMaster) {
    return (
      <Box {...box} flexDirection="column">
        <Text color="red" wrap="truncate-end">
          {vip?.noMaster ? t('status.chunks.noMaster') : status.mfs.error ? t('status.chunks.mfscliFailed', { error: visibleLine(status.mfs.error) }) : t('status.chunks.noAnswer')}
        </Text>
      </Box>
    );
  }
  const sp = spaceOf(vip);
  const c = vip.chunkClasses;
  // Compact (beside the runner, 44 columns): a shorter gauge and no trash, so it fits one line.
  const w = compact ? 12 : 30;
  const inner = width === undefined ? undefined : width - (compact ? 0 : 4);
  const servers = [
    ...vip.disconnected.map((cs) => ({
      key: `d${cs.ip}:${cs.port}`,
      addr: visibleLine(`${cs.ip}:${cs.port}`),
      cols: [t('status.chunks.disconnectedCell'), '-', '-', '-', '-'],
      maint: visibleLine(String(cs.maintenance)),
      down: true,
    })),
    ...vip.chunkservers.map((cs) => ({
      key: `${cs.ip}:${cs.port}`,
      addr: visibleLine(`${cs.ip}:${cs.port}`),
      cols: [
        t('status.chunks.connectedCell'),
        String(cs.chunks),
        formatBytes(cs.used),
        formatBytes(cs.total),
        visibleLine(cs.loadMark ? `${cs.loadMark[0]}${cs.load}${cs.loadMark[1]}` : String(cs.load)),
      ],
      maint: visibleLine(String(cs.maintenance)),
      down: false,
    })),
  ];
  const fixed = COLS.reduce((n, [, cw]) => n + cw, 0) + cells(t('status.col.maint'));
  const longest = Math.max(cells(t('status.col.chunkserver')), ...servers.map((s) => cells(s.addr))) + 1;
  const addrWidth = inner === undefined ? longest : Math.max(8, Math.min(longest, inner - fixed));
  const shown = rows === undefined ? servers.length : Math.max(0, Math.min(rows, servers.length));
  const top = Math.max(0, Math.min(offset, servers.length - shown));
  const spark = Math.max(8, Math.min(40, (inner ?? 50) - 10));
  return (
    <Box {...box} flexDirection="column">
      <Text wrap="truncate-end">
        {t('status.chunks.space', { gauge: gauge(sp.usedFraction, w), used: sp.usedFraction === undefined ? '?' : `${(sp.usedFraction * 100).toFixed(1)}%`, total: formatBytes(sp.total) })}
        {compact ? null : t('status.chunks.trash', { trash: formatBytes(sp.trash) })}
        {status.mfs.stale ? <Text color="yellow"> ({t('status.stale', { age: formatAge(status.mfs.ageMs) })})</Text> : null}
      </Text>
      {c ? (
        <Text wrap={compact ? 'wrap' : 'truncate-end'}>
          {(Object.keys(CLASS_COLOR) as (keyof typeof CLASS_COLOR)[]).map((k) => (
            <Text key={k} color={c[k] > 0 || k === 'stable' ? CLASS_COLOR[k] : 'gray'}>
              {t(CHUNK_CLASS_KEY[k])} {c[k]}
              {'  '}
            </Text>
          ))}
        </Text>
      ) : null}
      {!compact && sparklines ? (
        <>
          <Text wrap="truncate-end">
            {sparkLabel(t('status.chunks.class.missing'))}
            {sparkline(
              history.map((p) => p.missing),
              spark,
            )}
          </Text>
          <Text wrap="truncate-end">
            {sparkLabel(t('status.chunks.class.undergoal'))}
            {sparkline(
              history.map((p) => p.undergoal),
              spark,
            )}
          </Text>
          <Text wrap="truncate-end">
            {sparkLabel(t('status.chunks.spark.used'))}
            {sparkline(
              history.map((p) => p.usedBytes),
              spark,
            )}
          </Text>
        </>
      ) : null}
      {!compact && table ? (
        <>
          <Text bold wrap="truncate-end">
            {fitCells(t('status.col.chunkserver'), addrWidth)}
            {COLS.map(([h, cw]) => fitCells(t(h), cw)).join('')}
            {t('status.col.maint')}
          </Text>
          {servers.slice(top, top + shown).map((s) => (
            <Text key={s.key} color={s.down ? 'red' : undefined} wrap="truncate-end">
              {fitCells(s.addr, addrWidth)}
              <Text color={s.down ? 'red' : 'green'}>{fitCells(s.cols[0]!, COLS[0][1])}</Text>
              {s.cols
                .slice(1)
                .map((v, i) => fitCells(v, COLS[i + 1]![1]))
                .join('')}
              {s.maint}
            </Text>
          ))}
          {shown < servers.length && (
            <Text color="cyan" wrap="truncate-end">
              {position('chunkservers', top, shown, servers.length)}
              {t('status.chunks.disconnectedFirst')}
            </Text>
          )}
        </>
      ) : null}
      {compact || !table ? (
        <Text wrap="truncate-end">
          {t('status.chunks.summary', { count: vip.chunkservers.length })}
          {vip.disconnected.length ? (
            <Text color="red">{t('status.chunks.summaryDisconnected', { count: vip.disconnected.length, servers: vip.disconnected.map((d) => visibleLine(`${d.ip}:${d.port}`)).join(', ') })}</Text>
          ) : (
            ''
          )}
        </Text>
      ) : null}
    </Box>
  );
}
