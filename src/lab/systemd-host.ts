// Practice hosts that boot systemd 252 as their PID 1 (`lab up --init systemd`).
//
// systemd's sysinit units act on the root file system they see (tmpfiles once emptied the
// machine's real /tmp from a host that shared it), so each host boots on a PRIVATE ROOT: an
// overlay of the machine's / with a per-host upper folder, pivoted into, the machine's root
// detached. Inside: fresh proc (/proc/sys read-only but its net part), read-only sysfs, its own
// cgroup2 (a cgroup namespace rooted in the host's folder of the machine's cgroup2 tree), a
// tmpfs /dev with basic nodes, fresh tmpfs /run, /tmp and /var/tmp. The host's /etc/mfs,
// /etc/keepalived, /var/lib/mfs, /root and /var/log are bind-mounted from its lab folder (as
// for the hosts without systemd), so the lab reads them from outside.
// Recipe and measurements: practice-cluster-notes.md, "systemd in a practice host".
import { t } from '../i18n/index.ts';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { labSshdPolicy, labSshdRootFromPeers } from './files.ts';
import { hostNamespaceCommand } from './host-namespaces.ts';
import { LAB_PREFIX, type LabHostPlan } from './layout.ts';
import { devTemplateDir, hostDir } from './paths.ts';
import { LabError, childPids, isAlive, run, sleep, waitFor } from './proc.ts';

/** What a host's PID 1 is: systemd from the Debian packages, or the lab's small shell. */
export type LabInit = 'systemd' | 'none';
export const LAB_INITS: readonly LabInit[] = ['systemd', 'none'];

/** $MFS_TUI_LAB_INIT when it names one, else the hosts without systemd. */
export function defaultLabInit(): LabInit {
  return process.env.MFS_TUI_LAB_INIT === 'systemd' ? 'systemd' : 'none';
}

/** The per-host folders inside a systemd host's lab folder. */
export const ROOT_UPPER = 'upper';
const ROOT_WORK = 'work';
export const ROOT_MOUNT = 'rootfs';

/** Host folders bind-mounted over the private root (the lab and tests read them from outside). */
const BOUND = ['etc/mfs', 'etc/keepalived', 'var/lib/mfs', 'root', 'var/log'];

/**
 * Units that have no place in a practice host (devices, kernel settings, clocks, consoles, the
 * machine's hardware), masked in the host's own /etc. Each of them either changes the machine
 * (sysctl, binfmt, modules, time) or fails in a namespace and degrades the boot.
 */
export const MASKED_UNITS = [
  'systemd-udevd.service',
  'systemd-udevd-control.socket',
  'systemd-udevd-kernel.socket',
  'systemd-udev-trigger.service',
  'systemd-udev-settle.service',
  'systemd-hwdb-update.service',
  'systemd-timesyncd.service',
  'systemd-sysctl.service',
  'systemd-modules-load.service',
  'kmod-static-nodes.service',
  'systemd-binfmt.service',
  'proc-sys-fs-binfmt_misc.automount',
  'proc-sys-fs-binfmt_misc.mount',
  'sys-kernel-debug.mount',
  'sys-kernel-tracing.mount',
  'sys-kernel-config.mount',
  'sys-fs-fuse-connections.mount',
  'dev-hugepages.mount',
  'systemd-remount-fs.service',
  'systemd-pstore.service',
  'systemd-journald-audit.socket',
  'getty.target',
  'getty@tty1.service',
  'console-getty.service',
  'systemd-firstboot.service',
  'systemd-random-seed.service',
  'fstrim.timer',
  'fstrim.service',
  'smartmontools.service',
  'smartd.service',
  'openipmi.service',
  'systemd-machine-id-commit.service',
  'systemd-boot-system-token.service',
  'rsyslog.service',
  'syslog.service',
];

/** Services whose boot-time start the runbooks decide on a practice host: whited out of the machine's wants, never masked (`systemctl enable` must still work). */
const RUNBOOK_OWNED = /^(keepalived|moosefs-[a-z]+)\.service$/;
/** What a bare practice host starts at boot of the machine's own enabled units. */
const KEEP_ENABLED = new Set(['ssh.service', 'remote-fs.target']);

