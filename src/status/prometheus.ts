// Prometheus text exposition of a status snapshot. Metric names and labels follow the seeds'
// mfscli2prom.awk (Grafana dashboard 16700) without its bugs: maintenance is really read,
// `[N]` loads print a number, ip labels are addresses (mfscli -n), a CPU "not available"
// does not shift the columns, and every family has HELP/TYPE. Added: VIP holder, split
// brain, daemon up per host, metalogger lag, probe age.
import { DAEMONS } from './probe.ts';
import { CHUNK_CLASSES, parseNumber, type MasterRow } from './parse-mfscli.ts';
import { metaloggerLags, sshAnswered, type ClusterStatus } from './model.ts';

type Labels = Record<string, string | number>;

interface Family {
  help: string;
  samples: { labels: Labels; value: number }[];
}

export class MetricSet {
  private readonly families = new Map<string, Family>();

  add(name: string, help: string, value: number | undefined, labels: Labels = {}): void {
    if (value === undefined || !Number.isFinite(value)) return;
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${name}`);
    let f = this.families.get(name);
    if (!f) {
      f = { help, samples: [] };
      this.families.set(name, f);
    }
    f.samples.push({ labels, value });
  }

  render(): string {
    const out: string[] = [];
    for (const [name, f] of this.families) {
      out.push(`# HELP ${name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} gauge`);
      for (const s of f.samples) {
        const labels = Object.entries(s.labels)
          .map(([k, v]) => `${k}="${escapeLabel(String(v))}"`)
          .join(',');
        out.push(`${name}${labels ? `{${labels}}` : ''} ${formatValue(s.value)}`);
      }
    }
    return out.join('\n') + '\n';
  }
}

export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
}

/** `CPU used (user)` → `cpu_used_user`, as the awk script did (spaces → _, no parens, lower case). */
export function infoKeyToMetric(key: string): string {
  return key
    .replace(/[()]/g, '')
    .trim()
    .replace(/\s+/g, '_')
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .toLowerCase();
}

function masterMetrics(m: MetricSet, rows: MasterRow[]): void {
  const p = 'moosefs_metadata_servers_';
  for (const r of rows.filter((r) => r.answering)) {
    const l = { ip: r.ip, version: r.version };
    const lc = { ...l, cksum: r.exportsChecksum ?? '-' };
    m.add(`${p}metadata_version`, 'Metadata version of a master (mfscli -SIM).', r.metadataVersion, l);
    m.add(`${p}ram_used`, 'RAM used by a master, bytes.', r.ramUsed, l);
    m.add(`${p}cpu_used_all`, 'CPU used by a master, percent.', r.cpu?.all, l);
    m.add(`${p}cpu_used_sys`, 'System CPU used by a master, percent.', r.cpu?.sys, l);
    m.add(`${p}cpu_used_user`, 'User CPU used by a master, percent.', r.cpu?.user, l);
    m.add(`${p}last_meta_save`, 'Epoch seconds of the last successful metadata save.', r.lastSuccessfulStore, lc);
    m.add(`${p}last_save_duration`, 'Duration of the last metadata save, seconds.', r.lastSaveDuration, lc);
    m.add(`${p}last_saved_in_background`, '1 when the last metadata save ran in the background.', r.lastSaveStatus === undefined ? undefined : /saved in background/i.test(r.lastSaveStatus) ? 1 : 0, lc);
  }
}

