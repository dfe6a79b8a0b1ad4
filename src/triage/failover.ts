// Is keepalived about to fix a dead master by itself? Pure: from one status snapshot, with the
// keepalived configuration the candidates run (read by the probe), the window in which a new
// master should serve, anchored on what the hosts said (VRRP transitions, the role script's
// state, when this poller last saw a master), not on when triage started.
import { t } from '../i18n/index.ts';
import { faultChecks, masterDownIntervalS, type KeepalivedConf, type VrrpInstanceConf } from '../status/keepalived-conf.ts';
import type { ClusterStatus, HostStatus } from '../status/model.ts';
import type { Evidence, FailoverWindow } from './types.ts';

export type { FailoverWindow } from './types.ts';

/** The role script's start (stop the metalogger, mfsmaster -a restore, start) when no earlier promotion was logged. */
export const ROLE_START_DEFAULT_S = 15;
/** Probe latency: a state dump or a snapshot may be this old. */
export const FAILOVER_SLACK_S = 3;
/** A role script still PROMOTING after this long is stuck, not slow. */
export const PROMOTION_CAP_S = 180;

/**
 * `unknown`: a candidate runs keepalived with a configuration this login may not read (an
 * operator who is not root, the file 0640): whether and how fast it fails over cannot be
 * told, which is no evidence that it will not.
 */
export type FailoverJudgement =
  { kind: 'under-way'; window: FailoverWindow } | { kind: 'overdue'; window: FailoverWindow } | { kind: 'not-expected'; why: Evidence[] } | { kind: 'unknown'; why: Evidence[] };

const known = (h: HostStatus): boolean => !!h.probe && h.reachable && !h.stale;
const unreachable = (h: HostStatus): boolean => !h.reachable && h.failure === 'connect';
const kaRuns = (h: HostStatus): boolean => known(h) && h.probe!.daemons.keepalived.length > 0;
const vrrp = (h: HostStatus) => h.probe?.keepalived?.[0];
const PROBE = (): string => t('triage.probe.ssh');
const probePart = (part: string): string => t('triage.probe.sshPart', { part });

/** The instance of a keepalived-ha setup: it tracks a weight-0 check and calls a notify script. */
export function haInstance(conf: KeepalivedConf | undefined): VrrpInstanceConf | undefined {
  return conf?.instances.find((i) => faultChecks(conf, i).length > 0 && (i.notifyMaster || i.notify));
}

function roleStartS(h: HostStatus): { s: number; saw: string } {
  const ps = h.probe?.promotionsS ?? [];
  if (!ps.length) return { s: ROLE_START_DEFAULT_S, saw: t('triage.failover.noEarlierPromotion', { host: h.name, seconds: ROLE_START_DEFAULT_S }) };
  const worst = Math.max(...ps);
  // Promotions that took long (a large metadata file) widen the window; quick ones never narrow
  // it below the default: a loaded host's next promotion can take several times its last one.
  const s = Math.max(ROLE_START_DEFAULT_S, Math.ceil(worst * 1.5 + 2));
  return { s, saw: t('triage.failover.roleScriptTook', { host: h.name, took: ps.join(', '), seconds: s }) };
}

/** What a VIP holder keepalived made MASTER shows: since when, and whether its mfsmaster started. */
function masterWithVip(since: number | undefined, started: boolean): string {
  if (since === undefined) return t(started ? 'triage.failover.masterWithVipStarting' : 'triage.failover.masterWithVipNotRunning');
  return t(started ? 'triage.failover.masterWithVipSinceStarting' : 'triage.failover.masterWithVipSinceNotRunning', { since: iso(since * 1000) });
}

const fmt = (n: number) => String(Math.round(n * 100) / 100);
const iso = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/**
 * The failover keepalived should make when `dead`'s master is gone and no master serves:
 * under way (with its window), overdue (the window passed without a new master), or not
 * expected (and why: no HA check, the standby FAULT or not ready, keepalived not running).
 */
