// Plain-text and JSON renderings of a status snapshot for `mfs-tui status` (scripts, plain
// terminals, logs). No colours: severity is spelled out.
import { visible } from '../util/visible.ts';
import { padCells, tableLines } from '../util/cells.ts';
import { DAEMONS, type DaemonName } from './probe.ts';
import { formatFailover } from './failover-timeline.ts';
import { CHUNK_CLASSES } from './parse-mfscli.ts';
import { formatAge, loginLabel, metaloggerLags, spaceOf, vipHolders, type ClusterStatus, type HostStatus } from './model.ts';
import { t } from '../i18n/index.ts';

export const DAEMON_SHORT: Record<DaemonName, string> = {
  mfsmaster: 'master',
  mfsmetalogger: 'mlog',
  mfschunkserver: 'chunk',
  mfsmount: 'mount',
  keepalived: 'kalive',
  mfscgiserv: 'cgi',
  unison: 'unison',
};

/** mfscli's chunk classes as the status views name them (text, screen). */
export const CHUNK_CLASS_KEY = {
  missing: 'status.chunks.class.missing',
  endangered: 'status.chunks.class.endangered',
  undergoal: 'status.chunks.class.undergoal',
  stable: 'status.chunks.class.stable',
  overgoal: 'status.chunks.class.overgoal',
  pendingDeletion: 'status.chunks.class.pendingDeletion',
  toBeRemoved: 'status.chunks.class.toBeRemoved',
} as const;

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatUptime(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** `MASTER`, `BACKUP`, ... of the host's first VRRP instance, `-` when keepalived is not running. */
export function vrrpOf(h: HostStatus): string {
  if (!h.probe) return '?';
  if (h.probe.daemons.keepalived.length === 0) return '-';
  return h.probe.keepalived?.[0]?.state || '?';
}

/** What one host × daemon cell says: `-`, `12m` (uptime), `2×` for several processes. */
export function daemonCell(h: HostStatus, d: DaemonName): string {
  const procs = h.probe?.daemons[d];
  if (!procs) return '?';
  if (procs.length === 0) return '-';
  return procs.length > 1 ? `${procs.length}×` : formatUptime(procs[0]!.uptimeS);
}

/**
 * `ok`, `paused`, or why the data is missing: DOWN (no answer), KEY CHANGED / KEY UNKNOWN /
 * LOGIN REFUSED / SUDO REFUSED (it answered, we could not log in: never DOWN), NO STATUS
 * (logged in, the probe did not answer), STALE (old data).
 */
export function hostState(h: HostStatus): string {
  if (h.failure === 'login' && !h.reachable) return loginLabel(h.login);
  if (h.stale) return h.okAt === undefined ? (h.failure === 'probe' ? t('status.host.noStatus') : t('status.host.down')) : t('status.host.stale', { age: formatAge(h.ageMs) });
  if (!h.probe) return '…';
  // Asked again and silent past its usual time: what it last said may no longer hold.
  if (h.overdue) return t('status.host.overdue', { age: formatAge(h.ageMs) });
  return h.paused ? t('status.host.paused') : t('status.host.ok');
}

/** Columns padded to their widest cell in terminal cells (a CJK or emoji character is two). */
const table = (rows: string[][]): string[] => tableLines(rows);

export function renderStatusText(s: ClusterStatus): string {
  const out: string[] = [];
  const holders = vipHolders(s);
  const holder = holders.length === 0 ? t('status.text.noHolder') : holders.map((h) => `${h.name} (${vrrpOf(h)})`).join(' + ');
  out.push(t('status.text.title', { cluster: s.cluster, vip: s.vip, holder, at: new Date(s.at).toISOString() }));
  if (s.failover) out.push(t(s.failover.done ? 'status.text.failoverDone' : 'status.text.failoverUnderWay', { timeline: formatFailover(s.failover) }));
  out.push('');
  if (s.alerts.length === 0) out.push(t('status.text.noAlerts'));
  else {
    out.push(t('status.text.alerts'));
    for (const a of s.alerts) out.push(`  ${padCells(a.severity === 'critical' ? t('status.text.critical') : t('status.text.warning'), 8)}  ${a.message}`);
  }
  out.push('');
  // RTT, VIP, VRRP and the daemons' short names are read as they are in both languages.
  const header = [t('status.col.host'), t('status.col.state'), 'RTT', 'VIP', 'VRRP', ...DAEMONS.map((d) => DAEMON_SHORT[d]), t('status.col.version')];
  const rows = s.hosts.map((h) => [
    h.name,
    hostState(h),
    h.rttMs === undefined ? '-' : `${h.rttMs}ms`,
    h.probe?.holdsVip ? 'VIP' : '-',
    vrrpOf(h),
    ...DAEMONS.map((d) => daemonCell(h, d)),
    h.probe?.mfsVersion ?? '-',
  ]);
  out.push(...table([header, ...rows]));
  out.push('');
  const vip = s.mfs.viaVip;
  const mfsAge = s.mfs.stale ? t('status.text.stale', { age: formatAge(s.mfs.ageMs) }) : '';
  if (!vip) out.push(s.mfs.error ? t('status.text.mfsNoAnswerError', { error: s.mfs.error }) : t('status.text.mfsNoAnswer'));
  else if (vip.noMaster) out.push(t('status.text.mfsNoMaster', { age: mfsAge }));
  else {
    const sp = spaceOf(vip);
    const masters = s.mfs.candidates.map((c) => `${c.host} ${c.master?.answering ? `v${c.master.metadataVersion ?? '?'}` : t('status.text.masterDown')}`).join(', ');
    out.push(t('status.text.via', { via: s.mfs.via ?? '', age: mfsAge, masters: masters || '-' }));
    out.push(
      t('status.text.space', {
        used: sp.usedFraction === undefined ? '?' : `${(sp.usedFraction * 100).toFixed(1)}%`,
        total: formatBytes(sp.total),
        avail: formatBytes(sp.avail),
        trash: formatBytes(sp.trash),
      }),
    );
    if (vip.chunkClasses) out.push(t('status.text.chunks', { classes: CHUNK_CLASSES.map((k) => `${t(CHUNK_CLASS_KEY[k])} ${vip.chunkClasses![k]}`).join('  ') }));
    const csRows = [
      [t('status.col.chunkserver'), 'ID', t('status.col.state'), t('status.col.chunks'), t('status.col.used'), t('status.col.total'), t('status.col.load'), t('status.col.maint')],
      ...vip.chunkservers.map((c) => [
        `${c.ip}:${c.port}`,
        String(c.id),
        t('status.text.connected'),
        String(c.chunks),
        formatBytes(c.used),
        formatBytes(c.total),
        c.loadMark ? `${c.loadMark[0]}${c.load}${c.loadMark[1]}` : String(c.load),
        c.maintenance,
      ]),
      ...vip.disconnected.map((c) => [`${c.ip}:${c.port}`, String(c.id), t('status.text.disconnected'), '-', '-', '-', '-', c.maintenance]),
    ];
    out.push(...table(csRows));
    const lags = metaloggerLags(s);
    out.push(
      t('status.text.metaloggers', { ips: vip.metaloggers.map((m) => m.ip).join(', ') || t('status.text.none') }) +
        (lags.length ? t('status.text.lags', { lags: lags.map((l) => t('status.text.lagBehind', { host: l.host, behind: l.behind })).join(', ') }) : ''),
    );
  }
  // Plain text (no colours): whatever a host or mfscli returned is shown escaped.
  return visible(out.join('\n')) + '\n';
}

/** JSON-safe copy (Sets become arrays). */
export function statusToJson(s: ClusterStatus): unknown {
  return JSON.parse(JSON.stringify(s, (_k, v) => (v instanceof Set ? [...v] : v)));
}
