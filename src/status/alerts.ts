// Alerts derived from a status snapshot: pure, so every rule is unit-tested on plain data.
import { CLOCK_SKEW_WARN_S, clusterSkews, formatSkew, skewBeyond } from './clock.ts';
import { answeringMasters, formatAge, lockedOut, loginLabel, metaloggerLags, vipHolders, vipMaster, type Alert, type ClusterStatus } from './model.ts';
import { t } from '../i18n/index.ts';

export interface AlertOptions {
  /** A metalogger more than this many metadata versions behind the master lags (default 100). */
  metaloggerLagVersions?: number;
  /** How far a metalogger may be ahead of the master before it is called stale (default 0). */
  staleMasterToleranceVersions?: number;
}

const names = (xs: { name?: string; host?: string }[]) => xs.map((x) => x.name ?? x.host ?? '?');
const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : t('triage.list', { items: xs.slice(0, -1).join(t('triage.listSeparator')), last: xs.at(-1)! }));

export function deriveAlerts(s: Omit<ClusterStatus, 'alerts'>, opts: AlertOptions = {}): Alert[] {
  const alerts: Alert[] = [];
  const add = (a: Alert) => alerts.push(a);
  const candidates = s.hosts.filter((h) => h.roles.includes('master-candidate'));
  const holders = vipHolders(s);

  // --- VIP and masters ---
  if (holders.length > 1) {
    add({ code: 'split-brain-vip', severity: 'critical', hosts: names(holders), message: t('alert.splitBrainVip', { hosts: list(names(holders)), vip: s.vip }) });
  }
  const answering = answeringMasters(s);
  if (answering.length > 1) {
    const hs = names(answering);
    add({ code: 'split-brain-masters', severity: 'critical', hosts: hs, message: t('alert.splitBrainMasters', { hosts: list(hs) }) });
  }
  const probedCandidates = candidates.filter((h) => h.probe && !h.stale);
  if (holders.length === 0 && candidates.length > 0) {
    const unknown = candidates.filter((h) => !h.probe || h.stale).map((h) => h.name);
    add({
      code: 'no-vip-holder',
      severity: 'critical',
      hosts: candidates.map((h) => h.name),
      message:
        probedCandidates.length === 0
          ? t('alert.noVipHolderKnown', { hosts: list(unknown) })
          : unknown.length
            ? t('alert.noVipHolderPartly', { vip: s.vip, hosts: list(unknown) })
            : t('alert.noVipHolder', { vip: s.vip }),
    });
  }
  for (const h of holders) {
    if (h.probe && h.probe.daemons.mfsmaster.length === 0) {
      add({ code: 'vip-without-master', severity: 'critical', hosts: [h.name], message: t('alert.vipWithoutMaster', { host: h.name }) });
    }
  }
  const viaVip = s.mfs.viaVip;
  if (viaVip?.noMaster) {
    add({ code: 'no-master', severity: 'critical', hosts: [], message: t('alert.noMaster', { vip: s.vip }) });
  }

  // --- stale master: a metalogger has seen newer metadata than the master serves ---
  const master = vipMaster(s);
  const lags = metaloggerLags(s);
  if (master?.metadataVersion !== undefined) {
    // The metalogger holds a version the master never had (behind < 0). A busy master read a
    // moment before the metalogger can look behind too: the tolerance absorbs that.
    const ahead = lags.filter((l) => l.behind < -(opts.staleMasterToleranceVersions ?? 0));
    if (ahead.length > 0) {
      const best = Math.max(...ahead.map((l) => l.version));
      add({
        code: 'stale-master',
        severity: 'critical',
        hosts: holders.length ? names(holders) : [],
        message: t('alert.staleMaster', { version: master.metadataVersion, hosts: list(ahead.map((l) => l.host)), best }),
      });
    }
  }

  // --- metaloggers ---
  const lagMax = opts.metaloggerLagVersions ?? 100;
  for (const l of lags) {
    if (l.behind > lagMax) {
      add({ code: 'metalogger-lagging', severity: 'warning', hosts: [l.host], message: t('alert.metaloggerLagging', { host: l.host, behind: l.behind }) });
    }
  }
  for (const h of s.hosts.filter((h) => h.roles.includes('metalogger') && h.probe && !h.stale)) {
    if (h.probe!.daemons.mfsmetalogger.length === 0) {
      add({ code: 'metalogger-down', severity: 'warning', hosts: [h.name], message: t('alert.metaloggerDown', { host: h.name }) });
    }
  }
  if (viaVip && !viaVip.noMaster && viaVip.sections.has('IG') && viaVip.metaloggers.length === 0 && s.hosts.some((h) => h.roles.includes('metalogger'))) {
    add({ code: 'metalogger-down', severity: 'warning', hosts: [], message: t('alert.noMetalogger') });
  }

  // --- chunkservers and chunks ---
  for (const d of viaVip?.disconnected ?? []) {
    const host = s.hosts.find((h) => h.address === d.ip)?.name;
    add({
      code: 'chunkserver-down',
      severity: 'critical',
      hosts: host ? [host] : [],
      message: t(d.maintenance === 'on' || d.maintenance === 'temp' ? 'alert.chunkserverDisconnectedMaintenance' : 'alert.chunkserverDisconnected', { server: `${host ?? d.ip}:${d.port}`, id: d.id }),
    });
  }
  for (const h of s.hosts.filter((h) => h.roles.includes('chunkserver') && h.probe && !h.stale)) {
    const reported = viaVip?.disconnected.some((d) => d.ip === h.address);
    if (h.probe!.daemons.mfschunkserver.length === 0 && !reported) {
      add({ code: 'chunkserver-down', severity: 'critical', hosts: [h.name], message: t('alert.chunkserverDown', { host: h.name }) });
    }
  }
  const c = viaVip?.chunkClasses;
  if (c?.missing) add({ code: 'missing-chunks', severity: 'critical', hosts: [], message: t('alert.missingChunks', { n: c.missing }) });
  if (c?.endangered) add({ code: 'endangered-chunks', severity: 'critical', hosts: [], message: t('alert.endangeredChunks', { n: c.endangered }) });
  if (c?.undergoal) add({ code: 'undergoal-chunks', severity: 'warning', hosts: [], message: t('alert.undergoalChunks', { n: c.undergoal }) });

  // --- clocks: a master candidate's skew moves failover timings and the metadata's times ---
  const readings = s.hosts.filter((h) => h.probe?.clock && !h.stale).map((h) => ({ host: h.name, clock: h.probe!.clock! }));
  for (const k of clusterSkews(readings)) {
    if (!candidates.some((c) => c.name === k.host) || !skewBeyond(k)) continue;
    add({
      code: 'clock-skew',
      severity: 'warning',
      hosts: [k.host],
      message: t('alert.clockSkew', { host: k.host, skew: formatSkew(k), limit: CLOCK_SKEW_WARN_S }),
    });
  }

  // --- the probes themselves ---
  // Locked out is not down: the host answered, and may be running anything (a master too).
  for (const h of s.hosts.filter(lockedOut)) {
    const candidate = h.roles.includes('master-candidate');
    add({
      code: 'host-locked-out',
      severity: candidate ? 'critical' : 'warning',
      hosts: [h.name],
      message: `${t(candidate ? 'alert.lockedOutCandidate' : 'alert.lockedOut', { host: h.name, why: loginLabel(h.login) })}${h.error ? ` (${h.error})` : ''}`,
    });
  }
  for (const h of s.hosts.filter((h) => h.stale && !lockedOut(h))) {
    add({
      code: 'host-stale',
      severity: 'warning',
      hosts: [h.name],
      // A host never seen has no age: "no answer for never" said nothing.
      message: `${
        h.ageMs === undefined
          ? t(h.failure === 'probe' ? 'alert.noStatusYet' : 'alert.noAnswerYet', { host: h.name })
          : t(h.failure === 'probe' ? 'alert.noStatusFor' : 'alert.noAnswerFor', { host: h.name, age: formatAge(h.ageMs) })
      }${h.error ? ` (${h.error})` : ''}`,
    });
  }
  if (s.mfs.error) add({ code: 'probe-problem', severity: 'warning', hosts: s.mfs.via ? [s.mfs.via] : [], message: `mfscli: ${s.mfs.error}` });
  for (const p of viaVip?.problems ?? []) add({ code: 'probe-problem', severity: 'warning', hosts: [], message: t('alert.mfscliOutput', { problem: p }) });
  return alerts;
}
