// The status probes: ONE shell script per host per tick (VIP, daemons, keepalived state,
// MooseFS version, metalogger changelog), and the cluster probe (mfscli through the VIP and
// against each master candidate, run on a master-candidate host). Scripts and parsers are
// pure; probeHost/probeCluster only run them through an Executor (the session's SSH pool).
import type { Executor } from '../exec/types.ts';
import { shQuote } from '../ssh/remote-command.ts';
import { lastChangelogVersion, parseMfscli, type MfscliReport } from './parse-mfscli.ts';
import type { ResidentMfscli } from './mfscli-resident.ts';
import { parseKeepalivedConf, type KeepalivedConf } from './keepalived-conf.ts';
import { clockReading, parseClockLine, type ClockReading } from './clock.ts';
// `t` is a local name in this module: the catalogue's t() is tr() here.
import { t as tr } from '../i18n/index.ts';

export const DAEMONS = ['mfsmaster', 'mfsmetalogger', 'mfschunkserver', 'mfsmount', 'keepalived', 'mfscgiserv', 'unison'] as const;
export type DaemonName = (typeof DAEMONS)[number];

export interface DaemonProcess {
  pid: number;
  /** Seconds since the process started (ps etimes). */
  uptimeS: number;
}

export type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT' | 'INIT' | 'STOP';

export interface KeepalivedState {
  instance: string;
  state: VrrpState | string;
  /** Epoch seconds of the last VRRP transition, from the state dump. */
  lastTransition?: number;
}

/** Which expensive parts a probe includes this tick (the poller turns them off while a step runs). */
export interface ProbeParts {
  /** `kill -USR1` keepalived and read its state dump. */
  keepalived: boolean;
  /** `mfsmaster -v` (or the chunkserver/metalogger binary): rarely changes. */
  version: boolean;
  /** The running keepalived's configuration (without auth_pass) and the HA role log: rarely changes. */
  haConfig?: boolean;
}

export interface HostProbeOptions {
  vip: string;
  /** MooseFS DATA_PATH, where a metalogger keeps changelog_ml.0.mfs. */
  dataPath: string;
  parts: ProbeParts;
  /** A keepalived dump older than this is asked for afresh and waited on (default 5 s). */
  dumpMaxAgeS?: number;
}

export interface HostProbe {
  /** The VIP line of `ip -o -4 addr show` when this host holds the VIP. */
  vipLine?: string;
  holdsVip: boolean;
  daemons: Record<DaemonName, DaemonProcess[]>;
  /** Undefined when the keepalived part was not run or keepalived is not running. */
  keepalived?: KeepalivedState[];
  /** Age of the state dump read (seconds): the VRRP state is this old. */
  keepalivedDumpAgeS?: number;
  /** Why no keepalived state could be read although it runs. */
  keepalivedProblem?: string;
  /** `3.0.117` when the version part ran and a MooseFS binary is installed. */
  mfsVersion?: string;
  /** Last version in DATA_PATH/changelog_ml.0.mfs and the file's age in seconds. */
  metaloggerChangelog?: { version: number; ageS: number };
  /** Seconds the script itself took on the host (to tell round trip from work). */
  scriptS?: number;
  /** The running keepalived's configuration: what sets how fast a failover happens. */
  keepalivedConf?: KeepalivedConf;
  /** The configuration file this login may not read (not root): how fast keepalived fails over is unknown. */
  keepalivedConfUnreadable?: string;
  /** keepalived-ha's role file (/run/mfs-ha.role): MASTER, PROMOTING, BACKUP, FAULT, ...; and its age in seconds. */
  haRole?: { role: string; ageS: number };
  /** Seconds each recent promotion took (keepalived-ha's /var/log/mfs-ha.log: MASTER "was" to "mfsmaster runs"). */
  promotionsS?: number[];
  /** The other candidate's address the running promotion waits on (parsePromotionWait). */
  promotionWaitingOn?: string;
  /** The host's wall clock (`date +%s.%N`) as read by the script; probeHost turns it into `clock`. */
  clockRaw?: { epochS: number; resolutionS: number };
  /** The host's clock against this machine's (see clock.ts). */
  clock?: ClockReading;
}

const MARK = '@@mfs-tui:';

/**
 * A keepalived state dump older than this is no state for a login that may not signal
 * keepalived (it cannot ask for a new one); root's probes ask for one every tick.
 */
