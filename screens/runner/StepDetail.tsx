// The current step: its prose, the exact command per target host, and the risk line.
import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import type { PlannedCommand } from '../../src/engine/types.ts';
import { groupIdentical } from './view-model.ts';
import { visible, visibleLine } from '../../src/util/visible.ts';
import { t } from '../../src/i18n/index.ts';

/** Rows the commands take, so the layout can budget them. */
export function commandRows(plan: readonly PlannedCommand[]): string[] {
  const rows: string[] = [];
  for (const group of groupIdentical(plan, (p) => (p.skipReason ? `skip\u0000${p.skipReason}` : p.script))) {
    const hosts = group.hosts.join(', ');
    if (group.sample.skipReason) {
      rows.push(t('runner.command.skipped', { hosts, reason: visibleLine(group.sample.skipReason) }));
      continue;
    }
    // Every byte of what is confirmed: anything the terminal would interpret is shown escaped.
    const lines = visible(group.sample.script, { tabs: false }).replace(/\n$/, '').split('\n');
    rows.push(t('runner.command.on', { hosts }));
    lines.forEach((line, i) => rows.push(`${i === 0 ? '  $ ' : '    '}${line}`));
  }
  return rows;
}

/**
 * Command rows cut to the terminal's width in cells (wide characters count two), the rest of
 * a long line on continuation rows (`  ↪ `): the confirmation view never hides part of a line.
 */
export function wrapRows(rows: readonly string[], width: number): string[] {
  const w = Math.max(12, width);
  const out: string[] = [];
  for (const row of rows) {
    if (stringWidth(row) <= w) {
      out.push(row);
      continue;
    }
    let line = '';
    let cells = 0;
    let first = true;
    for (const ch of row) {
      const cw = stringWidth(ch);
      if (cells + cw > w) {
        out.push(line);
        line = '      ↪ ';
        cells = stringWidth(line);
        first = false;
      }
      line += ch;
      cells += cw;
    }
    if (line !== '' || first) out.push(line);
  }
  return out;
}

interface CommandsProps {
  rows: readonly string[];
  max: number;
  /** The key that opens the whole command, named where rows are cut. */
  pagerKey?: string;
}

/** How a command row is drawn: a host header, a skipped host, or a line of the command itself. */
export function commandRowStyle(row: string): { color?: string; bold: boolean } {
  const skipped = t('runner.command.skipped', { hosts: '', reason: '' });
  // Command lines are indented; a host header is not.
  const header = !row.startsWith(' ') && !row.includes(skipped);
  return { color: header ? undefined : row.includes(skipped) ? 'gray' : 'white', bold: row.startsWith('  $') || row.startsWith('      ↪') };
}

export function Commands({ rows, max, pagerKey }: CommandsProps) {
  if (rows.length === 0 || max <= 0) return null;
  const shown = rows.length > max ? rows.slice(0, Math.max(0, max - 1)) : rows;
  return (
    <Box flexDirection="column">
      {shown.map((row, i) => (
        <Text key={i} wrap="truncate-end" {...commandRowStyle(row)}>
          {row}
        </Text>
      ))}
      {shown.length < rows.length && (
        <Text dimColor> {pagerKey ? t('runner.command.moreKey', { count: rows.length - shown.length, key: pagerKey }) : t('runner.command.moreJournal', { count: rows.length - shown.length })}</Text>
      )}
    </Box>
  );
}

export function Prose({ lines, max }: { lines: readonly string[]; max: number }) {
  if (lines.length === 0 || max <= 0) return null;
  const shown = lines.length > max ? [...lines.slice(0, max - 1), '…'] : lines;
  return (
    <Box flexDirection="column">
      {shown.map((line, i) => (
        <Text key={i}>{visibleLine(line)}</Text>
      ))}
    </Box>
  );
}

export function RiskLine({ risk }: { risk?: string }) {
  if (!risk) return null;
  return (
    <Text color="red" bold wrap="truncate-end">
      ⚠ {visibleLine(risk)}
    </Text>
  );
}
