// Before a high- or critical-risk runbook opens on a cluster nobody named for this session
// (remembered from last time, or the practice cluster as a fallback), the operator types the
// cluster's name once: with several clusters on one laptop, the last one used is a guess.
import { Box, Text } from 'ink';
import type { RiskLevel } from '../src/runbook/types.ts';
import { TypedConfirmPrompt } from './prompts.tsx';
import { t } from '../src/i18n/index.ts';

/** How the app's cluster was chosen (see app/cli/context.ts). */
export interface ClusterChoice {
  /** Named on the command line or in the environment for this session. */
  named: boolean;
  /** e.g. 'remembered', 'practice cluster'. */
  source: string;
  file?: string;
  /** The name the operator gave, when the inventory's own cluster: differs from it (app/cli/context.ts). */
  asked?: string;
  calledInFile?: string;
}

/** Whether opening a runbook of this risk needs the cluster confirmed first. */
export function needsClusterCheck(risk: RiskLevel, choice: ClusterChoice | undefined, confirmed: boolean): boolean {
  return choice !== undefined && !choice.named && !confirmed && (risk === 'high' || risk === 'critical');
}

const RISK_KEY = { low: 'clusterCheck.risk.low', medium: 'clusterCheck.risk.medium', high: 'clusterCheck.risk.high', critical: 'clusterCheck.risk.critical' } as const;

export function ClusterCheck({ cluster, choice, title, risk, onConfirm, onCancel }: { cluster: string; choice: ClusterChoice; title: string; risk: RiskLevel; onConfirm(): void; onCancel(): void }) {
  return (
    <Box flexDirection="column">
      <Text bold>
        {t('clusterCheck.title', { title, risk: t(RISK_KEY[risk]) })}
        <Text color="yellow">{cluster}</Text>
      </Text>
      <Text wrap="wrap">
        {choice.calledInFile !== undefined
          ? t('clusterCheck.mismatch', { source: choice.source, name: choice.asked ?? '', file: choice.file ?? '', cluster: choice.calledInFile })
          : t('clusterCheck.why', {
              source: choice.source === 'remembered' ? t('clusterCheck.remembered') : choice.source === 'practice cluster' ? t('clusterCheck.practice') : choice.source,
              file: choice.file ? ` (${choice.file})` : '',
            })}
      </Text>
      <TypedConfirmPrompt expected={cluster} onSubmit={(typed) => (typed === cluster ? onConfirm() : undefined)} onCancel={onCancel} />
    </Box>
  );
}