export const DUMP_TOO_OLD_S = 30;

/** The batched host probe (POSIX sh; dash on Debian). Prints `@@mfs-tui:<part>` sections. */
export function hostProbeScript(opts: HostProbeOptions): string {
  const changelog = shQuote(`${opts.dataPath.replace(/\/+$/, '')}/changelog_ml.0.mfs`);
  const lines = [
    'export LC_ALL=C',
    // Forks are most of a probe's cost on a busy host: /proc is read with shell builtins.
    'read -r __t0 _ < /proc/uptime 2>/dev/null',
    // Wall clock without `date`: boot time (/proc/stat btime) + uptime.
    '__bt=0; while read -r __k __v; do [ "$__k" = btime ] && { __bt=$__v; break; }; done < /proc/stat',
    '__now=$((__bt + ${__t0%.*}))',
    `echo '${MARK}vip'`,
    // english: shell script, not a message
    `ip -o -4 addr show to ${shQuote(`${opts.vip}/32`)} 2>/dev/null`,
    `echo '${MARK}ps'`,
    // pid ppid etimes stat comm of our daemons, from /proc/PID/stat (field 22 = start in ticks; USER_HZ is 100
    // on Linux). Zombies (stat Z) and the keepalived parent are sorted out by the parser and below.
    '__kp=; __kc=',
    'for __p in /proc/[0-9]*; do',
    // A process may exit between the glob and the read: the braces catch the redirection error.
    '  { read -r __s < "$__p/stat"; } 2>/dev/null || continue',
    '  __c=${__s#*(}; __c=${__c%%)*}',
    `  case $__c in ${DAEMONS.map((d) => (d === 'unison' ? 'unison*' : d)).join('|')}) ;; *) continue ;; esac`,
    // `mfsmaster -c CFG test` (keepalived-ha's check runs it every second on both candidates),
    // `stop`, `kill` and `reload` are one-shot commands, not the daemon. read joins the
    // NUL-separated arguments (dash and bash drop the NULs): the action is at the end.
    // A one-shot that exits between the two reads leaves no cmdline: it is gone, not a daemon
    // (a likely cause of the 'second master up 0s' on the standby that CI's triage-lab saw).
    '  case $__c in mfsmaster|mfsmetalogger|mfschunkserver) __a=; { read -r __a < "$__p/cmdline"; } 2>/dev/null; [ -n "$__a" ] || continue; case $__a in *test|*stop|*kill|*reload) continue ;; esac ;; esac',
    // Fields after the comm: numbers and one state letter, so unquoted splitting globs nothing.
    '  set -- ${__s##*) }',
    '  echo "${__p#/proc/} $2 $((${__t0%.*} - ${20} / 100)) $1 $__c"',
    '  [ "$__c" = keepalived ] && [ "$1" != Z ] && __kc="$__kc ${__p#/proc/}:$2"',
    'done',
  ];
  if (opts.parts.keepalived) {
    // keepalived writes /tmp/keepalived.data on SIGUSR1. Waiting for it would cost every
    // tick; instead each probe reads the dump the previous probe asked for and signals again
    // at the end. Only a missing or old dump is asked for and waited on (one short sleep).
    const maxAge = Math.max(2, Math.ceil(opts.dumpMaxAgeS ?? 5));
    lines.push(
      `echo '${MARK}keepalived'`,
      // The parent keepalived: the one whose parent is not a keepalived.
      'for __e in $__kc; do __pp=${__e#*:}; case " $__kc " in *" $__pp:"*) ;; *) __kp=${__e%%:*}; break ;; esac; done',
      'if [ -n "$__kp" ]; then',
      '  __kf=/tmp/keepalived.data',
      '  __km=$(stat -c %Y $__kf 2>/dev/null || echo 0)',
      // english: shell script, not a message
      `  if [ $((__now - __km)) -gt ${maxAge} ]; then kill -USR1 $__kp 2>/dev/null; sleep 0.1; __km=$(stat -c %Y $__kf 2>/dev/null || echo 0); fi`,
      // May this login signal keepalived at all (kill -0: no signal sent)? Not root: it reads root's last dump.
      // english: shell script, not a message
      '  if kill -0 $__kp 2>/dev/null; then __ks=; else __ks=" refused"; fi',
      // english: shell script, not a message
      '  if [ "$__km" -gt 0 ]; then echo "age $((__now - __km))$__ks"; else echo "age none$__ks"; fi',
      String.raw`  sed -n '/< VRRP Topology >/,/< VRRP Sockpool >/{/^ *\(VRRP Instance\|State\|Last transition\) = /p}' $__kf 2>/dev/null`,
      // keepalived-ha's role script says where a promotion stands (PROMOTING while it runs).
      `  echo '${MARK}harole'`,
      // english: shell script, not a message
      '  if [ -f /run/mfs-ha.role ]; then read -r __r < /run/mfs-ha.role; echo "$__r $((__now - $(stat -c %Y /run/mfs-ha.role)))"; fi',
      ...(opts.parts.haConfig
        ? [
            // The configuration keepalived runs with (-f or the default), its includes, never auth_pass.
            `  echo '${MARK}kaconf'`,
            '  __kcf=/etc/keepalived/keepalived.conf',
            '  set -- $(tr "\\0" " " < /proc/$__kp/cmdline 2>/dev/null)',
            // english: shell script, not a message
            '  while [ $# -gt 0 ]; do case $1 in -f|--use-file) [ $# -ge 2 ] && { __kcf=$2; shift; } ;; --use-file=*) __kcf=${1#*=} ;; -f?*) __kcf=${1#-f} ;; esac; shift; done',
            // english: shell script, not a message
            `  for __f in "$__kcf" $(sed -n 's/^[[:space:]]*include[[:space:]][[:space:]]*//p' "$__kcf" 2>/dev/null); do sed -e '/auth_pass/d' -e '/^[[:space:]]*include[[:space:]]/d' $__f 2>/dev/null; done`,
            // A login that may not read it (not root; the file 0640, or its folder closed) says so:
            // unknown, not "no HA check". Only a file seen to be absent is absent.
            // english: shell script, not a message
            `  if [ ! -r "$__kcf" ] && { [ -e "$__kcf" ] || [ ! -x "\${__kcf%/*}" ]; }; then echo '${MARK}kaconfUnreadable'; echo "$__kcf"; fi`,
            `  echo '${MARK}halog'`,
            // english: the role script's log words, matched as it writes them
            "  grep -E ' MASTER: (was |mfsmaster runs|a master still answers on )' /var/log/mfs-ha.log 2>/dev/null | tail -n 12",
          ]
        : []),
      'fi',
    );
  }
  if (opts.parts.version) {
    lines.push(
      `echo '${MARK}version'`,
      // english: shell script, not a message
      'for __b in mfsmaster mfschunkserver mfsmetalogger; do if command -v $__b >/dev/null 2>&1 || [ -x /usr/sbin/$__b ]; then PATH="$PATH:/usr/sbin:/sbin" $__b -v 2>&1 | head -n 1; break; fi; done',
    );
  }
  lines.push(
    `echo '${MARK}changelog'`,
    // english: shell script, not a message
    `if [ -f ${changelog} ]; then echo "$((__now - $(stat -c %Y ${changelog})))"; tail -n 1 ${changelog}; fi`,
    ...(opts.parts.keepalived ? ['[ -n "$__kp" ] && kill -USR1 $__kp 2>/dev/null'] : []),
    // The wall clock with sub-second precision, last, so the answer follows it closely (one fork).
    `echo '${MARK}clock'`,
    'date +%s.%N 2>/dev/null',
    'read -r __t1 _ < /proc/uptime 2>/dev/null',
    `echo '${MARK}time'`,
    'echo "$__t0 $__t1"',
    'exit 0',
  );
  return lines.join('\n');
}

