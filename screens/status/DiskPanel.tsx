// Every chunkserver's data folders (mfscli -SHD, asked only while this panel shows): state,
// chunks, used and total space per disk, disks with a problem first. It takes the chunk
// panel's place and its rows (statusLayout with `disks`), so the screen still fits 80×24.
import { Box, Text } from 'ink';
import type { ClusterStatus } from '../../src/status/model.ts';
import type { DiskRow } from '../../src/status/parse-mfscli.ts';
import { formatBytes } from '../../src/status/text.ts';
import { cells, fitCells } from '../../src/util/cells.ts';
import { visibleLine } from '../../src/util/visible.ts';
import { position } from './layout.ts';
import { t } from '../../src/i18n/index.ts';

/** A disk needs a look: not `ok`, or an I/O error recorded. */
export const diskProblem = (d: DiskRow): boolean => d.status !== 'ok' || d.lastErrorTime !== undefined;

/** The disks as the table lists them: problems first, then by chunkserver and path; hosts by inventory name. */
export function diskRows(status: ClusterStatus): { key: string; where: string; state: string; chunks: string; used: string; total: string; pct: string; problem: boolean }[] {
  const disks = status.mfs.viaVip?.disks ?? [];
  const nameOf = (ip: string) => status.hosts.find((h) => h.address === ip)?.name ?? ip;
  return [...disks]
    .sort((a, b) => Number(diskProblem(b)) - Number(diskProblem(a)) || nameOf(a.ip).localeCompare(nameOf(b.ip)) || a.path.localeCompare(b.path))
    .map((d) => ({
      key: `${d.ip}:${d.port}:${d.path}`,
      where: visibleLine(`${nameOf(d.ip)}:${d.path}`),
      state: visibleLine(
        d.scanProgress !== undefined ? t('status.disks.scanning', { percent: d.scanProgress }) : d.lastErrorTime !== undefined && d.status === 'ok' ? t('status.disks.ioError') : d.status,
      ),
      chunks: String(d.chunks),
      used: d.used === undefined ? '-' : formatBytes(d.used),
      total: d.total === undefined ? '-' : formatBytes(d.total),
      pct: d.used !== undefined && d.total ? `${((d.used / d.total) * 100).toFixed(0)}%` : '-',
      problem: diskProblem(d),
    }));
}

// Header keys and cell widths (a header is looked up when drawn: the language is set by then).
const COLS = [
  ['status.col.state', 12],
  ['status.col.chunks', 8],
  ['status.col.used', 10],
  ['status.col.total', 10],
] as const;

export interface DiskPanelProps {
  status: ClusterStatus;
  /** Columns the panel may take, border included. */
  width?: number;
  /** The disk table (false: one summary line). Default true. */
  table?: boolean;
  /** Disk rows shown at once (default: all). */
  rows?: number;
  offset?: number;
}

export function DiskPanel({ status, width, table = true, rows, offset = 0 }: DiskPanelProps) {
  const vip = status.mfs.viaVip;
  const box = { borderStyle: 'round' as const, paddingX: 1, width };
  if (!vip || vip.noMaster) {
    return (
      <Box {...box} flexDirection="column">
        <Text color="red" wrap="truncate-end">
          {vip?.noMaster ? t('status.disks.noMaster') : status.mfs.error ? t('status.disks.noAnswerError', { error: visibleLine(status.mfs.error) }) : t('status.disks.noAnswer')}
        </Text>
      </Box>
    );
  }
  const all = diskRows(status);
  const problems = all.filter((d) => d.problem).length;
  const servers = new Set((vip.disks ?? []).map((d) => `${d.ip}:${d.port}`)).size;
  const inner = width === undefined ? undefined : width - 4;
  const fixed = COLS.reduce((n, [, cw]) => n + cw, 0) + cells(t('status.col.usePct'));
  const longest = Math.max(cells(t('status.col.disk')), ...all.map((d) => cells(d.where))) + 1;
  const whereWidth = inner === undefined ? longest : Math.max(8, Math.min(longest, inner - fixed));
  const shown = rows === undefined ? all.length : Math.max(0, Math.min(rows, all.length));
  const top = Math.max(0, Math.min(offset, all.length - shown));
  return (
    <Box {...box} flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{vip.disks === undefined ? t('status.disks.title') : t('status.disks.titleCount', { disks: all.length, count: servers })} </Text>
        <Text color={vip.disks === undefined ? undefined : problems > 0 ? 'red' : 'green'}>
          {vip.disks === undefined ? t('status.disks.asking') : problems > 0 ? t('status.disks.problemsFirst', { count: problems }) : t('status.disks.allOk')}
        </Text>
        <Text dimColor>{t('status.disks.key')}</Text>
      </Text>
      {table && all.length > 0 ? (
        <>
          <Text bold wrap="truncate-end">
            {fitCells(t('status.col.disk'), whereWidth)}
            {COLS.map(([h, cw]) => fitCells(t(h), cw)).join('')}
            {t('status.col.usePct')}
          </Text>
          {all.slice(top, top + shown).map((d) => (
            <Text key={d.key} color={d.problem ? 'red' : undefined} wrap="truncate-end">
              {fitCells(d.where, whereWidth)}
              <Text color={d.problem ? 'red' : 'green'}>{fitCells(d.state, COLS[0][1])}</Text>
              {[d.chunks, d.used, d.total].map((v, i) => fitCells(v, COLS[i + 1]![1])).join('')}
              {d.pct}
            </Text>
          ))}
          {shown < all.length && (
            <Text color="cyan" wrap="truncate-end">
              {position('disks', top, shown, all.length)}
              {t('status.disks.problemsFirstNote')}
            </Text>
          )}
        </>
      ) : vip.disks !== undefined ? (
        <Text wrap="truncate-end">
          {t('status.disks.count', { count: all.length })}
          {problems ? <Text color="red">{t('status.disks.withProblem', { count: problems })}</Text> : ''}
        </Text>
      ) : null}
    </Box>
  );
}
