// Status at fleet size (tens to hundreds of hosts): hosts counted by state, worst first, and
// alerts of one kind folded into one line naming the first hosts, so a screen of 24 rows
// says what is wrong without a wall of rows. Pure: the screens use it, `status` text does not
// (it lists every alert).
import type { Alert, HostStatus } from './model.ts';
import { lockedOut } from './model.ts';
import { hostState } from './text.ts';
import { t } from '../i18n/index.ts';

export interface StateCount {
  /** `DOWN`, `LOGIN REFUSED`, `STALE`, `chunk stopped`, `ok`, ... */
  state: string;
  count: number;
  /** 0 cannot be reached or logged into, 1 old/unknown data or a role's daemon not running, 2 fine. */
  rank: 0 | 1 | 2;
}

/** The role daemons a host should run but does not (`chunk`, `mlog`). */
function stoppedDaemons(h: HostStatus): string[] {
  const d = h.probe?.daemons;
  if (!d || h.stale) return [];
  const out: string[] = [];
  if (h.roles.includes('chunkserver') && d.mfschunkserver.length === 0) out.push('chunk');
  if (h.roles.includes('metalogger') && d.mfsmetalogger.length === 0) out.push('mlog');
  return out;
}

/** One host's state as counted: its status label without the age (`STALE`), or `chunk stopped` when a role's daemon is not running. */
export function countedState(h: HostStatus): { state: string; rank: 0 | 1 | 2 } {
  if (lockedOut(h) || (h.stale && h.okAt === undefined && h.failure !== 'probe')) return { state: hostState(h), rank: 0 };
  if (h.stale) return { state: h.okAt === undefined ? t('status.host.noStatus') : t('fleet.state.stale'), rank: 1 };
  if (!h.probe) return { state: t('fleet.state.noAnswerYet'), rank: 1 };
  const stopped = stoppedDaemons(h);
  if (stopped.length > 0) return { state: t('fleet.state.stopped', { daemons: stopped.join('+') }), rank: 1 };
  return { state: h.paused ? t('status.host.paused') : t('status.host.ok'), rank: 2 };
}

/** Hosts counted by state, worst first (then the larger count, then by name). */
export function hostStateCounts(hosts: readonly HostStatus[]): StateCount[] {
  const by = new Map<string, StateCount>();
  for (const h of hosts) {
    const { state, rank } = countedState(h);
    const c = by.get(state) ?? { state, count: 0, rank };
    c.count++;
    by.set(state, c);
  }
  return [...by.values()].sort((a, b) => a.rank - b.rank || b.count - a.count || a.state.localeCompare(b.state));
}

/** How a fold of alerts of one code is worded: `N what: host, host, …`. */
function foldedMessage(code: Alert['code'], count: number, hosts: string, first: string): string {
  switch (code) {
    case 'chunkserver-down':
      return t('fleet.fold.chunkserverDown', { count, hosts });
    case 'host-stale':
      return t('fleet.fold.hostStale', { count, hosts });
    case 'host-locked-out':
      return t('fleet.fold.hostLockedOut', { count, hosts });
    case 'metalogger-down':
      return t('fleet.fold.metaloggerDown', { count, hosts });
    case 'metalogger-lagging':
      return t('fleet.fold.metaloggerLagging', { count, hosts });
    case 'probe-problem':
      return t('fleet.fold.probeProblem', { count, hosts });
    default:
      return t('fleet.fold.like', { count, message: first, hosts });
  }
}

/**
 * Alerts with `atLeast` or more of one code and severity folded into one (in the place of the
 * first), naming the first `names` hosts: `14 hosts without an answer: c3, c10, … and 8 more`.
 */
export function foldAlerts(alerts: readonly Alert[], atLeast = 3, names = 6): Alert[] {
  const groups = new Map<string, Alert[]>();
  for (const a of alerts) {
    const k = `${a.code}/${a.severity}`;
    groups.set(k, [...(groups.get(k) ?? []), a]);
  }
  const out: Alert[] = [];
  for (const group of groups.values()) {
    if (group.length < atLeast) {
      out.push(...group);
      continue;
    }
    const first = group[0]!;
    // An alert without a host (a chunkserver only mfscli knows, by address) is named by its message.
    const who = group.map((a) => (a.hosts.length ? a.hosts.join('+') : a.message));
    const named = who.slice(0, names).join(', ') + (who.length > names ? t('fleet.fold.more', { count: who.length - names }) : '');
    out.push({ code: first.code, severity: first.severity, hosts: group.flatMap((a) => a.hosts), message: foldedMessage(first.code, group.length, named, first.message) });
  }
  return out;
}