function sections(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(MARK)) {
      current = [];
      out.set(line.slice(MARK.length).trim(), current);
    } else if (current && line.trim()) {
      current.push(line);
    }
  }
  return out;
}

export function emptyDaemons(): Record<DaemonName, DaemonProcess[]> {
  return Object.fromEntries(DAEMONS.map((d) => [d, []])) as unknown as Record<DaemonName, DaemonProcess[]>;
}

/** `pid ppid etimes [stat] comm` rows → daemons, without zombies and children of a same-named parent. */
export function parsePs(lines: string[]): Record<DaemonName, DaemonProcess[]> {
  const rows = lines.flatMap((l) => {
    const f = l.trim().split(/\s+/);
    if (f.length < 4 || !f.slice(0, 3).every((x) => /^\d+$/.test(x))) return [];
    const stat = f.length >= 5 ? f[3]! : '';
    if (stat.startsWith('Z')) return [];
    return [{ pid: Number(f[0]), ppid: Number(f[1]), uptimeS: Number(f[2]), comm: f[f.length >= 5 ? 4 : 3]! }];
  });
  const nameOf = (comm: string): DaemonName | undefined => DAEMONS.find((d) => comm === d || (d === 'unison' && comm.startsWith('unison')));
  const byPid = new Map(rows.map((r) => [r.pid, r]));
  const daemons = emptyDaemons();
  for (const r of rows) {
    const name = nameOf(r.comm);
    if (!name) continue;
    const parent = byPid.get(r.ppid);
    if (parent && nameOf(parent.comm) === name) continue;
    daemons[name].push({ pid: r.pid, uptimeS: r.uptimeS });
  }
  return daemons;
}

