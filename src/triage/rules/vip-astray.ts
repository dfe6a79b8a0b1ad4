// A master serves, but the VIP does not lead to it: another host holds the VIP, or nobody
// does. keepalived's to look at when it runs; keepalived-ha when there is none.
import { t } from '../../i18n/index.ts';
import type { FailoverWindow } from '../failover.ts';
import { finding, keepalivedEvidence, known, list, none, psEvidence, runs, sshPart, unreachable, type RuleFinding, type TriageEvidence } from '../evidence.ts';
import type { Recommendation } from '../types.ts';
import { failoverUnderWay } from './failover-under-way.ts';
import { isSplitBrain } from './two-masters.ts';

export function vipAstray(ev: TriageEvidence): RuleFinding[] {
  const { vip, candidates, holders, serving, vipRow, vipAnswer } = ev;
  if (serving.length < 1 || holders.length > 1 || isSplitBrain(ev)) return [];
  const master = serving[0]!;
  const haAnywhere = candidates.some((h) => runs(h, 'keepalived'));
  const byHand = holders[0] ? t('triage.do.vipByHandMove', { vip, host: master.name, holder: holders[0].name }) : t('triage.do.vipByHand', { vip, host: master.name });
  const vipFix = (why: string): Recommendation =>
    haAnywhere
      ? none(t('triage.why.vipKeepalivedRuns', { why }), [t('triage.do.lookAtKeepalived', { hosts: list(candidates.map((h) => h.name)) }), byHand, t('triage.do.thenTriage')])
      : ev.recommend('keepalived-ha', { first: master.name }, t('triage.why.vipNoKeepalived', { why, host: master.name }), [byHand]);
  const holder = holders[0];
  if (holder && ev.promotingTo === holder.name) return [failoverUnderWay(ev, (ev.takeover as { window: FailoverWindow }).window, t('triage.fallback.lookAtKeepalived', { host: holder.name }))];
  if (holder && !runs(holder, 'mfsmaster') && !serving.includes(holder)) {
    return [
      finding('vip-without-master', {
        title: t('triage.title.vipWithoutMaster', { vip, holder: holder.name, master: master.name }),
        hosts: [holder.name],
        evidence: [{ host: holder.name, probe: sshPart('ip addr'), saw: t('triage.saw.holdsVip', { vip }) }, psEvidence(holder, 'mfsmaster'), psEvidence(master, 'mfsmaster'), vipAnswer],
        recommendation: vipFix(t('triage.why.vipNotToMaster', { host: master.name })),
      }),
    ];
  }
  if (!holder && !vipRow && !candidates.some((h) => !known(h) && !unreachable(h))) {
    return [
      finding('no-vip-holder', {
        title: t('triage.title.noVipHolder', { vip, master: master.name }),
        hosts: candidates.map((h) => h.name),
        evidence: [
          ...candidates.filter(known).map((h) => ({ host: h.name, probe: sshPart('ip addr'), saw: t('triage.saw.notHoldsVip', { vip }) })),
          psEvidence(master, 'mfsmaster'),
          ...candidates.filter(known).map(keepalivedEvidence),
        ],
        recommendation: vipFix(t('triage.why.noVipHolder')),
      }),
    ];
  }
  return [];
}
