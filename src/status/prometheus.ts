// Prometheus text exposition of a status snapshot. Metric names and labels follow the seeds'
// mfscli2prom.awk (Grafana dashboard 16700) without its bugs: maintenance is really read,
// `[N]` loads print a number, ip labels are addresses (mfscli -n), a CPU "not available"
// does not shift the columns, a quota limit that is not set is absent (the awk printed 0),
// and every family has HELP/TYPE. Added: a `cluster` label on every series, VIP holder,
// split brain, daemon up per host, metalogger lag, probe age, per-disk series (-SHD), and
// `moosefs_scrape_ok` per probe: a probe with no fresh answer exports 0 there and none of
// its series, so an outage never reads as "all fine" (no `moosefs_split_brain 0` when no
// host answered).
import { DAEMONS } from './probe.ts';
import { CHUNK_CLASSES, parseNumber, type MasterRow, type MfscliReport, type QuotaValues } from './parse-mfscli.ts';
import { metaloggerLags, sshAnswered, type ClusterStatus, type HostStatus } from './model.ts';

type Labels = Record<string, string | number>;

interface Family {
  help: string;
  samples: { labels: Labels; value: number }[];
}

export class MetricSet {
  private readonly families = new Map<string, Family>();

  /** base: labels put first on every series (the cluster). */
  constructor(private readonly base: Labels = {}) {}