/** The VRRP Topology lines of /tmp/keepalived.data → one state per instance. */
export function parseKeepalivedDump(lines: string[]): KeepalivedState[] {
  const states: KeepalivedState[] = [];
  let current: KeepalivedState | undefined;
  for (const line of lines) {
    const m = /^\s*(VRRP Instance|State|Last transition) = (.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'VRRP Instance') {
      current = { instance: m[2]!.trim(), state: '' };
      states.push(current);
    } else if (current && m[1] === 'State' && !current.state) {
      current.state = m[2]!.trim();
    } else if (current && m[1] === 'Last transition') {
      const t = Number.parseFloat(m[2]!);
      if (Number.isFinite(t)) current.lastTransition = t;
    }
  }
  return states;
}

export function parseHostProbe(stdout: string): HostProbe {
  const s = sections(stdout);
  const vipLines = s.get('vip') ?? [];
  const probe: HostProbe = {
    holdsVip: vipLines.length > 0,
    daemons: parsePs(s.get('ps') ?? []),
  };
  if (vipLines[0]) probe.vipLine = vipLines[0].trim();
  const ka = s.get('keepalived');
  if (ka) {
    const age = /^age (-?\d+|none)( refused)?$/.exec(ka[0] ?? '');
    const states = parseKeepalivedDump(ka);
    const ageS = age && age[1] !== 'none' ? Number(age[1]) : undefined;
    if (ageS !== undefined) probe.keepalivedDumpAgeS = ageS;
    // Only root may ask keepalived for a new dump (SIGUSR1): an operator who logs in as
    // themselves reads whatever root's last one said, maybe from hours ago. Not a state.
    if (age?.[2] && (ageS === undefined || ageS > DUMP_TOO_OLD_S)) probe.keepalivedProblem = tr('probe.dumpTooOld', { seconds: ageS ?? '?' });
    else if (states.length > 0) probe.keepalived = states;
    else if (age) probe.keepalivedProblem = tr('probe.noVrrpInstance');
  }
  const role = /^(\S+) (-?\d+)$/.exec(s.get('harole')?.[0] ?? '');
  if (role) probe.haRole = { role: role[1]!, ageS: Number(role[2]) };
  const unreadable = s.get('kaconfUnreadable');
  const conf = s.get('kaconf');
  if (unreadable) probe.keepalivedConfUnreadable = unreadable[0]?.trim() || '/etc/keepalived/keepalived.conf';
  else if (conf) probe.keepalivedConf = parseKeepalivedConf(conf.join('\n'));
  const log = s.get('halog');
  if (log) {
    probe.promotionsS = parsePromotions(log);
    const waiting = parsePromotionWait(log);
    if (waiting) probe.promotionWaitingOn = waiting;
  }
  const version = s.get('version')?.[0];
  const v = version ? /(\d+\.\d+\.\d+)/.exec(version) : null;
  if (v) probe.mfsVersion = v[1];
  const cl = s.get('changelog');
  if (cl && cl.length >= 2) {
    const ageS = Number(cl[0]);
    const ver = lastChangelogVersion(cl.slice(1).join('\n'));
    if (ver !== undefined && Number.isFinite(ageS)) probe.metaloggerChangelog = { version: ver, ageS };
  }
  const clock = parseClockLine(s.get('clock')?.[0]);
  if (clock) probe.clockRaw = clock;
  const t = s.get('time')?.[0]?.split(/\s+/).map(Number);
  if (t && t.length === 2 && t.every(Number.isFinite)) probe.scriptS = Math.max(0, t[1]! - t[0]!);
  return probe;
}