/** The machine's /etc/systemd/system/*.wants entries, as `folder/unit` (what a host would inherit through the overlay). */
export function machineEnabledUnits(etc = '/etc/systemd/system'): string[] {
  const out: string[] = [];
  let dirs: string[] = [];
  try {
    dirs = fs.readdirSync(etc).filter((d) => d.endsWith('.wants') || d.endsWith('.requires'));
  } catch {
    return out;
  }
  for (const d of dirs) {
    try {
      for (const u of fs.readdirSync(path.join(etc, d))) out.push(`${d}/${u}`);
    } catch {
      /* not a folder */
    }
  }
  return out.sort();
}

/**
 * How a practice host starts from the machine's enabled units: runbook-owned services are
 * whited out (removed from the host's view) so the host starts bare; every other unit it would
 * inherit, except sshd, is masked.
 */
export function inheritedUnits(enabled: string[]): { mask: string[]; whiteout: string[] } {
  const mask = new Set<string>();
  const whiteout: string[] = [];
  for (const entry of enabled) {
    const unit = path.basename(entry);
    if (KEEP_ENABLED.has(unit)) continue;
    if (RUNBOOK_OWNED.test(unit)) whiteout.push(`etc/systemd/system/${entry}`);
    else if (!unit.includes('@')) mask.add(unit);
  }
  return { mask: [...mask].sort(), whiteout };
}

export interface RootFile {
  /** Relative to the host's upper folder (so: the host's own path without the leading /). */
  path: string;
  content?: string;
  /** A symbolic link to this target instead of content. */
  link?: string;
  mode?: number;
}

/** What a systemd host runs beyond sshd: firewalld (`lab up --firewalld`), enabled in the host's own /etc. */
export interface SystemdHostOptions {
  firewalld?: boolean;
  /** Whether sshd lets root log in by key (default); a lab built `--as ops` refuses it. */
  rootLogin?: boolean;
}

/** The unit links `systemctl enable firewalld` makes (its [Install]: multi-user.target and the D-Bus alias). */
const FIREWALLD_LINKS = ['etc/systemd/system/multi-user.target.wants/firewalld.service', 'etc/systemd/system/dbus-org.fedoraproject.FirewallD1.service'];

/** The files a systemd host's private root gets before its first boot. Pure. */
export function systemdRootFiles(
  host: LabHostPlan,
  hostsFile: string,
  hostKey: { key: string; pub: string },
  enabled: string[],
  machineId: string,
  opts: SystemdHostOptions = {},
): { files: RootFile[]; whiteouts: string[] } {
  const inherited = inheritedUnits(enabled);
  const masks = [...new Set([...MASKED_UNITS, ...inherited.mask])].filter((u) => !(opts.firewalld && u === 'firewalld.service')).sort();
  const files: RootFile[] = [
    { path: 'etc/hostname', content: `${host.name}\n`, mode: 0o644 },
    { path: 'etc/hosts', content: hostsFile, mode: 0o644 },
    // english: a comment in the host's fstab
    { path: 'etc/fstab', content: `# ${host.name}: file systems mounted at boot (the practice host's own)\n`, mode: 0o644 },
    { path: 'etc/machine-id', content: `${machineId}\n`, mode: 0o444 },
    { path: 'etc/systemd/system/default.target', link: '/lib/systemd/system/multi-user.target' },
    ...masks.map((u) => ({ path: `etc/systemd/system/${u}`, link: '/dev/null' })),
    // A journal per boot in the host's /run: nothing of it lands on the machine's disk.
    { path: 'etc/systemd/journald.conf.d/mfs-tui-lab.conf', content: '[Journal]\nStorage=volatile\nRuntimeMaxUse=16M\n', mode: 0o644 },
    { path: 'etc/ssh/sshd_config', content: systemdSshdConfig(host, opts.rootLogin ?? true), mode: 0o644 },
    { path: 'etc/ssh/ssh_host_ed25519_key', content: hostKey.key, mode: 0o600 },
    { path: 'etc/ssh/ssh_host_ed25519_key.pub', content: hostKey.pub, mode: 0o644 },
    ...(opts.firewalld ? FIREWALLD_LINKS.map((p) => ({ path: p, link: '/lib/systemd/system/firewalld.service' })) : []),
  ];
  // The machine's other host keys are not this host's: hidden, so it offers only its own.
  const whiteouts = [...inherited.whiteout, 'etc/ssh/ssh_host_rsa_key', 'etc/ssh/ssh_host_rsa_key.pub', 'etc/ssh/ssh_host_ecdsa_key', 'etc/ssh/ssh_host_ecdsa_key.pub'];
  return { files, whiteouts };
}

