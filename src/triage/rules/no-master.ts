// No master serves anywhere: a failover under way; the master's host is up and its master
// gone (power-cut); or its host is lost (lost-master), unless another candidate may be
// taking over right now.
import { t } from '../../i18n/index.ts';
import { lockedOut, type HostStatus } from '../../status/model.ts';
import { judgeFailover } from '../failover.ts';
import {
  changelogEvidence,
  finding,
  keepalivedEvidence,
  known,
  list,
  none,
  psEvidence,
  runs,
  sshPart,
  stateUnknown,
  unreachable,
  unreachableEvidence,
  type RuleFinding,
  type TriageEvidence,
} from '../evidence.ts';
import type { Evidence } from '../types.ts';
import { failoverUnderWay } from './failover-under-way.ts';

export function noMaster(ev: TriageEvidence): RuleFinding[] {
  const { status, vip, candidates, holders, metalogger, vipAnswer, recommend } = ev;
  if (ev.serving.length > 0 || ev.vipRow || candidates.length === 0) return [];
  const lost = candidates.filter(unreachable);
  const live = candidates.filter(known);
  // Not seen now and not proven down (busy, or its last answer aged out while it promotes):
  // it may be taking over, so nothing is promoted beside it (CI: a stale standby was skipped).
  const unknownCandidates = candidates.filter((h) => stateUnknown(h) || (!known(h) && !unreachable(h) && !lockedOut(h)));
  const holder = holders[0];
  const noVip: Evidence[] = holder ? [] : live.map((h) => ({ host: h.name, probe: sshPart('ip addr'), saw: t('triage.saw.notHoldsVip', { vip }) }));
  if (holder || lost.length === 0) {
    // The host that ran the master is up: the VIP holder, else the candidate whose keepalived check fails.
    const guess = holder ?? live.find((h) => h.probe!.keepalived?.[0]?.state === 'FAULT') ?? live.find((h) => !runs(h, 'mfsmetalogger')) ?? live[0];
    if (!guess) return [];
    const fo = judgeFailover(status, guess);
    if (fo.kind === 'under-way') return [failoverUnderWay(ev, fo.window, t('triage.fallback.powerCut', { host: guess.name }))];
    const unknownFailover = fo.kind === 'unknown' ? failoverUnknown(fo.why) : undefined;
    // keepalived just made this host MASTER: its role script may still be starting the master.
    const ka = holder?.probe?.keepalived?.[0];
    const movedS = ka?.state === 'MASTER' && ka.lastTransition !== undefined ? Math.round(status.at / 1000 - ka.lastTransition) : undefined;
    const justMoved = movedS !== undefined && movedS >= 0 && movedS < 60;
    const cautions = [
      ...(justMoved ? [t('triage.do.justMoved', { host: guess.name, seconds: movedS })] : []),
      ...(unknownCandidates.length ? [t('triage.do.unknownMayTakeOver', { hosts: list(unknownCandidates.map((h) => h.name)) })] : []),
    ];
    return [
      finding('master-down', {
        title: holder ? t('triage.title.masterDownVip', { host: guess.name, vip }) : t('triage.title.masterDown', { host: guess.name }),
        hosts: [guess.name],
        evidence: [
          ...(holder ? [{ host: holder.name, probe: sshPart('ip addr'), saw: t('triage.saw.holdsVip', { vip }) }] : noVip),
          ...live.map((h) => psEvidence(h, 'mfsmaster')),
          ...live.map(keepalivedEvidence),
          ...(justMoved ? [{ host: guess.name, probe: t('triage.probe.keepalivedDump'), saw: t('triage.saw.becameMaster', { seconds: movedS }) }] : []),
          vipAnswer,
        ],
        recommendation:
          unknownFailover ??
          recommend(
            'power-cut',
            { host: guess.name, host_address: guess.address, metalogger: metalogger?.name },
            holder
              ? t('triage.why.powerCut', { host: guess.name })
              : t('triage.why.powerCutNoVip', {
                  host: guess.name,
                  because: guess.probe!.keepalived?.[0]?.state === 'FAULT' ? t('triage.why.itsCheckFails') : t('triage.why.checkTheInput'),
                }),
            cautions.length ? cautions : undefined,
          ),
        judgement: fo,
      }),
    ];
  }
  const old = lost[0]!;
  const target = freshestMetalogger(live, metalogger) ?? live[0] ?? metalogger;
  const fo = judgeFailover(status, old);
  if (fo.kind === 'under-way') return [failoverUnderWay(ev, fo.window, t('triage.fallback.lostMaster', { target: target?.name ?? t('triage.word.theMetaloggerData') }))];
  // Evidence that a live candidate is becoming the master right now, whatever the window says.
  const takingOver = live.filter((h) => h.probe!.holdsVip || h.probe!.keepalived?.some((k) => k.state === 'MASTER') || ['PROMOTING', 'MASTER'].includes(h.probe!.haRole?.role ?? ''));
  return [
    finding('master-host-unreachable', {
      title: t('triage.title.masterHostUnreachable', { hosts: list(lost.map((h) => h.name)) }),
      hosts: lost.map((h) => h.name),
      evidence: [
        ...lost.map(unreachableEvidence),
        ...noVip,
        ...live.map((h) => psEvidence(h, 'mfsmaster')),
        ...[...live, ...(metalogger && !live.includes(metalogger) ? [metalogger] : [])].filter(known).map(changelogEvidence),
        vipAnswer,
      ],
      // A candidate that answers SSH but not the probe may be taking over right now:
      // promoting another host beside it would make two masters. Look again first.
      recommendation:
        fo.kind === 'unknown'
          ? failoverUnknown(fo.why)
          : takingOver.length
            ? none(t('triage.why.takingOver', { hosts: list(takingOver.map((h) => h.name)), count: takingOver.length }), [t('triage.do.againPromotion')])
            : unknownCandidates.length
              ? none(t('triage.why.unknownTakingOver', { hosts: list(unknownCandidates.map((h) => h.name)) }), [
                  t('triage.do.againFailover'),
                  t('triage.do.lookByHandUnknown', { hosts: list(unknownCandidates.map((h) => h.name)), host: unknownCandidates[0]!.name }),
                ])
              : recommend(
                  'lost-master',
                  {
                    old: old.name,
                    old_address: old.address,
                    target: target?.name,
                    target_address: target?.address,
                    metalogger: metalogger && metalogger.name !== target?.name ? metalogger.name : target?.name,
                  },
                  t('triage.why.lostMaster', { old: old.name, target: target?.name ?? t('triage.word.theStandby') }),
                ),
      judgement: fo,
    }),
  ];
}

/**
 * keepalived runs where this login may not read its configuration: a failover may be under
 * way, so no recovery runbook (it would start a master beside the one keepalived starts).
 */
function failoverUnknown(why: Evidence[]) {
  const hosts = [...new Set(why.map((e) => e.host).filter((h): h is string => !!h))];
  return none(t('triage.why.failoverUnknown', { why: why.map((e) => e.saw).join(t('triage.ruledOut.separator')) }), [
    t('triage.do.readKeepalivedAsRoot', { hosts: list(hosts) }),
    t('triage.do.againFailover'),
  ]);
}

/** Where the newest metalogger data is (the host to promote): live hosts running a metalogger; a master candidate wins a tie. */
function freshestMetalogger(live: HostStatus[], metalogger: HostStatus | undefined): HostStatus | undefined {
  const pool = [...live, ...(metalogger && !live.includes(metalogger) ? [metalogger] : [])].filter((h) => runs(h, 'mfsmetalogger'));
  const version = (h: HostStatus) => h.probe?.metaloggerChangelog?.version ?? -1;
  return pool.sort((a, b) => version(b) - version(a) || Number(b.roles.includes('master-candidate')) - Number(a.roles.includes('master-candidate')))[0];
}