/**
 * Durations of the promotions in keepalived-ha's log (`%F %T MASTER: was X` up to `%F %T
 * MASTER: mfsmaster runs`): how long this host's role script takes to start a master.
 */
export function parsePromotions(lines: string[]): number[] {
  const out: number[] = [];
  let start: number | undefined;
  for (const l of lines) {
    // The role script logs milliseconds (`%F %T.%3N`); older ones logged whole seconds.
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) MASTER: (was |mfsmaster runs)/.exec(l.trim());
    if (!m) continue;
    const t = Date.parse(`${m[1]}T${m[2]}Z`); // ms: whole milliseconds subtract exactly
    if (m[3] === 'was ') start = t;
    else if (start !== undefined) {
      out.push((t - start) / 1000);
      start = undefined;
    }
  }
  return out;
}

/**
 * The address the latest promotion waits on, when it has not started a master yet: keepalived-ha
 * starts none while another candidate's master still accepts connections (a frozen or starved
 * host whose kernel answers for it), and logs `a master still answers on ADDRESS` meanwhile.
 */
export function parsePromotionWait(lines: string[]): string | undefined {
  let waiting: string | undefined;
  for (const l of lines) {
    if (/ MASTER: (was |mfsmaster runs)/.test(l)) waiting = undefined;
    const m = / MASTER: a master still answers on ([^\s:]+)/.exec(l);
    if (m) waiting = m[1];
  }
  return waiting;
}

export interface HostProbeResult {
  probe: HostProbe;
  /** Round trip: the exec's wall time minus what the script took on the host. */
  rttMs: number;
  durationMs: number;
}

/**
 * The host probe gave no report: `slow` and `failed` once its command ran on the host;
 * `cancelled` when the caller gave up before it ran but after SSH answered (sudo, a busy
 * connection); `unconnected` when the caller gave up while the connection was being made.
 */
export class HostProbeFailed extends Error {
  constructor(
    readonly kind: 'slow' | 'failed' | 'cancelled' | 'unconnected',
    message: string,
  ) {
    super(message);
    this.name = 'HostProbeFailed';
  }
}

/**
 * Runs the host probe; timeoutMs counts from the command's start on the host (connecting has
 * the SSH pool's own deadline). Throws HostError when the host cannot be reached, else HostProbeFailed.
 */
export async function probeHost(executor: Executor, opts: HostProbeOptions, timeoutMs: number, signal?: AbortSignal): Promise<HostProbeResult> {
  const before = Date.now();
  const r = await executor.exec({ script: hostProbeScript(opts), timeoutMs, signal });
  const after = Date.now();
  if (r.timedOut) throw new HostProbeFailed('slow', tr('probe.slow', { ms: timeoutMs }));
  if (r.cancelled) throw new HostProbeFailed(r.unconnected ? 'unconnected' : 'cancelled', tr('probe.cancelled', { host: executor.target }));
  if (r.exitCode !== 0) throw new HostProbeFailed('failed', tr('probe.exited', { code: String(r.exitCode ?? r.signal), stderr: r.stderr.trim().split('\n')[0] ?? '' }));
  const probe = parseHostProbe(r.stdout);
  if (probe.clockRaw) probe.clock = clockReading(probe.clockRaw, before, after);
  const scriptMs = (probe.scriptS ?? 0) * 1000;
  return { probe, durationMs: r.durationMs, rttMs: Math.max(0, Math.round(r.durationMs - scriptMs)) };
}

// ---- the cluster probe ----------------------------------------------------------------

export interface ClusterProbeOptions {
  vip: string;
  /** Master candidates' addresses, as mfscli -H takes them. */
  candidates: string[];
  /** Per mfscli call (a dead address can hang a connect). */
  mfscliTimeoutS?: number;
  /** Sections only the metrics exporter needs (-SHD asks every chunkserver directly). */
  extraSections?: readonly ExtraSection[];
}

export const EXTRA_SECTIONS = ['-SSC', '-SQU', '-SHD'] as const;
export type ExtraSection = (typeof EXTRA_SECTIONS)[number];