export function judgeFailover(status: ClusterStatus, dead: HostStatus | undefined): FailoverJudgement {
  const candidates = status.hosts.filter((h) => h.roles.includes('master-candidate'));
  const nowS = status.at / 1000;
  const why: Evidence[] = [];
  const unreadable: Evidence[] = [];

  // The VIP moved already: a candidate is MASTER with the VIP and its role script starts the master.
  // (The state dump may lag the VIP by a tick: a VIP holder whose role script says PROMOTING counts too.)
  // Its master may already be running (mfsmaster -a restore, then start) but does not answer yet.
  const answers = (c: HostStatus) => !!status.mfs.candidates.find((x) => x.host === c.name)?.master?.answering && !status.mfs.stale;
  // The VIP already on a host whose state dump (taken a moment before `ip addr`) says BACKUP and
  // whose role script has not begun: keepalived made it MASTER between the two reads (CI saw it).
  const dumpBehindVip = (c: HostStatus) => vrrp(c)?.state === 'BACKUP' && ['BACKUP', 'FAULT', 'STOP', undefined].includes(c.probe!.haRole?.role);
  for (const h of candidates.filter((c) => known(c) && c.probe!.holdsVip && (vrrp(c)?.state === 'MASTER' || c.probe!.haRole?.role === 'PROMOTING' || dumpBehindVip(c)) && !answers(c))) {
    const inst = haInstance(h.probe!.keepalivedConf);
    const roleFile = h.probe!.haRole;
    // keepalived-ha's own role file says PROMOTING: a promotion runs, whether or not this login may read the configuration.
    if (!inst && !(h.probe!.keepalivedConfUnreadable && roleFile?.role === 'PROMOTING')) continue;
    if (roleFile?.role === 'FAILED') {
      return {
        kind: 'not-expected',
        why: [{ host: h.name, probe: probePart('/run/mfs-ha.role'), saw: t('triage.failover.promotionFailed', { host: h.name, seconds: roleFile.ageS }) }],
      };
    }
    const role = roleStartS(h);
    const tr = vrrp(h)?.state === 'MASTER' ? vrrp(h)!.lastTransition : undefined;
    const recent = tr !== undefined && nowS - tr <= role.s + FAILOVER_SLACK_S;
    // PROMOTING: the role script runs. MASTER just now with the notify still ahead (role BACKUP/FAULT/none): about to run.
    // Role MASTER, or MASTER for long: its master ran and died (the dead-master case below).
    // A dump behind the VIP counts from when this poller first saw no master, for as long as a
    // takeover and a role script take: a holder that stays BACKUP longer is judged as below.
    const behindSince = dumpBehindVip(h) ? (status.mfs.noMasterSince ?? status.at) : undefined;
    const behind = inst !== undefined && behindSince !== undefined && status.at - behindSince <= (masterDownIntervalS(inst) + role.s + FAILOVER_SLACK_S) * 1000;
    const promoting = (roleFile?.role === 'PROMOTING' && roleFile.ageS <= PROMOTION_CAP_S) || (recent && roleFile?.role !== 'MASTER') || behind;
    if (!promoting) continue;
    const anchorAt = tr !== undefined ? tr * 1000 : roleFile?.role === 'PROMOTING' ? status.at - roleFile.ageS * 1000 : behindSince!;
    const window: FailoverWindow = {
      from: candidates.find((c) => c !== h)?.name,
      to: h.name,
      phase: 'promoting',
      expectedWithinS: role.s + FAILOVER_SLACK_S,
      terms: { detectS: 0, takeoverS: 0, roleStartS: role.s, slackS: FAILOVER_SLACK_S },
      anchorAt,
      anchor:
        tr !== undefined
          ? t('triage.failover.anchorMadeMaster', { host: h.name, at: iso(tr * 1000), seconds: fmt(nowS - tr) })
          : roleFile?.role === 'PROMOTING'
            ? t('triage.failover.anchorPromoting', { host: h.name, seconds: roleFile.ageS })
            : t('triage.failover.anchorVipBeforeDump', { host: h.name, since: iso(anchorAt) }),
      // A role script still PROMOTING is waited for (up to PROMOTION_CAP_S), even past the usual time.
      deadlineAt: Math.max(anchorAt + (role.s + FAILOVER_SLACK_S) * 1000, roleFile?.role === 'PROMOTING' ? status.at + FAILOVER_SLACK_S * 1000 : 0),
      evidence: [
        {
          host: h.name,
          probe: t('triage.probe.keepalivedDump'),
          saw: masterWithVip(tr, h.probe!.daemons.mfsmaster.length > 0),
        },
        ...(roleFile ? [{ host: h.name, probe: probePart('/run/mfs-ha.role'), saw: t('triage.failover.roleFor', { role: roleFile.role, seconds: roleFile.ageS }) }] : []),
        { host: h.name, probe: probePart('mfs-ha.log'), saw: role.saw },
        // The promotion holds back while the other candidate's master still answers: say whom it waits for.
        ...(h.probe!.promotionWaitingOn && roleFile?.role === 'PROMOTING'
          ? [{ host: h.name, probe: probePart('mfs-ha.log'), saw: t('triage.failover.waitingOn', { host: h.name, address: h.probe!.promotionWaitingOn }) }]
          : []),
      ],
    };
    return { kind: 'under-way', window };
  }

  if (!dead) return { kind: 'not-expected', why: [{ probe: PROBE(), saw: t('triage.failover.noKnownMaster') }] };
  const standbys = candidates.filter((c) => c !== dead);
  if (!standbys.length) return { kind: 'not-expected', why: [{ probe: t('triage.probe.inventory'), saw: t('triage.failover.onlyCandidate', { host: dead.name }) }] };

  // The dead side: does anything release the VIP? A lost host's adverts stop; a live one needs a weight-0 check.
  let detectS = 0;
  let released: number | undefined;
  const deadConf = dead.probe?.keepalivedConf;
  if (known(dead)) {
    if (!kaRuns(dead)) {
      if (dead.probe!.holdsVip) return { kind: 'not-expected', why: [{ host: dead.name, probe: probePart('ps'), saw: t('triage.failover.noKeepalivedHolder', { host: dead.name }) }] };
    } else {
      const inst = haInstance(deadConf);
      // Its configuration unreadable here (not root): the standby's, read below, stands in for it.
      if (!inst && !dead.probe!.keepalivedConfUnreadable) {
        return {
          kind: 'not-expected',
          why: [
            {
              host: dead.name,
              probe: probePart('keepalived.conf'),
              saw: deadConf ? t('triage.failover.noHaCheckDead', { host: dead.name }) : t('triage.failover.confUnreadable', { host: dead.name }),
            },
          ],
        };
      }
      if (inst) detectS = detectionS(faultChecks(deadConf!, inst));
      const st = vrrp(dead);
      if (st && st.state !== 'MASTER' && st.lastTransition !== undefined) released = st.lastTransition;
    }
  } else if (!unreachable(dead)) {
    return { kind: 'not-expected', why: [{ host: dead.name, probe: PROBE(), saw: t('triage.failover.stateUnknown', { host: dead.name }) }] };
  }

  for (const s of standbys) {
    if (!known(s)) {
      why.push({ host: s.name, probe: PROBE(), saw: t(unreachable(s) ? 'triage.failover.standbyNoAnswer' : 'triage.failover.standbyUnknown', { host: s.name }) });
      continue;
    }
    if (!kaRuns(s)) {
      why.push({ host: s.name, probe: probePart('ps'), saw: t('triage.failover.standbyNoKeepalived', { host: s.name }) });
      continue;
    }
    const conf = s.probe!.keepalivedConf;
    const inst = haInstance(conf);
    if (!inst && s.probe!.keepalivedConfUnreadable) {
      unreadable.push(confUnreadable(s));
      continue;
    }
    if (!inst) {
      why.push({
        host: s.name,
        probe: probePart('keepalived.conf'),
        saw: conf ? t('triage.failover.noHaCheckStandby', { host: s.name }) : t('triage.failover.confUnreadable', { host: s.name }),
      });
      continue;
    }
    const st = vrrp(s)?.state;
    if (st === 'FAULT') {
      why.push({ host: s.name, probe: t('triage.probe.keepalivedDump'), saw: t('triage.failover.standbyFault', { host: s.name }) });
      continue;
    }
    // Like the deployed check (mfsmetalogger test): a running metalogger is enough for keepalived
    // to promote, also before its first changelog line (CI saw lost-master advised just then).
    if (s.probe!.daemons.mfsmetalogger.length === 0) {
      why.push({ host: s.name, probe: probePart('ps'), saw: t('triage.failover.standbyNoMetalogger', { host: s.name }) });
      continue;
    }
    // Ready: BACKUP with current metadata. The window, from the deployed configuration.
    if (!known(dead)) detectS = 0;
    else if (!deadConf) detectS = detectionS(faultChecks(conf!, inst));
    const takeoverS = masterDownIntervalS(inst);
    const role = roleStartS(s);
    const n = detectS + takeoverS + role.s + FAILOVER_SLACK_S;
    const checks = faultChecks((known(dead) && deadConf) || conf!, haInstance((known(dead) && deadConf) || conf!) ?? inst);
    let anchorAt: number;
    let anchor: string;
    let rest: number;
    if (released !== undefined) {
      anchorAt = released * 1000;
      anchor = t('triage.failover.anchorLeftMaster', { host: dead.name, state: vrrp(dead)!.state, at: iso(anchorAt) });
      rest = takeoverS + role.s + FAILOVER_SLACK_S;
    } else {
      const since = status.mfs.noMasterSince;
      anchorAt = since ?? status.at;
      const seen = status.mfs.masterSeenAt;
      anchor =
        since !== undefined
          ? seen !== undefined
            ? t('triage.failover.anchorNoMasterSinceSeen', { since: iso(since), seen: iso(seen) })
            : t('triage.failover.anchorNoMasterSince', { since: iso(since) })
          : t('triage.failover.anchorNoMasterNow', { at: iso(status.at) });
      rest = n;
    }
    const deadlineAt = anchorAt + rest * 1000;
    const window: FailoverWindow = {
      from: dead.name,
      to: s.name,
      phase: released !== undefined ? 'vip-moving' : 'detecting',
      expectedWithinS: Math.round(n * 100) / 100,
      terms: { detectS, takeoverS: Math.round(takeoverS * 100) / 100, roleStartS: role.s, slackS: FAILOVER_SLACK_S },
      anchorAt,
      anchor,
      deadlineAt,
      evidence: [
        ...(known(dead)
          ? [
              {
                host: dead.name,
                probe: t('triage.probe.keepalivedDump'),
                saw:
                  vrrp(dead)?.lastTransition !== undefined
                    ? t('triage.failover.keepalivedSince', { state: vrrp(dead)?.state ?? t('triage.failover.unknownState'), since: iso(vrrp(dead)!.lastTransition! * 1000) })
                    : t('triage.saw.keepalivedState', { state: vrrp(dead)?.state ?? t('triage.failover.unknownState') }),
              },
            ]
          : []),
        {
          host: s.name,
          probe: t('triage.probe.keepalivedDump'),
          saw: s.probe!.metaloggerChangelog
            ? t('triage.failover.standbyReady', { state: st ?? t('triage.failover.unknownState'), version: s.probe!.metaloggerChangelog.version })
            : t('triage.failover.standbyReadyNoChangelog', { state: st ?? t('triage.failover.unknownState') }),
        },
        {
          host: s.name,
          probe: probePart('keepalived.conf'),
          saw:
            (known(dead)
              ? t('triage.failover.detect', {
                  checks: checks.map((c) => t('triage.failover.check', { name: c.name, interval: fmt(c.interval), fall: c.fall, timeout: fmt(c.timeout) })).join(t('triage.failover.checkSeparator')),
                  seconds: fmt(detectS),
                })
              : t('triage.failover.detectGone', { host: dead.name })) + t('triage.failover.takeover', { advert: fmt(inst.advertInt), priority: inst.priority, seconds: fmt(takeoverS) }),
        },
        { host: s.name, probe: probePart('mfs-ha.log'), saw: role.saw },
      ],
    };
    return status.at <= deadlineAt ? { kind: 'under-way', window } : { kind: 'overdue', window };
  }
  // A standby whose configuration could not be read may be taking over: not a "no".
  return unreadable.length ? { kind: 'unknown', why: [...unreadable, ...why] } : { kind: 'not-expected', why };
}