  add(name: string, help: string, value: number | undefined, labels: Labels = {}): void {
    if (value === undefined || !Number.isFinite(value)) return;
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${name}`);
    let f = this.families.get(name);
    if (!f) {
      f = { help, samples: [] };
      this.families.set(name, f);
    }
    f.samples.push({ labels: { ...this.base, ...labels }, value });
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
    m.add(
      `${p}last_saved_in_background`,
      '1 when the last metadata save ran in the background.',
      r.lastSaveStatus === undefined ? undefined : /saved in background/i.test(r.lastSaveStatus) ? 1 : 0,
      lc,
    );
  }
}

/** -SSC: mfscli2prom's moosefs_storage_classes_* names and labels. */
function storageClassMetrics(m: MetricSet, r: MfscliReport): void {
  const p = 'moosefs_storage_classes_';
  for (const c of r.storageClasses ?? []) {
    const id = { id: c.id, name: c.name };
    for (const [stage, st] of [
      ['create', c.create],
      ['keep', c.keep],
      ['archive', c.archive],
    ] as const) {
      // The awk script printed the labels without spaces (`*,*`); so do we, for the dashboard's legends.
      m.add(`${p}${stage}`, `Copies (goal) of the ${stage} stage of a storage class; can = whether it can be fulfilled.`, st.goal, {
        ...id,
        mode: c.mode,
        can: st.canBeFulfilled,
        labels: st.labels.replace(/\s/g, ''),
      });
    }
    m.add(`${p}files_total`, 'Files in a storage class.', c.files, id);
    m.add(`${p}dirs_total`, 'Directories in a storage class.', c.dirs, id);
    for (const [kind, t] of [
      ['standard', c.standard],
      ['archived', c.archived],
    ] as const) {
      m.add(`${p}${kind}_under_total`, `Chunks of a storage class with fewer ${kind} copies than its goal.`, t?.under, id);
      m.add(`${p}${kind}_exact_total`, `Chunks of a storage class with exactly its goal of ${kind} copies.`, t?.exact, id);
      m.add(`${p}${kind}_over_total`, `Chunks of a storage class with more ${kind} copies than its goal.`, t?.over, id);
    }
  }
}

/** -SQU: mfscli2prom's moosefs_active_quotas_{soft,hard,current}_{inodes,length,size,real}. */
function quotaMetrics(m: MetricSet, r: MfscliReport): void {
  const p = 'moosefs_active_quotas_';
  const keys: [keyof QuotaValues, string][] = [
    ['inodes', 'inodes'],
    ['length', 'length'],
    ['size', 'size'],
    ['real', 'real'],
  ];
  for (const q of r.quotas ?? []) {
    const l = { path: q.path };
    for (const [k, what] of keys) {
      m.add(`${p}soft_${what}`, `Soft quota on ${what} of a directory (absent when not set).`, q.soft[k], l);
      m.add(`${p}hard_${what}`, `Hard quota on ${what} of a directory (absent when not set).`, q.hard[k], l);
      m.add(`${p}current_${what}`, `Current ${what} of a directory with a quota.`, q.current[k], l);
    }
    m.add(`${p}exceeded`, '1 when a quota of the directory is exceeded.', q.exceeded ? 1 : 0, l);
  }
}

/** -SHD: one series per chunkserver disk (the awk script had none). */
function diskMetrics(m: MetricSet, r: MfscliReport): void {
  const p = 'moosefs_disks_';
  for (const d of r.disks ?? []) {
    const l = { ip: d.ip, port: d.port, path: d.path };
    m.add(`${p}chunks`, 'Chunks on a chunkserver disk (mfscli -SHD).', d.chunks, l);
    m.add(`${p}space_used`, 'Used bytes on a chunkserver disk.', d.used, l);
    m.add(`${p}space_total`, 'Total bytes on a chunkserver disk.', d.total, l);
    m.add(`${p}damaged`, '1 when the chunkserver reports the disk damaged or invalid.', /damaged|invalid/.test(d.status) ? 1 : 0, l);
    m.add(`${p}marked_for_removal`, '1 when the disk is marked for removal in mfshdd.cfg.', /marked for removal/.test(d.status) ? 1 : 0, l);
    m.add(`${p}scan_progress`, 'Percent of the disk scanned, while the chunkserver scans it.', d.scanProgress, l);
    m.add(`${p}last_error_time`, 'Epoch seconds of the last I/O error on the disk (0: none).', d.lastErrorTime ?? 0, l);
  }
}

/** A host's probe answered within the stale limit: its series may be exported. */
const fresh = (h: HostStatus): boolean => h.probe !== undefined && !h.stale;

export function statusToMetrics(s: ClusterStatus, nowMs: number = s.at): string {
  const m = new MetricSet({ cluster: s.cluster });
  // --- mfscli: only from an answer within the stale limit ---
  const mfsOk = s.mfs.okAt !== undefined && !s.mfs.stale && !s.mfs.error && s.mfs.viaVip !== undefined;
  m.add('moosefs_scrape_ok', '1 when the probe answered within the stale limit; 0: its series are absent, not zero.', mfsOk ? 1 : 0, { probe: 'mfscli' });
  const vip = mfsOk ? s.mfs.viaVip : undefined;
  if (mfsOk) {
    const candidateRows = s.mfs.candidates.flatMap((c) => (c.master ? [c.master] : []));
    masterMetrics(m, candidateRows.length ? candidateRows : (vip?.masters ?? []));
  }

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
    // A count too, so "none disconnected" is an explicit 0 rather than an absent family.
    if (vip.sections.has('IG') || vip.sections.has('CS')) m.add('moosefs_disconnected_chunk_servers', 'Chunkservers the master knows but are not connected.', vip.disconnected.length);
    if (vip.chunkClasses) {
      for (const k of CHUNK_CLASSES) {
        const name = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
        m.add(`moosefs_all_chunks_matrix_chunkclass_${name}`, `Chunks in class ${name.replace(/_/g, ' ')} (mfscli -SIC).`, vip.chunkClasses[k]);
      }
    }
    m.add('moosefs_metaloggers_connected', 'Metaloggers connected to the master (mfscli -SMB).', vip.metaloggers.length);
    storageClassMetrics(m, vip);
    quotaMetrics(m, vip);
    diskMetrics(m, vip);
  }
  m.add('moosefs_master_answering', '1 when a master answers through the VIP.', vip ? (vip.noMaster ? 0 : 1) : undefined);

  // --- what the awk script never had ---
  const candidates = s.hosts.filter((h) => h.roles.includes('master-candidate'));
  for (const h of candidates.filter(fresh)) {
    m.add('moosefs_vip_holder', '1 when this host holds the VIP (ip -o -4 addr show).', h.probe!.holdsVip ? 1 : 0, { host: h.name, vip: s.vip });
    for (const k of h.probe!.keepalived ?? []) {
      for (const st of ['MASTER', 'BACKUP', 'FAULT']) {
        m.add('moosefs_keepalived_vrrp_state', 'keepalived VRRP state of an instance (1 for the current state).', k.state === st ? 1 : 0, { host: h.name, instance: k.instance, state: st });
      }
    }
  }
  // Evidence of a split brain is enough for 1; its absence needs every candidate and mfscli
  // answering (a candidate that does not answer may hold the VIP behind a partition).
  const split = s.alerts.some((a) => a.code === 'split-brain-vip' || a.code === 'split-brain-masters');
  const allKnown = mfsOk && candidates.every(fresh);
  m.add('moosefs_split_brain', '1 when two hosts hold the VIP or two masters answer; absent when not every master candidate and mfscli answered.', split ? 1 : allKnown ? 0 : undefined);
  for (const h of s.hosts) {
    m.add('moosefs_scrape_ok', '1 when the probe answered within the stale limit; 0: its series are absent, not zero.', fresh(h) ? 1 : 0, { probe: 'host', host: h.name });
    m.add('moosefs_host_reachable', '1 when the last status probe of the host succeeded.', h.reachable ? 1 : 0, { host: h.name });
    // Tells a host that is down (0) from one that answers SSH while its probe fails (1, reachable 0).
    m.add('moosefs_host_ssh_up', '1 when the host answered SSH at the last status probe, whether or not the probe then succeeded.', sshAnswered(h) ? 1 : 0, { host: h.name });
    // Which way the last probe failed (all 0 when it succeeded): down (connect), locked out (login: key or password refused, host key changed or unknown), or busy (probe).
    for (const cls of ['connect', 'login', 'probe'] as const) {
      m.add(
        'moosefs_host_probe_failure',
        'The class of the last status probe failure of the host: connect (no answer), login (refused key/password, changed or unknown host key, sudo refused), probe (logged in, no status).',
        !h.reachable && h.failure === cls ? 1 : 0,
        { host: h.name, class: cls },
      );
    }
    m.add(
      'moosefs_host_login_ok',
      '1 when mfs-tui could log into the host at the last status probe (0: it refused us or its host key is changed or unknown, or it did not answer).',
      h.reachable || h.failure === 'probe' ? 1 : 0,
      { host: h.name },
    );
    m.add('moosefs_probe_age_seconds', 'Seconds since the last successful status probe of the host.', h.okAt === undefined ? undefined : Math.max(0, (nowMs - h.okAt) / 1000), { host: h.name });
    m.add('moosefs_probe_rtt_seconds', 'Round trip of the last status probe.', h.rttMs === undefined ? undefined : h.rttMs / 1000, { host: h.name });
    if (!fresh(h)) continue;
    for (const d of DAEMONS) {
      const procs = h.probe!.daemons[d];
      m.add('moosefs_daemon_up', 'Processes of a daemon running on the host (0 when none).', procs.length, { host: h.name, daemon: d, role: roleOf(h, d) });
      if (procs[0]) m.add('moosefs_daemon_uptime_seconds', 'Uptime of the (first) process of a daemon.', procs[0].uptimeS, { host: h.name, daemon: d });
    }
  }
  if (s.mfs.okAt !== undefined)
    m.add('moosefs_probe_age_seconds', 'Seconds since the last successful status probe of the host.', Math.max(0, (nowMs - s.mfs.okAt) / 1000), { host: `mfscli@${s.mfs.via ?? '?'}` });
  if (mfsOk) {
    for (const l of metaloggerLags(s)) {
      if (!fresh(s.hosts.find((h) => h.name === l.host)!)) continue;
      m.add('moosefs_metalogger_lag_versions', 'Metadata versions the metalogger changelog is behind the master.', l.behind, { host: l.host });
      m.add('moosefs_metalogger_changelog_age_seconds', 'Seconds since the metalogger last wrote changelog_ml.0.mfs.', l.changelogAgeS, { host: l.host });
    }
  }
  for (const sev of ['critical', 'warning'] as const) {
    m.add('moosefs_alerts', 'Active mfs-tui alerts by severity.', s.alerts.filter((a) => a.severity === sev).length, { severity: sev });
  }
  return m.render();
}

/** The inventory role a daemon serves on this host (`-` when the host has no such role): lets alert rules tell "chunkserver stopped on a chunkserver" from "not expected there". */
function roleOf(h: HostStatus, d: (typeof DAEMONS)[number]): string {
  const want: Partial<Record<(typeof DAEMONS)[number], string>> = {
    mfsmaster: 'master-candidate',
    mfsmetalogger: 'metalogger',
    mfschunkserver: 'chunkserver',
    mfsmount: 'client',
    keepalived: 'master-candidate',
    mfscgiserv: 'cgi',
  };
  const r = want[d];
  return r && h.roles.includes(r as HostStatus['roles'][number]) ? r : '-';
}
