// The practice cluster on systemd hosts (`lab up --init systemd`), built by the operator
// `ops` through sudo (password on a descriptor, as CI gives it): every host boots systemd 252
// as PID 1 on its private root; lab up builds the cluster by running install-cluster and
// keepalived-ha as ops, which take their systemd forms there (the Debian packages' units and
// the seeds' firewall, checked from outside); then health-check, restart-daemon and power-cut
// through the real CLI (as root here: their runs as ops on systemd hosts are not proved yet),
// with the outside checks of the other lab tests (mfscli through the VIP, daemons by PID,
// every file read back with its checksum). Marker files in the machine's own /tmp, /etc and
// /var must survive all of it and `lab down`: systemd's sysinit units act on the root they
// see, and once emptied a machine's /tmp.
// Needs `npm run build` (bin/mfs-tui runs the bundle).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { labBreak, labDown } from '../../../src/lab/index.ts';
import { processName, waitFor } from '../../../src/lab/proc.ts';
import { readState } from '../../../src/lab/state.ts';
import { labCgroupDir } from '../../../src/lab/systemd-host.ts';
import { assertNothingLeft } from '../../support/lab.ts';
import {
  assertClusterHealthy,
  assertFilesIntact,
  hostState,
  inventory,
  lab,
  labSkip,
  masterVersion,
  onHost,
  pidsOf,
  runRunbook,
  startLab,
  stopLab,
  tryOnHost,
  vipHolderNames,
  writeFiles,
} from '../../support/lab-runbook.ts';

const BIN = fileURLToPath(new URL('../../../bin/mfs-tui', import.meta.url));
const MARKERS = ['/tmp', '/etc', '/var'].map((d) => path.join(d, `mfs-tui-systemd-lab-marker-${process.pid}`));
const MARK = crypto.randomBytes(16).toString('hex');
const METALOGGERS = ['10.77.0.12', '10.77.0.13'];
let up = false;

/** The mount of `/` as a process sees it (from /proc/PID/mountinfo): its file system type. */
function rootFsType(pid: number): string | undefined {
  for (const line of fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (pre?.split(' ')[4] === '/') return post?.split(' ')[0];
  }
  return undefined;
}

function unitState(host: string, unit: string): Record<string, string> {
  const out = onHost(host, `systemctl show -p ActiveState -p NRestarts -p Restart -p UnitFileState ${unit}`);
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

const address = (host: string) => hostState(host).address;
/** The runbooks below log in as root (their runs as ops on systemd hosts are not proved yet: see bench/RESULTS.md); lab up ran as ops. */
const asRoot = () => inventory({}, [], 'inventory-runbooks-root.yaml', 'root');

/** A TCP connection from this machine (outside every host) opens within `ms`. */
function tcpOpen(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: ms });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('timeout', () => done(false));
    s.once('error', () => done(false));
  });
}

