// How the status screen shares a terminal's rows: the VIP panel and the critical alerts
// always show, the host table gets at least a few rows and scrolls (with its position
// shown), the chunk panel shrinks to its summary before anything is cut. Pure: tested alone.
import type { ClusterStatus, HostStatus } from '../../src/status/model.ts';
import { lockedOut } from '../../src/status/model.ts';
import { wrapCells } from '../../src/util/cells.ts';
import { visibleLine } from '../../src/util/visible.ts';
import { foldAlerts } from '../../src/status/fleet-summary.ts';
import { t } from '../../src/i18n/index.ts';

/** Alerts the VIP panel shows itself (in red, under the holder). */
export const VIP_ALERTS: ReadonlySet<string> = new Set(['split-brain-vip', 'split-brain-masters', 'no-vip-holder', 'vip-without-master', 'no-master', 'stale-master']);

/**
 * Hosts that need a look first: down or locked out, then stale or without status or missing
 * a daemon its roles run (a chunkserver host whose mfschunkserver stopped: at a hundred
 * hosts it must not be scrolled out of sight), then the rest (inventory order within each).
 */
export function hostRank(h: HostStatus): number {
  if (lockedOut(h) || (h.stale && h.okAt === undefined)) return 0;
  if (h.stale || !h.probe) return 1;
  if ((h.roles.includes('chunkserver') && h.probe.daemons.mfschunkserver.length === 0) || (h.roles.includes('metalogger') && h.probe.daemons.mfsmetalogger.length === 0)) return 1;
  return 2;
}

export function hostsProblemsFirst(hosts: readonly HostStatus[]): HostStatus[] {
  return hosts
    .map((h, i) => ({ h, i }))
    .sort((a, b) => hostRank(a.h) - hostRank(b.h) || a.i - b.i)
    .map((x) => x.h);
}

/** An alert as the lines it takes at this width (`✖ ` or `! ` before it, wrapped under itself). */
export function alertLines(mark: string, message: string, width: number): string[] {
  return wrapCells(visibleLine(message), Math.max(10, width - 2)).map((l, i) => `${i === 0 ? mark : ' '} ${l}`);
}

/** "hosts 1–12 of 60" (or "chunkservers …"), in the operator's language. */
export function position(what: 'hosts' | 'chunkservers' | 'disks', from: number, shown: number, total: number): string {
  if (total === 0) return what === 'hosts' ? t('status.position.noHosts') : what === 'disks' ? t('status.position.noDisks') : t('status.position.noChunkservers');
  const at = { from: from + 1, to: Math.min(total, from + shown), total };
  return what === 'hosts' ? t('status.position.hosts', at) : what === 'disks' ? t('status.position.disks', at) : t('status.position.chunkservers', at);
}

/** Alerts not shown in the VIP panel, critical ones first; `fold`: three or more of one kind in one line (a fleet's down hosts on a screen of fixed rows). */
export function otherAlerts(s: ClusterStatus, fold = false): ClusterStatus['alerts'] {
  const mine = s.alerts.filter((a) => !VIP_ALERTS.has(a.code));
  const others = fold ? foldAlerts(mine) : mine;
  return [...others.filter((a) => a.severity === 'critical'), ...others.filter((a) => a.severity !== 'critical')];
}

/** Lines a scrolled host table adds: the counts by state above it, the position below. */
export const SCROLL_LINES = 2;

export interface StatusLayout {
  /** Alerts listed under the VIP panel (the rest are counted on one line). */
  alerts: number;
  /** Host table rows shown at once (all when they fit). */
  hostRows: number;
  /** Chunkserver table rows shown; 0 with `chunkTable` false: a one-line summary instead. */
  chunkRows: number;
  chunkTable: boolean;
  sparklines: boolean;
}

/** Rows each panel gets within `rows` (the whole screen's live area, title line included); `disks`: the disk view instead of the chunkservers. */
export function statusLayout(s: ClusterStatus, rows: number, columns = 80, opts: { disks?: boolean } = {}): StatusLayout {
  const candidates = s.hosts.filter((h) => h.roles.includes('master-candidate')).length;
  const vipAlerts = s.alerts.filter((a) => VIP_ALERTS.has(a.code)).reduce((n, a) => n + alertLines('✖', a.message, columns - 4).length, 0);
  const others = otherAlerts(s, true);
  const criticals = others.filter((a) => a.severity === 'critical').length;
  const vip = s.mfs.viaVip;
  // The disk view (DiskPanel) takes the chunk panel's place: a row per disk, or one while they are asked for.
  const servers = !vip || vip.noMaster ? 0 : opts.disks ? Math.max(1, vip.disks?.length ?? 0) : vip.chunkservers.length + vip.disconnected.length;
  // border + space and classes lines (the disk view: one summary line), or the one problem line
  const chunkBase = vip && !vip.noMaster && !opts.disks ? 2 + 2 : 2 + 1;
  let free = rows - 1 /* title */ - (2 + 1 + candidates + (s.failover ? 1 : 0) + vipAlerts) /* VIP panel */ - 3 /* host table border and header */ - chunkBase;
  // Alerts: every critical one if at all possible, warnings as room allows; one line counts the rest.
  // Each alert takes the lines it wraps to: count how many fit in the rows they may have.
  const cap = Math.max(1, Math.min(Math.max(criticals, Math.floor(rows / 5)), free - 4));
  const heights = others.map((a) => alertLines('!', a.message, columns - 2).length);
  let alerts = 0;
  let used = 0;
  while (alerts < others.length && used + heights[alerts]! <= cap - (alerts + 1 < others.length ? 1 : 0)) used += heights[alerts++]!;
  if (alerts === 0 && others.length > 0 && heights[0]! <= cap) {
    alerts = 1;
    used = heights[0]!;
  }
  free -= used + (alerts < others.length ? 1 : 0);
  // Hosts: at least 3 rows (plus the counts-by-state and position lines when they scroll).
  const hostsMin = Math.min(s.hosts.length, 3);
  // The disk view was asked for: the hosts give it room for its header and a few disks.
  const chunkReserve = opts.disks && servers > 0 ? 1 + Math.min(servers, 4) : servers > 0 ? 2 : 0;
  const scrolls = s.hosts.length > free - chunkReserve;
  let hostRows = Math.min(s.hosts.length, Math.max(hostsMin, free - chunkReserve - (scrolls ? SCROLL_LINES : 0)));
  free -= hostRows;
  if (hostRows < s.hosts.length) free -= SCROLL_LINES;
  // Chunkservers: the table (header + rows, a position line when cut) when 2 rows fit, else a summary line.
  let chunkTable = servers > 0 && free >= 3;
  let chunkRows = 0;
  if (chunkTable) {
    chunkRows = Math.min(servers, free - 1);
    free -= 1 + chunkRows;
    if (chunkRows < servers) {
      chunkRows -= 1;
      if (chunkRows <= 0) chunkTable = false;
    }
  } else if (servers > 0) free -= 1;
  if (!chunkTable) chunkRows = 0;
  // Rows still free go to the hosts, then the sparklines.
  if (hostRows < s.hosts.length && free > 0) {
    const more = Math.min(free, s.hosts.length - hostRows);
    hostRows += more;
    free -= more;
    if (hostRows === s.hosts.length) free += SCROLL_LINES; // no counts and position lines any more
  }
  const sparklines = vip !== undefined && !vip.noMaster && free >= 3;
  return { alerts, hostRows: Math.max(1, hostRows), chunkRows, chunkTable, sparklines };
}
