// The MooseFS firewall lines (install-cluster's step, shared by keepalived-ha, rebuild-master
// and lost-master) run with the real iptables in network namespaces this test creates: two
// hosts and an "outside" namespace holding the bridge between them (10.89.0.0/24, names
// mfsfw<pid>-*, nothing in the machine's own namespace). Each step is rendered as the engine
// renders it and run by /bin/sh; what answers is then probed from outside over TCP.
// /etc/iptables and /etc/sysconfig, where the step saves rules, are private tmpfs for the run.
// A third host, m2, runs Debian's firewalld (no systemd: its own system D-Bus daemon and
// firewalld in the host's private mount namespace, with a private copy of /etc/firewalld),
// so the same lines take their firewalld path for real.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Inventory, InventoryHost } from '../../../src/inventory/types.ts';
import { checkInput } from '../../../src/runbook/inputs.ts';
import { renderBlock, runbook } from '../../support/runbook-library.ts';

const P = `mfsfw${process.pid % 100000}`;
const OUT = `${P}-o`;
const HOSTS = {
  c1: { ns: `${P}-c1`, address: '10.89.0.21', roles: ['chunkserver'] },
  spare: { ns: `${P}-sp`, address: '10.89.0.15', roles: [] },
  m2: { ns: `${P}-m2`, address: '10.89.0.12', roles: ['master-candidate'] },
} as const;
type HostName = keyof typeof HOSTS;
const EXTRA = Array.from({ length: 20 }, (_, i) => 20000 + i); // more than multiport's 15
const PROBED = [22, 8099, 9419, 9420, 9421, 9422, 9425, ...EXTRA];
const listeners: number[] = [];
/** The process holding m2's mount namespace (where its D-Bus and firewalld run), and its private folders. */
const firewalldHost = { pid: 0, dir: '' };

/**
 * m2's system D-Bus and firewalld, without systemd: a private /run, /var/log and copy of
 * /etc/firewalld (so nothing of this machine's changes), kernel modules never loaded.
 */
async function startFirewalld(): Promise<void> {
  firewalldHost.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfsfw-'));
  must(['cp', '-a', '/etc/firewalld', path.join(firewalldHost.dir, 'etc-firewalld')]);
  fs.mkdirSync(path.join(firewalldHost.dir, 'log'));
  const script = `set -e
mount -t tmpfs mfsfw /run; mkdir -p /run/dbus
mount --bind "$1/etc-firewalld" /etc/firewalld
mount --bind "$1/log" /var/log
for d in /etc/iptables /etc/sysconfig; do [ -d $d ] && mount -t tmpfs mfsfw $d; done
dbus-daemon --system --fork --nopidfile
/usr/sbin/firewalld --nofork --nopid &
echo started
exec sleep 3600`;
  const child = spawn('ip', ['netns', 'exec', HOSTS.m2.ns, 'unshare', '--mount', '--propagation', 'private', 'setpriv', '--bounding-set', '-sys_module', 'bash', '-c', script, 'mfsfw', firewalldHost.dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  firewalldHost.pid = child.pid!;
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`m2's firewalld set-up exited ${code}`)));
  });
  const t0 = Date.now();
  while (sh(['nsenter', '-t', String(firewalldHost.pid), '-m', '-n', 'firewall-cmd', '--state']).out.trim() !== 'running') {
    assert.ok(Date.now() - t0 < 60_000, "m2's firewalld did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
}

function skip(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, iptables)';
  for (const c of ['ip', 'iptables', 'unshare', 'nsenter', 'setpriv', 'python3', 'sshd', 'dbus-daemon', 'firewall-cmd', 'firewalld']) if (spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0) return `${c} is not installed`;
  return false;
}

function sh(args: string[], input?: string): { code: number | null; out: string } {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: "utf8", input, timeout: 150_000 });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
function must(args: string[]): string {
  const r = sh(args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.out}`);
  return r.out;
}

function inventory(): Inventory {
  const host = (name: HostName): InventoryHost => ({ name, address: HOSTS[name].address, port: 22, user: 'root', agent: true, become: false, roles: [...HOSTS[name].roles] });
  return {
    cluster: 'fw',
    vip: { address: '10.89.0.100', interface: 'eth0', prefix: 24 },
    paths: { data: '/var/lib/mfs', config: '/etc/mfs', mount: '/mnt/mfs' },
    hosts: [{ name: 'm1', address: '10.89.0.11', port: 22, user: 'root', agent: true, become: false, roles: ['master-candidate'] }, host('m2'), host('c1'), host('spare')],
    knownHosts: [],
    file: '/tmp/fw/inventory.yaml',
  };
}

/** Runs one firewall step on a host as the engine would (rendered, /bin/sh), with the save folders private. */
function runStep(rbId: string, stepId: string, host: HostName, inputs: Record<string, string>, blockIndex = 0): string {
  const rb = runbook(rbId);
  const block = rb.steps.find((s) => s.id === stepId)!.commands[blockIndex]!;
  const r = renderBlock(rb, block, host, inventory(), inputs);
  assert.deepEqual(r.missing, []);
  const wrap = 'for d in /etc/iptables /etc/sysconfig; do [ -d $d ] && mount -t tmpfs mfsfw $d; done; exec /bin/sh -c "$1"';
  // m2: inside the mount namespace where its D-Bus and firewalld run (firewall-cmd talks to them there).
  const res =
    host === 'm2'
      ? sh(['nsenter', '-t', String(firewalldHost.pid), '-m', '-n', '/bin/sh', '-c', r.script])
      : sh(['ip', 'netns', 'exec', HOSTS[host].ns, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', wrap, 'sh', r.script]);
  assert.equal(res.code, 0, `${rbId}#${stepId} on ${host}:\n${res.out}`);
  if (block.expectOutput) assert.match(res.out, new RegExp(block.expectOutput, 'm'));
  return res.out;
}

