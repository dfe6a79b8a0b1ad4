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

const SSH = 'ssh probe';
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
  return { host: h.name, probe: `${SSH} (ps)`, saw: p ? `${d} running (PID ${p.pid}, up ${formatUptime(p.uptimeS)})` : `${d} not running` };
}

function unreachableEvidence(h: HostStatus): Evidence {
  return { host: h.name, probe: SSH, saw: `no answer from ${h.address}${h.error ? `: ${h.error}` : ''}` };
}

function keepalivedEvidence(h: HostStatus): Evidence {
  if (!runs(h, 'keepalived')) return { host: h.name, probe: `${SSH} (ps)`, saw: 'keepalived not running' };
  const st = h.probe!.keepalived?.[0]?.state;
  const age = h.probe!.keepalivedDumpAgeS;
  // An old dump may show a state keepalived has left since: say how old it is.
  return { host: h.name, probe: `${SSH} (keepalived state dump)`, saw: st ? `keepalived ${st}${age !== undefined && age > 5 ? ` (as of ${age} s ago)` : ''}` : 'keepalived running (state unknown)' };
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
      evidence: [{ probe: 'failover window', saw: `counted from ${w.anchor}` }, ...w.evidence, vipAnswer],
      failover: w,
      recommendation: none(
        `no runbook while keepalived fails over: a new master should serve by ${new Date(w.deadlineAt).toISOString().slice(11, 19)}; recovering by hand now could make two masters.`,
        ['Wait: `mfs-tui triage` looks again until the window has passed (or run it again).', `If no master serves by then, triage recommends ${fallback}.`],
      ),
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
  const mfsVia = status.mfs.via ? ` (run on ${status.mfs.via})` : '';
  const vipAnswer: Evidence = {
    probe: `mfscli -SIM via VIP${mfsVia}`,
    saw:
      status.mfs.error && !viaVip
        ? `mfscli failed: ${status.mfs.error}`
        : !viaVip
          ? 'no answer yet'
          : viaVip.noMaster || !vipRow
            ? `no master answers at ${vip} (Working master servers not found)`
            : `master answers at ${vip}, metadata version ${vipRow.metadataVersion ?? '?'}`,
  };
  const candidateAnswers: Evidence[] = status.mfs.candidates.map((c) => ({
    host: c.host,
    probe: `mfscli -SIM at ${c.address}${mfsVia}`,
    saw: c.master?.answering ? `master answers, metadata version ${c.master.metadataVersion ?? '?'}` : 'no master answers',
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
        ...two.map((h) => ({ host: h.name, probe: `${SSH} (ip addr)`, saw: h.probe?.holdsVip ? `holds the VIP ${vip}` : `does not hold the VIP ${vip}` })),
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
              `${
                versionsKnown
                  ? `${keep.name} has the newest metadata (version ${versionOf(keep.name)}): keep it, fence ${list(fence)}.`
                  : `keep the master with the newest metadata (fence-master compares the versions first and refuses the wrong way round); ${keep.name} is the likelier one.`
              } Afterwards find why VRRP adverts do not pass between the candidates (a partition, a firewall dropping protocol 112, multicast off) and fix it before keepalived starts there again.`,
              fence.length > 1 ? [`More than two masters: run fence-master once for each of ${list(fence)}.`] : undefined,
            )
          : none('no runbook fits: fence-master keeps the master that holds the VIP, and no candidate holds it.', [
              `Keep ${keep.name}${versionsKnown ? ` (metadata version ${versionOf(keep.name)}, the newest)` : ' (compare `mfscli -SIM` on each first: keep the newest metadata)'}; on ${list(fence)}: stop keepalived, then \`mfsmaster stop\`.`,
              'Then `mfs-tui triage` again: it names what the VIP needs.',
            ]),
    });
  } else if (serving.length > 1 && holders.length === 1 && promotingTo === holders[0]!.name) {
    addFailover((takeover as { window: FailoverWindow }).window, 'fence-master if the old master still serves then');
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
        evidence: [{ host: holder.name, probe: `${SSH} (ip addr)`, saw: `holds the VIP ${vip}` }, psEvidence(other, 'mfsmaster'), keepalivedEvidence(other), ...candidateAnswers],
        recommendation: recommend(
          'fence-master',
          { fence: other.name, fence_address: other.address, keep: holder.name, keep_address: holder.address },
          `${holder.name} serves through the VIP; ${other.name} must stop serving its own metadata now, then come back as the standby (fence-master ends by offering rebuild-master).`,
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
      evidence: [vipAnswer, ...ahead.map((l) => ({ host: l.host, probe: `${SSH} (changelog_ml.0.mfs)`, saw: `last change ${l.version} (${l.changelogAgeS} s ago)` }))],
      recommendation: recommend(
        'lost-master',
        {
          old: holder?.name,
          old_address: holder?.address,
          target: target?.name,
          target_address: target?.address,
          metalogger: metalogger && metalogger.name !== target?.name ? metalogger.name : target?.name,
        },
        `the metalogger data on ${target?.name ?? 'the metalogger'} is newer than what ${holder?.name ?? 'the VIP holder'} serves: promote it, as when the master host is lost.`,
        [
          `Fence ${holder?.name ?? 'the VIP holder'} first: \`mfsmaster stop\`, stop keepalived and remove the VIP there. Chunkservers connected to a stale master delete chunks of newer files; lost-master refuses while its ports 9419-9421 answer.`,
        ],
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
    const noVip: Evidence[] = holder ? [] : live.map((h) => ({ host: h.name, probe: `${SSH} (ip addr)`, saw: `does not hold the VIP ${vip}` }));
    if (holder || lost.length === 0) {
      // The host that ran the master is up: the VIP holder, else the candidate whose keepalived check fails.
      const guess = holder ?? live.find((h) => h.probe!.keepalived?.[0]?.state === 'FAULT') ?? live.find((h) => !runs(h, 'mfsmetalogger')) ?? live[0];
      const fo = guess ? judgeFailover(status, guess) : undefined;
      if (guess && fo?.kind === 'under-way') addFailover(fo.window, `power-cut for ${guess.name}`);
      else if (guess) {
        // keepalived just made this host MASTER: its role script may still be starting the master.
        const ka = holder?.probe?.keepalived?.[0];
        const movedS = ka?.state === 'MASTER' && ka.lastTransition !== undefined ? Math.round(status.at / 1000 - ka.lastTransition) : undefined;
        const justMoved = movedS !== undefined && movedS >= 0 && movedS < 60;
        const cautions = [
          ...(justMoved
            ? [`keepalived moved the VIP to ${guess.name} ${movedS} s ago: a failover may still be starting its master. Run triage again in a few seconds before recovering by hand.`]
            : []),
          ...(unknownCandidates.length
            ? [`The state of ${list(unknownCandidates.map((h) => h.name))} is unknown (it answered SSH, not the probe): it may be taking over. Run triage again in a few seconds before recovering.`]
            : []),
        ];
        judged.set(findings.length, fo!);
        add('master-down', {
          title: holder ? t('triage.title.masterDownVip', { host: guess.name, vip }) : t('triage.title.masterDown', { host: guess.name }),
          hosts: [guess.name],
          evidence: [
            ...(holder ? [{ host: holder.name, probe: `${SSH} (ip addr)`, saw: `holds the VIP ${vip}` }] : noVip),
            ...live.map((h) => psEvidence(h, 'mfsmaster')),
            ...live.map(keepalivedEvidence),
            ...(justMoved ? [{ host: guess.name, probe: `${SSH} (keepalived state dump)`, saw: `became MASTER ${movedS} s ago` }] : []),
            vipAnswer,
          ],
          recommendation: recommend(
            'power-cut',
            { host: guess.name, host_address: guess.address, metalogger: metalogger?.name },
            `${guess.name} is up but its master is not running: recover it with mfsmaster -a, version checked against the metalogger${holder ? '' : ` (no host holds the VIP; ${guess.name} is the likeliest last master: ${guess.probe!.keepalived?.[0]?.state === 'FAULT' ? 'its keepalived check fails' : 'check the input'})`}.`,
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
      if (fo.kind === 'under-way') addFailover(fo.window, `lost-master (promote ${target?.name ?? 'the metalogger data'})`);
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
            ? none(
                `no runbook yet: ${list(takingOver.map((h) => h.name))} ${takingOver.length > 1 ? 'are' : 'is'} taking the master over (keepalived MASTER, the VIP or the role script promoting); promoting another host now risks two masters.`,
                ['Run `mfs-tui triage` again in a few seconds: a promotion takes seconds to start its master.'],
              )
            : unknownCandidates.length
              ? none(`no runbook yet: ${list(unknownCandidates.map((h) => h.name))} answers SSH but not the probe, and may be taking over as master; promoting another host now risks two masters.`, [
                  'Run `mfs-tui triage` again in a few seconds: a failover takes a few seconds to start its master.',
                  `If ${list(unknownCandidates.map((h) => h.name))} stays unknown, look at it by hand (\`ssh ${unknownCandidates[0]!.name} 'ps -e | grep mfs; ip -br addr'\`) before any promotion.`,
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
                  `${old.name} does not answer and no master serves: promote the metalogger data on ${target?.name ?? 'the standby'}.`,
                ),
        });
    }
  }

  // --- a master serves, but the VIP does not lead to it ---
  if (serving.length >= 1 && holders.length <= 1 && !findings.some((f) => f.code === 'split-brain')) {
    const master = serving[0]!;
    const haAnywhere = candidates.some((h) => runs(h, 'keepalived'));
    const byHand = `Now, by hand: \`ip addr add ${vip}/<prefix> dev <interface>\` on ${master.name}${holders[0] ? ` after \`ip addr del\` on ${holders[0].name}` : ''} (clients, chunkservers and metaloggers reach the master only through the VIP).`;
    const vipFix = (why: string): Recommendation =>
      haAnywhere
        ? none(`no runbook fits: ${why}; keepalived runs, so its check or its VRRP state is the problem.`, [
            `Look at keepalived on ${list(candidates.map((h) => h.name))}: a FAULT state means its check script fails (\`tail /var/log/syslog\`, the check's own output).`,
            byHand,
            'Then `mfs-tui triage` again.',
          ])
        : recommend(
            'keepalived-ha',
            { first: master.name },
            `${why}, and no keepalived runs on any master candidate: keepalived-ha puts the VIP under keepalived with ${master.name} as the active master.`,
            [byHand],
          );
    const holder = holders[0];
    if (holder && promotingTo === holder.name) {
      addFailover((takeover as { window: FailoverWindow }).window, `a look at keepalived on ${holder.name}`);
    } else if (holder && !runs(holder, 'mfsmaster') && !serving.includes(holder)) {
      add('vip-without-master', {
        title: t('triage.title.vipWithoutMaster', { vip, holder: holder.name, master: master.name }),
        hosts: [holder.name],
        evidence: [{ host: holder.name, probe: `${SSH} (ip addr)`, saw: `holds the VIP ${vip}` }, psEvidence(holder, 'mfsmaster'), psEvidence(master, 'mfsmaster'), vipAnswer],
        recommendation: vipFix(`the VIP does not lead to the master on ${master.name}`),
      });
    } else if (!holder && !vipRow && !candidates.some((h) => !known(h) && !unreachable(h))) {
      add('no-vip-holder', {
        title: t('triage.title.noVipHolder', { vip, master: master.name }),
        hosts: candidates.map((h) => h.name),
        evidence: [
          ...candidates.filter(known).map((h) => ({ host: h.name, probe: `${SSH} (ip addr)`, saw: `does not hold the VIP ${vip}` })),
          psEvidence(master, 'mfsmaster'),
          ...candidates.filter(known).map(keepalivedEvidence),
        ],
        recommendation: vipFix('no host holds the VIP'),
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
          `the cluster runs on one master (${current.name}); once ${h.name} is back (or reinstalled), or with another host as new, rebuild-master makes a standby again.`,
          [`If ${h.name} comes back, keep it from starting mfsmaster or keepalived on its old metadata (fence it) until rebuild-master runs.`],
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
        recommendation: none('no runbook fits: the standby needs its metalogger with current metadata and keepalived running; until then a lost master does not fail over.', [
          ...(runs(h, 'mfsmetalogger')
            ? [`On ${h.name}: \`mfsmetalogger restart\` (it downloads the metadata from the master at start); keepalived's check passes once it has it.`]
            : [`On ${h.name}: \`mfsmetalogger start\` (the standby keeps current metadata through it).`]),
          ...(off ? [`Then start keepalived on ${h.name}.`] : ["If it stays FAULT, read the check script's reason (a majority of chunkservers must answer on 9422 from there)."]),
        ]),
      });
    }
  }

  // --- chunks (only a master that answers knows them) ---
  const c = viaVip && !viaVip.noMaster ? viaVip.chunkClasses : undefined;
  const disconnected = viaVip?.disconnected ?? [];
  const hostByIp = (ip: string) => hosts.find((h) => h.address === ip)?.name;
  const csEvidence: Evidence[] = disconnected.map((d) => ({ host: hostByIp(d.ip), probe: `mfscli -SCS via VIP${mfsVia}`, saw: `chunkserver ${d.ip}:${d.port} (id ${d.id}) disconnected` }));
  const bringBack = disconnected.length
    ? `Bring back the disconnected chunkserver${disconnected.length > 1 ? 's' : ''} ${list(disconnected.map((d) => hostByIp(d.ip) ?? d.ip))} (the chunkserver finding${disconnected.length > 1 ? 's say' : ' says'} how): their copies return when they reconnect.`
    : 'Bring back every chunkserver that stopped (see the chunkserver findings).';
  if (c?.missing) {
    add('missing-chunks', {
      title: t('triage.title.missingChunks', { count: c.missing }),
      hosts: [],
      evidence: [{ probe: `mfscli -SIC via VIP${mfsVia}`, saw: `chunk matrix: ${c.missing} missing` }, ...csEvidence],
      recommendation: none('no runbook restores chunks: the copies are only on chunkservers that are not connected, or lost.', [
        bringBack,
        'If every chunkserver is back and chunks are still missing, their files are damaged: find them with `mfsfileinfo` and decide per file (`mfsfilerepair` keeps what is left).',
      ]),
    });
  }
  if (c?.endangered) {
    add('endangered-chunks', {
      title: t('triage.title.endangeredChunks', { count: c.endangered }),
      hosts: [],
      evidence: [{ probe: `mfscli -SIC via VIP${mfsVia}`, saw: `chunk matrix: ${c.endangered} endangered` }, ...csEvidence],
      recommendation: none('no runbook fits: replication restores the copies by itself once the chunkservers are back.', [
        bringBack,
        'Stop nothing else meanwhile: one more lost chunkserver makes these chunks missing.',
      ]),
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
        ? recommend(
            'restart-daemon',
            { host: h.name, host_address: h.address, daemon: 'chunkserver' },
            `${h.name} answers but mfschunkserver does not run there: start it, after reading why it stopped (the runbook shows its last log lines and disks).`,
          )
        : none(
            gone ? 'no runbook fits: the host must be reachable over SSH first.' : 'no runbook fits: mfschunkserver runs on the host but the master does not see it, a network problem between them.',
            [
              gone
                ? `Reach ${h.name} (console, power, network) and start it; mfschunkserver must start at boot.`
                : `On ${h.name}: check that it reaches the VIP ${vip} on port 9420 (\`mfschunkserver restart\` if it hangs).`,
              'Then `mfs-tui triage` again: undergoal chunks replicate by themselves once it is back.',
            ],
          ),
    });
  }
  for (const d of disconnected.filter((x) => !reportedIps.has(x.ip))) {
    add('chunkserver-down', {
      title: t('triage.title.unknownChunkserverDisconnected', { address: `${d.ip}:${d.port}`, id: d.id }),
      hosts: [],
      evidence: csEvidence.filter((e) => e.saw.includes(`${d.ip}:${d.port}`)),
      recommendation: none('no runbook restarts a chunkserver, and this one is not in the inventory.', [`Start it on ${d.ip}, or remove it for good: \`mfscli -H ${vip} -CRC ${d.ip}:${d.port}\`.`]),
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
          ? [{ probe: `mfscli -SMB via VIP${mfsVia}`, saw: viaVip!.metaloggers.length ? `metaloggers connected: ${viaVip!.metaloggers.map((m) => m.ip).join(', ')}` : 'no metalogger connected' }]
          : []),
      ],
      recommendation: dead
        ? recommend(
            'restart-daemon',
            { host: h.name, host_address: h.address, daemon: 'metalogger' },
            `${h.name} answers but mfsmetalogger does not run there: start it (it downloads the metadata again). Until it runs, a lost master host loses the changes since its last metadata save.`,
          )
        : none(
            gone
              ? 'no runbook fits: the host must be reachable over SSH first. Until the metalogger runs, a lost master host loses the changes since its last metadata save.'
              : 'no runbook fits: the metalogger runs but the master does not see it, a network problem between them.',
            [gone ? `Reach ${h.name} and start it; mfsmetalogger must start at boot.` : `On ${h.name}: check that it reaches the VIP ${vip} on port 9419, then \`mfsmetalogger restart\`.`],
          ),
    });
  }
  const lagMax = opts.metaloggerLagVersions ?? 100;
  for (const l of lags.filter((x) => x.behind > lagMax)) {
    add('metalogger-lagging', {
      severity: 'warning',
      title: t('triage.title.metaloggerLagging', { host: l.host, behind: l.behind }),
      hosts: [l.host],
      evidence: [vipAnswer, { host: l.host, probe: `${SSH} (changelog_ml.0.mfs)`, saw: `last change ${l.version} (${l.changelogAgeS} s ago)` }],
      recommendation: none('no runbook fits: a lagging metalogger needs its connection to the master checked.', [
        `On ${l.host}: check that it reaches the VIP ${vip} on port 9419, then \`mfsmetalogger restart\`.`,
      ]),
    });
  }

  if (c?.undergoal) {
    add('undergoal-chunks', {
      severity: 'warning',
      title: t('triage.title.undergoalChunks', { count: c.undergoal }),
      hosts: [],
      evidence: [{ probe: `mfscli -SIC via VIP${mfsVia}`, saw: `chunk matrix: ${c.undergoal} undergoal` }, ...csEvidence],
      recommendation: none('no runbook fits: the master replicates undergoal chunks by itself.', [
        disconnected.length ? bringBack : 'Wait and check again; if the count does not fall, there are fewer chunkservers than the goal asks for (`mfsgetgoal`).',
      ]),
    });
  }

  // --- other hosts that do not answer ---
  for (const h of hosts.filter((x) => unreachable(x) && !x.roles.some((r) => r === 'master-candidate' || r === 'chunkserver' || r === 'metalogger'))) {
    add('host-unreachable', {
      severity: 'warning',
      title: h.roles.length ? t('triage.title.hostUnreachableRoles', { host: h.name, roles: h.roles.join(', ') }) : t('triage.title.hostUnreachable', { host: h.name }),
      hosts: [h.name],
      evidence: [unreachableEvidence(h)],
      recommendation: none('no runbook fits: the host must be reachable over SSH first.', [`Check ${h.name}'s power, network and sshd (\`ssh ${h.name} true\`).`]),
    });
  }

  // --- hosts that answer SSH but not the probe: never guessed at (a failover in progress is slow) ---
  for (const h of hosts.filter(stateUnknown)) {
    const candidate = h.roles.includes('master-candidate');
    add('host-state-unknown', {
      severity: candidate ? 'critical' : 'warning',
      title: t(candidate ? 'triage.title.hostStateUnknownCandidate' : 'triage.title.hostStateUnknown', { host: h.name }),
      hosts: [h.name],
      evidence: [{ host: h.name, probe: SSH, saw: h.error ?? 'no status' }],
      recommendation: none(`no runbook fits while ${h.name}'s state is unknown: triage does not guess it.`, [
        `Run \`mfs-tui triage\` again in a few seconds: a host in the middle of a failover, or under heavy load, answers slowly.`,
        `If it stays so: on ${h.name}, \`uptime\` and \`dmesg | tail\` (a hung disk or mount blocks ps and ip).`,
      ]),
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
      evidence: [{ host: h.name, probe: SSH, saw: `${loginSeen(h)}${h.error ? `: ${h.error}` : ''}` }, ...candidateAnswers.filter((e) => e.host === h.name)],
      recommendation: none(
        `no runbook fits until mfs-tui can log into ${h.name}: what runs there is unknown${candidate ? ', and recovering a master beside one that may be running makes two' : ''}.`,
        [...accessHowTo(h), 'Then `mfs-tui triage` again.'],
      ),
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
      f.recommendation = none(
        `fix access to ${names} first: ${r.runbook} would fit what the other hosts show, but mfs-tui cannot log into ${names} (${list(locked.map((h) => loginLabel(h.login)))}), so whether a master runs there is unknown.`,
        [...locked.flatMap(accessHowTo), `Then \`mfs-tui triage\` again; it recommends ${r.runbook} only once ${names} is known not to be serving or taking over.`],
      );
      f.evidence = [...f.evidence, ...locked.map((h) => ({ host: h.name, probe: SSH, saw: loginSeen(h) }))];
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
      const doing = busy.length
        ? 'answers SSH but not its status probe (busy, perhaps taking over)'
        : promoting.length
          ? 'is promoting itself to master (its role script runs)'
          : `started its master ${Math.min(...who[0]!.probe!.daemons.mfsmaster.map((p) => p.uptimeS))} s ago and it does not answer through the VIP yet`;
      f.recommendation = none(`no runbook yet: ${list(who.map((h) => h.name))} ${doing}, so ${r.runbook} could act beside a master being started.`, [
        'Run `mfs-tui triage` again in a few seconds.',
        `If it stays so, look at ${who[0]!.name} by hand (\`ssh ${who[0]!.name} 'ps -e | grep mfs; ip -br addr; tail /var/log/mfs-ha.log'\`) before ${r.runbook}.`,
      ]);
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
      recommendation: none('no runbook fits: the probe itself failed.', ['Run `mfscli -SIN -H ' + vip + '` on a master candidate to see why.']),
    });
  }

  findings.sort((a, b) => a.rank - b.rank);
  return { cluster: status.cluster, vip, at: status.at, healthy: findings.length === 0, findings };
}

