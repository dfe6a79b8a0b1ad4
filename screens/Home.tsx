// The home screen: pick a runbook, resume an unfinished run, open the cluster status, quit.
import { useCallback, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { useTerminalSize } from './hooks/useTerminalSize.ts';
import type { RiskLevel } from '../src/runbook/types.ts';
import { KeyLayerProvider, isCtrlC, layer, useKeyLayer } from './hooks/keys.tsx';
import { Select } from './widgets/Select.tsx';
import { riskColor } from './theme.ts';
import { formatTimestamp, visible, visibleLine } from './format.ts';
import { cells, fitCells, truncateCells, wrapCells } from '../src/util/cells.ts';
import { proseLines } from '../src/util/prose.ts';
import { t } from '../src/i18n/index.ts';

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

const RISK_ORDER: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * In the order an operator in an incident needs them: a run left unfinished, then what is
 * wrong (triage, status), then the runbooks from the safest (read-only health checks) to the
 * most destructive; the library's order within one risk level.
 */
export function homeItems(runbooks: readonly RunbookEntry[], unfinished: readonly UnfinishedRun[], triage: boolean): HomeItem[] {
  const byRisk = runbooks.map((r, i) => ({ r, i })).sort((a, b) => RISK_ORDER[a.r.risk] - RISK_ORDER[b.r.risk] || a.i - b.i);
  return [
    ...unfinished.map((run): HomeItem => ({ value: `resume:${run.runId}`, group: t('home.group.resume'), kind: 'resume', run })),
    ...(triage ? [{ value: 'triage', group: t('home.group.lookFirst'), kind: 'triage' } as const] : []),
    { value: 'status', group: t('home.group.lookFirst'), kind: 'status' },
    ...byRisk.map(({ r: runbook }): HomeItem => ({ value: `runbook:${runbook.id}`, group: t('home.group.runbooks'), kind: 'runbook', runbook })),
    { value: 'quit', group: '', kind: 'quit' },
  ];
}

/** The words a filter looks for in an item. */
function itemText(item: HomeItem): string {
  switch (item.kind) {
    case 'runbook':
      return `${item.runbook.title} ${item.runbook.id} ${item.runbook.summary} ${item.runbook.when} ${item.runbook.risk} ${t(RISK_KEY[item.runbook.risk])}`;
    case 'resume':
      return `${item.run.title} ${item.run.runId} resume ${t('home.group.resume')}`;
    case 'status':
      return t('home.item.status');
    case 'triage':
      return t('home.item.triage');
    case 'quit':
      return t('home.item.quit');
  }
}

/** Items with every typed word in them (any case); all items for an empty filter. */
export function filterItems(items: readonly HomeItem[], filter: string): HomeItem[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...items];
  return items.filter((item) => {
    const text = itemText(item).toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export function homeKeys(): [string, string][] {
  return [
    ['↑ ↓', t('home.keys.move')],
    ['enter', t('home.keys.open')],
    [t('home.keys.letters'), t('home.keys.filter')],
    ['backspace', t('home.keys.backspace')],
    ['esc', t('home.keys.esc')],
    ['?', t('home.keys.help')],
    ['q', t('home.keys.quit')],
  ];
}

const RISK_KEY = { low: 'home.risk.low', medium: 'home.risk.medium', high: 'home.risk.high', critical: 'home.risk.critical' } as const;

function ItemRow({ item, focused, titleWidth }: { item: HomeItem; focused: boolean; titleWidth: number }) {
  switch (item.kind) {
    case 'runbook': {
      const broken = (item.runbook.problems?.length ?? 0) > 0;
      return broken ? (
        <Text wrap="truncate-end" dimColor>
          <Text bold={focused}>{fitCells(visibleLine(item.runbook.title), titleWidth)}</Text> <Text color="red">{t('home.cannotRun', { count: item.runbook.problems!.length })}</Text>
        </Text>
      ) : (
        <Text wrap="truncate-end">
          <Text bold={focused}>{fitCells(visibleLine(item.runbook.title), titleWidth)}</Text> <Text color={riskColor[item.runbook.risk]}>{t(RISK_KEY[item.runbook.risk])}</Text>
        </Text>
      );
    }
    case 'resume':
      return (
        <Text wrap="truncate-end">
          <Text bold={focused}>{visibleLine(item.run.title)}</Text>
          <Text dimColor> {t('home.resumeRow', { started: formatTimestamp(item.run.started), last: formatTimestamp(item.run.lastActivity), runId: visibleLine(item.run.runId) })}</Text>
        </Text>
      );
    case 'status':
      return <Text bold={focused}>{t('home.item.status')}</Text>;
    case 'triage':
      return (
        <Text bold={focused} wrap="truncate-end">
          {t('home.item.triage')}
        </Text>
      );
    case 'quit':
      return <Text bold={focused}>{t('home.item.quit')}</Text>;
  }
}

/** At most `max` lines; when some are left out the last one shown ends in … (nothing disappears silently). */
function capLines(lines: readonly string[], max: number, width: number): string[] {
  if (lines.length <= max) return [...lines];
  return [...lines.slice(0, Math.max(0, max - 1)), truncateCells(`${lines[max - 1] ?? ''} ${lines.slice(max).join(' ')}`, width)];
}

function HomeView({ runbooks, unfinished, cluster, notice, onPick, onResume, onStatus, onTriage, onQuit, active = true }: HomeProps) {
  const { rows, columns } = useTerminalSize();
  const all = useMemo(() => homeItems(runbooks, unfinished, !!onTriage), [runbooks, unfinished, onTriage]);
  const [filter, setFilter] = useState('');
  const [showKeys, setShowKeys] = useState(false);
  const items = useMemo(() => filterItems(all, filter), [all, filter]);
  const [focused, setFocused] = useState<HomeItem | undefined>(items[0]);
  const current = items.find((i) => i.value === focused?.value) ?? items[0];
  const width = Math.max(20, columns);
  // Titles in one column so the risk levels line up; the longest ones are cut (…) to make room.
  const riskCells = Math.max(...Object.values(RISK_KEY).map((k) => cells(t(k))));
  const titleWidth = Math.max(8, Math.min(width - 2 - 1 - riskCells - 1, Math.max(0, ...runbooks.map((r) => cells(visibleLine(r.title))))));

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
  // Above the list: letters go to the filter (the list keeps the arrows and Enter).
  useKeyLayer(
    layer.prompt + 1,
    (input, key) => {
      if (isCtrlC(input, key)) return false;
      if (input === '?' && !key.ctrl && !key.meta) return (setShowKeys((v) => !v), true);
      if (key.escape && (filter !== '' || showKeys)) return (setFilter(''), setShowKeys(false), true);
      if ((key.backspace || key.delete) && filter !== '') return (setFilter((f) => [...f].slice(0, -1).join('')), true);
      if (input === 'q' && filter === '') return false;
      if (key.ctrl || key.meta || key.return || key.tab || key.escape || !input || /[\u0000-\u001f\u007f]/u.test(input)) return false;
      setFilter((f) => f + input);
      return true;
    },
    active,
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

  const detailWidth = width - 2;
  const detail =
    current?.kind === 'runbook' && (current.runbook.problems?.length ?? 0) > 0
      ? [t('home.detail.cannotRun'), ...current.runbook.problems!.flatMap((p) => wrapCells(visibleLine(p), detailWidth))]
      : current?.kind === 'runbook'
        ? proseLines(visible(current.runbook.summary), detailWidth).filter((l) => l !== '')
        : current?.kind === 'resume'
          ? wrapCells(t('home.detail.resume'), detailWidth)
          : current?.kind === 'status'
            ? wrapCells(t('home.detail.status'), detailWidth)
            : current?.kind === 'triage'
              ? wrapCells(t('home.detail.triage'), detailWidth)
              : [];
  // When to use it, dimmed under the summary.
  const whenFrom = detail.length;
  if (current?.kind === 'runbook' && !current.runbook.problems?.length) detail.push(...proseLines(visible(t('home.detail.when', { when: current.runbook.when })), detailWidth).filter((l) => l !== ''));
  const noticeLines = notice ? notice.split('\n').flatMap((l) => wrapCells(visibleLine(l), width)) : [];
  const shownNotice = capLines(noticeLines, Math.max(1, Math.floor(rows / 4)), width);
  const detailRows = Math.min(detail.length, 4);
  const groups = new Set(items.map((i) => i.group).filter(Boolean)).size;
  // Header, notice, filter line, blank, group headings, ↑/↓ more lines, blank, detail, help: the list gets what is left.
  const fixed = 1 + shownNotice.length + 1 + 1 + groups + 2 + 1 + detailRows + 1;
  const listRows = Math.max(1, rows - 1 - fixed);
  const keyRows = Math.max(1, rows - 1 - 1 - shownNotice.length - 1 - 1);
  const keyLines = homeKeys().flatMap(([k, what]) => wrapCells(what, Math.max(10, width - 12)).map((l, i) => `${fitCells(i === 0 ? k : '', 12)}${l}`));
  const runbookCount = items.filter((i) => i.kind === 'runbook').length;

  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold color="cyan">
          mfs-tui
        </Text>
        {' · '}
        {cluster ? t('home.cluster', { cluster: visibleLine(cluster) }) : t('home.noInventory')}
      </Text>
      {shownNotice.map((l, i) => (
        <Text key={i} color="yellow">
          {l}
        </Text>
      ))}
      {filter ? (
        <Text wrap="truncate-end">
          {t('home.filter.label')} <Text bold>{visibleLine(filter)}</Text>
          <Text dimColor> · {t('home.filter.count', { shown: runbookCount, total: runbooks.length })}</Text>
        </Text>
      ) : (
        <Text dimColor wrap="truncate-end">
          {t('home.filter.hint')}
        </Text>
      )}
      {showKeys ? (
        <Box flexDirection="column">
          <Text bold>{t('home.keys.title')}</Text>
          {capLines(keyLines, keyRows, width).map((l, i) => (
            <Text key={i} wrap="truncate-end">
              {l}
            </Text>
          ))}
        </Box>
      ) : (
        <>
          {runbooks.length === 0 && !filter && <Text dimColor>{t('home.noRunbooks')}</Text>}
          {filter && items.length === 0 && <Text color="yellow">{t('home.filter.none', { filter: visibleLine(filter) })}</Text>}
          <Select<HomeItem>
            key={filter}
            items={items}
            renderItem={(item, isFocused) => <ItemRow item={item} focused={isFocused} titleWidth={titleWidth} />}
            onSelect={choose}
            onFocus={setFocused}
            limit={listRows}
            active={active && !showKeys}
          />
          <Text> </Text>
          {capLines(detail, 4, width).map((line, i) => (
            <Text key={i} wrap="truncate-end" dimColor={current?.kind === 'runbook' && i >= whenFrom} color={current?.kind === 'runbook' && current.runbook.problems?.length ? 'red' : undefined}>
              {line}
            </Text>
          ))}
        </>
      )}
      <Text dimColor wrap="truncate-end">
        {showKeys ? t('home.help.keys') : t('home.help.list')}
      </Text>
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
