// mfscli failed through the VIP and no other finding already shows that answer.
import { t } from '../../i18n/index.ts';
import { finding, none, type RuleFinding, type TriageEvidence } from '../evidence.ts';
import type { Finding } from '../types.ts';

export function probeProblem(ev: TriageEvidence, found: readonly Finding[]): RuleFinding[] {
  const { status, vipAnswer } = ev;
  if (!status.mfs.error || found.some((f) => f.evidence.includes(vipAnswer))) return [];
  return [
    finding('probe-problem', {
      severity: 'warning',
      title: status.mfs.via ? t('triage.title.probeProblemVia', { host: status.mfs.via }) : t('triage.title.probeProblem'),
      hosts: status.mfs.via ? [status.mfs.via] : [],
      evidence: [vipAnswer],
      recommendation: none(t('triage.why.probeFailed'), [t('triage.do.runMfscli', { vip: ev.vip })]),
    }),
  ];
}
