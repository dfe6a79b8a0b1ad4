// The triage list: findings most dangerous first; the focused one's evidence and what to do.
// Enter opens the recommended runbook (inputs pre-filled); a finding with none says why.
import { useCallback, useState } from 'react';
import { Box, Text } from 'ink';
import { Select } from '../widgets/Select.tsx';
import { recommendationLines, type Finding, type TriageReport } from '../../src/triage/index.ts';
import { visibleLine } from '../../src/util/visible.ts';
import { t } from '../../src/i18n/index.ts';

export interface TriageViewProps {
  report: TriageReport;
  /** The operator chose a finding whose recommendation is a runbook. */
  onOpen(runbookId: string, inputs: Record<string, string>): void;
  onBack(): void;
  active?: boolean;
  /** Rows for the evidence and recommendation of the focused finding. */
  detailRows?: number;
  /** Findings shown at once; a longer list scrolls, its position shown (default 8). */
  listRows?: number;
}

interface FindingItem {
  value: string;
  finding: Finding;
}

function FindingRow({ finding, focused }: { finding: Finding; focused: boolean }) {
  return (
    <Text wrap="truncate-end">
      <Text color={finding.severity === 'critical' ? 'red' : 'yellow'}>{finding.severity === 'critical' ? '✖' : '⚠'}</Text> <Text bold={focused}>{visibleLine(finding.title)}</Text>
      {finding.recommendation.kind === 'runbook' ? <Text color="cyan"> → {visibleLine(finding.recommendation.runbook)}</Text> : <Text dimColor> → {t('triage.screen.noRunbook')}</Text>}
    </Text>
  );
}

export function FindingDetail({ finding, rows = 12 }: { finding: Finding; rows?: number }) {
  const lines = [...finding.evidence.map((e) => `  ${e.host ? `${e.host}: ` : ''}${e.probe}: ${e.saw}`), ...recommendationLines(finding.recommendation)];
  const shown = lines.slice(0, rows);
  return (
    <Box flexDirection="column">
      <Text bold>{t('triage.screen.evidence')}</Text>
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate-end" color={line.startsWith(t('triage.text.runbook', { runbook: '\u0000', title: '', why: '' }).split('\u0000')[0]!) ? 'cyan' : undefined}>
          {visibleLine(line)}
        </Text>
      ))}
      {lines.length > shown.length && <Text dimColor>{t('triage.screen.moreLines', { count: lines.length - shown.length })}</Text>}
    </Box>
  );
}

export function TriageView({ report, onOpen, onBack, active = true, detailRows = 12, listRows = 8 }: TriageViewProps) {
  const items: FindingItem[] = report.findings.map((finding, i) => ({ value: `${i}:${finding.code}`, finding }));
  const [focused, setFocused] = useState<FindingItem | undefined>(items[0]);
  const [notice, setNotice] = useState<string | undefined>();
  const choose = useCallback(
    (item: FindingItem) => {
      const rec = item.finding.recommendation;
      if (rec.kind === 'runbook') onOpen(rec.runbook, rec.inputs);
      else setNotice(t('triage.screen.noRunbookNotice'));
    },
    [onOpen],
  );
  const other = useCallback(
    (input: string, key: { escape: boolean }) => {
      if (!key.escape && input !== 'q') return false;
      onBack();
      return true;
    },
    [onBack],
  );
  const current = items.find((i) => i.value === focused?.value)?.finding ?? items[0]?.finding;
  return (
    <Box flexDirection="column">
      <Text bold>
        {t('triage.screen.title', { cluster: visibleLine(report.cluster) })}
        <Text dimColor> · {report.healthy ? t('triage.screen.healthy') : t('triage.screen.findings', { count: report.findings.length })}</Text>
      </Text>
      {report.healthy ? (
        <Text color="green">{t('triage.screen.healthyDetail', { vip: visibleLine(report.vip) })}</Text>
      ) : (
        <Select<FindingItem>
          items={items}
          renderItem={(item, isFocused) => <FindingRow finding={item.finding} focused={isFocused} />}
          onSelect={choose}
          onFocus={setFocused}
          limit={listRows}
          position={(from, to, total) => t('triage.screen.position', { from, to, total })}
          active={active}
          onOtherKey={other}
        />
      )}
      {current && <FindingDetail finding={current} rows={detailRows} />}
      {notice && <Text color="yellow">{notice}</Text>}
      <Text dimColor>{report.healthy ? t('triage.screen.helpHealthy') : t('triage.screen.help')}</Text>
    </Box>
  );
}
