// What an operator types to confirm a dangerous step on one host. In a critical-risk runbook
// the cluster is named too (`m1@prod`): with several clusters on one laptop, the host name
// alone (every cluster has an m1) does not say which cluster is about to change.
import type { RiskLevel } from '../runbook/types.ts';

export function typedConfirmationText(host: string, runbookRisk: RiskLevel, cluster: string): string {
  return runbookRisk === 'critical' ? `${host}@${cluster}` : host;
}