/** What each port of a host does for a TCP connection from outside: open, refused or silent. */
function probe(host: HostName): Record<number, string> {
  const py = `import socket,sys,json
out={}
for p in sys.argv[2:]:
    s=socket.socket(); s.settimeout(0.5)
    try: s.connect((sys.argv[1], int(p))); out[p]='open'
    except ConnectionRefusedError: out[p]='refused'
    except OSError: out[p]='silent'
    s.close()
print(json.dumps(out))`;
  const r = must(['ip', 'netns', 'exec', OUT, 'python3', '-c', py, HOSTS[host].address, ...PROBED.map(String)]);
  return JSON.parse(r) as Record<number, string>;
}
const opened = (m: Record<number, string>) =>
  Object.entries(m)
    .filter(([, v]) => v === 'open')
    .map(([k]) => Number(k))
    .sort((a, b) => a - b);

const rules = (host: HostName) => must(['ip', 'netns', 'exec', HOSTS[host].ns, 'iptables', '-w', '-S', 'MFS-INPUT']);

function cleanup(): void {
  // Every process in the namespaces this test made (listeners, D-Bus, firewalld, the polkitd D-Bus started), by PID.
  for (const ns of [...Object.values(HOSTS).map((h) => h.ns), OUT]) {
    const pids = sh(['ip', 'netns', 'pids', ns]).out.split('\n').filter(Boolean).map(Number);
    for (const pid of [...pids, ...listeners]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    sh(['ip', 'netns', 'del', ns]);
  }
  if (firewalldHost.dir) fs.rmSync(firewalldHost.dir, { recursive: true, force: true });
}

describe('the MooseFS firewall lines with the real iptables, probed from outside', { skip: skip(), timeout: 300_000 }, () => {
  before(async () => {
    must(['ip', 'netns', 'add', OUT]);
    must(['ip', '-n', OUT, 'link', 'add', 'br0', 'type', 'bridge']);
    must(['ip', '-n', OUT, 'addr', 'add', '10.89.0.2/24', 'dev', 'br0']);
    must(['ip', '-n', OUT, 'link', 'set', 'br0', 'up']);
    must(['ip', '-n', OUT, 'link', 'set', 'lo', 'up']);
    for (const [name, h] of Object.entries(HOSTS)) {
      must(['ip', 'netns', 'add', h.ns]);
      must(['ip', '-n', h.ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', name, 'netns', OUT]);
      must(['ip', '-n', OUT, 'link', 'set', name, 'master', 'br0', 'up']);
      must(['ip', '-n', h.ns, 'addr', 'add', `${h.address}/24`, 'dev', 'eth0']);
      must(['ip', '-n', h.ns, 'link', 'set', 'eth0', 'up']);
      must(['ip', '-n', h.ns, 'link', 'set', 'lo', 'up']);
      // A listener on every probed port: what answers is then only the firewall's choice.
      const py = 'import socket,sys,time\nls=[]\nfor p in sys.argv[1:]:\n    s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", int(p))); s.listen(64); ls.append(s)\nprint("up", flush=True)\ntime.sleep(3600)';
      const child = spawn('ip', ['netns', 'exec', h.ns, 'python3', '-c', py, ...PROBED.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
      listeners.push(child.pid!);
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`listeners on ${name} exited ${code}`)));
      });
    }
    await startFirewalld();
    // Before any rule: everything answers (m2: firewalld's default zone lets SSH in).
    assert.deepEqual(opened(probe('c1')), [...PROBED].sort((a, b) => a - b));
    assert.deepEqual(opened(probe('m2')), [22]);
  });
  after(cleanup);

  it("install-cluster on a chunkserver with 20 firewall_ports: 2 multiport rules, only SSH, 9422 and those answer; 9425 and the rest are refused", () => {
    const out = runStep('install-cluster', 'firewall', 'c1', { firewall: 'iptables', firewall_ports: EXTRA.join(' ') });
    assert.match(out, /c1 accepts TCP 22 9422 20000 .* 20019, VRRP and ICMP from outside; the rest is refused/);
    const r = rules('c1');
    const multi = r.split('\n').filter((l) => l.includes('multiport'));
    assert.equal(multi.length, 2, r);
    assert.ok(multi.every((l) => (l.match(/--dports (\S+)/)![1]!.split(',').length <= 15)), r);
    assert.match(r, /-A MFS-INPUT -p tcp -j REJECT --reject-with tcp-reset/);
    const m = probe('c1');
    assert.deepEqual(opened(m), [22, 9422, ...EXTRA]);
    assert.equal(m[9425], 'refused');
    assert.equal(m[8099], 'refused');
  });

  it("keepalived-ha's candidate block (add) on that host: the master ports join, all 20 extra ports stay open, the rest stays refused", () => {
    const out = runStep('keepalived-ha', 'firewall', 'c1', { firewall: 'auto' });
    assert.match(out, /c1 accepts TCP 22 9419 9420 9421 9422 20000 /);
    assert.deepEqual(opened(probe('c1')), [22, 9419, 9420, 9421, 9422, ...EXTRA]);
    assert.equal(rules('c1').split('\n').filter((l) => l.includes('multiport')).length, 2);
  });

  it('rebuild-master on a host install-cluster never set up (a foreign filter drops everything): the master ports and SSH now answer, nothing is closed', () => {
    // The host's own firewall, not ours: INPUT drops by default, one service of its own allowed.
    must(['ip', 'netns', 'exec', HOSTS.spare.ns, 'iptables', '-w', '-A', 'INPUT', '-p', 'tcp', '--dport', '20005', '-j', 'ACCEPT']);
    must(['ip', 'netns', 'exec', HOSTS.spare.ns, 'iptables', '-w', '-P', 'INPUT', 'DROP']);
    assert.deepEqual(opened(probe('spare')), [20005]);
    const out = runStep('rebuild-master', 'firewall', 'spare', { firewall: 'auto', new: 'spare' });
    assert.match(out, /spare had no MooseFS firewall: TCP 22 9419 9420 9421 and VRRP now pass whatever else filters here; nothing was closed/);
    assert.doesNotMatch(rules('spare'), /REJECT/);
    const m = probe('spare');
    assert.deepEqual(opened(m), [22, 9419, 9420, 9421, 20005]);
    assert.equal(m[8099], 'silent', 'the host’s own policy still drops the rest');
    // Run again (the chain exists now, still without a reject): the same, nothing closed.
    runStep('lost-master', 'firewall', 'spare', { firewall: 'auto', target: 'spare' });
    assert.deepEqual(opened(probe('spare')), [22, 9419, 9420, 9421, 20005]);
  });

  it("firewalld: install-cluster's `auto` takes it; the ports become the service moosefs, replaced on a second run; keepalived-ha's chunkserver block adds 9422; 9425 never answers", () => {
    const fc = (args: string) => sh(['nsenter', '-t', String(firewalldHost.pid), '-m', '-n', 'sh', '-c', `firewall-cmd ${args}`]).out.trim();
    let out = runStep('install-cluster', 'firewall', 'm2', { firewall: 'auto', firewall_ports: EXTRA.join(' ') });
    assert.match(out, /m2 \(firewalld, zone public\) accepts TCP 22\/tcp 9419\/tcp 9420\/tcp 9421\/tcp 20000\/tcp .* 20019\/tcp, VRRP/);
    assert.match(fc('--zone=public --list-services'), /\bmoosefs\b/);
    assert.match(fc('--zone=public --list-rich-rules'), /rule protocol value="vrrp" accept/);
    let m = probe('m2');
    assert.deepEqual(opened(m), [22, 9419, 9420, 9421, ...EXTRA]);
    assert.notEqual(m[9425], 'open');
    // Run again without the extra ports: set mode replaces the service's ports.
    out = runStep('install-cluster', 'firewall', 'm2', { firewall: 'auto', firewall_ports: 'none' });
    assert.deepEqual(opened(probe('m2')), [22, 9419, 9420, 9421]);
    // keepalived-ha's chunkserver block on the same host (add): 9422 joins, the rest stays.
    out = runStep('keepalived-ha', 'firewall-chunkservers', 'm2', { firewall: 'auto' });
    assert.match(out, /accepts TCP 22\/tcp 9419\/tcp 9420\/tcp 9421\/tcp 9422\/tcp, VRRP/);
    m = probe('m2');
    assert.deepEqual(opened(m), [22, 9419, 9420, 9421, 9422]);
    assert.notEqual(m[9425], 'open');
    assert.notEqual(m[8099], 'open');
    // This machine's own firewalld configuration was not touched (m2 wrote its private copy).
    assert.equal(fs.existsSync('/etc/firewalld/services/moosefs.xml'), false);
  });

  it('firewall_ports: every port 1-65535 in any number passes the input check; 0, 65536 and a second space are refused, named', () => {
    const input = runbook('install-cluster').inputs.find((i) => i.name === 'firewall_ports')!;
    for (const ok of ['none', '1', '65535', '9100', EXTRA.join(' '), Array.from({ length: 100 }, (_, i) => 1000 + i).join(' ')]) assert.equal(checkInput(input, ok), undefined, ok);
    for (const bad of ['0', '65536', '70000', '9100  9101', '09100', 'none 9100', '9100,9101']) assert.match(checkInput(input, bad) ?? '', /^firewall_ports /, bad);
  });
});
