// A small real MooseFS cluster for runbook tests, in network + mount namespaces this test
// creates itself (names rbl-*, subnet 10.88.0.0/24 on an isolated bridge). Each host gets
// private /etc/mfs, /etc/keepalived, /var/lib/mfs, /run, /tmp, /var/log and /etc/hosts, so
// the runbooks' scripts run there unchanged. No PID namespace: the scripts find daemons
// through their lock files (`mfsmaster test`), which are per host. Everything started is
// found again through `ip netns pids` and killed by PID on teardown.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Inventory, InventoryHost } from '../../src/inventory/types.ts';
import { chooseBlock } from '../../src/runbook/conditions.ts';
import type { HostFacts } from '../../src/runbook/facts.ts';
import type { Runbook } from '../../src/runbook/types.ts';
import { renderBlock } from './runbook-library.ts';

export const NS_PREFIX = 'rbl-';
export const BRIDGE = 'rbl-br';
export const SUBNET = '10.88.0';
export const VIP = `${SUBNET}.100`;
const ROOT = '/var/tmp/rbl-cluster';
// /root too: the test hosts must not read this machine's ~/.bashrc (a pyenv line there made every nested bash wait).
const PRIVATE_DIRS = ['etc/mfs', 'etc/keepalived', 'var/lib/mfs', 'run', 'var/log', 'tmp', 'root'];

export interface NsHost {
  name: string;
  address: string;
  roles: InventoryHost['roles'];
  /** PID of the process that holds the host's mount namespace open. */
  holder?: number;
}

export interface ExecResult {
  code: number | null;
  out: string;
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function quiet(cmd: string, args: string[]): void {
  spawnSync(cmd, args, { stdio: 'ignore' });
}

/** True when this process may create namespaces and the MooseFS programs are installed. */
export function canRun(): { ok: boolean; why?: string } {
  if (process.getuid?.() !== 0) return { ok: false, why: 'needs root (network namespaces)' };
  for (const p of ['mfsmaster', 'mfschunkserver', 'mfsmetalogger', 'mfscli', 'mfsmount', 'keepalived', 'nsenter', 'unshare']) {
    if (spawnSync('sh', ['-c', `command -v ${p}`]).status !== 0) return { ok: false, why: `${p} is not installed` };
  }
  return { ok: true };
}

export class NsCluster {
  readonly hosts: NsHost[];

  constructor(hosts: { name: string; octet: number; roles: InventoryHost['roles'] }[]) {
    this.hosts = hosts.map((h) => ({ name: h.name, address: `${SUBNET}.${h.octet}`, roles: h.roles }));
  }

  inventory(): Inventory {
    return {
      cluster: 'rbl',
      vip: { address: VIP, interface: 'eth0', prefix: 24 },
      paths: { data: '/var/lib/mfs', config: '/etc/mfs', mount: '/tmp/mnt' },
      hosts: this.hosts.map((h) => ({ name: h.name, address: h.address, port: 22, user: 'root', agent: true, become: false, roles: h.roles })),
      knownHosts: [],
      file: `${ROOT}/inventory.yaml`,
    };
  }