/** sshd of a systemd host: Debian's ssh.service runs it with this file (the machine's own is not used). */
function systemdSshdConfig(host: LabHostPlan, rootLogin: boolean): string {
  return [
    // english: a comment in the host's sshd_config
    `# sshd of practice host ${host.name} (systemd): its own host key, keys only`,
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    ...labSshdPolicy(rootLogin),
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    ...labSshdRootFromPeers(rootLogin),
    '',
  ].join('\n');
}

/**
 * The host's mounts before it pivots into its private root, for one `mount -a -T` (absolute
 * paths in the host's lab folder `dir`). Sources are lab-unique names (see hostFstab).
 */
export function systemdFstab(host: string, dir: string): string {
  const r = path.join(dir, ROOT_MOUNT);
  return [
    `${LAB_PREFIX}root-${host} ${r} overlay lowerdir=/,upperdir=${path.join(dir, ROOT_UPPER)},workdir=${path.join(dir, ROOT_WORK)} 0 0`,
    ...BOUND.map((b) => `${path.join(dir, b)} ${path.join(r, b)} none bind,X-mount.mkdir 0 0`),
    `${LAB_PREFIX}proc ${r}/proc proc nosuid,nodev,noexec 0 0`,
    `${LAB_PREFIX}sys ${r}/sys sysfs ro,nosuid,nodev,noexec 0 0`,
    `${LAB_PREFIX}cgroup ${r}/sys/fs/cgroup cgroup2 nosuid,nodev,noexec 0 0`,
    `${LAB_PREFIX}dev ${r}/dev tmpfs mode=755,nosuid,size=8m 0 0`,
    `${LAB_PREFIX}devpts ${r}/dev/pts devpts newinstance,ptmxmode=0666,mode=620,gid=5,X-mount.mkdir 0 0`,
    `${LAB_PREFIX}shm ${r}/dev/shm tmpfs mode=1777,nosuid,nodev,X-mount.mkdir 0 0`,
    `${LAB_PREFIX}run ${r}/run tmpfs mode=755,nosuid,nodev 0 0`,
    `${LAB_PREFIX}tmp ${r}/tmp tmpfs mode=1777,nosuid,nodev 0 0`,
    `${LAB_PREFIX}vartmp ${r}/var/tmp tmpfs mode=1777,nosuid,nodev 0 0`,
    '',
  ].join('\n');
}

/**
 * PID 1 of a systemd host until it execs systemd. `$1` the host's lab folder, `$2` the /dev
 * template. Run by `ip netns exec NS unshare --pid --fork --mount --uts --ipc --cgroup
 * --propagation private` from inside the host's own folder of the machine's cgroup2 tree.
 */
// english: the boot script (its comments are for whoever reads it on the host)
export const SYSTEMD_BOOT = String.raw`set -e
H=$1 R=$1/rootfs
# Whiteouts in the upper folder: what of the machine's root this host must not see.
while read -r p; do [ -n "$p" ] && [ ! -e "$H/upper/$p" ] && mknod "$H/upper/$p" c 0 0; done < "$H/whiteouts"
mkdir -p "$R"
mount -a -T "$H/fstab"
# /proc/sys read-only (sysctl and binfmt would change the machine) except the host's own network part.
mount --bind "$R/proc/sys" "$R/proc/sys"
mount --bind "$R/proc/sys/net" "$R/proc/sys/net"
mount -o remount,bind,ro "$R/proc/sys"
cp -a "$2/." "$R/dev/"
mount --bind "$R/dev/null" "$R/proc/kmsg"
: > "$R/dev/console"
mount --bind "$H/console.log" "$R/dev/console"
mkdir "$R/run/.oldroot"
cd "$R"
pivot_root . run/.oldroot
umount -l /run/.oldroot
rmdir /run/.oldroot
exec setpriv --bounding-set -sys_module,-sys_rawio,-sys_time,-syslog,-wake_alarm,-block_suspend,-mac_admin,-mac_override,-sys_pacct \
  env -i container=other PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /lib/systemd/systemd
`;

