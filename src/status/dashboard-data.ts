// What the wall dashboard shows, computed from a snapshot and the history ring: pure, so it
// is tested without a terminal. app/dashboard/dashboard.ts only hands these to blessed-contrib.
import { DAEMONS } from './probe.ts';
import { formatAge, lockedOut, spaceOf, vipHolders, type ClusterStatus, type HistoryPoint, type HostStatus } from './model.ts';
import { DAEMON_SHORT, daemonCell, formatBytes, hostState, vrrpOf } from './text.ts';
import { t } from '../i18n/index.ts';

export interface Series {
  title: string;
  x: string[];
  y: number[];
  style: { line: string };
}

export interface DashboardData {
  title: string;
  /** The host table's label: how many of how many hosts it shows (problem hosts first). */
  hostsLabel: string;
  usedPercent: number;
  spaceLabel: string;
  vipLines: string[];
  alertLines: string[];
  noAlerts: boolean;
  hosts: { headers: string[]; data: string[][] };
  chunkservers: { headers: string[]; data: string[][] };
  chunkSeries: Series[];
  spaceSeries: Series[];
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** Rows the boxes hold (from the terminal's size): a longer list is cut and says so, problems first. */
export interface DashboardRoom {
  hostRows?: number;
  alertRows?: number;
}

/** Hosts that need a look first (down or locked out, then stale), inventory order within each. */
function problemsFirst(hosts: readonly HostStatus[]): HostStatus[] {
  const rank = (h: HostStatus) => (lockedOut(h) || (h.stale && h.okAt === undefined) ? 0 : h.stale || !h.probe ? 1 : 2);
  return hosts
    .map((h, i) => ({ h, i }))
    .sort((a, b) => rank(a.h) - rank(b.h) || a.i - b.i)
    .map((x) => x.h);
}

export function dashboardData(s: ClusterStatus, history: readonly HistoryPoint[], room: DashboardRoom = {}): DashboardData {
  const holders = vipHolders(s);
  const sp = spaceOf(s.mfs.viaVip);
  const vip = s.mfs.viaVip;
  const x = history.map((p) => clock(p.at));
  const series = (title: string, pick: (p: HistoryPoint) => number | undefined, line: string): Series => ({
    title,
    x,
    y: history.map((p) => pick(p) ?? 0),
    style: { line },
  });
  const candidates = s.hosts.filter((h) => h.roles.includes('master-candidate'));
  // Critical alerts first; what does not fit is counted on the last line, never dropped silently.
  const alerts = [...s.alerts.filter((a) => a.severity === 'critical'), ...s.alerts.filter((a) => a.severity !== 'critical')].map((a) =>
    t(a.severity === 'critical' ? 'dashboard.alert.critical' : 'dashboard.alert.warning', { message: a.message }),
  );
  const alertRoom = room.alertRows === undefined ? alerts.length : Math.max(1, room.alertRows);
  const alertLines =
    alerts.length === 0 ? [t('dashboard.alert.none')] : alerts.length <= alertRoom ? alerts : [...alerts.slice(0, alertRoom - 1), t('dashboard.alert.more', { count: alerts.length - alertRoom + 1 })];
  const hosts = room.hostRows === undefined ? s.hosts : problemsFirst(s.hosts);
  const shownHosts = room.hostRows === undefined ? hosts : hosts.slice(0, Math.max(1, room.hostRows));
  return {
    title: `${s.cluster}  ${clock(s.at)}`,
    usedPercent: Math.round((sp.usedFraction ?? 0) * 100),
    spaceLabel: t('dashboard.space', { used: formatBytes(sp.total === undefined || sp.avail === undefined ? undefined : sp.total - sp.avail), total: formatBytes(sp.total) }),
    vipLines: [
      t('dashboard.vip.line', { vip: s.vip, holders: holders.length === 0 ? t('dashboard.vip.noHolder') : holders.map((h) => h.name).join(' + ') }),
      ...candidates.map((h) => {
        const m = s.mfs.candidates.find((c) => c.host === h.name)?.master;
        const master = m?.answering ? t('dashboard.vip.master', { version: m.metadataVersion ?? '?' }) : t('dashboard.vip.noMaster');
        return `${h.name}: ${vrrpOf(h)}${h.probe?.holdsVip ? t('dashboard.vip.holds') : ''} ${master}${h.stale ? t('dashboard.vip.stale', { age: formatAge(h.ageMs) }) : ''}`;
      }),
    ],
    alertLines,
    /** True when no alert is shown (the alert box is green then). */
    noAlerts: alerts.length === 0,
    hostsLabel: shownHosts.length < s.hosts.length ? t('dashboard.label.hostsShown', { shown: shownHosts.length, total: s.hosts.length }) : t('dashboard.label.hosts'),
    hosts: {
      headers: ['host', 'state', 'rtt', ...DAEMONS.map((d) => DAEMON_SHORT[d])],
      data: shownHosts.map((h) => [h.name, hostState(h), h.rttMs === undefined ? '-' : `${h.rttMs}ms`, ...DAEMONS.map((d) => daemonCell(h, d))]),
    },
    chunkservers: {
      headers: ['chunkserver', 'state', 'chunks', 'used', 'load'],
      data: [
        ...(vip?.chunkservers ?? []).map((c) => [
          `${c.ip}:${c.port}`,
          c.maintenance === 'off' ? t('dashboard.chunkserver.up') : t('dashboard.chunkserver.maintenance', { mode: c.maintenance }),
          String(c.chunks),
          formatBytes(c.used),
          String(c.load),
        ]),
        ...(vip?.disconnected ?? []).map((c) => [`${c.ip}:${c.port}`, t('dashboard.chunkserver.disconnected'), '-', '-', '-']),
      ],
    },
    chunkSeries: [
      series(t('dashboard.series.missing'), (p) => p.missing, 'red'),
      series(t('dashboard.series.endangered'), (p) => p.endangered, 'magenta'),
      series(t('dashboard.series.undergoal'), (p) => p.undergoal, 'yellow'),
    ],
    spaceSeries: [series(t('dashboard.series.usedGiB'), (p) => (p.usedBytes === undefined ? undefined : p.usedBytes / 2 ** 30), 'cyan')],
  };
}
