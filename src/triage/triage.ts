// Triage of one status snapshot: what is wrong, the evidence, and the runbook that fits.
// Pure: the same snapshot and library always give the same report (unit-tested on captures).
import { t } from '../i18n/index.ts';
import { checkInput } from '../runbook/inputs.ts';
import { answeringMasters, lockedOut, loginLabel, metaloggerLags, vipMaster, type ClusterStatus, type HostStatus } from '../status/model.ts';
import { formatUptime } from '../status/text.ts';
import type { DaemonName } from '../status/probe.ts';
import type { Evidence, Finding, FindingCode, Recommendation, RuledOut, TriageReport, TriageRunbook } from './types.ts';
import { describeWindow, judgeFailover, PROMOTION_CAP_S, type FailoverJudgement, type FailoverWindow } from './failover.ts';

export interface TriageOptions {
  /** A metalogger more than this many metadata versions behind the master lags (default 100). */
  metaloggerLagVersions?: number;
}

/** Lower is more dangerous: split brain and stale masters first, then no master, data at risk, redundancy, noise. */
const RANK: Record<FindingCode, number> = {
  'split-brain': 10,
  'stale-master': 20,
  'second-master': 25,
  'master-host-unreachable': 30,
  'master-down': 31,
  'vip-without-master': 32,
  'no-vip-holder': 33,
  'host-state-unknown': 34,
  'host-locked-out': 29,
  'failover-under-way': 30,
  'missing-chunks': 40,
  'endangered-chunks': 41,
  'chunkserver-down': 45,
  'standby-unreachable': 50,
  'standby-not-ready': 52,
  'metalogger-down': 55,
  'metalogger-lagging': 56,
  'undergoal-chunks': 60,
  'host-unreachable': 65,
  'probe-problem': 70,
};

const SSH = (): string => t('triage.probe.ssh');
/** `ssh probe (ps)`: the SSH probe's part that saw it (a command or a file, never translated). */
const sshPart = (part: string): string => t('triage.probe.sshPart', { part });
const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : t('triage.list', { items: xs.slice(0, -1).join(t('triage.listSeparator')), last: xs.at(-1)! }));

/** Reached by this snapshot's probe (fresh data). */
const known = (h: HostStatus): boolean => !!h.probe && h.reachable && !h.stale;
/**
 * Probed and no SSH session (an unprobed host is neither known nor unreachable). A host that
 * answered SSH but whose probe failed is neither: its state is unknown (stateUnknown).
 */
const unreachable = (h: HostStatus): boolean => !h.reachable && h.failure !== 'probe' && h.failure !== 'login' && (h.stale || h.error !== undefined);
const stateUnknown = (h: HostStatus): boolean => !h.reachable && h.failure === 'probe';
const runs = (h: HostStatus, d: DaemonName): boolean => known(h) && h.probe!.daemons[d].length > 0;

function psEvidence(h: HostStatus, d: DaemonName): Evidence {
  const p = h.probe?.daemons[d][0];
  return { host: h.name, probe: sshPart('ps'), saw: p ? t('triage.saw.running', { daemon: d, pid: p.pid, uptime: formatUptime(p.uptimeS) }) : t('triage.saw.notRunning', { daemon: d }) };
}

function unreachableEvidence(h: HostStatus): Evidence {
  return { host: h.name, probe: SSH(), saw: h.error ? t('triage.saw.noAnswerFromError', { address: h.address, error: h.error }) : t('triage.saw.noAnswerFrom', { address: h.address }) };
}

function keepalivedEvidence(h: HostStatus): Evidence {
  if (!runs(h, 'keepalived')) return { host: h.name, probe: sshPart('ps'), saw: t('triage.saw.notRunning', { daemon: 'keepalived' }) };
  const st = h.probe!.keepalived?.[0]?.state;
  const age = h.probe!.keepalivedDumpAgeS;
  // An old dump may show a state keepalived has left since: say how old it is.
  return {
    host: h.name,
    probe: t('triage.probe.keepalivedDump'),
    saw: st ? (age !== undefined && age > 5 ? t('triage.saw.keepalivedStateAsOf', { state: st, age }) : t('triage.saw.keepalivedState', { state: st })) : t('triage.saw.keepalivedStateUnknown'),
  };
}

