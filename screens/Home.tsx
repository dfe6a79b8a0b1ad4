// The home screen: pick a runbook, resume an unfinished run, open the cluster status, quit.
import { useCallback, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { useTerminalSize } from './hooks/useRun.ts';
import type { RiskLevel } from '../src/runbook/types.ts';
import { KeyLayerProvider, isCtrlC, layer, useKeyLayer } from './hooks/keys.tsx';
import { Select } from './widgets/Select.tsx';
import { riskColor } from './theme.ts';
import { formatTimestamp } from './format.ts';
import { wrapText } from './runner/view-model.ts';

export interface RunbookEntry {
  id: string;
  title: string;
  summary: string;
  risk: RiskLevel;
  /** When to use it, in words. */
  when: string;
  /** Why it cannot run (`file:line:col: message` each): listed greyed, with these below it. */
  problems?: readonly string[];
}

export interface UnfinishedRun {
  runId: string;
  /** The runbook's title. */
  title: string;
  /** ISO 8601. */
  started: string;
  /** ISO 8601 time of the last journal record. */
  lastActivity: string;
}

export interface HomeProps {
  runbooks: readonly RunbookEntry[];
  unfinished: readonly UnfinishedRun[];
  cluster?: string;
  /** A hint or a problem to show on top, e.g. how to point mfs-tui at an inventory. */
  notice?: string;
  onPick(runbookId: string): void;
  onResume(runId: string): void;
  onStatus(): void;
  /** Opens triage (what is wrong, which runbook fits); none: no triage entry. */
  onTriage?(): void;
  onQuit(): void;
  active?: boolean;
}

type HomeItem =
  | { value: string; group: string; kind: 'runbook'; runbook: RunbookEntry }
  | { value: string; group: string; kind: 'resume'; run: UnfinishedRun }
  | { value: string; group: string; kind: 'status' }
  | { value: string; group: string; kind: 'triage' }
  | { value: string; group: string; kind: 'quit' };

function homeItems(runbooks: readonly RunbookEntry[], unfinished: readonly UnfinishedRun[], triage: boolean): HomeItem[] {
  return [
    ...runbooks.map((runbook): HomeItem => ({ value: `runbook:${runbook.id}`, group: 'Runbooks', kind: 'runbook', runbook })),
    ...unfinished.map((run): HomeItem => ({ value: `resume:${run.runId}`, group: 'Resume an unfinished run', kind: 'resume', run })),
    ...(triage ? [{ value: 'triage', group: 'Cluster', kind: 'triage' } as const] : []),
    { value: 'status', group: 'Cluster', kind: 'status' },
    { value: 'quit', group: 'Cluster', kind: 'quit' },
  ];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Pads or cuts (with …) to exactly width characters. */
function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

function ItemRow({ item, focused, titleWidth }: { item: HomeItem; focused: boolean; titleWidth: number }) {
  switch (item.kind) {
    case 'runbook': {
      const broken = (item.runbook.problems?.length ?? 0) > 0;
      return broken ? (
        <Text wrap="truncate-end" dimColor>
          <Text bold={focused}>{fit(item.runbook.title, titleWidth)}</Text> <Text color="red">cannot run: {plural(item.runbook.problems!.length, 'problem')}</Text>
        </Text>
      ) : (
        <Text wrap="truncate-end">
          <Text bold={focused}>{fit(item.runbook.title, titleWidth)}</Text> <Text color={riskColor[item.runbook.risk]}>{item.runbook.risk} risk</Text>
        </Text>
      );
    }
    case 'resume':
      return (
        <Text wrap="truncate-end">
          <Text bold={focused}>{item.run.title}</Text>
          <Text dimColor>
            {' '}
            · started {formatTimestamp(item.run.started)} · last activity {formatTimestamp(item.run.lastActivity)} · {item.run.runId}
          </Text>
        </Text>
      );
    case 'status':
      return <Text bold={focused}>Cluster status</Text>;
    case 'triage':
      return <Text bold={focused}>Triage: what is wrong, which runbook fits</Text>;
    case 'quit':
      return <Text bold={focused}>Quit</Text>;
  }
}

function HomeView({ runbooks, unfinished, cluster, notice, onPick, onResume, onStatus, onTriage, onQuit, active = true }: HomeProps) {
  const { rows, columns } = useTerminalSize();
  const items = useMemo(() => homeItems(runbooks, unfinished, !!onTriage), [runbooks, unfinished, onTriage]);
  const [focused, setFocused] = useState<HomeItem | undefined>(items[0]);
  // Titles in one column so the risk levels line up; the longest ones are cut to make room.
  const titleWidth = Math.max(10, Math.min(columns - 20, Math.max(0, ...runbooks.map((r) => r.title.length))));

  const choose = useCallback(
    (item: HomeItem) => {
      if (item.kind === 'runbook') onPick(item.runbook.id);
      else if (item.kind === 'resume') onResume(item.run.runId);
      else if (item.kind === 'status') onStatus();
      else if (item.kind === 'triage') onTriage?.();
      else onQuit();
    },
    [onPick, onResume, onStatus, onTriage, onQuit],
  );
  useKeyLayer(
    layer.screen,
    (input, key) => {
      if (input !== 'q' && !isCtrlC(input, key)) return false;
      onQuit();
      return true;
    },
    active,
  );

  const detail =
    focused?.kind === 'runbook' && (focused.runbook.problems?.length ?? 0) > 0
      ? [`Cannot run until fixed (mfs-tui validate):`, ...focused.runbook.problems!.flatMap((p) => wrapText(p, columns - 2))]
      : focused?.kind === 'runbook'
      ? [...wrapText(focused.runbook.summary, columns - 2), ...wrapText(`When: ${focused.runbook.when}`, columns - 2)]
      : focused?.kind === 'resume'
        ? ['Resuming shows what is done; a step that was running when mfs-tui stopped must be settled first.']
        : focused?.kind === 'status'
          ? ['Daemons, VIP holder and chunk health of the cluster.']
          : focused?.kind === 'triage'
            ? ['Names what is wrong with the evidence seen, most dangerous first, and opens the runbook that fits with its inputs filled in.']
            : [];
  // Header, notice, group headings, detail, help: the list gets what is left.
  const listRows = Math.max(3, rows - 1 - 2 - (notice ? 2 : 0) - 3 - Math.min(detail.length, 4) - 2);

  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate-end">
        <Text bold color="cyan">
          mfs-tui
        </Text>
        {cluster ? ` · cluster ${cluster}` : ' · no inventory'}
      </Text>
      {notice && <Text color="yellow">{notice}</Text>}
      <Text> </Text>
      {runbooks.length === 0 && <Text dimColor>No runbooks found.</Text>}
      <Select<HomeItem>
        items={items}
        renderItem={(item, isFocused) => <ItemRow item={item} focused={isFocused} titleWidth={titleWidth} />}
        onSelect={choose}
        onFocus={setFocused}
        limit={listRows}
        active={active}
      />
      <Text> </Text>
      {detail.slice(0, 4).map((line, i) => (
        <Text key={i} dimColor={i > 0 && line.startsWith('When:')} color={focused?.kind === 'runbook' && focused.runbook.problems?.length ? 'red' : undefined}>
          {line}
        </Text>
      ))}
      <Text dimColor>↑↓ move · enter open · q quit</Text>
    </Box>
  );
}

export function Home(props: HomeProps) {
  return (
    <KeyLayerProvider>
      <HomeView {...props} />
    </KeyLayerProvider>
  );
}
