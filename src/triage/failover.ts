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

export type FailoverJudgement = { kind: 'under-way'; window: FailoverWindow } | { kind: 'overdue'; window: FailoverWindow } | { kind: 'not-expected'; why: Evidence[] };

const known = (h: HostStatus): boolean => !!h.probe && h.reachable && !h.stale;
const unreachable = (h: HostStatus): boolean => !h.reachable && h.failure === 'connect';
const kaRuns = (h: HostStatus): boolean => known(h) && h.probe!.daemons.keepalived.length > 0;
const vrrp = (h: HostStatus) => h.probe?.keepalived?.[0];
const PROBE = 'ssh probe';

/** The instance of a keepalived-ha setup: it tracks a weight-0 check and calls a notify script. */
export function haInstance(conf: KeepalivedConf | undefined): VrrpInstanceConf | undefined {
  return conf?.instances.find((i) => faultChecks(conf, i).length > 0 && (i.notifyMaster || i.notify));
}

function roleStartS(h: HostStatus): { s: number; saw: string } {
  const ps = h.probe?.promotionsS ?? [];
  if (!ps.length) return { s: ROLE_START_DEFAULT_S, saw: `no earlier promotion logged on ${h.name}: ${ROLE_START_DEFAULT_S} s allowed for the role script` };
  const worst = Math.max(...ps);
  const s = Math.max(5, Math.ceil(worst * 1.5 + 2));
  return { s, saw: `${h.name}'s role script took ${ps.join(', ')} s to start a master before (/var/log/mfs-ha.log): ${s} s allowed` };
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

  // The VIP moved already: a candidate is MASTER with the VIP and its role script starts the master.
  // (The state dump may lag the VIP by a tick: a VIP holder whose role script says PROMOTING counts too.)
  // Its master may already be running (mfsmaster -a restore, then start) but does not answer yet.
  const answers = (c: HostStatus) => !!status.mfs.candidates.find((x) => x.host === c.name)?.master?.answering && !status.mfs.stale;
  for (const h of candidates.filter((c) => known(c) && c.probe!.holdsVip && (vrrp(c)?.state === 'MASTER' || c.probe!.haRole?.role === 'PROMOTING') && !answers(c))) {
    if (!haInstance(h.probe!.keepalivedConf)) continue;
    const roleFile = h.probe!.haRole;
    if (roleFile?.role === 'FAILED') {
      return {
        kind: 'not-expected',
        why: [{ host: h.name, probe: `${PROBE} (/run/mfs-ha.role)`, saw: `${h.name}'s role script says its promotion FAILED ${roleFile.ageS} s ago (read /var/log/mfs-ha.log there)` }],
      };
    }
    const role = roleStartS(h);
    const t = vrrp(h)?.state === 'MASTER' ? vrrp(h)!.lastTransition : undefined;
    const recent = t !== undefined && nowS - t <= role.s + FAILOVER_SLACK_S;
    // PROMOTING: the role script runs. MASTER just now with the notify still ahead (role BACKUP/FAULT/none): about to run.
    // Role MASTER, or MASTER for long: its master ran and died (the dead-master case below).
    const promoting = (roleFile?.role === 'PROMOTING' && roleFile.ageS <= PROMOTION_CAP_S) || (recent && roleFile?.role !== 'MASTER');
    if (!promoting) continue;
    const anchorAt = t !== undefined ? t * 1000 : status.at - roleFile!.ageS * 1000;
    const window: FailoverWindow = {
      from: candidates.find((c) => c !== h)?.name,
      to: h.name,
      phase: 'promoting',
      expectedWithinS: role.s + FAILOVER_SLACK_S,
      terms: { detectS: 0, takeoverS: 0, roleStartS: role.s, slackS: FAILOVER_SLACK_S },
      anchorAt,
      anchor: t !== undefined ? `keepalived made ${h.name} MASTER at ${iso(t * 1000)} (the VIP moved ${fmt(nowS - t)} s ago)` : `${h.name}'s role script has been promoting for ${roleFile!.ageS} s`,
      // A role script still PROMOTING is waited for (up to PROMOTION_CAP_S), even past the usual time.
      deadlineAt: Math.max(anchorAt + (role.s + FAILOVER_SLACK_S) * 1000, roleFile?.role === 'PROMOTING' ? status.at + FAILOVER_SLACK_S * 1000 : 0),
      evidence: [
        {
          host: h.name,
          probe: `${PROBE} (keepalived state dump)`,
          saw: `MASTER with the VIP${t !== undefined ? ` since ${iso(t * 1000)}` : ''}; ${h.probe!.daemons.mfsmaster.length ? 'mfsmaster starting, not answering yet' : 'mfsmaster not running yet'}`,
        },
        ...(roleFile ? [{ host: h.name, probe: `${PROBE} (/run/mfs-ha.role)`, saw: `role ${roleFile.role} for ${roleFile.ageS} s` }] : []),
        { host: h.name, probe: `${PROBE} (mfs-ha.log)`, saw: role.saw },
      ],
    };
    return { kind: 'under-way', window };
  }

  if (!dead) return { kind: 'not-expected', why: [{ probe: PROBE, saw: 'no master candidate is known to have run the master' }] };
  const standbys = candidates.filter((c) => c !== dead);
  if (!standbys.length) return { kind: 'not-expected', why: [{ probe: 'inventory', saw: `${dead.name} is the only master candidate: nothing to fail over to` }] };

  // The dead side: does anything release the VIP? A lost host's adverts stop; a live one needs a weight-0 check.
  let detectS = 0;
  let released: number | undefined;
  const deadConf = dead.probe?.keepalivedConf;
  if (known(dead)) {
    if (!kaRuns(dead)) {
      if (dead.probe!.holdsVip)
        return { kind: 'not-expected', why: [{ host: dead.name, probe: `${PROBE} (ps)`, saw: `keepalived does not run on ${dead.name}, which holds the VIP: nothing releases it` }] };
    } else {
      const inst = haInstance(deadConf);
      if (!inst) {
        return {
          kind: 'not-expected',
          why: [
            {
              host: dead.name,
              probe: `${PROBE} (keepalived.conf)`,
              saw: deadConf
                ? `${dead.name}'s keepalived tracks no weight-0 check with a notify script (not the keepalived-ha setup): it keeps the VIP without a master`
                : `${dead.name}'s keepalived configuration could not be read`,
            },
          ],
        };
      }
      detectS = detectionS(faultChecks(deadConf!, inst));
      const st = vrrp(dead);
      if (st && st.state !== 'MASTER' && st.lastTransition !== undefined) released = st.lastTransition;
    }
  } else if (!unreachable(dead)) {
    return { kind: 'not-expected', why: [{ host: dead.name, probe: PROBE, saw: `${dead.name}'s state is unknown` }] };
  }

  for (const s of standbys) {
    if (!known(s)) {
      why.push({ host: s.name, probe: PROBE, saw: `standby ${s.name} ${unreachable(s) ? 'does not answer' : 'state unknown'}: it cannot be counted on to take over` });
      continue;
    }
    if (!kaRuns(s)) {
      why.push({ host: s.name, probe: `${PROBE} (ps)`, saw: `keepalived does not run on standby ${s.name}: nothing takes the VIP over` });
      continue;
    }
    const conf = s.probe!.keepalivedConf;
    const inst = haInstance(conf);
    if (!inst) {
      why.push({
        host: s.name,
        probe: `${PROBE} (keepalived.conf)`,
        saw: conf ? `${s.name}'s keepalived has no keepalived-ha check (a weight-0 vrrp_script and a notify script)` : `${s.name}'s keepalived configuration could not be read`,
      });
      continue;
    }
    const st = vrrp(s)?.state;
    if (st === 'FAULT') {
      why.push({ host: s.name, probe: `${PROBE} (keepalived state dump)`, saw: `standby ${s.name}'s keepalived is FAULT: its check fails, it cannot take over` });
      continue;
    }
    // Like the deployed check (mfsmetalogger test): a running metalogger is enough for keepalived
    // to promote, also before its first changelog line (CI saw lost-master advised just then).
    if (s.probe!.daemons.mfsmetalogger.length === 0) {
      why.push({ host: s.name, probe: `${PROBE} (ps)`, saw: `standby ${s.name} runs no metalogger: its check keeps it from taking over` });
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
      anchor = `${dead.name}'s keepalived left MASTER (${vrrp(dead)!.state}) at ${iso(anchorAt)}: its check failed, the VIP was released`;
      rest = takeoverS + role.s + FAILOVER_SLACK_S;
    } else {
      const since = status.mfs.noMasterSince;
      anchorAt = since ?? status.at;
      const seen = status.mfs.masterSeenAt;
      anchor =
        since !== undefined
          ? `no master has answered since ${iso(since)}${seen !== undefined ? ` (one last answered at ${iso(seen)})` : ' (first seen by this triage: when the master died is not known)'}`
          : `no master answers as of ${iso(status.at)} (first seen now: when the master died is not known)`;
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
                probe: `${PROBE} (keepalived state dump)`,
                saw: `keepalived ${vrrp(dead)?.state ?? 'state unknown'}${vrrp(dead)?.lastTransition !== undefined ? ` since ${iso(vrrp(dead)!.lastTransition! * 1000)}` : ''}`,
              },
            ]
          : []),
        {
          host: s.name,
          probe: `${PROBE} (keepalived state dump)`,
          saw: `standby keepalived ${st ?? 'state unknown'}, metalogger running${s.probe!.metaloggerChangelog ? ` with metadata up to change ${s.probe!.metaloggerChangelog.version}` : ' (no changelog yet)'}`,
        },
        {
          host: s.name,
          probe: `${PROBE} (keepalived.conf)`,
          saw: `${known(dead) ? `check ${checks.map((c) => `${c.name} every ${fmt(c.interval)} s, fall ${c.fall}, timeout ${fmt(c.timeout)} s`).join(' and ')}: noticed within ${fmt(detectS)} s; ` : `${dead.name}'s host is gone, no check to fail: 0 s; `}advert_int ${fmt(inst.advertInt)} s, priority ${inst.priority}: takeover within ${fmt(takeoverS)} s`,
        },
        { host: s.name, probe: `${PROBE} (mfs-ha.log)`, saw: role.saw },
      ],
    };
    return status.at <= deadlineAt ? { kind: 'under-way', window } : { kind: 'overdue', window };
  }
  return { kind: 'not-expected', why };
}

/** The longest a dead master goes unnoticed: `fall` failed runs, `interval` apart, the last one up to its `timeout` long. */
function detectionS(checks: { interval: number; fall: number; timeout: number }[]): number {
  return Math.max(0, ...checks.map((c) => c.interval * c.fall + c.timeout));
}

/** `failover expected within 21 s (by 12:00:31)`: one line for titles and screens. */
export function describeWindow(w: FailoverWindow, nowMs: number): string {
  const left = Math.max(0, Math.round((w.deadlineAt - nowMs) / 1000));
  const gone = w.from ? t('triage.failover.masterGone', { host: w.from }) : '';
  const moving = w.phase === 'promoting' ? t('triage.failover.promoting', { host: w.to }) : t('triage.failover.vipTo', { host: w.to });
  return `${gone}${moving}${t('triage.failover.expected', { within: fmt(w.expectedWithinS), by: iso(w.deadlineAt), left })}`;
}