/** The machine's cgroup2 mount (`/sys/fs/cgroup` on a pure cgroup2 machine, `/sys/fs/cgroup/unified` on a hybrid one). */
export function cgroup2Mount(mountinfo = readMountinfo()): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (post?.split(' ')[0] === 'cgroup2') return unescapeMount(pre?.split(' ')[4] ?? '');
  }
  return undefined;
}

/** The lab's folder in the machine's cgroup2 tree: one folder per systemd host below it. */
export function labCgroupDir(): string | undefined {
  const root = cgroup2Mount();
  return root ? path.join(root, `${LAB_PREFIX}hosts`) : undefined;
}

function readMountinfo(): string {
  try {
    return fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return '';
  }
}

const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Mount points in this (the machine's) mount namespace at or below `dir`, deepest first. */
export function mountsBelow(dir: string, mountinfo = readMountinfo()): string[] {
  const base = path.resolve(dir);
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const mp = unescapeMount(line.split(' ')[4] ?? '');
    if (mp === base || mp.startsWith(base + '/')) out.push(mp);
  }
  return out.sort((a, b) => b.length - a.length);
}

/** Writes the private root's first files into the host's upper folder, and the boot's fstab and whiteout list. */
export function provisionSystemdRoot(host: LabHostPlan, hostsFile: string, hostKey: { key: string; pub: string }, opts: SystemdHostOptions = {}): void {
  const dir = hostDir(host.name);
  const upper = path.join(dir, ROOT_UPPER);
  for (const d of [upper, path.join(dir, ROOT_WORK)]) fs.mkdirSync(d, { recursive: true, mode: 0o755 });
  const { files, whiteouts } = systemdRootFiles(host, hostsFile, hostKey, machineEnabledUnits(), crypto.randomBytes(16).toString('hex'), opts);
  for (const f of files) {
    const p = path.join(upper, f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 });
    if (f.link !== undefined) fs.symlinkSync(f.link, p);
    else {
      fs.writeFileSync(p, f.content ?? '', { mode: f.mode ?? 0o644 });
      fs.chmodSync(p, f.mode ?? 0o644);
    }
  }
  for (const w of whiteouts) fs.mkdirSync(path.dirname(path.join(upper, w)), { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'whiteouts'), whiteouts.join('\n') + '\n', { mode: 0o644 });
  fs.writeFileSync(path.join(dir, 'fstab'), systemdFstab(host.name, dir), { mode: 0o644 });
}

export interface StartedSystemdHost {
  launcherPid: number;
  initPid: number;
  cgroup: string;
}

/**
 * Boots a systemd host and resolves once systemd reports the boot finished and ssh.service
 * is active. Detached: the host outlives this process; `lab down` ends it by PID.
 */
