// What the wall dashboard shows, computed from a snapshot and the history ring: pure, so it
// is tested without a terminal. src/cli/dashboard.ts only hands these to blessed-contrib.
import { DAEMONS } from './probe.ts';
import { formatAge, spaceOf, vipHolders, type ClusterStatus, type HistoryPoint } from './model.ts';
import { DAEMON_SHORT, daemonCell, formatBytes, hostState, vrrpOf } from './text.ts';

export interface Series {
  title: string;
  x: string[];
  y: number[];
  style: { line: string };
}

export interface DashboardData {
  title: string;
  usedPercent: number;
  spaceLabel: string;
  vipLines: string[];
  alertLines: string[];
  hosts: { headers: string[]; data: string[][] };
  chunkservers: { headers: string[]; data: string[][] };
  chunkSeries: Series[];
  spaceSeries: Series[];
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

export function dashboardData(s: ClusterStatus, history: readonly HistoryPoint[]): DashboardData {
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
  return {
    title: `${s.cluster}  ${clock(s.at)}`,
    usedPercent: Math.round((sp.usedFraction ?? 0) * 100),
    spaceLabel: `${formatBytes(sp.total === undefined || sp.avail === undefined ? undefined : sp.total - sp.avail)} of ${formatBytes(sp.total)}`,
    vipLines: [
      `VIP ${s.vip}: ${holders.length === 0 ? 'NO HOLDER' : holders.map((h) => h.name).join(' + ')}`,
      ...candidates.map((h) => {
        const m = s.mfs.candidates.find((c) => c.host === h.name)?.master;
        return `${h.name}: ${vrrpOf(h)}${h.probe?.holdsVip ? ' VIP' : ''} ${m?.answering ? `master v${m.metadataVersion ?? '?'}` : 'no master'}${h.stale ? ` STALE ${formatAge(h.ageMs)}` : ''}`;
      }),
    ],
    alertLines: s.alerts.length ? s.alerts.map((a) => `${a.severity === 'critical' ? 'CRIT' : 'warn'} ${a.message}`) : ['no alerts'],
    hosts: {
      headers: ['host', 'state', 'rtt', ...DAEMONS.map((d) => DAEMON_SHORT[d])],
      data: s.hosts.map((h) => [h.name, hostState(h), h.rttMs === undefined ? '-' : `${h.rttMs}ms`, ...DAEMONS.map((d) => daemonCell(h, d))]),
    },
    chunkservers: {
      headers: ['chunkserver', 'state', 'chunks', 'used', 'load'],
      data: [
        ...(vip?.chunkservers ?? []).map((c) => [`${c.ip}:${c.port}`, c.maintenance === 'off' ? 'up' : `up maint ${c.maintenance}`, String(c.chunks), formatBytes(c.used), String(c.load)]),
        ...(vip?.disconnected ?? []).map((c) => [`${c.ip}:${c.port}`, 'DISCONNECTED', '-', '-', '-']),
      ],
    },
    chunkSeries: [
      series('missing', (p) => p.missing, 'red'),
      series('endangered', (p) => p.endangered, 'magenta'),
      series('undergoal', (p) => p.undergoal, 'yellow'),
    ],
    spaceSeries: [series('used GiB', (p) => (p.usedBytes === undefined ? undefined : p.usedBytes / 2 ** 30), 'cyan')],
  };
}
