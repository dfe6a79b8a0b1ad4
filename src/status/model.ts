// The cluster status model: what the poller knows, per host and from mfscli. Pure data and
// pure derivations (VIP holders, answering masters, metalogger lag); alerts.ts judges it.
import type { Role } from '../runbook/types.ts';
import { infoNumber, type ChunkClasses, type MasterRow, type MfscliReport } from './parse-mfscli.ts';
import type { HostProbe } from './probe.ts';
import { t } from '../i18n/index.ts';

export interface HostStatus {
  name: string;
  address: string;
  roles: Role[];
  /** The last successful probe (kept when later probes fail: see stale). */
  probe?: HostProbe;
  rttMs?: number;
  /** The last attempt succeeded. */
  reachable: boolean;
  /** Epoch ms of the last successful probe. */
  okAt?: number;
  /** Why the last attempt failed. */
  error?: string;
  /**
   * How the last attempt failed: `connect`, no answer (host down, port closed, no SSH
   * greeting in time); `login`, the host answered but we could not log in or act there (our
   * key or password refused, its host key changed or unknown, sudo refused): its state is
   * unknown and it may well be running; `probe`, logged in but the status probe did not
   * finish or failed (a host busy with a failover, a hung disk). Only `connect` means unreachable.
   */
  failure?: HostFailure;
  /** Why logging in failed (with failure `login`). */
  login?: LoginProblem;
  /** No successful probe within the stale limit: the data shown is old (or absent). */
  stale: boolean;
  /** Milliseconds since the last successful probe (undefined: never). */
  ageMs?: number;
  /**
   * Asked again and not answering well past its usual time, not stale yet (staleness.ts
   * isOverdue): its last answer may no longer hold. Unset when it answers as usual.
   */
  overdue?: boolean;
  /** A runbook step runs here: heavy probe parts are paused. */
  paused: boolean;
}

export type HostFailure = 'connect' | 'login' | 'probe';

/** What refused us: the host key (changed, unknown, or not accepted), our key/password, or sudo. */
export type LoginProblem = 'host-key-changed' | 'host-key-unknown' | 'host-key-rejected' | 'auth-refused' | 'sudo-refused' | 'no-credentials';

/** The host answered SSH at its last probe (even when it refused our login), whether or not the probe then gave a report. */
export const sshAnswered = (h: HostStatus): boolean => h.reachable || h.failure === 'probe' || h.failure === 'login';

/** We could not log into the host (or act as root there) at its last probe. */
export const lockedOut = (h: HostStatus): boolean => !h.reachable && h.failure === 'login';

/** The host could not be reached or logged into at its last probe: what exit code 3 means. */
export const hostInaccessible = (h: HostStatus): boolean => !h.reachable && (h.failure === 'connect' || h.failure === 'login');

/** `KEY CHANGED`, `LOGIN REFUSED`, ...: what status shows for a host we cannot log into. */
export function loginLabel(p: LoginProblem | undefined): string {
  switch (p) {
    case 'host-key-changed':
      return t('status.login.keyChanged');
    case 'host-key-unknown':
      return t('status.login.keyUnknown');
    case 'host-key-rejected':
      return t('status.login.keyRejected');
    case 'sudo-refused':
      return t('status.login.sudoRefused');
    case 'no-credentials':
      return t('status.login.noKey');
    default:
      return t('status.login.refused');
  }
}

export interface CandidateMaster {
  host: string;
  address: string;
  /** The -SIM row for this candidate's address, when mfscli printed one. */
  master?: MasterRow;
}

export interface MfsStatus {
  /** The host mfscli ran on. */
  via?: string;
  okAt?: number;
  ageMs?: number;
  stale: boolean;
  error?: string;
  /** mfscli through the VIP. */
  viaVip?: MfscliReport;
  /** Epoch ms of the last mfscli run in which a master answered (this poller's life only). */
  masterSeenAt?: number;
  /** Epoch ms of the first mfscli run since then in which no master answered (unset while one answers). */
  noMasterSince?: number;
  candidates: CandidateMaster[];
}

export interface ClusterStatus {
  cluster: string;
  vip: string;
  /** Epoch ms this snapshot was made. */
  at: number;
  intervalMs: number;
  hosts: HostStatus[];
  mfs: MfsStatus;
  alerts: Alert[];
  /** A failover this poller watched happen (shown until a minute after every chunkserver is back). */
  failover?: FailoverTimeline;
}

export type AlertCode =
  | 'split-brain-vip'
  | 'split-brain-masters'
  | 'no-vip-holder'
  | 'vip-without-master'
  | 'no-master'
  | 'stale-master'
  | 'chunkserver-down'
  | 'missing-chunks'
  | 'endangered-chunks'
  | 'undergoal-chunks'
  | 'metalogger-down'
  | 'metalogger-lagging'
  | 'host-stale'
  | 'host-locked-out'
  | 'clock-skew'
  | 'probe-problem';

