// Two masters: two VIP holders, or two masters and no single VIP holder to tell them apart
// (split brain); or one VIP holder serves and another master answers beside it (a stale
// master came back), unless the VIP holder is the standby taking over right now.
import { t } from '../../i18n/index.ts';
import type { FailoverWindow } from '../failover.ts';
import { finding, keepalivedEvidence, known, list, none, psEvidence, sshPart, type RuleFinding, type TriageEvidence } from '../evidence.ts';
import { failoverUnderWay } from './failover-under-way.ts';

/** Split brain: two VIP holders, or two masters serving and none holds the VIP. */
export const isSplitBrain = (ev: TriageEvidence): boolean => ev.holders.length > 1 || (ev.serving.length > 1 && ev.holders.length === 0);

export function twoMasters(ev: TriageEvidence): RuleFinding[] {
  const { holders, serving, vip, versionOf, candidateAnswers, recommend } = ev;
  if (isSplitBrain(ev)) {
    const two = holders.length > 1 ? holders : serving;
    const byVersion = [...two].sort((a, b) => (versionOf(b.name) ?? -1) - (versionOf(a.name) ?? -1));
    const keep = byVersion[0]!;
    const fence = byVersion.slice(1).map((h) => h.name);
    const versionsKnown = two.every((h) => versionOf(h.name) !== undefined);
    return [
      finding('split-brain', {
        title:
          holders.length > 1
            ? t(two.length === 2 ? 'triage.title.splitBrainVipBoth' : 'triage.title.splitBrainVipAll', { hosts: list(two.map((h) => h.name)), vip })
            : t('triage.title.splitBrainMasters', { hosts: list(two.map((h) => h.name)) }),
        hosts: two.map((h) => h.name),
        evidence: [
          ...two.map((h) => ({ host: h.name, probe: sshPart('ip addr'), saw: h.probe?.holdsVip ? t('triage.saw.holdsVip', { vip }) : t('triage.saw.notHoldsVip', { vip }) })),
          ...two.map((h) => psEvidence(h, 'mfsmaster')),
          ...two.map(keepalivedEvidence),
          ...candidateAnswers,
        ],
        // fence-master keeps the VIP holder; with two masters and no VIP holder it would refuse.
        recommendation:
          holders.length > 1
            ? recommend(
                'fence-master',
                { fence: fence[0], fence_address: ev.host(fence[0]!)?.address, keep: keep.name, keep_address: keep.address },
                (versionsKnown
                  ? t('triage.why.splitBrainKeepNewest', { keep: keep.name, version: versionOf(keep.name)!, fence: list(fence) })
                  : t('triage.why.splitBrainKeepLikely', { keep: keep.name })) + t('triage.why.splitBrainAfterwards'),
                fence.length > 1 ? [t('triage.do.fenceEach', { fence: list(fence) })] : undefined,
              )
            : none(t('triage.why.splitBrainNoHolder'), [
                versionsKnown
                  ? t('triage.do.keepNewest', { keep: keep.name, version: versionOf(keep.name)!, fence: list(fence) })
                  : t('triage.do.keepCompare', { keep: keep.name, fence: list(fence) }),
                t('triage.do.thenTriageVip'),
              ]),
      }),
    ];
  }
  if (serving.length <= 1 || holders.length !== 1) return [];
  const holder = holders[0]!;
  if (ev.promotingTo === holder.name) return [failoverUnderWay(ev, (ev.takeover as { window: FailoverWindow }).window, t('triage.fallback.fenceMaster'))];
  // One VIP holder serves, another master answers beside it. Only a master we can see now: one
  // we cannot reach (lost, its last mfscli row not yet aged out) or that has stopped answering
  // (overdue: it may have just died) is no second master to fence, and fence-master could not
  // run there anyway.
  return serving
    .filter((h) => h.name !== holder.name && known(h) && !h.overdue)
    .map((other) => {
      const [vo, vh] = [versionOf(other.name), versionOf(holder.name)];
      return finding('second-master', {
        title:
          vo !== undefined && vh !== undefined && vo < vh
            ? t('triage.title.secondMasterStale', { host: other.name, holder: holder.name, version: vo, holderVersion: vh })
            : t('triage.title.secondMaster', { host: other.name, holder: holder.name }),
        hosts: [other.name],
        evidence: [{ host: holder.name, probe: sshPart('ip addr'), saw: t('triage.saw.holdsVip', { vip }) }, psEvidence(other, 'mfsmaster'), keepalivedEvidence(other), ...candidateAnswers],
        recommendation: recommend(
          'fence-master',
          { fence: other.name, fence_address: other.address, keep: holder.name, keep_address: holder.address },
          t('triage.why.secondMaster', { holder: holder.name, host: other.name }),
        ),
      });
    });
}
