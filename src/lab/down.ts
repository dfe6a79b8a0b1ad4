// `lab down`: removes everything a lab (whole, half-built or crashed) left on the machine,
// found by its state file and by the lab's naming convention. Idempotent.
import { t } from '../i18n/index.ts';
import fs from 'node:fs';
import { LAB_PREFIX } from './layout.ts';
import { deleteLink, deleteNetns, listLabLinks, listLabNetns, netnsPidsAll } from './net.ts';
import path from 'node:path';
import { labDir } from './paths.ts';
import { isAlive, namespaceOf, run, sleep, waitFor } from './proc.ts';
import { readState } from './state.ts';
import { LAB_OPERATION_LOCK, assertNoLabTestsRunning, withLock } from './lock.ts';
import type { Progress } from './progress.ts';
import { mountsBelow, removeLabCgroups } from './systemd-host.ts';

export interface LabDownReport {
  /** One line per thing removed, for the operator. */
  removed: string[];
  /** Things that could not be removed (the operator must look). */
  problems: string[];
}

export async function labDown(progress: Progress = () => {}): Promise<LabDownReport> {
  assertNoLabTestsRunning();
  return withLock(LAB_OPERATION_LOCK, () => removeLab(progress));
}

/** labDown without the lock (for `lab up`, which holds it already). */
export async function removeLab(progress: Progress = () => {}): Promise<LabDownReport> {
  const removed: string[] = [];
  const problems: string[] = [];
  const state = readState();
  const netnsList = await listLabNetns();
  // Every lab process, by namespace, in one pass over /proc.
  const inNetns = netnsPidsAll(netnsList);

  progress('unmount', t('lab.down.phase.unmount'));
  // FUSE first, while mfsmount still runs: a clean unmount instead of a dead connection.
  const selfPid = namespaceOf('self', 'pid');
  const selfMnt = namespaceOf('self', 'mnt');
  const unmounted = await Promise.all(
    netnsList.map(async (ns) => {
      const holder = inNetns.get(ns)!.find((pid) => namespaceOf(pid, 'pid') !== selfPid && namespaceOf(pid, 'mnt') !== selfMnt);
      if (holder === undefined) return [];
      // The host's mount table, read from outside; only FUSE mounts need an unmount. umount
      // runs in the host's PID namespace too: its /proc (and so /proc/self) belongs to it.
      let fuse: string[] = [];
      try {
        fuse = fs
          .readFileSync(`/proc/${holder}/mounts`, 'utf8')
          .split('\n')
          .map((l) => l.split(' '))
          .filter((f) => f[2]?.startsWith('fuse'))
          .map((f) => f[1]!);
      } catch {
        return [];
      }
      const done: string[] = [];
      for (const mp of fuse) {
        const r = await run('nsenter', ['-t', String(holder), '-m', '-p', 'umount', '-l', mp], { timeoutMs: 5000 });
        if (r.code === 0) done.push(t('lab.down.unmountedIn', { mount: mp, host: ns.slice(LAB_PREFIX.length) }));
      }
      return done;
    }),
  );
  removed.push(...unmounted.flat());

  progress('processes', t('lab.down.phase.processes'));
  // Killing a host's PID 1 kills its whole PID namespace; `ip netns pids` catches the rest
  // (launchers, and anything of a half-built host).
  const pids = new Set<number>();
  for (const h of state?.hosts ?? []) {
    for (const pid of [h.initPid, h.launcherPid]) if (pid && isAlive(pid) && inLabNetns(pid, netnsList)) pids.add(pid);
  }
  const perHost: string[] = [];
  // Read again: a host's processes may have started or ended during the unmounts.
  const insideEach = netnsPidsAll(netnsList);
  netnsList.forEach((ns) => {
    const inside = insideEach.get(ns)!;
    for (const pid of inside) pids.add(pid);
    if (inside.length > 0) perHost.push(`${ns.slice(LAB_PREFIX.length)} (${inside.length})`);
  });
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const gone = await waitFor(() => [...pids].every((p) => !isAlive(p)), 4000, 20);
  if (pids.size > 0) removed.push(t('lab.down.killed', { count: pids.size, hosts: perHost.join(', ') || t('lab.down.launchers') }));
  if (!gone) problems.push(t('lab.down.stillAlive', { pids: [...pids].filter(isAlive).join(' ') }));
  progress('cgroups', t('lab.down.phase.cgroups'));
  // systemd hosts' cgroup folders (their private roots went with their mount namespaces).
  const cgroupsLeft = await removeLabCgroups();
  for (const d of cgroupsLeft) problems.push(t('lab.down.cgroupLeft', { dir: d }));

  progress('network', t('lab.down.phase.network'));
  // One `ip -force -batch` for all of it (-force: go on past errors; what remains is checked
  // after). Veths explicitly: orphaned sockets can keep a deleted namespace and its veth alive.
  const links = await listLabLinks();
  const veths = links.filter((l) => l.kind !== 'bridge').map((l) => l.name);
  const bridges = links.filter((l) => l.kind === 'bridge').map((l) => l.name);
  const batch = [...veths.map((n) => `link del ${n}`), ...netnsList.map((n) => `netns del ${n}`), ...bridges.map((n) => `link del ${n}`)];
  if (batch.length > 0) await run('ip', ['-force', '-batch', '-'], { input: batch.join('\n') + '\n' });
  let leftNetns = await listLabNetns();
  let leftLinks = await listLabLinks();
  if (leftNetns.length + leftLinks.length > 0) {
    // A veth whose namespace is still being torn down can reappear for a moment: once more.
    await sleep(200);
    for (const l of leftLinks) await deleteLink(l.name);
    for (const n of leftNetns) await deleteNetns(n);
    leftNetns = await listLabNetns();
    leftLinks = await listLabLinks();
  }
  for (const n of veths) if (!leftLinks.some((l) => l.name === n)) removed.push(t('lab.down.deletedVeth', { name: n }));
  for (const n of netnsList) if (!leftNetns.includes(n)) removed.push(t('lab.down.deletedNetns', { name: n }));
  for (const n of bridges) if (!leftLinks.some((l) => l.name === n)) removed.push(t('lab.down.deletedBridge', { name: n }));
  for (const l of leftLinks) problems.push(t('lab.down.linkLeft', { name: l.name }));
  for (const n of leftNetns) problems.push(t('lab.down.netnsLeft', { name: n }));

  progress('files', t('lab.down.phase.files'));
  // The lab that owned these names may have lived in another lab dir (e.g. the default one,
  // replaced by a test's lab): its inventory would still say "up". Clear that dir too.
  const dirs = [...new Set([labDir(), readOwnerDir()].filter((d): d is string => d !== undefined))];
  for (const d of dirs) {
    // A host's private root lives only in its own mount namespace; should one ever show up in
    // the machine's, it is unmounted first: removing files through it would reach what it shows.
    const hostsDir = path.join(d, 'hosts');
    for (const mp of mountsBelow(hostsDir)) {
      const r = await run('umount', ['-l', mp], { timeoutMs: 5000 });
      if (r.code === 0) removed.push(t('lab.down.unmounted', { mount: mp }));
    }
    const still = mountsBelow(hostsDir);
    if (still.length > 0) {
      problems.push(t('lab.down.stillMounted', { dir: hostsDir, mounts: still.join(' ') }));
      continue;
    }
    removed.push(...(await removeLabFiles(d)));
  }
  fs.rmSync(LAB_OWNER_FILE, { force: true });
  return { removed, problems };
}

