// The practice cluster on systemd hosts (`lab up --init systemd`), end to end: every host
// boots systemd 252 as PID 1 on its private root; lab up builds the cluster by running
// install-cluster and keepalived-ha, which take their systemd forms there (the Debian
// packages' units); then health-check, restart-daemon and power-cut through the real CLI,
// with the same outside checks as the other lab tests (mfscli through the VIP, daemons by
// PID, every file read back with its checksum). Marker files in the machine's own /tmp,
// /etc and /var must survive all of it and `lab down`: systemd's sysinit units act on the
// root they see, and once emptied a machine's /tmp.
// Needs `npm run build` (bin/mfs-tui runs the bundle).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { labBreak, labDown } from '../../../src/lab/index.ts';
import { processName, waitFor } from '../../../src/lab/proc.ts';
import { readState } from '../../../src/lab/state.ts';
import { labCgroupDir } from '../../../src/lab/systemd-host.ts';
import { assertNothingLeft } from '../../support/lab.ts';
import { assertClusterHealthy, assertFilesIntact, lab, labSkip, masterVersion, onHost, pidsOf, runRunbook, startLab, stopLab, vipHolderNames, writeFiles } from '../../support/lab-runbook.ts';

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
  return Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('systemd practice hosts: the runbooks in their systemd forms', { skip: labSkip(), timeout: 1_800_000 }, () => {
  before(async () => {
    for (const m of MARKERS) fs.writeFileSync(m, MARK, { mode: 0o600 });
    await startLab('systemd', { init: 'systemd' });
    up = true;
  });
  after(async () => {
    if (up) await stopLab();
    for (const m of MARKERS) fs.rmSync(m, { force: true });
  });

  it('every host runs systemd as PID 1 on its own root; install-cluster and keepalived-ha enabled and started the units', async () => {
    const state = readState()!;
    assert.equal(state.init, 'systemd');
    for (const h of state.hosts) {
      assert.equal(processName(h.initPid!), 'systemd', `${h.name}'s PID 1`);
      assert.equal(rootFsType(h.initPid!), 'overlay', `${h.name} boots on its private root`);
      assert.equal(onHost(h.name, 'systemctl is-system-running; findmnt -n -o FSTYPE /tmp').trim(), 'running\ntmpfs', h.name);
    }
    // On the candidates keepalived's role script starts the master or the metalogger: their
    // boot-time state is keepalived-ha's choice; the other units the runbooks enabled.
    for (const [host, unit, enabled] of [['m1', 'moosefs-master', false], ['m2', 'moosefs-metalogger', false], ['m1', 'keepalived', true], ['m2', 'keepalived', true], ['ml', 'moosefs-metalogger', true], ['c1', 'moosefs-chunkserver', true], ['c3', 'moosefs-chunkserver', true], ['ml', 'moosefs-cgiserv', true]] as const) {
      const s = unitState(host, `${unit}.service`);
      assert.equal(s.ActiveState, 'active', `${unit} on ${host}: ${JSON.stringify(s)}`);
      if (enabled) assert.equal(s.UnitFileState, 'enabled', `${unit} on ${host}: ${JSON.stringify(s)}`);
    }
    assert.deepEqual(await vipHolderNames(), ['m1']);
  });

  it('`mfs-tui lab ssh m1 systemctl status moosefs-master` shows the unit; each host keeps its own journal', () => {
    const r = spawnSync(process.execPath, [BIN, 'lab', 'ssh', 'm1', '--', 'systemctl', 'status', 'moosefs-master', '--no-pager'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, MFS_TUI_LAB_DIR: lab.dir } });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    process.stdout.write(r.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
    assert.match(r.stdout, /moosefs-master\.service - MooseFS metadata server/);
    assert.match(r.stdout, /Active: active \(running\)/);
    assert.match(r.stdout, /\/usr\/sbin\/mfsmaster -c \/etc\/mfs\/mfsmaster\.cfg/);
    assert.ok(Number(onHost('m1', "journalctl -b -u moosefs-master --no-pager -o cat | grep -c 'chunkserver register' || true").trim()) > 0, "m1's journal has its master's log");
    assert.equal(onHost('c1', "journalctl -b --no-pager | grep -c 'mfsmaster\\[' || true").trim(), '0', "c1's journal has no line of m1's master");
  });

  it('health-check passes and shows the units', () => {
    const r = runRunbook('health-check', []);
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
    const r = runRunbook('restart-daemon', ['--input', 'host=c3', '--input', 'host_address=10.77.0.23', '--input', 'daemon=chunkserver']);
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
    const r = runRunbook('power-cut', ['--input', `host=${old}`, '--input', `host_address=${address}`, '--decide', 'host-boots=yes', '--decide', 'choose=rejoin']);
    assert.equal(r.code, 0, r.out);
    const holders = await vipHolderNames();
    assert.equal(holders.length, 1);
    assert.notEqual(holders[0], old);
    await assertClusterHealthy(v0, [readState()!.hosts.find((h) => h.name === old)!.address, '10.77.0.13']);
    assertFilesIntact();
  });

  it("lab down removes every host, cgroup folder and mount in seconds; the machine's /tmp, /etc and /var markers survive", async () => {
    const pids = readState()!.hosts.flatMap((h) => [h.initPid!, h.launcherPid!]);
    const t0 = performance.now();
    await labDown();
    up = false;
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write(`# lab down (8 systemd hosts with the cluster): ${seconds.toFixed(2)} s\n`);
    assertNothingLeft(pids);
    assert.equal(fs.existsSync(labCgroupDir()!), false, 'the lab cgroup folder is gone');
    for (const m of MARKERS) assert.equal(fs.readFileSync(m, 'utf8'), MARK, `${m} survived`);
    assert.ok(seconds < 20, `lab down took ${seconds.toFixed(1)} s`);
  });
});