  host(name: string): NsHost {
    const h = this.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no host ${name}`);
    return h;
  }

  /** Removes whatever an earlier (crashed) run of this test left behind. */
  static cleanLeftovers(): void {
    const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
    for (const line of list.split('\n')) {
      const ns = line.split(' ')[0] ?? '';
      if (!ns.startsWith(NS_PREFIX)) continue;
      killNetnsProcesses(ns);
      quiet('ip', ['netns', 'del', ns]);
      quiet('ip', ['link', 'del', ns]);
    }
    quiet('ip', ['link', 'del', BRIDGE]);
    fs.rmSync(ROOT, { recursive: true, force: true });
  }

  async up(): Promise<void> {
    NsCluster.cleanLeftovers();
    sh('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
    sh('ip', ['link', 'set', BRIDGE, 'up']);
    for (const h of this.hosts) {
      const ns = NS_PREFIX + h.name;
      sh('ip', ['netns', 'add', ns]);
      sh('ip', ['link', 'add', ns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      sh('ip', ['link', 'set', ns, 'master', BRIDGE, 'up']);
      sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      sh('ip', ['-n', ns, 'addr', 'add', `${h.address}/24`, 'dev', 'eth0']);
      sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
      const root = path.join(ROOT, h.name);
      for (const d of PRIVATE_DIRS) fs.mkdirSync(path.join(root, d), { recursive: true });
      fs.chmodSync(path.join(root, 'tmp'), 0o1777);
      fs.copyFileSync('/var/lib/mfs/metadata.mfs.empty', path.join(root, 'var/lib/mfs/metadata.mfs.empty'));
      execFileSync('chown', ['-R', 'mfs:mfs', path.join(root, 'var/lib/mfs')]);
      fs.writeFileSync(path.join(root, 'hosts'), `127.0.0.1 localhost\n${this.hosts.map((x) => `${x.address} ${x.name}`).join('\n')}\n`);
      const binds = [...PRIVATE_DIRS.map((d) => `mount --bind ${root}/${d} /${d}`), `mount --bind ${root}/hosts /etc/hosts`];
      const holder = spawn('ip', ['netns', 'exec', ns, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', `${binds.join(' && ')} && exec sleep 100000`], {
        stdio: 'ignore',
        detached: true,
      });
      holder.unref();
      h.holder = await this.waitForHolder(ns, holder.pid!);
    }
  }

  /** The PID of `sleep` inside the namespace once its bind mounts are in place. */
  private async waitForHolder(ns: string, spawnedPid: number): Promise<number> {
    for (let i = 0; i < 100; i++) {
      const pids = (spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean).map(Number);
      for (const pid of pids) {
        let comm = '';
        try {
          comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        } catch {
          continue; // a short-lived process of the set-up
        }
        if (comm === 'sleep') return pid;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the namespace holder of ${ns} (pid ${spawnedPid}) did not start`);
  }

  /** Runs a POSIX sh script on a host, as the runbook engine would (`/bin/sh -c`). */
  exec(hostName: string, script: string, timeoutMs = 60_000): ExecResult {
    const h = this.host(hostName);
    const r = spawnSync('nsenter', ['-t', String(h.holder), '-m', '-n', '/bin/sh', '-c', script], {
      encoding: 'utf8',
      timeout: timeoutMs,
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C' },
    });
    return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  }

  /**
   * Runs one step of a runbook on a host the way the engine does: the first block whose
   * `when` fits a Debian host without systemd, then its check; judged by expect-exit and
   * expect-output. Throws with the output when the step fails.
   */
  runStep(rb: Runbook, stepId: string, hostName: string, inputs: Record<string, string>): string {
    const step = rb.steps.find((s) => s.id === stepId);
    if (!step) throw new Error(`${rb.id} has no step ${stepId}`);
    const facts: HostFacts = { os: 'debian', osId: 'debian', osVersion: '12', init: 'none', mfs: '3.0.117', hostname: hostName };
    const block = chooseBlock(step, facts);
    if (!block) throw new Error(`${rb.id}#${stepId}: no block fits ${hostName}`);
    const r = renderBlock(rb, block, hostName, this.inventory(), inputs);
    if (r.missing.length > 0) throw new Error(`${rb.id}#${stepId}: undefined ${r.missing.join(', ')}`);
    const judge = (what: string, res: ExecResult, exits: number[], pattern?: string) => {
      const ok = res.code !== null && exits.includes(res.code) && (!pattern || new RegExp(pattern, 'm').test(res.out));
      if (!ok) throw new Error(`${rb.id}#${stepId} ${what} on ${hostName} failed (exit ${res.code}):\n${res.out}`);
    };
    const res = this.exec(hostName, r.script, block.timeoutMs);
    judge('command', res, block.expectExit, block.expectOutput);
    let out = res.out;
    if (block.check && r.check) {
      const c = this.exec(hostName, r.check, block.check.timeoutMs);
      judge('check', c, block.check.expectExit, block.check.expectOutput);
      out += c.out;
    }
    return out;
  }

  down(): void {
    // Unmount FUSE mounts first so no process hangs on them.
    for (const h of this.hosts) if (h.holder) this.exec(h.name, 'for m in $(awk \'$3 ~ /^fuse/ {print $2}\' /proc/mounts); do umount -l "$m"; done', 10_000);
    NsCluster.cleanLeftovers();
  }
}

/** Kills every process in a namespace this test created, by PID. */
function killNetnsProcesses(ns: string): void {
  const pids = (spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Polls `fn` every 100 ms until it returns true or `ms` pass; returns the seconds it took, or undefined. */
export async function waitUntil(ms: number, fn: () => boolean | Promise<boolean>): Promise<number | undefined> {
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    if (await fn()) return (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}
