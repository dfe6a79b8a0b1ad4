// The triage screen opened from Home: connects (the app's status poller, made on first use),
// then judges every new snapshot. Esc goes back; Enter opens a finding's runbook.
import { useLoaded } from '../hooks/useLoaded.ts';
import { Text } from 'ink';
import { layer, useKeyLayer } from '../hooks/keys.tsx';
import { useTerminalSize } from '../hooks/useTerminalSize.ts';
import type { StatusStore } from '../status/useStatus.ts';
import type { TriageRunbook } from '../../src/triage/index.ts';
import { useTriage } from './useTriage.ts';
import { TriageView } from './TriageView.tsx';
import { visibleLine } from '../../src/util/visible.ts';
import { t } from '../../src/i18n/index.ts';

export interface TriageScreenProps {
  load(): Promise<StatusStore>;
  library: readonly TriageRunbook[];
  onOpen(runbookId: string, inputs: Record<string, string>): void;
  onBack(): void;
}

function LiveTriage({ store, library, onOpen, onBack }: Omit<TriageScreenProps, 'load'> & { store: StatusStore }) {
  const { ready, report } = useTriage(store, library);
  const { rows } = useTerminalSize();
  if (!ready) return <Text dimColor>{t('triage.screen.probing')}</Text>;
  // The list: up to 8 findings, fewer on a short terminal (a third of its rows), scrolling with its position shown.
  const listRows = Math.max(3, Math.min(8, Math.floor(rows / 3)));
  const count = report.findings.length || 1;
  const listed = count > listRows ? listRows + 1 : count;
  // Header, list (with its position line), "Evidence", notice, help and a spare row: the detail gets the rest (Ink redraws the whole screen past the terminal's height).
  const detailRows = Math.max(3, rows - 1 - listed - 1 - 3);
  return <TriageView report={report} onOpen={onOpen} onBack={onBack} detailRows={detailRows} listRows={listRows} />;
}

export function TriageScreen({ load, library, onOpen, onBack }: TriageScreenProps) {
  const { value: store, error } = useLoaded(load);
  // Esc works while connecting too (the list handles it once shown).
  useKeyLayer(layer.screen, (input, key) => {
    if (!key.escape && input !== 'q') return false;
    onBack();
    return true;
  });
  if (error) return <Text color="red">{t('triage.screen.unavailable', { error: visibleLine(error) })}</Text>;
  if (!store) return <Text dimColor>{t('triage.screen.connecting')}</Text>;
  return <LiveTriage store={store} library={library} onOpen={onOpen} onBack={onBack} />;
}