export async function startSystemdHost(host: LabHostPlan, timeoutMs = 30_000): Promise<StartedSystemdHost> {
  const dir = hostDir(host.name);
  const cgRoot = labCgroupDir();
  if (!cgRoot) throw new LabError(t('lab.systemd.error.noCgroup2'));
  const cgroup = path.join(cgRoot, host.name);
  // A host booted again (stale-master-returns) starts from a clean folder: its last boot's are empty by now.
  await removeCgroupTree(cgroup, true, 3000);
  fs.mkdirSync(cgroup, { recursive: true });
  const consoleLog = fs.openSync(path.join(dir, 'console.log'), 'w', 0o600);
  // The launcher joins the host's cgroup folder first: the cgroup namespace unshare makes is rooted there.
  const child = spawn(
    'bash',
    [
      '-c',
      'echo $$ > "$0/cgroup.procs" && exec "$@"',
      cgroup,
      ...hostNamespaceCommand(host.netns, { cgroup: true }),
      '/bin/bash',
      '-c',
      SYSTEMD_BOOT,
      `mfslab-boot-${host.name}`,
      dir,
      devTemplateDir(),
    ],
    { detached: true, stdio: ['ignore', consoleLog, consoleLog] },
  );
  fs.closeSync(consoleLog);
  const launcherPid = child.pid;
  if (launcherPid === undefined) throw new LabError(t('lab.systemd.error.launcher', { host: host.name }));
  let exited = false;
  child.on('exit', () => (exited = true));
  child.unref();
  const fail = (why: string) => new LabError(`${t('lab.systemd.error.notBooted', { host: host.name, why })}${consoleTail(dir) ? `\n${consoleTail(dir)}` : ''}`);
  const initPid = await waitFor(() => (exited ? -1 : childPids(launcherPid).find(isAlive)), 10_000, 20);
  if (initPid === undefined || initPid === -1) throw fail(t(exited ? 'lab.systemd.why.launcherExited' : 'lab.systemd.why.noPid1'));
  // `is-system-running --wait` needs systemd's private bus: retried until it answers.
  const end = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (!isAlive(initPid)) throw fail(t('lab.systemd.why.pid1Exited'));
    const r = await run('nsenter', ['-t', String(initPid), '-m', '-u', '-i', '-n', '-p', '-C', 'systemctl', 'is-system-running', '--wait'], { timeoutMs: Math.max(1000, end - Date.now()) });
    last = (r.stdout.trim() || r.stderr.trim()).split('\n').pop() ?? '';
    if (last === 'running' || last === 'degraded') break;
    if (Date.now() > end) throw fail(t('lab.systemd.why.bootSlow', { seconds: timeoutMs / 1000, state: last || t('lab.systemd.why.noAnswer') }));
    await sleep(100);
  }
  const ssh = await run('nsenter', ['-t', String(initPid), '-m', '-u', '-i', '-n', '-p', '-C', 'systemctl', 'is-active', 'ssh.service'], { timeoutMs: 10_000 });
  if (ssh.stdout.trim() !== 'active') {
    const failed = await run('nsenter', ['-t', String(initPid), '-m', '-u', '-i', '-n', '-p', '-C', 'systemctl', '--failed', '--no-legend', '--plain'], { timeoutMs: 10_000 });
    throw fail(
      t('lab.systemd.why.ssh', {
        state: ssh.stdout.trim() || t('lab.systemd.why.notActive'),
        boot: last,
        failed: failed.stdout.trim().replace(/\s+/g, ' ') || t('lab.systemd.why.none'),
      }),
    );
  }
  return { launcherPid, initPid, cgroup };
}

function consoleTail(dir: string): string {
  try {
    return fs.readFileSync(path.join(dir, 'console.log'), 'utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    return '';
  }
}

/**
 * Removes the lab's cgroup folders, deepest first, once their processes are gone (a killed
 * process stays in its folder until the machine's PID 1 reaps it: retried up to `timeoutMs`).
 * Returns the folders it could not remove.
 */
export async function removeLabCgroups(timeoutMs = 3000): Promise<string[]> {
  const root = labCgroupDir();
  return root ? removeCgroupTree(root, false, timeoutMs) : [];
}

/** rmdir of a cgroup folder's subfolders (and of itself unless `keepRoot`), deepest first, retried while processes linger. */
async function removeCgroupTree(root: string, keepRoot: boolean, timeoutMs: number): Promise<string[]> {
  if (!fs.existsSync(root)) return [];
  const folders = (): string[] => {
    const out: string[] = [];
    const walk = (d: string) => {
      let entries: fs.Dirent[] = [];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name));
      if (!keepRoot || d !== root) out.push(d);
    };
    walk(root);
    return out;
  };
  let left: string[] = [];
  await waitFor(
    () => {
      left = [];
      for (const d of folders()) {
        try {
          fs.rmdirSync(d);
        } catch {
          left.push(d);
        }
      }
      return left.length === 0;
    },
    timeoutMs,
    50,
  );
  return left;
}

/** `systemctl ARGS` inside a systemd host, run from outside through its PID 1's namespaces. */
export function hostSystemctl(initPid: number, args: string[], timeoutMs = 10_000) {
  return run('nsenter', ['-t', String(initPid), '-m', '-u', '-i', '-n', '-p', '-C', 'systemctl', ...args], { timeoutMs });
}

/** What systemd does when a unit's main process dies, in the unit's own words (Restart=, RestartSec=). */
export async function unitRestartPolicy(initPid: number, unit: string): Promise<{ restart: string; restartSec: string; text: string }> {
  const r = await hostSystemctl(initPid, ['show', '-p', 'Restart', '-p', 'RestartUSec', unit]);
  const kv = new Map(r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
  const restart = kv.get('Restart') ?? 'unknown';
  const restartSec = kv.get('RestartUSec') ?? '';
  const text = restart === 'no' ? t('lab.restart.no', { unit }) : restart === 'unknown' ? t('lab.restart.unknown', { unit }) : t('lab.restart.yes', { unit, restart, restartSec });
  return { restart, restartSec, text };
}
