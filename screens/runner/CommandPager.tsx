// The whole command of the current step, full height and scrollable: what the confirmation
// view had to cut for lack of rows can be read to the last line before anything is confirmed.
// While it is open it takes every key (except Ctrl-C), so no confirmation can be given.
import { useState } from 'react';
import { Box, Text } from 'ink';
import { isCtrlC, layer, useKeyLayer } from '../hooks/keys.tsx';
import { visibleLine } from '../../src/util/visible.ts';
import { t } from '../../src/i18n/index.ts';
import { commandRowStyle } from './StepDetail.tsx';

interface CommandPagerProps {
  /** The step's title, as the runner shows it. */
  title: string;
  /** The command rows (commandRows → wrapRows: already escaped and wrapped to the width in cells). */
  rows: readonly string[];
  /** Terminal rows this view may take. */
  height: number;
  width: number;
  onClose(): void;
}

/** Rows the pager draws around the command: its title line, the position line and the help line. */
const CHROME_ROWS = 3;

/** How many command rows the pager shows at once for a height (the live area stays shorter than the terminal). */
export function pagerPageRows(height: number): number {
  return Math.max(1, height - 1 - CHROME_ROWS);
}

/** "lines 21–40 of 130" for a window starting at `top`. */
export function pagerPosition(top: number, page: number, total: number): string {
  if (total === 0) return t('runner.pager.none');
  return t('runner.pager.position', { from: top + 1, to: Math.min(total, top + page), total });
}

export function CommandPager({ title, rows, height, width, onClose }: CommandPagerProps) {
  const page = pagerPageRows(height);
  const maxTop = Math.max(0, rows.length - page);
  const [top, setTop] = useState(0);
  const shownTop = Math.min(top, maxTop);
  const move = (to: number) => setTop(Math.max(0, Math.min(maxTop, to)));
  useKeyLayer(layer.modal, (input, key) => {
    if (isCtrlC(input, key)) {
      // Ctrl-C keeps its meaning (cancel or leave, asked first): the pager gets out of the way.
      onClose();
      return false;
    }
    if (key.escape || input === 'q' || input === 'v') onClose();
    else if (key.upArrow || input === 'k') move(shownTop - 1);
    else if (key.downArrow || input === 'j' || key.return) move(shownTop + 1);
    else if (key.pageUp || input === 'b') move(shownTop - page);
    else if (key.pageDown || input === ' ') move(shownTop + page);
    else if (key.home || input === 'g') move(0);
    else if (key.end || input === 'G') move(maxTop);
    // Every other key is swallowed: nothing typed here reaches the confirmation under it.
    return true;
  });
  const shown = rows.slice(shownTop, shownTop + page);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">
        {t('runner.pager.title', { title: visibleLine(title) })}
      </Text>
      {shown.map((row, i) => (
        <Text key={shownTop + i} wrap="truncate-end" {...commandRowStyle(row)}>
          {row === '' ? ' ' : row}
        </Text>
      ))}
      <Text color="cyan" wrap="truncate-end">
        {pagerPosition(shownTop, page, rows.length)}
        {shownTop + page >= rows.length ? t('runner.pager.end') : ''}
      </Text>
      <Text dimColor wrap="truncate-end">
        {t('runner.pager.help')}
      </Text>
    </Box>
  );
}
