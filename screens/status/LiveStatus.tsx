// The full status screen opened from Home: connects (the cluster session and its poller
// are made on first use), then shows StatusScreen clipped to the terminal's height.
import { t } from '../../src/i18n/index.ts';
import { useLoaded } from '../hooks/useLoaded.ts';
import { Box, Text } from 'ink';
import { useTerminalSize } from '../hooks/useTerminalSize.ts';
import { StatusScreen } from './StatusScreen.tsx';
import type { StatusStore } from './useStatus.ts';
import { visibleLine } from '../../src/util/visible.ts';

export function LiveStatus({ load, reservedRows = 1 }: { load(): Promise<StatusStore>; reservedRows?: number }) {
  const { value: store, error } = useLoaded(load);
  const { rows, columns } = useTerminalSize();
  if (error) return <Text color="red">{t('status.live.unavailable', { error: visibleLine(error) })}</Text>;
  if (!store) return <Text dimColor>{t('status.live.connecting')}</Text>;
  return (
    <Box flexDirection="column">
      <StatusScreen store={store} rows={Math.max(4, rows - 1 - reservedRows)} columns={columns} />
    </Box>
  );
}
