// Space gauge, chunk classes with counts, the chunkserver table and sparklines of
// missing/undergoal chunks and used space over the poller's history. Widths in cells; a
// table longer than its rows shows its position (disconnected chunkservers first).
import { Box, Text } from 'ink';
import type { ClusterStatus, HistoryPoint } from '../../src/status/model.ts';
import { formatAge, spaceOf } from '../../src/status/model.ts';
import { formatBytes } from '../../src/status/text.ts';
import { sparkline } from './sparkline.ts';
import { visibleLine } from '../../src/util/visible.ts';
import { cells, fitCells } from '../../src/util/cells.ts';
import { position } from './layout.ts';

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
  ['STATE', 13],
  ['CHUNKS', 9],
  ['USED', 10],
  ['TOTAL', 10],
  ['LOAD', 6],
] as const;

export function ChunkPanel({ status, history, compact = false, width, table = true, rows, offset = 0, sparklines = true }: ChunkPanelProps) {
  const vip = status.mfs.viaVip;
  const box = { borderStyle: compact ? undefined : ('round' as const), paddingX: compact ? 0 : 1, width };
  if (!vip || vip.noMaster) {
    return (
      <Box {...box} flexDirection="column">
        <Text color="red" wrap="truncate-end">
          {vip?.noMaster ? 'no master answers through the VIP' : `no mfscli answer yet${status.mfs.error ? `: ${visibleLine(status.mfs.error)}` : ''}`}
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
    ...vip.disconnected.map((cs) => ({ key: `d${cs.ip}:${cs.port}`, addr: visibleLine(`${cs.ip}:${cs.port}`), cols: ['DISCONNECTED', '-', '-', '-', '-'], maint: visibleLine(String(cs.maintenance)), down: true })),
    ...vip.chunkservers.map((cs) => ({
      key: `${cs.ip}:${cs.port}`,
      addr: visibleLine(`${cs.ip}:${cs.port}`),
      cols: ['connected', String(cs.chunks), formatBytes(cs.used), formatBytes(cs.total), visibleLine(cs.loadMark ? `${cs.loadMark[0]}${cs.load}${cs.loadMark[1]}` : String(cs.load))],
      maint: visibleLine(String(cs.maintenance)),
      down: false,
    })),
  ];
  const fixed = COLS.reduce((n, [, cw]) => n + cw, 0) + cells('MAINT');
  const longest = Math.max(cells('CHUNKSERVER'), ...servers.map((s) => cells(s.addr))) + 1;
  const addrWidth = inner === undefined ? longest : Math.max(8, Math.min(longest, inner - fixed));
  const shown = rows === undefined ? servers.length : Math.max(0, Math.min(rows, servers.length));
  const top = Math.max(0, Math.min(offset, servers.length - shown));
  const spark = Math.max(8, Math.min(40, (inner ?? 50) - 10));
  return (
    <Box {...box} flexDirection="column">
      <Text wrap="truncate-end">
        space {gauge(sp.usedFraction, w)} {sp.usedFraction === undefined ? '?' : `${(sp.usedFraction * 100).toFixed(1)}%`} of {formatBytes(sp.total)}
        {compact ? null : `  trash ${formatBytes(sp.trash)}`}
        {status.mfs.stale ? <Text color="yellow"> (stale {formatAge(status.mfs.ageMs)})</Text> : null}
      </Text>
      {c ? (
        <Text wrap={compact ? 'wrap' : 'truncate-end'}>
          {(Object.keys(CLASS_COLOR) as (keyof typeof CLASS_COLOR)[]).map((k) => (
            <Text key={k} color={c[k] > 0 || k === 'stable' ? CLASS_COLOR[k] : 'gray'}>
              {k} {c[k]}
              {'  '}
            </Text>
          ))}
        </Text>
      ) : null}
      {!compact && sparklines ? (
        <>
          <Text wrap="truncate-end">missing   {sparkline(history.map((p) => p.missing), spark)}</Text>
          <Text wrap="truncate-end">undergoal {sparkline(history.map((p) => p.undergoal), spark)}</Text>
          <Text wrap="truncate-end">used      {sparkline(history.map((p) => p.usedBytes), spark)}</Text>
        </>
      ) : null}
      {!compact && table ? (
        <>
          <Text bold wrap="truncate-end">
            {fitCells('CHUNKSERVER', addrWidth)}
            {COLS.map(([h, cw]) => fitCells(h, cw)).join('')}MAINT
          </Text>
          {servers.slice(top, top + shown).map((s) => (
            <Text key={s.key} color={s.down ? 'red' : undefined} wrap="truncate-end">
              {fitCells(s.addr, addrWidth)}
              <Text color={s.down ? 'red' : 'green'}>{fitCells(s.cols[0]!, COLS[0][1])}</Text>
              {s.cols.slice(1).map((v, i) => fitCells(v, COLS[i + 1]![1])).join('')}
              {s.maint}
            </Text>
          ))}
          {shown < servers.length && (
            <Text color="cyan" wrap="truncate-end">
              {position('chunkservers', top, shown, servers.length)} · disconnected first
            </Text>
          )}
        </>
      ) : null}
      {compact || !table ? (
        <Text wrap="truncate-end">
          chunkservers {vip.chunkservers.length} connected
          {vip.disconnected.length ? <Text color="red">, {vip.disconnected.length} disconnected ({vip.disconnected.map((d) => visibleLine(`${d.ip}:${d.port}`)).join(', ')})</Text> : ''}
        </Text>
      ) : null}
    </Box>
  );
}