export interface ClusterProbe {
  /** What the master answering on the VIP says; `noMaster` when nothing answers there. */
  viaVip?: MfscliReport;
  /** -SIM rows of every candidate address (answering or DEAD). */
  candidates?: MfscliReport;
  /** mfscli is not installed or timed out on the probing host. */
  problem?: string;
}

/**
 * ONE mfscli run (its Python start-up is most of its cost) against the VIP and every
 * candidate: -SIM prints a row per address, and the other sections come from the first
 * address that answers, which is the VIP whenever a master answers there.
 */
export function clusterProbeScript(opts: ClusterProbeOptions): string {
  const t = opts.mfscliTimeoutS ?? 4;
  return [
    'export LC_ALL=C',
    `command -v mfscli >/dev/null 2>&1 || { echo '${MARK}no-mfscli'; exit 0; }`,
    `echo '${MARK}mfscli'`,
    `timeout ${t} mfscli ${clusterArgs(opts).map(shQuote).join(' ')} -H ${shQuote(mfscliHosts(opts))} 2>&1; echo "${MARK}mfscli-exit $?"`,
    'exit 0',
  ].join('\n');
}

/** The mfscli sections of the cluster probe, in plain `|`-separated rows. */
const CLUSTER_ARGS = ['-ns', '|', '-SIM', '-SIG', '-SIC', '-SCS', '-SMB'];
const clusterArgs = (opts: ClusterProbeOptions) => [...CLUSTER_ARGS, ...(opts.extraSections ?? [])];
const mfscliHosts = (opts: ClusterProbeOptions) => [opts.vip, ...opts.candidates].join(',');

export function parseClusterProbe(stdout: string, vip: string): ClusterProbe {
  if (stdout.includes(`${MARK}no-mfscli`)) return { problem: tr('probe.noMfscli') };
  const s = sections(stdout);
  const exitKey = [...s.keys()].find((k) => k.startsWith('mfscli-exit '));
  const exit = exitKey ? Number(exitKey.split(' ')[1]) : undefined;
  if (exit === 124) return { problem: tr('probe.mfscliTimedOut') };
  if (!s.has('mfscli')) return { problem: tr('probe.noMfscliOutput') };
  const report = parseMfscli(s.get('mfscli')!.join('\n'));
  const vipRow = report.masters.find((m) => m.ip === vip);
  const candidates: MfscliReport = { ...report, masters: report.masters.filter((m) => m.ip !== vip) };
  // Sections printed by a master that is not on the VIP are not "via the VIP".
  const viaVip: MfscliReport = vipRow?.answering
    ? { ...report, masters: [vipRow] }
    : { noMaster: true, masters: vipRow ? [vipRow] : [], info: {}, goalMatrix: [], chunkservers: [], disconnected: [], metaloggers: [], sections: new Set(), problems: report.problems };
  return { viaVip, candidates };
}

/** The cluster probe through a resident mfscli (mfscli-resident.ts): the same run, the same parse. */
export async function probeClusterResident(resident: ResidentMfscli, opts: ClusterProbeOptions, timeoutMs: number, signal?: AbortSignal): Promise<ClusterProbe> {
  const a = await resident.run([...clusterArgs(opts), '-H', mfscliHosts(opts)], opts.mfscliTimeoutS ?? 4, timeoutMs, signal);
  const body = a.output.endsWith('\n') || a.output === '' ? a.output : `${a.output}\n`;
  return parseClusterProbe(`${MARK}mfscli\n${body}${MARK}mfscli-exit ${a.exitCode}\n`, opts.vip);
}

export async function probeCluster(executor: Executor, opts: ClusterProbeOptions, timeoutMs: number, signal?: AbortSignal): Promise<ClusterProbe> {
  const r = await executor.exec({ script: clusterProbeScript(opts), timeoutMs, signal });
  if (r.timedOut) throw new Error(tr('probe.mfscliSlow', { host: executor.target, ms: timeoutMs }));
  if (r.cancelled) throw new Error(tr('probe.mfscliCancelled', { host: executor.target }));
  if (r.exitCode !== 0) throw new Error(tr('probe.clusterExited', { host: executor.target, code: String(r.exitCode ?? r.signal), stderr: r.stderr.trim().split('\n')[0] ?? '' }));
  return parseClusterProbe(r.stdout, opts.vip);
}
