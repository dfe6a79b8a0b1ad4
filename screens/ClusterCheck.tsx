// Before a high- or critical-risk runbook opens on a cluster nobody named for this session
// (remembered from last time, or the practice cluster as a fallback), the operator types the
// cluster's name once: with several clusters on one laptop, the last one used is a guess.
import { Box, Text } from 'ink';
import type { RiskLevel } from '../src/runbook/types.ts';
import { TypedConfirmPrompt } from './prompts.tsx';

/** How the app's cluster was chosen (see src/cli/context.ts). */
export interface ClusterChoice {
  /** Named on the command line or in the environment for this session. */
  named: boolean;
  /** e.g. 'remembered', 'practice cluster'. */
  source: string;
  file?: string;
}

/** Whether opening a runbook of this risk needs the cluster confirmed first. */
export function needsClusterCheck(risk: RiskLevel, choice: ClusterChoice | undefined, confirmed: boolean): boolean {
  return choice !== undefined && !choice.named && !confirmed && (risk === 'high' || risk === 'critical');
}

export function ClusterCheck({ cluster, choice, title, risk, onConfirm, onCancel }: { cluster: string; choice: ClusterChoice; title: string; risk: RiskLevel; onConfirm(): void; onCancel(): void }) {
  return (
    <Box flexDirection="column">
      <Text bold>
        {title} (risk {risk}) will change cluster <Text color="yellow">{cluster}</Text>
      </Text>
      <Text wrap="wrap">
        This cluster was not named for this session: it is the {choice.source === 'remembered' ? 'inventory you used last' : choice.source}
        {choice.file ? ` (${choice.file})` : ''}. Start mfs-tui with --cluster NAME to skip this question.
      </Text>
      <TypedConfirmPrompt expected={cluster} onSubmit={(typed) => (typed === cluster ? onConfirm() : undefined)} onCancel={onCancel} />
    </Box>
  );
}