export function triage(status: ClusterStatus, library: readonly TriageRunbook[], opts: TriageOptions = {}): TriageReport {
  const findings: Finding[] = [];
  const add = (code: FindingCode, { rank, severity, ...f }: Omit<Finding, 'code' | 'rank' | 'severity'> & { severity?: Finding['severity']; rank?: number }) =>
    findings.push({ code, rank: rank ?? RANK[code], severity: severity ?? 'critical', ...f });
  const recommend = recommender(library);
  // What the failover judgement said for a master finding (by its index): evidence for or against a failover.
  const judged = new Map<number, FailoverJudgement>();
  const addFailover = (w: FailoverWindow, fallback: string) =>
    !failoverSaid &&
    (failoverSaid = true) &&
    add('failover-under-way', {
      title: t('triage.title.failoverUnderWay', { window: describeWindow(w, status.at) }),
      hosts: [...(w.from ? [w.from] : []), w.to],
      evidence: [{ probe: t('triage.probe.failoverWindow'), saw: t('triage.saw.countedFrom', { anchor: w.anchor }) }, ...w.evidence, vipAnswer],
      failover: w,
      recommendation: none(t('triage.why.failoverUnderWay', { by: new Date(w.deadlineAt).toISOString().slice(11, 19) }), [t('triage.do.waitForWindow'), t('triage.do.thenRecommends', { fallback })]),
    });
  const vip = status.vip;
  const hosts = status.hosts;
  const host = (name: string) => hosts.find((h) => h.name === name);
  const candidates = hosts.filter((h) => h.roles.includes('master-candidate'));
  const holders = candidates.filter((h) => known(h) && h.probe!.holdsVip);
  const metaloggerHosts = hosts.filter((h) => h.roles.includes('metalogger'));
  // The dedicated metalogger to compare versions with: a live one first.
  const metalogger = metaloggerHosts.find((h) => runs(h, 'mfsmetalogger')) ?? metaloggerHosts.find(known) ?? metaloggerHosts[0];
  const viaVip = status.mfs.viaVip;
  const vipRow = vipMaster(status);
  const mfsAnswering = answeringMasters(status);
  const versionOf = (name: string) => status.mfs.candidates.find((c) => c.host === name)?.master?.metadataVersion;

  // What mfscli said, as evidence shared by several findings.
  const mfsVia = status.mfs.via ? t('triage.probe.runOn', { host: status.mfs.via }) : '';
  const viaVipProbe = (args: string) => t('triage.probe.mfscliViaVip', { args, via: mfsVia });
  const vipAnswer: Evidence = {
    probe: viaVipProbe('-SIM'),
    saw:
      status.mfs.error && !viaVip
        ? t('triage.saw.mfscliFailed', { error: status.mfs.error })
        : !viaVip
          ? t('triage.saw.noAnswerYet')
          : viaVip.noMaster || !vipRow
            ? t('triage.saw.noMasterAt', { vip })
            : t('triage.saw.masterAnswersAt', { vip, version: vipRow.metadataVersion ?? '?' }),
  };
  const candidateAnswers: Evidence[] = status.mfs.candidates.map((c) => ({
    host: c.host,
    probe: t('triage.probe.mfscliAt', { address: c.address, via: mfsVia }),
    saw: c.master?.answering ? t('triage.saw.masterAnswers', { version: c.master.metadataVersion ?? '?' }) : t('triage.saw.noMasterAnswers'),
  }));

  // A standby keepalived made MASTER is promoting itself: whatever else looks odd about the VIP
  // and the masters meanwhile (the VIP ahead of the master, the lost master's last answers) is that.
  const takeover = judgeFailover(status, undefined);
  const promotingTo = takeover.kind === 'under-way' ? takeover.window.to : undefined;
  let failoverSaid = false;

  // Masters that serve: answering mfscli at their own address, or an mfsmaster process seen by ps.
  const serving = candidates.filter((h) => mfsAnswering.some((c) => c.host === h.name) || runs(h, 'mfsmaster'));

  // --- split brain: two VIP holders, or two masters and no single VIP holder to tell them apart ---
  if (holders.length > 1 || (serving.length > 1 && holders.length === 0)) {
    const two = holders.length > 1 ? holders : serving;
    const byVersion = [...two].sort((a, b) => (versionOf(b.name) ?? -1) - (versionOf(a.name) ?? -1));
    const keep = byVersion[0]!;
    const fence = byVersion.slice(1).map((h) => h.name);
    const versionsKnown = two.every((h) => versionOf(h.name) !== undefined);
    add('split-brain', {
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
              { fence: fence[0], fence_address: host(fence[0]!)?.address, keep: keep.name, keep_address: keep.address },
              (versionsKnown
                ? t('triage.why.splitBrainKeepNewest', { keep: keep.name, version: versionOf(keep.name)!, fence: list(fence) })
                : t('triage.why.splitBrainKeepLikely', { keep: keep.name })) + t('triage.why.splitBrainAfterwards'),
              fence.length > 1 ? [t('triage.do.fenceEach', { fence: list(fence) })] : undefined,
            )
          : none(t('triage.why.splitBrainNoHolder'), [
              versionsKnown ? t('triage.do.keepNewest', { keep: keep.name, version: versionOf(keep.name)!, fence: list(fence) }) : t('triage.do.keepCompare', { keep: keep.name, fence: list(fence) }),
              t('triage.do.thenTriageVip'),
            ]),
    });
  } else if (serving.length > 1 && holders.length === 1 && promotingTo === holders[0]!.name) {
    addFailover((takeover as { window: FailoverWindow }).window, t('triage.fallback.fenceMaster'));
  } else if (serving.length > 1 && holders.length === 1) {
    // --- one VIP holder serves, another master answers beside it (a stale master came back) ---
    const holder = holders[0]!;
    // Only a master we can see now: one we cannot reach (lost, its last mfscli row not yet
    // aged out) is no second master to fence, and fence-master could not run there anyway.
    for (const other of serving.filter((h) => h.name !== holder.name && known(h))) {
      const [vo, vh] = [versionOf(other.name), versionOf(holder.name)];
      add('second-master', {
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
    }
  }

  // --- stale master: the VIP's master serves older metadata than a metalogger holds ---
  const lags = metaloggerLags(status);
  if (status.alerts.some((a) => a.code === 'stale-master') && vipRow?.metadataVersion !== undefined) {
    const ahead = lags.filter((l) => l.behind < 0).sort((a, b) => b.version - a.version);
    const holder = holders[0];
    const targets = ahead.map((l) => host(l.host)!).filter((h) => h.name !== holder?.name);
    const target = targets.find((h) => h.roles.includes('master-candidate')) ?? targets[0];
    add('stale-master', {
      title: t(holder ? 'triage.title.staleMasterOn' : 'triage.title.staleMaster', { host: holder?.name ?? '', version: vipRow.metadataVersion, newer: ahead[0]?.version ?? t('triage.newer') }),
      hosts: holder ? [holder.name] : [],
      evidence: [vipAnswer, ...ahead.map((l) => ({ host: l.host, probe: sshPart('changelog_ml.0.mfs'), saw: t('triage.saw.lastChange', { version: l.version, age: l.changelogAgeS }) }))],
      recommendation: recommend(
        'lost-master',
        {
          old: holder?.name,
          old_address: holder?.address,
          target: target?.name,
          target_address: target?.address,
          metalogger: metalogger && metalogger.name !== target?.name ? metalogger.name : target?.name,
        },
        t('triage.why.staleMaster', { target: target?.name ?? t('triage.word.theMetalogger'), holder: holder?.name ?? t('triage.word.theVipHolder') }),
        [t('triage.do.fenceStaleFirst', { holder: holder?.name ?? t('triage.word.theVipHolder') })],
      ),
    });
  }

  // --- no master serves anywhere ---
  const noMaster = serving.length === 0 && !vipRow;
  if (noMaster && candidates.length > 0) {
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
      const fo = guess ? judgeFailover(status, guess) : undefined;
      if (guess && fo?.kind === 'under-way') addFailover(fo.window, t('triage.fallback.powerCut', { host: guess.name }));
      else if (guess) {
        // keepalived just made this host MASTER: its role script may still be starting the master.
        const ka = holder?.probe?.keepalived?.[0];
        const movedS = ka?.state === 'MASTER' && ka.lastTransition !== undefined ? Math.round(status.at / 1000 - ka.lastTransition) : undefined;
        const justMoved = movedS !== undefined && movedS >= 0 && movedS < 60;
        const cautions = [
          ...(justMoved ? [t('triage.do.justMoved', { host: guess.name, seconds: movedS })] : []),
          ...(unknownCandidates.length ? [t('triage.do.unknownMayTakeOver', { hosts: list(unknownCandidates.map((h) => h.name)) })] : []),
        ];
        judged.set(findings.length, fo!);
        add('master-down', {
          title: holder ? t('triage.title.masterDownVip', { host: guess.name, vip }) : t('triage.title.masterDown', { host: guess.name }),
          hosts: [guess.name],
          evidence: [
            ...(holder ? [{ host: holder.name, probe: sshPart('ip addr'), saw: t('triage.saw.holdsVip', { vip }) }] : noVip),
            ...live.map((h) => psEvidence(h, 'mfsmaster')),
            ...live.map(keepalivedEvidence),
            ...(justMoved ? [{ host: guess.name, probe: t('triage.probe.keepalivedDump'), saw: t('triage.saw.becameMaster', { seconds: movedS }) }] : []),
            vipAnswer,
          ],
          recommendation: recommend(
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
        });
      }
    } else {
      const old = lost[0]!;
      const target = freshestMetalogger(live, metalogger) ?? live[0] ?? metalogger;
      // Evidence that a live candidate is becoming the master right now, whatever the window says.
      const takingOver = live.filter((h) => h.probe!.holdsVip || h.probe!.keepalived?.some((k) => k.state === 'MASTER') || ['PROMOTING', 'MASTER'].includes(h.probe!.haRole?.role ?? ''));
      const fo = judgeFailover(status, old);
      if (fo.kind === 'under-way') addFailover(fo.window, t('triage.fallback.lostMaster', { target: target?.name ?? t('triage.word.theMetaloggerData') }));
      else judged.set(findings.length, fo);
      if (fo.kind !== 'under-way')
        add('master-host-unreachable', {
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
          recommendation: takingOver.length
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
        });
    }
  }

  // --- a master serves, but the VIP does not lead to it ---
  if (serving.length >= 1 && holders.length <= 1 && !findings.some((f) => f.code === 'split-brain')) {
    const master = serving[0]!;
    const haAnywhere = candidates.some((h) => runs(h, 'keepalived'));
    const byHand = holders[0] ? t('triage.do.vipByHandMove', { vip, host: master.name, holder: holders[0].name }) : t('triage.do.vipByHand', { vip, host: master.name });
    const vipFix = (why: string): Recommendation =>
      haAnywhere
        ? none(t('triage.why.vipKeepalivedRuns', { why }), [t('triage.do.lookAtKeepalived', { hosts: list(candidates.map((h) => h.name)) }), byHand, t('triage.do.thenTriage')])
        : recommend('keepalived-ha', { first: master.name }, t('triage.why.vipNoKeepalived', { why, host: master.name }), [byHand]);
    const holder = holders[0];
    if (holder && promotingTo === holder.name) {
      addFailover((takeover as { window: FailoverWindow }).window, t('triage.fallback.lookAtKeepalived', { host: holder.name }));
    } else if (holder && !runs(holder, 'mfsmaster') && !serving.includes(holder)) {
      add('vip-without-master', {
        title: t('triage.title.vipWithoutMaster', { vip, holder: holder.name, master: master.name }),
        hosts: [holder.name],
        evidence: [{ host: holder.name, probe: sshPart('ip addr'), saw: t('triage.saw.holdsVip', { vip }) }, psEvidence(holder, 'mfsmaster'), psEvidence(master, 'mfsmaster'), vipAnswer],
        recommendation: vipFix(t('triage.why.vipNotToMaster', { host: master.name })),
      });
    } else if (!holder && !vipRow && !candidates.some((h) => !known(h) && !unreachable(h))) {
      add('no-vip-holder', {
        title: t('triage.title.noVipHolder', { vip, master: master.name }),
        hosts: candidates.map((h) => h.name),
        evidence: [
          ...candidates.filter(known).map((h) => ({ host: h.name, probe: sshPart('ip addr'), saw: t('triage.saw.notHoldsVip', { vip }) })),
          psEvidence(master, 'mfsmaster'),
          ...candidates.filter(known).map(keepalivedEvidence),
        ],
        recommendation: vipFix(t('triage.why.noVipHolder')),
      });
    }
  }

  // --- a master candidate is gone while the other serves: one master left, no standby ---
  // The serving master must be one we see now (ps or a fresh probe): right after a master host dies, mfscli's last rows still name it.
  const current = holders.find((h) => serving.includes(h)) ?? serving.find(known);
  if (current) {
    for (const h of candidates.filter((c) => unreachable(c) && !serving.includes(c))) {
      add('standby-unreachable', {
        severity: 'warning',
        title: t('triage.title.standbyUnreachable', { host: h.name, master: current.name }),
        hosts: [h.name],
        evidence: [unreachableEvidence(h), psEvidence(current, 'mfsmaster'), vipAnswer],
        recommendation: recommend(
          'rebuild-master',
          { new: h.name, new_address: h.address, current: current.name, metalogger: metalogger?.name },
          t('triage.why.rebuildMaster', { master: current.name, host: h.name }),
          [t('triage.do.fenceUntilRebuilt', { host: h.name })],
        ),
      });
    }
  }

  // --- a standby candidate that cannot take over (keepalived's check fails, or keepalived is off while the master's runs) ---
  if (serving.length >= 1) {
    const haOnServer = serving.some((h) => runs(h, 'keepalived'));
    for (const h of candidates.filter((c) => known(c) && !serving.includes(c))) {
      const ka = h.probe!.keepalived?.[0]?.state;
      const fault = runs(h, 'keepalived') && ka === 'FAULT';
      const off = haOnServer && !runs(h, 'keepalived');
      if (!fault && !off) continue;
      add('standby-not-ready', {
        severity: 'warning',
        title: t(fault ? 'triage.title.standbyFault' : 'triage.title.standbyNoKeepalived', { host: h.name }),
        hosts: [h.name],
        evidence: [keepalivedEvidence(h), psEvidence(h, 'mfsmetalogger'), changelogEvidence(h)],
        recommendation: none(t('triage.why.standbyNotReady'), [
          runs(h, 'mfsmetalogger') ? t('triage.do.restartStandbyMetalogger', { host: h.name }) : t('triage.do.startStandbyMetalogger', { host: h.name }),
          off ? t('triage.do.startKeepalived', { host: h.name }) : t('triage.do.ifStaysFault'),
        ]),
      });
    }
  }

  // --- chunks (only a master that answers knows them) ---
  const c = viaVip && !viaVip.noMaster ? viaVip.chunkClasses : undefined;
  const disconnected = viaVip?.disconnected ?? [];
  const hostByIp = (ip: string) => hosts.find((h) => h.address === ip)?.name;
  const csEvidence: Evidence[] = disconnected.map((d) => ({
    host: hostByIp(d.ip),
    probe: viaVipProbe('-SCS'),
    saw: t('triage.saw.chunkserverDisconnected', { address: `${d.ip}:${d.port}`, id: d.id }),
  }));
  const bringBack = disconnected.length
    ? t('triage.do.bringBackDisconnected', { count: disconnected.length, hosts: list(disconnected.map((d) => hostByIp(d.ip) ?? d.ip)) })
    : t('triage.do.bringBackStopped');
  if (c?.missing) {
    add('missing-chunks', {
      title: t('triage.title.missingChunks', { count: c.missing }),
      hosts: [],
      evidence: [{ probe: viaVipProbe('-SIC'), saw: t('triage.saw.chunksMissing', { count: c.missing }) }, ...csEvidence],
      recommendation: none(t('triage.why.missingChunks'), [bringBack, t('triage.do.damagedFiles')]),
    });
  }
  if (c?.endangered) {
    add('endangered-chunks', {
      title: t('triage.title.endangeredChunks', { count: c.endangered }),
      hosts: [],
      evidence: [{ probe: viaVipProbe('-SIC'), saw: t('triage.saw.chunksEndangered', { count: c.endangered }) }, ...csEvidence],
      recommendation: none(t('triage.why.endangeredChunks'), [bringBack, t('triage.do.stopNothingElse')]),
    });
  }

  // --- chunkservers: one finding per host, with every probe that saw it down ---
  const csHosts = hosts.filter((h) => h.roles.includes('chunkserver'));
  const reportedIps = new Set<string>();
  for (const h of csHosts) {
    const rows = disconnected.filter((d) => d.ip === h.address);
    rows.forEach((d) => reportedIps.add(d.ip));
    const dead = known(h) && !runs(h, 'mfschunkserver');
    const gone = unreachable(h);
    if (!dead && !gone && rows.length === 0) continue;
    add('chunkserver-down', {
      title: t(gone ? 'triage.title.chunkserverUnreachable' : dead ? 'triage.title.chunkserverDown' : 'triage.title.chunkserverDisconnected', { host: h.name }),
      hosts: [h.name],
      evidence: [...(gone ? [unreachableEvidence(h)] : [psEvidence(h, 'mfschunkserver')]), ...csEvidence.filter((e) => e.host === h.name)],
      recommendation: dead
        ? recommend('restart-daemon', { host: h.name, host_address: h.address, daemon: 'chunkserver' }, t('triage.why.restartChunkserver', { host: h.name }))
        : none(gone ? t('triage.why.hostUnreachable') : t('triage.why.chunkserverNotSeen'), [
            gone ? t('triage.do.reachChunkserver', { host: h.name }) : t('triage.do.checkChunkserverPort', { host: h.name, vip }),
            t('triage.do.thenTriageUndergoal'),
          ]),
    });
  }
  for (const d of disconnected.filter((x) => !reportedIps.has(x.ip))) {
    add('chunkserver-down', {
      title: t('triage.title.unknownChunkserverDisconnected', { address: `${d.ip}:${d.port}`, id: d.id }),
      hosts: [],
      evidence: csEvidence.filter((e) => e.saw.includes(`${d.ip}:${d.port}`)),
      recommendation: none(t('triage.why.unknownChunkserver'), [t('triage.do.startOrRemoveChunkserver', { ip: d.ip, vip, address: `${d.ip}:${d.port}` })]),
    });
  }

  // --- metaloggers ---
  const masterAnswers = !!viaVip && !viaVip.noMaster && !!vipRow;
  for (const h of metaloggerHosts) {
    const gone = unreachable(h);
    const dead = known(h) && !runs(h, 'mfsmetalogger');
    const unconnected = !gone && !dead && masterAnswers && viaVip!.sections.has('IG') && !viaVip!.metaloggers.some((m) => m.ip === h.address);
    if (!gone && !dead && !unconnected) continue;
    add('metalogger-down', {
      severity: 'warning',
      title: t(gone ? 'triage.title.metaloggerUnreachable' : dead ? 'triage.title.metaloggerDown' : 'triage.title.metaloggerDisconnected', { host: h.name }),
      hosts: [h.name],
      evidence: [
        gone ? unreachableEvidence(h) : psEvidence(h, 'mfsmetalogger'),
        ...(masterAnswers && viaVip!.sections.has('IG')
          ? [
              {
                probe: viaVipProbe('-SMB'),
                saw: viaVip!.metaloggers.length ? t('triage.saw.metaloggersConnected', { ips: viaVip!.metaloggers.map((m) => m.ip).join(', ') }) : t('triage.saw.noMetaloggerConnected'),
              },
            ]
          : []),
      ],
      recommendation: dead
        ? recommend('restart-daemon', { host: h.name, host_address: h.address, daemon: 'metalogger' }, t('triage.why.restartMetalogger', { host: h.name }))
        : none(gone ? t('triage.why.metaloggerUnreachable') : t('triage.why.metaloggerNotSeen'), [
            gone ? t('triage.do.reachMetalogger', { host: h.name }) : t('triage.do.checkMetaloggerPort', { host: h.name, vip }),
          ]),
    });
  }
  const lagMax = opts.metaloggerLagVersions ?? 100;
  for (const l of lags.filter((x) => x.behind > lagMax)) {
    add('metalogger-lagging', {
      severity: 'warning',
      title: t('triage.title.metaloggerLagging', { host: l.host, behind: l.behind }),
      hosts: [l.host],
      evidence: [vipAnswer, { host: l.host, probe: sshPart('changelog_ml.0.mfs'), saw: t('triage.saw.lastChange', { version: l.version, age: l.changelogAgeS }) }],
      recommendation: none(t('triage.why.metaloggerLagging'), [t('triage.do.checkMetaloggerPort', { host: l.host, vip })]),
    });
  }

  if (c?.undergoal) {
    add('undergoal-chunks', {
      severity: 'warning',
      title: t('triage.title.undergoalChunks', { count: c.undergoal }),
      hosts: [],
      evidence: [{ probe: viaVipProbe('-SIC'), saw: t('triage.saw.chunksUndergoal', { count: c.undergoal }) }, ...csEvidence],
      recommendation: none(t('triage.why.undergoalChunks'), [disconnected.length ? bringBack : t('triage.do.waitUndergoal')]),
    });
  }

  // --- other hosts that do not answer ---
  for (const h of hosts.filter((x) => unreachable(x) && !x.roles.some((r) => r === 'master-candidate' || r === 'chunkserver' || r === 'metalogger'))) {
    add('host-unreachable', {
      severity: 'warning',
      title: h.roles.length ? t('triage.title.hostUnreachableRoles', { host: h.name, roles: h.roles.join(', ') }) : t('triage.title.hostUnreachable', { host: h.name }),
      hosts: [h.name],
      evidence: [unreachableEvidence(h)],
      recommendation: none(t('triage.why.hostUnreachable'), [t('triage.do.checkHost', { host: h.name })]),
    });
  }

  // --- hosts that answer SSH but not the probe: never guessed at (a failover in progress is slow) ---
  for (const h of hosts.filter(stateUnknown)) {
    const candidate = h.roles.includes('master-candidate');
    add('host-state-unknown', {
      severity: candidate ? 'critical' : 'warning',
      title: t(candidate ? 'triage.title.hostStateUnknownCandidate' : 'triage.title.hostStateUnknown', { host: h.name }),
      hosts: [h.name],
      evidence: [{ host: h.name, probe: SSH(), saw: h.error ?? t('triage.saw.noStatus') }],
      recommendation: none(t('triage.why.stateUnknown', { host: h.name }), [t('triage.do.againSlowHost'), t('triage.do.ifStaysUnknown', { host: h.name })]),
    });
  }

  // --- hosts that answered but refused us (or whose host key we refuse): not down, and never guessed at ---
  for (const h of hosts.filter(lockedOut)) {
    const candidate = h.roles.includes('master-candidate');
    add('host-locked-out', {
      severity: candidate ? 'critical' : 'warning',
      rank: candidate ? RANK['host-locked-out'] : 64,
      title: t(candidate ? 'triage.title.lockedOutCandidate' : 'triage.title.lockedOut', { host: h.name, why: loginLabel(h.login) }),
      hosts: [h.name],
      evidence: [{ host: h.name, probe: SSH(), saw: `${loginSeen(h)}${h.error ? `: ${h.error}` : ''}` }, ...candidateAnswers.filter((e) => e.host === h.name)],
      recommendation: none(t(candidate ? 'triage.why.lockedOutCandidate' : 'triage.why.lockedOut', { host: h.name }), [...accessHowTo(h), t('triage.do.thenTriage')]),
    });
  }

  // A master candidate we cannot log into may be serving, promoting or down: no recovery of a
  // master (nor any other high-risk runbook) until its state is known.
  const locked = candidates.filter(lockedOut);
  if (locked.length) {
    const names = list(locked.map((h) => h.name));
    for (const f of findings) {
      const r = f.recommendation;
      if (r.kind !== 'runbook' || !HIGH_RISK.has(riskOf(library, r.runbook) ?? 'low')) continue;
      f.recommendation = none(t('triage.why.fixAccessFirst', { hosts: names, runbook: r.runbook, why: list(locked.map((h) => loginLabel(h.login))) }), [
        ...locked.flatMap(accessHowTo),
        t('triage.do.thenTriageRecommends', { runbook: r.runbook, hosts: names }),
      ]);
      f.evidence = [...f.evidence, ...locked.map((h) => ({ host: h.name, probe: SSH(), saw: loginSeen(h) }))];
    }
  }

  // Every high-risk runbook names the evidence that rules out down vs busy vs locked out vs
  // failing over; when one cannot be ruled out, it is not recommended (look again instead).
  const busy = candidates.filter(stateUnknown);
  const promoting = candidates.filter((h) => known(h) && h.probe!.haRole?.role === 'PROMOTING' && h.probe!.haRole.ageS <= PROMOTION_CAP_S);
  // A master that started moments ago and does not answer through the VIP yet is finishing a takeover.
  const starting = vipRow ? [] : candidates.filter((h) => known(h) && !mfsAnswering.some((c) => c.host === h.name) && h.probe!.daemons.mfsmaster.some((p) => p.uptimeS < MASTER_START_S));
  findings.forEach((f, i) => {
    const r = f.recommendation;
    if (r.kind !== 'runbook' || !HIGH_RISK.has(riskOf(library, r.runbook) ?? 'low')) return;
    if (busy.length || promoting.length || starting.length) {
      const who = busy.length ? busy : promoting.length ? promoting : starting;
      const hostsWho = list(who.map((h) => h.name));
      const reason = busy.length
        ? t('triage.why.notYetBusy', { hosts: hostsWho, runbook: r.runbook })
        : promoting.length
          ? t('triage.why.notYetPromoting', { hosts: hostsWho, runbook: r.runbook })
          : t('triage.why.notYetStarting', { hosts: hostsWho, runbook: r.runbook, seconds: Math.min(...who[0]!.probe!.daemons.mfsmaster.map((p) => p.uptimeS)) });
      f.recommendation = none(reason, [t('triage.do.againSoon'), t('triage.do.lookByHandBefore', { host: who[0]!.name, runbook: r.runbook })]);
      return;
    }
    r.ruledOut = ruledOutFor(candidates, judged.get(i), status.at);
  });

  if (status.mfs.error && !findings.some((f) => f.evidence.includes(vipAnswer))) {
    add('probe-problem', {
      severity: 'warning',
      title: status.mfs.via ? t('triage.title.probeProblemVia', { host: status.mfs.via }) : t('triage.title.probeProblem'),
      hosts: status.mfs.via ? [status.mfs.via] : [],
      evidence: [vipAnswer],
      recommendation: none(t('triage.why.probeFailed'), [t('triage.do.runMfscli', { vip })]),
    });
  }

  findings.sort((a, b) => a.rank - b.rank);
  return { cluster: status.cluster, vip, at: status.at, healthy: findings.length === 0, findings };
}

const HIGH_RISK = new Set(['high', 'critical']);
/** A master younger than this that does not answer yet is still starting (loading metadata). */
const MASTER_START_S = 60;

/** The evidence that rules out the other explanations for the master candidates (none locked out or busy: checked before). */
function ruledOutFor(candidates: HostStatus[], fo: FailoverJudgement | undefined, at: number): RuledOut[] {
  const up = candidates.filter(known);
  const down = candidates.filter(unreachable);
  const names = (hs: HostStatus[]) => list(hs.map((h) => h.name));
  const out: RuledOut[] = [];
  for (const h of down) out.push({ explanation: 'down', host: h.name, saw: t('triage.ruledOut.down', { host: h.name, error: h.error ?? t('triage.ruledOut.noSession') }) });
  for (const h of up)
    out.push({
      explanation: 'down',
      host: h.name,
      saw: h.ageMs === undefined ? t('triage.ruledOut.up', { host: h.name }) : t('triage.ruledOut.upAgo', { host: h.name, seconds: Math.round(h.ageMs / 1000) }),
    });
  if (up.length) out.push({ explanation: 'busy', saw: t('triage.ruledOut.notBusy', { hosts: names(up) }) });
  out.push({
    explanation: 'locked-out',
    saw: up.length
      ? down.length
        ? t('triage.ruledOut.loggedIntoNoAnswer', { hosts: names(up), down: names(down) })
        : t('triage.ruledOut.loggedInto', { hosts: names(up) })
      : t('triage.ruledOut.noRefusal'),
  });
  const iso = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const states = up
    .map((h) => `${h.name} ${h.probe!.daemons.keepalived.length ? (h.probe!.keepalived?.[0]?.state ?? t('triage.ruledOut.keepalivedStateUnknown')) : t('triage.ruledOut.noKeepalived')}`)
    .join(t('triage.listSeparator'));
  if (fo?.kind === 'overdue') {
    out.push({
      explanation: 'failing-over',
      saw: t('triage.ruledOut.overdue', { to: fo.window.to, within: fo.window.expectedWithinS, anchor: fo.window.anchor, by: iso(fo.window.deadlineAt), at: iso(at), states }),
    });
  } else if (fo?.kind === 'not-expected') {
    out.push({ explanation: 'failing-over', saw: t('triage.ruledOut.notExpected', { why: fo.why.map((e) => e.saw).join(t('triage.ruledOut.separator')) }) });
  } else {
    out.push({ explanation: 'failing-over', saw: t('triage.ruledOut.noPromotion', { states: states || t('triage.ruledOut.notSeen') }) });
  }
  return out;
}
const riskOf = (library: readonly TriageRunbook[], id: string) => library.find((r) => r.id === id)?.risk;

/** What the SSH probe saw: the host answered and refused us, or (no usable key here) it was never asked. */
function loginSeen(h: HostStatus): string {
  return t(h.login === 'no-credentials' ? 'triage.login.notAsked' : 'triage.login.answeredBut', { address: h.address, why: loginWhy(h) });
}

/** Why mfs-tui could not log in, in words. */
function loginWhy(h: HostStatus): string {
  switch (h.login) {
    case 'host-key-changed':
      return t('triage.login.keyChanged');
    case 'host-key-unknown':
      return t('triage.login.keyUnknown');
    case 'host-key-rejected':
      return t('triage.login.keyRejected');
    case 'sudo-refused':
      return t('triage.login.sudoRefused');
    case 'no-credentials':
      return t('triage.login.noCredentials');
    default:
      return t('triage.login.refused');
  }
}

/** What to do so mfs-tui can log in again. */
function accessHowTo(h: HostStatus): string[] {
  switch (h.login) {
    case 'host-key-changed':
      return [t('triage.access.keyChanged', { host: h.name, address: h.address })];
    case 'host-key-unknown':
      return [t('triage.access.keyUnknown', { host: h.name, address: h.address })];
    case 'host-key-rejected':
      return [t('triage.access.keyRejected', { host: h.name })];
    case 'sudo-refused':
      return [t('triage.access.sudoRefused', { host: h.name })];
    case 'no-credentials':
      return [t('triage.access.noCredentials', { host: h.name })];
    default:
      return [t('triage.access.refused', { host: h.name, address: h.address })];
  }
}

function changelogEvidence(h: HostStatus): Evidence {
  const cl = h.probe?.metaloggerChangelog;
  return { host: h.name, probe: sshPart('changelog_ml.0.mfs'), saw: cl ? t('triage.saw.changelog', { version: cl.version, age: cl.ageS }) : t('triage.saw.noChangelog') };
}

/** Where the newest metalogger data is (the host to promote): live hosts running a metalogger; a master candidate wins a tie. */
function freshestMetalogger(live: HostStatus[], metalogger: HostStatus | undefined): HostStatus | undefined {
  const pool = [...live, ...(metalogger && !live.includes(metalogger) ? [metalogger] : [])].filter((h) => runs(h, 'mfsmetalogger'));
  const version = (h: HostStatus) => h.probe?.metaloggerChangelog?.version ?? -1;
  return pool.sort((a, b) => version(b) - version(a) || Number(b.roles.includes('master-candidate')) - Number(a.roles.includes('master-candidate')))[0];
}

function none(reason: string, howTo: string[]): Recommendation {
  return { kind: 'none', reason, howTo };
}

/**
 * A runbook recommendation with only the inputs the runbook declares and accepts; a runbook
 * missing from the library is said so rather than recommended.
 */
function recommender(library: readonly TriageRunbook[]) {
  return (id: string, given: Record<string, string | undefined>, why: string, first?: string[]): Recommendation => {
    const rb = library.find((r) => r.id === id);
    if (!rb) return none(t('triage.why.notInLibrary', { runbook: id, why }), first ?? []);
    const inputs: Record<string, string> = {};
    for (const input of rb.inputs) {
      const value = given[input.name];
      if (value !== undefined && checkInput(input, value) === undefined) inputs[input.name] = value;
    }
    return { kind: 'runbook', runbook: rb.id, title: rb.title, inputs, why, ...(first?.length ? { first } : {}) };
  };
}