export function statusToMetrics(s: ClusterStatus, nowMs: number = s.at): string {
  const m = new MetricSet();
  const vip = s.mfs.viaVip;
  const candidateRows = s.mfs.candidates.flatMap((c) => (c.master ? [c.master] : []));
  masterMetrics(m, candidateRows.length ? candidateRows : (vip?.masters ?? []));

  if (vip && !vip.noMaster) {
    for (const [key, value] of Object.entries(vip.info)) {
      const n = parseNumber(value);
      m.add(`moosefs_master_info_${infoKeyToMetric(key)}`, `mfscli -SIG "${key}".`, n);
    }
    const cs = 'moosefs_chunk_servers_';
    for (const c of vip.chunkservers) {
      const l = { ip: c.ip, port: c.port, id: c.id, labels: c.labels, version: c.version };
      m.add(`${cs}load`, 'Chunkserver load (the number inside [N], (N) or <N> too).', c.load, l);
      m.add(`${cs}maintenance`, '1 when the chunkserver is in maintenance (on or temporary).', c.maintenance === 'on' || c.maintenance === 'temp' ? 1 : 0, l);
      m.add(`${cs}regular_hdd_space_chunks`, 'Chunks on regular disks.', c.chunks, l);
      m.add(`${cs}regular_hdd_space_used`, 'Used bytes on regular disks.', c.used, l);
      m.add(`${cs}regular_hdd_space_total`, 'Total bytes on regular disks.', c.total, l);
      m.add(`${cs}removal_hdd_space_chunks`, 'Chunks on disks marked for removal.', c.removal.chunks, l);
      m.add(`${cs}removal_hdd_space_used`, 'Used bytes on disks marked for removal.', c.removal.used, l);
      m.add(`${cs}removal_hdd_space_total`, 'Total bytes on disks marked for removal.', c.removal.total, l);
    }
    for (const d of vip.disconnected) {
      m.add('moosefs_chunk_servers_disconnected', 'A chunkserver the master knows but is not connected (1).', 1, { ip: d.ip, port: d.port, id: d.id });
    }
    if (vip.chunkClasses) {
      for (const k of CHUNK_CLASSES) {
        const name = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
        m.add(`moosefs_all_chunks_matrix_chunkclass_${name}`, `Chunks in class ${name.replace(/_/g, ' ')} (mfscli -SIC).`, vip.chunkClasses[k]);
      }
    }
    m.add('moosefs_metaloggers_connected', 'Metaloggers connected to the master (mfscli -SMB).', vip.metaloggers.length);
  }
  m.add('moosefs_master_answering', '1 when a master answers through the VIP.', vip ? (vip.noMaster ? 0 : 1) : undefined);

  // --- what the awk script never had ---
  for (const h of s.hosts.filter((h) => h.roles.includes('master-candidate'))) {
    m.add('moosefs_vip_holder', '1 when this host holds the VIP (ip -o -4 addr show).', h.probe ? (h.probe.holdsVip ? 1 : 0) : undefined, { host: h.name, vip: s.vip });
    for (const k of h.probe?.keepalived ?? []) {
      for (const st of ['MASTER', 'BACKUP', 'FAULT']) {
        m.add('moosefs_keepalived_vrrp_state', 'keepalived VRRP state of an instance (1 for the current state).', k.state === st ? 1 : 0, { host: h.name, instance: k.instance, state: st });
      }
    }
  }
  const split = s.alerts.some((a) => a.code === 'split-brain-vip' || a.code === 'split-brain-masters');
  m.add('moosefs_split_brain', '1 when two hosts hold the VIP or two masters answer.', split ? 1 : 0);
  for (const h of s.hosts) {
    m.add('moosefs_host_reachable', '1 when the last status probe of the host succeeded.', h.reachable ? 1 : 0, { host: h.name });
    // Tells a host that is down (0) from one that answers SSH while its probe fails (1, reachable 0).
    m.add('moosefs_host_ssh_up', '1 when the host answered SSH at the last status probe, whether or not the probe then succeeded.', sshAnswered(h) ? 1 : 0, { host: h.name });
    // Which way the last probe failed (all 0 when it succeeded): down (connect), locked out (login: key or password refused, host key changed or unknown), or busy (probe).
    for (const cls of ['connect', 'login', 'probe'] as const) {
      m.add('moosefs_host_probe_failure', 'The class of the last status probe failure of the host: connect (no answer), login (refused key/password, changed or unknown host key, sudo refused), probe (logged in, no status).', !h.reachable && h.failure === cls ? 1 : 0, { host: h.name, class: cls });
    }
    m.add('moosefs_host_login_ok', '1 when mfs-tui could log into the host at the last status probe (0: it refused us or its host key is changed or unknown, or it did not answer).', h.reachable || h.failure === 'probe' ? 1 : 0, { host: h.name });
    m.add('moosefs_probe_age_seconds', 'Seconds since the last successful status probe of the host.', h.okAt === undefined ? undefined : Math.max(0, (nowMs - h.okAt) / 1000), { host: h.name });
    m.add('moosefs_probe_rtt_seconds', 'Round trip of the last status probe.', h.rttMs === undefined ? undefined : h.rttMs / 1000, { host: h.name });
    if (!h.probe) continue;
    for (const d of DAEMONS) {
      const procs = h.probe.daemons[d];
      m.add('moosefs_daemon_up', 'Processes of a daemon running on the host (0 when none).', procs.length, { host: h.name, daemon: d });
      if (procs[0]) m.add('moosefs_daemon_uptime_seconds', 'Uptime of the (first) process of a daemon.', procs[0].uptimeS, { host: h.name, daemon: d });
    }
  }
  if (s.mfs.okAt !== undefined) m.add('moosefs_probe_age_seconds', 'Seconds since the last successful status probe of the host.', Math.max(0, (nowMs - s.mfs.okAt) / 1000), { host: `mfscli@${s.mfs.via ?? '?'}` });
  for (const l of metaloggerLags(s)) {
    m.add('moosefs_metalogger_lag_versions', 'Metadata versions the metalogger changelog is behind the master.', l.behind, { host: l.host });
    m.add('moosefs_metalogger_changelog_age_seconds', 'Seconds since the metalogger last wrote changelog_ml.0.mfs.', l.changelogAgeS, { host: l.host });
  }
  for (const sev of ['critical', 'warning'] as const) {
    m.add('moosefs_alerts', 'Active mfs-tui alerts by severity.', s.alerts.filter((a) => a.severity === sev).length, { severity: sev });
  }
  return m.render();
}
