// A small real cluster for the status tests, independent of the shared practice cluster
// (which other test suites use at the same time): hosts in network namespaces this test
// creates (st-<pid>-<host>, a bridge st<pid>br, 10.251.12.0/24), each with its own PID and
// mount namespace, private /tmp and /run, a real sshd, and MooseFS + keepalived started over
// SSH. Stopping a host's unshare (by PID) kills its whole PID namespace.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Inventory } from '../../src/inventory/types.ts';
import type { Role } from '../../src/runbook/types.ts';
import { generateKey } from './sshd.ts';

export const SUBNET = '10.251.12';
export const VIP = `${SUBNET}.100`;

export interface MiniHost {
  name: string;
  address: string;
  roles: Role[];
  netns: string;
  /** Root-namespace end of the host's veth (in the bridge). */
  veth: string;
  dir: string;
  init?: ChildProcess;
}

const tag = process.pid % 100000;
const sbin = (p: string) => spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${p}`], { encoding: 'utf8' }).stdout.trim();

export function whyNoMiniCluster(): string | undefined {
  if (userInfo().uid !== 0) return 'needs root for network namespaces';
  for (const b of ['mfsmaster', 'mfschunkserver', 'mfsmetalogger', 'mfscli', 'mfsmount', 'keepalived', 'sshd', 'unshare', 'bridge']) {
    if (!sbin(b)) return `${b} is not installed`;
  }
  if (spawnSync('id', ['-u', 'mfs']).status !== 0) return 'no mfs user';
  return undefined;
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

/**
 * PID 1 of a host: private /tmp, /run, /root and DATA_PATH, an sshd, then reap orphans forever.
 * /root is private so a login here never reads this machine's ~/.bashrc (pyenv, conda lines).
 */
const INIT = String.raw`set -e
D=$1
mount -t tmpfs tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/sshd /tmp/mnt
mount --bind "$D/mfs" /var/lib/mfs
mkdir -p -m 700 "$D/home"
mount --bind "$D/home" /root
/usr/sbin/sshd -f "$D/sshd_config"
touch "$D/ready"
exec 0</dev/null 1>/dev/null 2>&1
set +e
trap '' TERM INT HUP
while :; do sleep 3600 & wait $!; done
`;

export class MiniCluster {
  readonly bridge = `st${tag}br`;
  // Not under /tmp: every host mounts its own /tmp over it.
  readonly root = mkdtempSync('/var/tmp/mfs-tui-st-');
  readonly hosts: MiniHost[];
  readonly clientKey: string;
  readonly knownHosts: string;

  /** The /24 the hosts live in (its .1 is the bridge, .100 the VIP). */
  readonly subnet: string;
  readonly vip: string;
  /** sshd's own MaxSessions and MaxStartups (10 each) instead of the roomier ones the tests use. */
  private readonly sshdDefaults: boolean;

  constructor(spec: { name: string; octet: number; roles: Role[] }[], opts: { subnet?: string; sshdDefaults?: boolean } = {}) {
    this.subnet = opts.subnet ?? SUBNET;
    this.vip = `${this.subnet}.100`;
    this.sshdDefaults = opts.sshdDefaults ?? false;
    this.hosts = spec.map((h, i) => ({
      name: h.name,
      address: `${this.subnet}.${h.octet}`,
      roles: h.roles,
      netns: `st-${tag}-${h.name}`,
      veth: `st${tag}v${i}`,
      dir: join(this.root, h.name),
    }));
    this.clientKey = join(this.root, 'client_ed25519');
    this.knownHosts = join(this.root, 'known_hosts');
  }

  host(name: string): MiniHost {
    return this.hosts.find((h) => h.name === name)!;
  }

  inventory(): Inventory {
    return {
      cluster: 'mini',
      vip: { address: this.vip, interface: 'eth0', prefix: 24 },
      paths: { data: '/var/lib/mfs', config: '/etc/mfs', mount: '/tmp/mnt' },
      hosts: this.hosts.map((h) => ({ name: h.name, address: h.address, port: 22, user: 'root', identityFile: this.clientKey, agent: false, become: false, roles: h.roles })),
      knownHosts: [this.knownHosts],
      file: join(this.root, 'inventory.yaml'),
    };
  }

  /** The inventory as the CLI reads it (YAML next to the keys). */
  writeInventoryYaml(): string {
    const file = join(this.root, 'inventory.yaml');
    writeFileSync(
      file,
      [
        'cluster: mini',
        `vip: { address: ${this.vip}, interface: eth0, prefix: 24 }`,
        'paths: { data: /var/lib/mfs, config: /etc/mfs, mount: /tmp/mnt }',
        'ssh: { known_hosts: [known_hosts] }',
        'hosts:',
        ...this.hosts.map((h) => `  - { name: ${h.name}, address: ${h.address}, port: 22, user: root, identity: client_ed25519, roles: [${h.roles.join(', ')}] }`),
        '',
      ].join('\n'),
    );
    return file;
  }

  async start(): Promise<void> {
    chownSync(this.root, 0, 0);
    spawnSync('chmod', ['755', this.root]);
    const clientPub = generateKey(this.clientKey);
    writeFileSync(join(this.root, 'authorized_keys'), clientPub + '\n', { mode: 0o644 });
    ip('link', 'add', this.bridge, 'type', 'bridge');
    ip('addr', 'add', `${this.subnet}.1/24`, 'dev', this.bridge);
    ip('link', 'set', this.bridge, 'up');
    const known: string[] = [];
    const uid = Number(spawnSync('id', ['-u', 'mfs'], { encoding: 'utf8' }).stdout);
    const gid = Number(spawnSync('id', ['-g', 'mfs'], { encoding: 'utf8' }).stdout);
    for (const h of this.hosts) {
      mkdirSync(join(h.dir, 'mfs', 'hdd'), { recursive: true });
      writeFileSync(join(h.dir, 'mfs', 'metadata.mfs'), 'MFSM NEW');
      for (const p of ['mfs', 'mfs/hdd', 'mfs/metadata.mfs']) chownSync(join(h.dir, p), uid, gid);
      const hostPub = generateKey(join(h.dir, 'host_ed25519'));
      known.push(`${h.address} ${hostPub.split(' ').slice(0, 2).join(' ')}`);
      writeFileSync(
        join(h.dir, 'sshd_config'),
        [
          `ListenAddress ${h.address}`,
          `HostKey ${join(h.dir, 'host_ed25519')}`,
          'PidFile none',
          'StrictModes no',
          'UsePAM no',
          `AuthorizedKeysFile ${join(this.root, 'authorized_keys')}`,
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'PermitRootLogin prohibit-password',
          ...(this.sshdDefaults ? [] : ['MaxStartups 100', 'MaxSessions 50']),
          'SetEnv SHLVL=1',
          '',
        ].join('\n'),
      );
      this.writeConfigs(h);
      ip('netns', 'add', h.netns);
      ip('link', 'add', h.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.netns);
      ip('link', 'set', h.veth, 'master', this.bridge);
      ip('link', 'set', h.veth, 'up');
      ip('-n', h.netns, 'link', 'set', 'lo', 'up');
      ip('-n', h.netns, 'addr', 'add', `${h.address}/24`, 'dev', 'eth0');
      ip('-n', h.netns, 'link', 'set', 'eth0', 'up');
      // `ip netns exec` execs unshare: this child's PID is unshare's; --kill-child takes the
      // host's PID 1 (and so its whole PID namespace) down with it.
      h.init = spawn('ip', ['netns', 'exec', h.netns, 'unshare', '--pid', '--fork', '--mount', '--propagation', 'private', '--mount-proc', '--kill-child', 'bash', '-c', INIT, 'init', h.dir], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    }
    writeFileSync(this.knownHosts, known.join('\n') + '\n');
    // A hundred hosts start their sshd on a loaded 2-core machine: allow for it.
    const deadline = Date.now() + 15_000 + 300 * this.hosts.length;
    for (const h of this.hosts) {
      while (!exists(join(h.dir, 'ready'))) {
        if (Date.now() > deadline) throw new Error(`host ${h.name} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  private writeConfigs(h: MiniHost): void {
    const f = (name: string, text: string) => writeFileSync(join(h.dir, name), text);
    f('mfsexports.cfg', `${this.subnet}.0/24 / rw,alldirs,maproot=0\n${this.subnet}.0/24 . rw\n`);
    f('mfsmaster.cfg', `DATA_PATH = /var/lib/mfs\nEXPORTS_FILENAME = ${join(h.dir, 'mfsexports.cfg')}\n`);
    f('mfshdd.cfg', '/var/lib/mfs/hdd\n');
    f(
      'mfschunkserver.cfg',
      `DATA_PATH = /var/lib/mfs\nHDD_CONF_FILENAME = ${join(h.dir, 'mfshdd.cfg')}\nMASTER_HOST = ${this.vip}\nCSSERV_LISTEN_HOST = ${h.address}\nMASTER_RECONNECTION_DELAY = 1\n`,
    );
    f('mfsmetalogger.cfg', `DATA_PATH = /var/lib/mfs\nMASTER_HOST = ${this.vip}\nMASTER_RECONNECTION_DELAY = 1\n`);
    const prio = h.name === 'm1' ? 150 : 100;
    f(
      'keepalived.conf',
      `global_defs {\n  router_id ${h.name}\n}\nvrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 61\n  priority ${prio}\n  advert_int 1\n  virtual_ipaddress {\n    ${this.vip}/24 dev eth0\n  }\n}\n`,
    );
  }

  /** Runs a shell command inside a host (network + PID + mount namespaces) from outside, not over SSH. */
  inHost(name: string, script: string): { code: number | null; out: string } {
    const h = this.host(name);
    const pid1 = this.pid1(h);
    const r = spawnSync('nsenter', ['-t', String(pid1), '-n', '-p', '-m', 'sh', '-c', script], { encoding: 'utf8', timeout: 30_000 });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  }

  /** The host's PID 1 (the init shell), as the root namespace numbers it. */
  pid1(h: MiniHost): number {
    const r = spawnSync('sh', ['-c', `cat /proc/${h.init!.pid}/task/*/children 2>/dev/null`], { encoding: 'utf8' });
    const pid = Number(r.stdout.trim().split(/\s+/)[0]);
    if (!pid) throw new Error(`no init process for ${h.name}`);
    return pid;
  }

  /** True when the VIP is on the host's eth0 right now (read from outside). */
  holdsVip(name: string): boolean {
    const r = spawnSync('ip', ['-n', this.host(name).netns, '-o', '-4', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' });
    return r.stdout.includes(` ${this.vip}/`);
  }

  /** Whether the bridge floods multicast (VRRP adverts) to the host. */
  multicast(name: string, on: boolean): void {
    const r = spawnSync('bridge', ['link', 'set', 'dev', this.host(name).veth, 'mcast_flood', on ? 'on' : 'off'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bridge link set ${this.host(name).veth} mcast_flood: ${r.stderr.trim()}`);
  }

  setLink(name: string, up: boolean): void {
    ip('link', 'set', this.host(name).veth, up ? 'up' : 'down');
  }

  async stop(): Promise<void> {
    // `unshare --kill-child` blocks SIGTERM (it waits for its child): SIGKILL, whose death
    // signal takes the host's PID namespace down with it. All hosts at once: one at a time
    // with a 5 s grace each, 100 hosts took 8 minutes.
    const running = this.hosts.map((h) => h.init).filter((init) => init && init.exitCode === null && init.signalCode === null);
    await Promise.all(
      running.map((init) => {
        const exited = new Promise<void>((r) => init!.once('exit', () => r()));
        init!.kill('SIGKILL');
        return exited;
      }),
    );
    for (const h of this.hosts) {
      spawnSync('ip', ['link', 'del', h.veth]);
      spawnSync('ip', ['netns', 'del', h.netns]);
    }
    spawnSync('ip', ['link', 'del', this.bridge]);
    rmSync(this.root, { recursive: true, force: true });
  }
}

function exists(p: string): boolean {
  try {
    readFileSync(p);
    return true;
  } catch {
    return false;
  }
}
