// The triage list: findings most dangerous first; the focused one's evidence and what to do.
// Enter opens the recommended runbook (inputs pre-filled); a finding with none says why.
import { useCallback, useState } from 'react';
import { Box, Text } from 'ink';
import { Select } from '../widgets/Select.tsx';
import { recommendationLines, type Finding, type TriageReport } from '../../src/triage/index.ts';
import { visibleLine } from '../../src/util/visible.ts';

export interface TriageViewProps {
  report: TriageReport;
  /** The operator chose a finding whose recommendation is a runbook. */
  onOpen(runbookId: string, inputs: Record<string, string>): void;
  onBack(): void;
  active?: boolean;
  /** Rows for the evidence and recommendation of the focused finding. */
  detailRows?: number;
}

interface FindingItem {
  value: string;
  finding: Finding;
}

function FindingRow({ finding, focused }: { finding: Finding; focused: boolean }) {
  return (
    <Text wrap="truncate-end">
      <Text color={finding.severity === 'critical' ? 'red' : 'yellow'}>{finding.severity === 'critical' ? '✖' : '⚠'}</Text> <Text bold={focused}>{visibleLine(finding.title)}</Text>
      {finding.recommendation.kind === 'runbook' ? <Text color="cyan"> → {visibleLine(finding.recommendation.runbook)}</Text> : <Text dimColor> → no runbook</Text>}
    </Text>
  );
}

export function FindingDetail({ finding, rows = 12 }: { finding: Finding; rows?: number }) {
  const lines = [
    ...finding.evidence.map((e) => `  ${e.host ? `${e.host}: ` : ''}${e.probe}: ${e.saw}`),
    ...recommendationLines(finding.recommendation),
  ];
  const shown = lines.slice(0, rows);
  return (
    <Box flexDirection="column">
      <Text bold>Evidence</Text>
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate-end" color={line.startsWith('Runbook:') ? 'cyan' : undefined}>
          {visibleLine(line)}
        </Text>
      ))}
      {lines.length > shown.length && <Text dimColor>… {lines.length - shown.length} more lines (mfs-tui triage prints all)</Text>}
    </Box>
  );
}

export function TriageView({ report, onOpen, onBack, active = true, detailRows = 12 }: TriageViewProps) {
  const items: FindingItem[] = report.findings.map((finding, i) => ({ value: `${i}:${finding.code}`, finding }));
  const [focused, setFocused] = useState<FindingItem | undefined>(items[0]);
  const [notice, setNotice] = useState<string | undefined>();
  const choose = useCallback(
    (item: FindingItem) => {
      const rec = item.finding.recommendation;
      if (rec.kind === 'runbook') onOpen(rec.runbook, rec.inputs);
      else setNotice('No runbook fits this finding: do what it says by hand, then look again.');
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
        Triage · cluster {visibleLine(report.cluster)}
        <Text dimColor> · {report.healthy ? 'healthy' : `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}, most dangerous first`}</Text>
      </Text>
      {report.healthy ? (
        <Text color="green">Healthy: one VIP holder ({visibleLine(report.vip)}) runs a master; chunkservers, metalogger and chunks are fine.</Text>
      ) : (
        <Select<FindingItem>
          items={items}
          renderItem={(item, isFocused) => <FindingRow finding={item.finding} focused={isFocused} />}
          onSelect={choose}
          onFocus={setFocused}
          limit={8}
          active={active}
          onOtherKey={other}
        />
      )}
      {current && <FindingDetail finding={current} rows={detailRows} />}
      {notice && <Text color="yellow">{notice}</Text>}
      <Text dimColor>{report.healthy ? 'esc back' : '↑↓ move · enter open the runbook · esc back'}</Text>
    </Box>
  );
}