describe('systemd practice hosts run as ops: the runbooks in their systemd forms', { skip: labSkip(), timeout: 2_700_000 }, () => {
  before(async () => {
    for (const m of MARKERS) fs.writeFileSync(m, MARK, { mode: 0o600 });
    const t0 = performance.now();
    // Set first: a lab up that fails half-way leaves hosts that `after` must still take down.
    up = true;
    await startLab('systemd', { init: 'systemd', operator: 'ops' });
    process.stdout.write(`# lab up --init systemd --as ops: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  });
  after(async () => {
    if (up) await stopLab();
    for (const m of MARKERS) fs.rmSync(m, { force: true });
  });

  it('every host runs systemd as PID 1 on its own root; install-cluster and keepalived-ha (as ops) enabled and started the units', async () => {
    const state = readState()!;
    assert.equal(state.init, 'systemd');
    assert.equal(lab.operator, 'ops');
    assert.match(fs.readFileSync(path.join(lab.dir, 'inventory.lab-up.yaml'), 'utf8'), /name: m1, .*user: ops, identity: ops_ed25519, become: true/);
    for (const h of state.hosts) {
      assert.equal(processName(h.initPid!), 'systemd', `${h.name}'s PID 1`);
      assert.equal(rootFsType(h.initPid!), 'overlay', `${h.name} boots on its private root`);
      assert.equal(onHost(h.name, 'systemctl is-system-running; findmnt -n -o FSTYPE /tmp').trim(), 'running\ntmpfs', h.name);
    }
    // On the candidates keepalived's role script starts the master or the metalogger: their
    // boot-time state is keepalived-ha's choice; the other units the runbooks enabled.
    for (const [host, unit, enabled] of [
      ['m1', 'moosefs-master', false],
      ['m2', 'moosefs-metalogger', false],
      ['m1', 'keepalived', true],
      ['m2', 'keepalived', true],
      ['ml', 'moosefs-metalogger', true],
      ['c1', 'moosefs-chunkserver', true],
      ['c3', 'moosefs-chunkserver', true],
      ['ml', 'moosefs-cgiserv', true],
    ] as const) {
      const s = unitState(host, `${unit}.service`);
      assert.equal(s.ActiveState, 'active', `${unit} on ${host}: ${JSON.stringify(s)}`);
      if (enabled) assert.equal(s.UnitFileState, 'enabled', `${unit} on ${host}: ${JSON.stringify(s)}`);
    }
    assert.deepEqual(await vipHolderNames(), ['m1']);
  });

  it("install-cluster's firewall (iptables, each host's own): from outside only SSH and the MooseFS ports of the host's roles answer", async () => {
    // Per role, what must answer from outside (this machine, on the lab bridge).
    const allowed: Record<string, number[]> = { m1: [22, 9419, 9420, 9421], m2: [22], ml: [22], c1: [22, 9422], cl: [22] }; // m2, the standby, serves nothing yet
    for (const [host, ports] of Object.entries(allowed)) {
      // A listener the cluster does not use, and every TCP port the host listens on.
      onHost(host, 'systemd-run --unit mfs-fw-probe --quiet python3 -m http.server 8099 --bind 0.0.0.0');
      const listening = await waitFor(
        () => {
          const l = tryOnHost(host, "ss -Hltn | awk '{ print $4 }' | sed 's/.*://' | sort -nu").out.trim().split('\n').map(Number);
          return l.includes(8099) ? l : undefined;
        },
        15_000,
        200,
      );
      assert.ok(listening, `the probe listener on ${host}`);
      for (const port of listening) {
        const fromInside = tryOnHost(host, `timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}'`).code === 0;
        const fromOutside = await tcpOpen(address(host), port, 3000);
        if (ports.includes(port)) assert.ok(fromOutside, `${host}:${port} answers from outside`);
        else assert.equal(fromOutside, false, `${host}:${port} (listening${fromInside ? ', answers on the host itself' : ''}) answers from outside`);
      }
      for (const port of ports) assert.ok(listening.includes(port), `${host} listens on ${port}`);
      onHost(host, 'systemctl stop mfs-fw-probe');
    }
    const rules = onHost('m1', 'iptables -S MFS-INPUT');
    assert.match(rules, /-A MFS-INPUT -p tcp -m multiport --dports 22,9419,9420,9421 -j ACCEPT/);
    assert.match(rules, /-A MFS-INPUT -p vrrp -j ACCEPT/);
    assert.match(onHost('c1', 'iptables -S MFS-INPUT'), /--dports 22,9422 -j ACCEPT/);
    // The CGI (no login) answers on ml itself, for an SSH tunnel, not from outside.
    assert.equal(tryOnHost('ml', "timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9425'").code, 0);
    assert.equal(await tcpOpen(address('ml'), 9425, 3000), false, 'the CGI port from outside');
  });

  it('`mfs-tui lab ssh m1 systemctl status moosefs-master` shows the unit; each host keeps its own journal', () => {
    const r = spawnSync(process.execPath, [BIN, 'lab', 'ssh', 'm1', '--', 'systemctl', 'status', 'moosefs-master', '--no-pager'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, MFS_TUI_LAB_DIR: lab.dir } });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    process.stdout.write(
      r.stdout
        .split('\n')
        .map((l) => `# ${l}`)
        .join('\n') + '\n',
    );
    assert.match(r.stdout, /moosefs-master\.service - MooseFS metadata server/);
    assert.match(r.stdout, /Active: active \(running\)/);
    assert.match(r.stdout, /\/usr\/sbin\/mfsmaster -c \/etc\/mfs\/mfsmaster\.cfg/);
    assert.ok(Number(onHost('m1', "journalctl -b -u moosefs-master --no-pager -o cat | grep -c 'chunkserver register' || true").trim()) > 0, "m1's journal has its master's log");
    assert.equal(onHost('c1', "journalctl -b --no-pager | grep -c 'mfsmaster\\[' || true").trim(), '0', "c1's journal has no line of m1's master");
  });

  it('health-check passes and shows the units', () => {
    const r = runRunbook('health-check', [], asRoot());
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /unit moosefs-master: active/);
    assert.match(r.out, /unit moosefs-chunkserver: active/);
    assert.match(r.out, /the MooseFS CGI answers on port 9425 and reaches the master/);
  });

  it('a chunkserver killed by lab break comes back because its unit says Restart=on-failure; one stopped stays down until restart-daemon', async () => {
    writeFiles('a');
    const v0 = masterVersion()!;
    const before = await pidsOf('c3', 'mfschunkserver');
    const broken = await labBreak('chunkserver-down', 'c3');
    assert.ok(broken.did.some((l) => /moosefs-chunkserver\.service has Restart=on-failure, RestartSec=4s/.test(l)), broken.did.join('\n'));
    const back = await waitFor(async () => {
      const now = await pidsOf('c3', 'mfschunkserver');
      return now.length > 0 && !now.some((p) => before.includes(p)) ? now : undefined;
    }, 30_000, 200);
    assert.ok(back !== undefined, 'systemd started the chunkserver again');
    assert.equal(unitState('c3', 'moosefs-chunkserver.service').NRestarts, '1');

    onHost('c3', 'systemctl stop moosefs-chunkserver');
    assert.deepEqual(await pidsOf('c3', 'mfschunkserver'), []);
    const r = runRunbook('restart-daemon', ['--input', 'host=c3', '--input', 'host_address=10.77.0.23', '--input', 'daemon=chunkserver'], asRoot());
    assert.equal(r.code, 0, r.out);
    assert.equal(unitState('c3', 'moosefs-chunkserver.service').ActiveState, 'active');
    await assertClusterHealthy(v0, METALOGGERS);
    assertFilesIntact();
  });

  it('power-cut: systemd does not restart the killed master (Restart=no); the standby takes over and the runbook rejoins the old master', async () => {
    writeFiles('b');
    const v0 = masterVersion()!;
    const broken = await labBreak('power-cut');
    const old = broken.host!;
    assert.ok(broken.did.some((l) => /moosefs-master\.service has Restart=no/.test(l)), broken.did.join('\n'));
    const moved = await waitFor(async () => (masterVersion() ?? 0) > 0 && (await vipHolderNames()).every((h) => h !== old), 90_000, 200);
    assert.ok(moved !== undefined, `the standby took over (VIP on ${(await vipHolderNames()).join(' ')})`);
    const s = unitState(old, 'moosefs-master.service');
    assert.equal(s.NRestarts, '0', `systemd did not restart the master on ${old}: ${JSON.stringify(s)}`);
    const address = readState()!.hosts.find((h) => h.name === old)!.address;
    const r = runRunbook('power-cut', ['--input', `host=${old}`, '--input', `host_address=${address}`, '--decide', 'host-boots=yes', '--decide', 'choose=rejoin'], asRoot());
    assert.equal(r.code, 0, r.out);
    const holders = await vipHolderNames();
    assert.equal(holders.length, 1);
    assert.notEqual(holders[0], old);
    await assertClusterHealthy(v0, [readState()!.hosts.find((h) => h.name === old)!.address, '10.77.0.13']);
    assertFilesIntact();
  });

  it("lab down removes every host, cgroup folder and mount in seconds; the machine's /tmp, /etc and /var markers survive", async () => {
    const pids = readState()!
      .hosts.filter((h) => !h.lost)
      .flatMap((h) => [h.initPid!, h.launcherPid!]);
    const du = spawnSync('du', ['-s', '--inodes', path.join(lab.dir, 'hosts')], { encoding: 'utf8' }).stdout.trim().split(/\s+/)[0];
    const size = spawnSync('du', ['-sh', path.join(lab.dir, 'hosts')], { encoding: 'utf8' }).stdout.trim().split(/\s+/)[0];
    process.stdout.write(`# the hosts' folders before lab down: ${du} files, ${size}\n`);
    const t0 = performance.now();
    const phases: string[] = [];
    let last = t0;
    let phase = 'start';
    await labDown((p) => {
      const now = performance.now();
      phases.push(`${phase} ${((now - last) / 1000).toFixed(2)} s`);
      [phase, last] = [p, now];
    });
    phases.push(`${phase} ${((performance.now() - last) / 1000).toFixed(2)} s`);
    up = false;
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write(`# lab down (systemd hosts with the cluster): ${seconds.toFixed(2)} s: ${phases.join(', ')}\n`);
    assertNothingLeft(pids);
    assert.equal(fs.existsSync(labCgroupDir()!), false, 'the lab cgroup folder is gone');
    for (const m of MARKERS) assert.equal(fs.readFileSync(m, 'utf8'), MARK, `${m} survived`);
    assert.ok(seconds < 10, `lab down took ${seconds.toFixed(1)} s`);
  });
});