function confUnreadable(h: HostStatus): Evidence {
  return { host: h.name, probe: probePart('keepalived.conf'), saw: t('triage.failover.confNotReadable', { host: h.name, file: h.probe!.keepalivedConfUnreadable! }) };
}

/**
 * How long one check run that finds a dead master takes at most, whatever its `timeout`: a
 * check says "dead" by itself (keepalived-ha's in about a second: file reads, probes with a
 * 1 s limit). A timeout only bounds a run that cannot finish (a starved or hung host), which
 * keepalived-ha gives 30 s so that starvation is no failover; counted in full, it would make
 * triage wait half a minute for a failover that takes seconds.
 */
export const CHECK_RUN_CAP_S = 5;

/** The longest a dead master goes unnoticed: `fall` failed runs, `interval` apart, the last one up to its `timeout` (at most CHECK_RUN_CAP_S) long. */
function detectionS(checks: { interval: number; fall: number; timeout: number }[]): number {
  return Math.max(0, ...checks.map((c) => c.interval * c.fall + Math.min(c.timeout, CHECK_RUN_CAP_S)));
}

/** `failover expected within 21 s (by 12:00:31)`: one line for titles and screens. */
export function describeWindow(w: FailoverWindow, nowMs: number): string {
  const left = Math.max(0, Math.round((w.deadlineAt - nowMs) / 1000));
  const gone = w.from ? t('triage.failover.masterGone', { host: w.from }) : '';
  const moving = w.phase === 'promoting' ? t('triage.failover.promoting', { host: w.to }) : t('triage.failover.vipTo', { host: w.to });
  return `${gone}${moving}${t('triage.failover.expected', { within: fmt(w.expectedWithinS), by: iso(w.deadlineAt), left })}`;
}