const HIGH_RISK = new Set(['high', 'critical']);
/** A master younger than this that does not answer yet is still starting (loading metadata). */
const MASTER_START_S = 60;

const ago = (h: HostStatus) => (h.ageMs === undefined ? '' : ` ${Math.round(h.ageMs / 1000)} s ago`);

/** The evidence that rules out the other explanations for the master candidates (none locked out or busy: checked before). */
function ruledOutFor(candidates: HostStatus[], fo: FailoverJudgement | undefined, at: number): RuledOut[] {
  const up = candidates.filter(known);
  const down = candidates.filter(unreachable);
  const names = (hs: HostStatus[]) => list(hs.map((h) => h.name));
  const out: RuledOut[] = [];
  for (const h of down) out.push({ explanation: 'down', host: h.name, saw: `${h.name} does not answer at all (${h.error ?? 'no SSH session'}): down or cut off, not busy and not refusing a login` });
  for (const h of up) out.push({ explanation: 'down', host: h.name, saw: `${h.name} is up: it answered SSH and its status probe${ago(h)}` });
  if (up.length) out.push({ explanation: 'busy', saw: `the status probe completed on ${names(up)}: no candidate is too busy to answer` });
  out.push({
    explanation: 'locked-out',
    saw: up.length ? `logged into ${names(up)}${down.length ? `; ${names(down)} gave no SSH answer at all, not a refused login` : ''}` : `no candidate refused a login`,
  });
  const iso = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const states = up.map((h) => `${h.name} ${h.probe!.daemons.keepalived.length ? (h.probe!.keepalived?.[0]?.state ?? 'keepalived, state unknown') : 'no keepalived'}`).join(', ');
  if (fo?.kind === 'overdue') {
    out.push({
      explanation: 'failing-over',
      saw: `a failover to ${fo.window.to} was expected within ${fo.window.expectedWithinS} s (counted from ${fo.window.anchor}), by ${iso(fo.window.deadlineAt)}; at ${iso(at)} still no master serves (keepalived: ${states})`,
    });
  } else if (fo?.kind === 'not-expected') {
    out.push({ explanation: 'failing-over', saw: `no failover is coming: ${fo.why.map((e) => e.saw).join('; ')}` });
  } else {
    out.push({ explanation: 'failing-over', saw: `no promotion under way (keepalived: ${states || 'not seen'})` });
  }
  return out;
}
const riskOf = (library: readonly TriageRunbook[], id: string) => library.find((r) => r.id === id)?.risk;

