// Space gauge, chunk classes with counts, the chunkserver table and sparklines of
// missing/undergoal chunks and used space over the poller's history.
import { Box, Text } from 'ink';
import type { ClusterStatus, HistoryPoint } from '../../src/status/model.ts';
import { formatAge, spaceOf } from '../../src/status/model.ts';
import { formatBytes } from '../../src/status/text.ts';
import { sparkline } from './sparkline.ts';
import { visibleLine } from '../../src/util/visible.ts';

const CLASS_COLOR = { missing: 'red', endangered: 'red', undergoal: 'yellow', stable: 'green', overgoal: 'cyan' } as const;

export function gauge(fraction: number | undefined, width: number): string {
  if (fraction === undefined) return '?'.padEnd(width, ' ');
  const full = Math.round(fraction * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

export function ChunkPanel({ status, history, compact = false }: { status: ClusterStatus; history: readonly HistoryPoint[]; compact?: boolean }) {
  const vip = status.mfs.viaVip;
  const box = { borderStyle: compact ? undefined : ('round' as const), paddingX: compact ? 0 : 1 };
  if (!vip || vip.noMaster) {
    return (
      <Box {...box} flexDirection="column">
        <Text color="red">{vip?.noMaster ? 'no master answers through the VIP' : `no mfscli answer yet${status.mfs.error ? `: ${visibleLine(status.mfs.error)}` : ''}`}</Text>
      </Box>
    );
  }
  const sp = spaceOf(vip);
  const c = vip.chunkClasses;
  // Compact (beside the runner, 44 columns): a shorter gauge and no trash, so it fits one line.
  const w = compact ? 12 : 30;
  return (
    <Box {...box} flexDirection="column">
      <Text>
        space {gauge(sp.usedFraction, w)} {sp.usedFraction === undefined ? '?' : `${(sp.usedFraction * 100).toFixed(1)}%`} of {formatBytes(sp.total)}
        {compact ? null : `  trash ${formatBytes(sp.trash)}`}
        {status.mfs.stale ? <Text color="yellow"> (stale {formatAge(status.mfs.ageMs)})</Text> : null}
      </Text>
      {c ? (
        <Text>
          {(Object.keys(CLASS_COLOR) as (keyof typeof CLASS_COLOR)[]).map((k) => (
            <Text key={k} color={c[k] > 0 || k === 'stable' ? CLASS_COLOR[k] : 'gray'}>
              {k} {c[k]}
              {'  '}
            </Text>
          ))}
        </Text>
      ) : null}
      {!compact ? (
        <>
          <Text>
            missing   {sparkline(history.map((p) => p.missing), 40)}
          </Text>
          <Text>
            undergoal {sparkline(history.map((p) => p.undergoal), 40)}
          </Text>
          <Text>
            used      {sparkline(history.map((p) => p.usedBytes), 40)}
          </Text>
          <Text bold>{'CHUNKSERVER'.padEnd(22)}{'STATE'.padEnd(14)}{'CHUNKS'.padEnd(9)}{'USED'.padEnd(11)}{'TOTAL'.padEnd(11)}{'LOAD'.padEnd(6)}MAINT</Text>
        </>
      ) : null}
      {vip.chunkservers.map((cs) =>
        compact ? null : (
          <Text key={`${cs.ip}:${cs.port}`}>
            {visibleLine(`${cs.ip}:${cs.port}`).padEnd(22)}
            <Text color="green">{'connected'.padEnd(14)}</Text>
            {String(cs.chunks).padEnd(9)}
            {formatBytes(cs.used).padEnd(11)}
            {formatBytes(cs.total).padEnd(11)}
            {visibleLine(cs.loadMark ? `${cs.loadMark[0]}${cs.load}${cs.loadMark[1]}` : String(cs.load)).padEnd(6)}
            {visibleLine(String(cs.maintenance))}
          </Text>
        ),
      )}
      {vip.disconnected.map((cs) => (
        <Text key={`d${cs.ip}:${cs.port}`} color="red">
          {visibleLine(`${cs.ip}:${cs.port}`).padEnd(22)}
          {'DISCONNECTED'.padEnd(14)}
          {compact ? '' : `${'-'.padEnd(9)}${'-'.padEnd(11)}${'-'.padEnd(11)}${'-'.padEnd(6)}${visibleLine(String(cs.maintenance))}`}
        </Text>
      ))}
      {compact ? <Text>chunkservers {vip.chunkservers.length} connected{vip.disconnected.length ? `, ${vip.disconnected.length} disconnected` : ''}</Text> : null}
    </Box>
  );
}