export interface Alert {
  code: AlertCode;
  severity: 'critical' | 'warning';
  message: string;
  hosts: string[];
}

/**
 * Hosts whose last probe saw the VIP on them, while that probe is fresh: a host gone stale
 * (lost in a failover) no longer counts as holding it, or its old answer would read as a split brain.
 */
/**
 * The hosts whose answer decides who holds the VIP: the master candidates, any host whose
 * last answer held it, and a host without a role that answers (a spare being rebuilt into a
 * master takes the VIP before the inventory names it a candidate; one that is down does not
 * hold every check up for its connect timeout). The gate's fresh snapshot waits for these,
 * never for every chunkserver.
 */
export function mayHoldVip(h: Pick<HostStatus, 'roles' | 'probe' | 'reachable'>): boolean {
  return h.roles.includes('master-candidate') || !!h.probe?.holdsVip || (h.roles.length === 0 && h.reachable);
}

export function vipHolders(s: Pick<ClusterStatus, 'hosts'>): HostStatus[] {
  return s.hosts.filter((h) => h.probe?.holdsVip && !h.stale);
}

/** Candidates whose master answered mfscli. */
export function answeringMasters(s: Pick<ClusterStatus, 'mfs'>): CandidateMaster[] {
  return s.mfs.candidates.filter((c) => c.master?.answering);
}

/** The master answering through the VIP (first -SIM row), when one does. */
export function vipMaster(s: Pick<ClusterStatus, 'mfs'>): MasterRow | undefined {
  const r = s.mfs.viaVip;
  return r && !r.noMaster ? r.masters.find((m) => m.answering) : undefined;
}

export interface MetaloggerLag {
  host: string;
  /** Last version in its changelog_ml.0.mfs. */
  version: number;
  /** Versions behind the master (the master's metadata version is the next one to use). */
  behind: number;
  changelogAgeS: number;
}

/** Lag of every host running a metalogger with a changelog, against the VIP's master. */
export function metaloggerLags(s: Pick<ClusterStatus, 'hosts' | 'mfs'>): MetaloggerLag[] {
  const master = vipMaster(s)?.metadataVersion;
  if (master === undefined) return [];
  return s.hosts.flatMap((h) => {
    const cl = h.probe?.metaloggerChangelog;
    if (!cl || h.probe!.daemons.mfsmetalogger.length === 0) return [];
    return [{ host: h.name, version: cl.version, behind: master - 1 - cl.version, changelogAgeS: cl.ageS }];
  });
}

export interface SpaceSummary {
  total?: number;
  avail?: number;
  trash?: number;
  usedFraction?: number;
}

export function spaceOf(r: MfscliReport | undefined): SpaceSummary {
  if (!r) return {};
  const total = infoNumber(r, 'total space');
  const avail = infoNumber(r, 'avail space');
  const trash = infoNumber(r, 'trash space');
  const usedFraction = total && avail !== undefined ? Math.min(1, Math.max(0, (total - avail) / total)) : undefined;
  return { total, avail, trash, usedFraction };
}

export function chunkClassesOf(s: Pick<ClusterStatus, 'mfs'>): ChunkClasses | undefined {
  return s.mfs.viaVip?.chunkClasses;
}

/** One point of the poller's history ring (for sparklines and the dashboard's charts). */
export interface HistoryPoint {
  at: number;
  missing?: number;
  endangered?: number;
  undergoal?: number;
  usedBytes?: number;
  totalBytes?: number;
}

export function historyPointOf(s: Pick<ClusterStatus, 'mfs' | 'at'>): HistoryPoint {
  const c = chunkClassesOf(s);
  const sp = spaceOf(s.mfs.viaVip);
  return {
    at: s.at,
    missing: c?.missing,
    endangered: c?.endangered,
    undergoal: c?.undergoal,
    totalBytes: sp.total,
    usedBytes: sp.total !== undefined && sp.avail !== undefined ? sp.total - sp.avail : undefined,
  };
}

/** `12 s`, `3 min`, `2 h`: ages for stale marks. */
export function formatAge(ms: number | undefined): string {
  if (ms === undefined) return t('status.age.never');
  const s = Math.round(ms / 1000);
  if (s < 120) return t('status.age.seconds', { n: s });
  if (s < 7200) return t('status.age.minutes', { n: Math.round(s / 60) });
  return t('status.age.hours', { n: Math.round(s / 3600) });
}

/** A failover as it happens (status/failover-timeline.ts follows it). */
export interface FailoverStep {
  /** What happened (matched on, never the label): the master gone, the VIP moved, a promotion, serving again. */
  kind: 'gone' | 'vip' | 'promoting' | 'serving';
  host?: string;
  /** In the operator's language when it was seen. */
  label: string;
  /** Epoch ms the snapshot that first showed it was made. */
  at: number;
}

export interface FailoverTimeline {
  from: string;
  steps: FailoverStep[];
  /** Every chunkserver is connected to the new master again. */
  done: boolean;
}