/** What the SSH probe saw: the host answered and refused us, or (no usable key here) it was never asked. */
function loginSeen(h: HostStatus): string {
  return h.login === 'no-credentials' ? `${h.address} was not asked: ${loginWhy(h)}` : `${h.address} answered, but ${loginWhy(h)}`;
}

/** Why mfs-tui could not log in, in words. */
function loginWhy(h: HostStatus): string {
  switch (h.login) {
    case 'host-key-changed':
      return 'its host key has CHANGED (refused)';
    case 'host-key-unknown':
      return 'its host key is unknown (not accepted without an operator)';
    case 'host-key-rejected':
      return 'its host key is rejected (@revoked)';
    case 'sudo-refused':
      return 'sudo refused us';
    case 'no-credentials':
      return 'mfs-tui has no usable key for it (identity file, agent or passphrase)';
    default:
      return 'it refused our key or password';
  }
}

/** What to do so mfs-tui can log in again. */
function accessHowTo(h: HostStatus): string[] {
  switch (h.login) {
    case 'host-key-changed':
      return [
        `Find out why ${h.name}'s host key changed (reinstalled? another machine on ${h.address}?) by checking its fingerprint on the console; only then replace the known_hosts entry (\`ssh-keygen -R ${h.address}\`).`,
      ];
    case 'host-key-unknown':
      return [`Check ${h.name}'s host key fingerprint on its console, then accept it once interactively (\`mfs-tui\` asks, or \`ssh ${h.address}\`).`];
    case 'host-key-rejected':
      return [`${h.name}'s host key is marked @revoked in known_hosts: find out why before trusting the host again.`];
    case 'sudo-refused':
      return [`Let the inventory's user on ${h.name} use sudo (or give the right sudo password when asked).`];
    case 'no-credentials':
      return [`Give mfs-tui a key for ${h.name}: the inventory's \`identity:\` (readable, with its passphrase at hand) or a running ssh-agent (SSH_AUTH_SOCK); see the error above.`];
    default:
      return [`Make ${h.name} accept the inventory's key for its user again (its authorized_keys, the identity file or agent in the inventory), e.g. \`ssh -v ${h.address} true\`.`];
  }
}

function changelogEvidence(h: HostStatus): Evidence {
  const cl = h.probe?.metaloggerChangelog;
  return { host: h.name, probe: `${SSH} (changelog_ml.0.mfs)`, saw: cl ? `metalogger data up to change ${cl.version} (${cl.ageS} s old)` : 'no metalogger changelog' };
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
    if (!rb) return none(`runbook ${id} would fit (${why}) but it is not in this runbook library.`, first ?? []);
    const inputs: Record<string, string> = {};
    for (const input of rb.inputs) {
      const value = given[input.name];
      if (value !== undefined && checkInput(input, value) === undefined) inputs[input.name] = value;
    }
    return { kind: 'runbook', runbook: rb.id, title: rb.title, inputs, why, ...(first?.length ? { first } : {}) };
  };
}