/** Guards against PID reuse: a recorded PID is only killed while it is in a lab namespace. */
function inLabNetns(pid: number, netnsList: string[]): boolean {
  const ns = namespaceOf(pid, 'net');
  if (!ns) return false;
  for (const name of netnsList) {
    try {
      if (`net:[${fs.statSync(`/run/netns/${name}`).ino}]` === ns) return true;
    } catch {
      /* namespace file gone */
    }
  }
  return false;
}

/** Which lab dir built the lab now on this machine (written by `lab up`). */
export const LAB_OWNER_FILE = '/run/mfs-tui-lab.dir';

function readOwnerDir(): string | undefined {
  try {
    const d = fs.readFileSync(LAB_OWNER_FILE, 'utf8').trim();
    return path.isAbsolute(d) ? d : undefined;
  } catch {
    return undefined;
  }
}

/** Removes what `lab up` wrote in a lab dir, except the keys and the metadata cache. */
async function removeLabFiles(dir: string): Promise<string[]> {
  const done: string[] = [];
  const hosts = path.join(dir, 'hosts');
  if (fs.existsSync(hosts)) {
    // One host folder per task, side by side (libuv's thread pool): a systemd host's private
    // root holds thousands of files, and one after another they took most of `lab down`.
    await Promise.all(fs.readdirSync(hosts).map((h) => fs.promises.rm(path.join(hosts, h), { recursive: true, force: true })));
    fs.rmSync(hosts, { recursive: true, force: true });
    done.push(t('lab.down.removedHosts', { dir: hosts }));
  }
  for (const f of ['inventory.yaml', 'inventory-ops.yaml', 'inventory.lab-up.yaml', 'ops-password', 'ssh_config', 'known_hosts']) fs.rmSync(path.join(dir, f), { force: true });
  if (fs.existsSync(path.join(dir, 'state.json'))) {
    fs.rmSync(path.join(dir, 'state.json'));
    done.push(t('lab.down.removedState', { dir }));
  }
  return done;
}
