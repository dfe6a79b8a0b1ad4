// The practice cluster on systemd hosts (`lab up --init systemd`), run by the operator `ops`
// through sudo (password on a descriptor, as CI gives it), end to end on one lab: every host
// boots systemd 252 as PID 1 on its private root; lab up builds the cluster by running
// install-cluster and keepalived-ha as ops, which take their systemd forms there (the
// Debian packages' units); then through the real CLI, as ops: health-check, restart-daemon,
// planned-restart, monitoring (a systemd timer), power-cut after a kill -9 of the master,
// keepalived-ha's fault matrix (kill -9, unplug, silent partition with a writer, 0
// acknowledged files lost), rebuild-master with ssh-trust, unison-sync and keepalived-ha for
// the new pair after the master's host is lost (the firewall opened on the promoted spare), and lost-master with no keepalived left to fail over. Each with the
// outside checks of the other lab tests (mfscli through the VIP, daemons by PID, every file
// read back with its checksum, the metadata version never going back). Marker files in the
// machine's own /tmp, /etc and /var must survive all of it and `lab down`: systemd's
// sysinit units act on the root they see, and once emptied a machine's /tmp.
// One lab for all of it: a lab up as ops on systemd hosts is the slow part.
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
import { assertNothingLost, killActiveMaster, partitionActiveMaster, startWriter, stopWriter, unplugActiveMaster, type FaultRow } from '../../support/fault-matrix.ts';
import { assertNothingLeft } from '../../support/lab.ts';
import {
  VIP,
  assertClusterHealthy,
  assertFilesIntact,
  haLogs,
  hostState,
  inventory,
  lab,
  labSkip,
  masterVersion,
  onHost,
  pidsOf,
  runRunbook,
  settledHolder,
  startLab,
  stopLab,
  tryOnHost,
  vipHolderNames,
  writeFiles,
} from '../../support/lab-runbook.ts';

const BIN = fileURLToPath(new URL('../../../bin/mfs-tui', import.meta.url));
const MARKERS = ['/tmp', '/etc', '/var'].map((d) => path.join(d, `mfs-tui-systemd-lab-marker-${process.pid}`));
const MARK = crypto.randomBytes(16).toString('hex');
const ML = '10.77.0.13';
const SPARE = '10.77.0.15';
const TEXTFILE_DIR = '/run/node-exporter-textfile';
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
const holdsVip = (h: string) => tryOnHost(h, `ip -o addr show | grep -qF ' ${VIP}/'`).code === 0;
const prom = (host: string) => tryOnHost(host, `cat ${TEXTFILE_DIR}/moosefs.prom`).out;

/** The value of the first sample of a family whose labels include every `label="value"` given. */
function promValue(text: string, family: string, ...labels: string[]): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${family}{`) && labels.every((x) => l.includes(x)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

function promtool(text: string): { code: number | null; out: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Times the host's role script took MASTER (keepalived-ha's log: `MASTER: was PREV`). */
const masterTransitions = (host: string) => Number(onHost(host, "grep -cE '^[0-9-]+ [0-9:.]+ MASTER: was ' /var/log/mfs-ha.log 2>/dev/null || true").trim());

/** The fingerprint of a lab host's real sshd host key (generated by lab up, outside the host). */
function realFingerprint(host: string): string {
  const pub = path.join(lab.dir, 'hosts', host, 'ssh', 'ssh_host_ed25519_key.pub');
  const r = spawnSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split(' ')[1]!;
}

/** The public key mfs-tui printed for a host in ssh-trust's first run. */
function printedKey(out: string, host: string): string {
  const line = out.split('\n').find((l) => l.startsWith(`  ${host} | ssh-ed25519 `));
  assert.ok(line, `no public key printed for ${host}:\n${out}`);
  return line.slice(`  ${host} | `.length).trim();
}

/**
 * SIGKILL to keepalived on a host, as a crash would (no notify script runs). Debian's
 * keepalived.service has no Restart=: systemd leaves it dead (checked).
 */
function killKeepalived(host: string): void {
  onHost(host, 'systemctl kill -s KILL keepalived');
  const gone = tryOnHost(host, 'for i in $(seq 100); do systemctl is-active --quiet keepalived || exit 0; sleep 0.1; done; exit 1');
  assert.equal(gone.code, 0, `keepalived still active on ${host}`);
  const s = unitState(host, 'keepalived.service');
  assert.equal(s.Restart, 'no', `keepalived.service on ${host}: ${JSON.stringify(s)}`);
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

  it('health-check as ops passes and shows the units', () => {
    const r = runRunbook('health-check', []);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /unit moosefs-master: active/);
    assert.match(r.out, /unit moosefs-chunkserver: active/);
    assert.match(r.out, /the MooseFS CGI answers on port 9425 and reaches the master/);
  });

  it('a chunkserver killed by lab break comes back because its unit says Restart=on-failure; one stopped stays down until restart-daemon (as ops)', async () => {
    writeFiles('a');
    const v0 = masterVersion()!;
    const before = await pidsOf('c3', 'mfschunkserver');
    const broken = await labBreak('chunkserver-down', 'c3');
    assert.ok(broken.did.some((l) => /moosefs-chunkserver\.service has Restart=on-failure, RestartSec=4s/.test(l)), broken.did.join('\n'));
    const back = await waitFor(
      async () => {
        const now = await pidsOf('c3', 'mfschunkserver');
        return now.length > 0 && !now.some((p) => before.includes(p)) ? now : undefined;
      },
      30_000,
      200,
    );
    assert.ok(back !== undefined, 'systemd started the chunkserver again');
    assert.equal(unitState('c3', 'moosefs-chunkserver.service').NRestarts, '1');

    onHost('c3', 'systemctl stop moosefs-chunkserver');
    assert.deepEqual(await pidsOf('c3', 'mfschunkserver'), []);
    const r = runRunbook('restart-daemon', ['--input', 'host=c3', '--input', 'host_address=10.77.0.23', '--input', 'daemon=chunkserver']);
    assert.equal(r.code, 0, r.out);
    assert.equal(unitState('c3', 'moosefs-chunkserver.service').ActiveState, 'active');
    await assertClusterHealthy(v0, ['10.77.0.12', ML]);
    assertFilesIntact();
  });

  it('planned-restart as ops: every daemon restarted through its unit in order; the VIP stays on m1; nothing lost', async () => {
    assert.equal(await settledHolder(), 'm1');
    writeFiles('p');
    const v0 = masterVersion()!;
    const daemons: [string, string][] = [
      ['m1', 'mfsmaster'],
      ['m2', 'mfsmetalogger'],
      ['ml', 'mfsmetalogger'],
      ['c1', 'mfschunkserver'],
      ['c2', 'mfschunkserver'],
      ['c3', 'mfschunkserver'],
      ['m1', 'keepalived'],
      ['m2', 'keepalived'],
    ];
    const pids0 = new Map<string, number[]>();
    for (const [h, d] of daemons) {
      const p = await pidsOf(h, d);
      assert.ok(p.length > 0, `${d} runs on ${h} before`);
      pids0.set(`${h}/${d}`, p);
    }
    const m2Master0 = masterTransitions('m2');
    const r = runRunbook('planned-restart', ['--input', 'master=m1']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /stopped cleanly: metadata\.mfs written/);
    assert.match(r.out, /keepalived: m1 is MASTER with the VIP/);
    for (const [h, d] of daemons) {
      const p = await pidsOf(h, d);
      assert.ok(p.length > 0, `${d} runs on ${h} after`);
      assert.ok(!p.some((x) => pids0.get(`${h}/${d}`)!.includes(x)), `${d} on ${h} kept PID ${p.join(' ')}`);
    }
    assert.equal((await pidsOf('m2', 'mfsmaster')).length, 0, 'no master on the standby');
    assert.deepEqual(await vipHolderNames(), ['m1']);
    assert.equal(masterTransitions('m2'), m2Master0, 'm2 became MASTER during the restart');
    await assertClusterHealthy(v0, ['10.77.0.12', ML]);
    assertFilesIntact();
  });

  // Set by the power cut, read by the runbooks after it.
  let cut = 'm1';
  let standby = 'm2';
  // The candidate lost by rebuild-master's fault (out of every inventory after it).
  let lostHost = '';

  it('monitoring as ops: a systemd timer writes valid metrics on the VIP holder; after a kill -9 of its master (Restart=no: systemd leaves it down) they follow the VIP', async () => {
    const r = runRunbook('monitoring', ['--input', `textfile_dir=${TEXTFILE_DIR}`, '--input', 'interval=5']);
    assert.equal(r.code, 0, r.out);
    for (const h of ['m1', 'm2']) assert.equal(unitState(h, 'mfs-prom-textfile.timer').ActiveState, 'active', `the timer on ${h}`);
    const fresh = await waitFor(() => promValue(prom('m1'), 'moosefs_vip_holder', 'host="m1"') === 1 && promValue(prom('m2'), 'moosefs_vip_holder', 'host="m2"') === 0, 60_000, 500);
    assert.ok(fresh, `metrics on m1 and m2:\n${prom('m1')}\n${prom('m2')}`);
    for (const h of ['m1', 'm2']) {
      const check = promtool(prom(h));
      assert.equal(check.code, 0, `promtool on ${h}'s file:\n${check.out}`);
    }
    const m1 = prom('m1');
    assert.equal(promValue(m1, 'moosefs_scrape_success'), 1, m1);
    assert.equal(promValue(m1, 'moosefs_all_chunks_matrix_chunkclass_missing'), 0, m1);
    assert.equal(m1.split('\n').filter((l) => l.startsWith('moosefs_chunk_servers_load{')).length, 3, m1);

    // The power cut: from a settled pair, the holder's master killed by PID.
    cut = await settledHolder();
    standby = cut === 'm1' ? 'm2' : 'm1';
    writeFiles('b');
    const broken = await labBreak('power-cut');
    assert.equal(broken.host, cut);
    assert.ok(broken.did.some((l) => /moosefs-master\.service has Restart=no/.test(l)), broken.did.join('\n'));
    const moved = await waitFor(async () => (masterVersion() ?? 0) > 0 && (await vipHolderNames()).join() === standby, 90_000, 200);
    assert.ok(moved, `the standby ${standby} took over (VIP on ${(await vipHolderNames()).join(' ')})\n${haLogs()}`);
    const s = unitState(cut, 'moosefs-master.service');
    assert.equal(s.NRestarts, '0', `systemd did not restart the master on ${cut}: ${JSON.stringify(s)}`);
    assert.notEqual(s.ActiveState, 'active', `moosefs-master on ${cut}: ${JSON.stringify(s)}`);
    const follow = await waitFor(() => promValue(prom(cut), 'moosefs_vip_holder') === 0 && promValue(prom(standby), 'moosefs_vip_holder') === 1 && promValue(prom(standby), 'moosefs_scrape_success') === 1, 120_000, 500);
    assert.ok(follow, `metrics did not follow the VIP:\n${cut}:\n${prom(cut)}\n${standby}:\n${prom(standby)}`);
  });

  it('power-cut as ops: the old master rejoins as the standby; one VIP holder, files intact', async () => {
    // The pair must have settled on the standby: a VIP moving back would be a failed promotion.
    const holder = await settledHolder();
    assert.equal(holder, standby, `the VIP went back to ${holder} after the power cut\n${haLogs()}`);
    assert.equal(unitState(cut, 'moosefs-master.service').NRestarts, '0');
    const v0 = masterVersion()!;
    const r = runRunbook('power-cut', ['--input', `host=${cut}`, '--input', `host_address=${address(cut)}`, '--decide', 'host-boots=yes', '--decide', 'choose=rejoin']);
    assert.equal(r.code, 0, `${r.out}\n${haLogs()}`);
    assert.deepEqual(await vipHolderNames(), [standby]);
    await assertClusterHealthy(v0, [address(cut), ML]);
    assertFilesIntact();
  });

  // keepalived-ha's fault matrix, reduced, on systemd hosts: the pair of m1 and m2 as the
  // power cut left it, with the writer on cl (test/support/fault-matrix.ts, as
  // fault-matrix-lab.test.ts): kill -9 of the active master, its host unplugged, a silent
  // partition; not one acknowledged file lost.
  const faults: FaultRow[] = [];
  it('the fault matrix on systemd hosts: kill -9 of the active master, unplug, silent partition with a writer; 0 acknowledged files lost', async () => {
    await settledHolder();
    await startWriter();
    try {
      await killActiveMaster('kill -9 of the active master (systemd: Restart=no)', faults);
      await unplugActiveMaster(faults);
      await partitionActiveMaster(faults, false);
    } finally {
      stopWriter();
    }
    assertNothingLost(faults, 'fault matrix on systemd hosts');
    for (const h of ['m1', 'm2']) assert.equal(unitState(h, 'moosefs-master.service').NRestarts, '0', `systemd restarted the master on ${h}`);
    assertFilesIntact();
  });

  it('rebuild-master as ops (with ssh-trust, unison-sync, keepalived-ha): the master host lost, spare rebuilt and switched over to', async () => {
    // The current master's host vanishes; keepalived moves the VIP to the other candidate.
    const lost = await settledHolder();
    lostHost = lost;
    const current = lost === 'm1' ? 'm2' : 'm1';
    writeFiles('r');
    const v0 = masterVersion()!;
    const broken = await labBreak('lose-master');
    assert.equal(broken.host, lost);
    const took = await waitFor(() => (masterVersion() ?? 0) >= v0 && holdsVip(current), 180_000, 300);
    assert.ok(took, `${current} took over after ${lost} was lost\n${haLogs([current])}`);
    writeFiles('s'); // written while the new master runs: must reach spare through its metalogger
    const inv = inventory({}, [lost]);
    const rebuildInputs = ['--input', 'new=spare', '--input', `new_address=${SPARE}`, '--input', `current=${current}`];

    let r = runRunbook('rebuild-master', [...rebuildInputs, '--decide', 'same-config=differ'], inv);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /spare \| missing {2}mfsmaster\.cfg/);
    assert.match(r.out, /next: mfs-tui run ssh-trust/);

    const trustInputs = ['--input', `a=${current}`, '--input', `a_address=${address(current)}`, '--input', 'b=spare', '--input', `b_address=${SPARE}`];
    r = runRunbook('ssh-trust', [...trustInputs, '--decide', 'phase=keys', '--decide', 'first-run-done=stop'], inv);
    assert.equal(r.code, 0, r.out);
    const keys = ['--input', `a_pubkey=${printedKey(r.out, current)}`, '--input', `b_pubkey=${printedKey(r.out, 'spare')}`];
    r = runRunbook('ssh-trust', [...trustInputs, ...keys, '--decide', 'phase=trust', '--decide', 'fingerprints-match=match'], inv);
    assert.equal(r.code, 0, r.out);
    const fpCur = realFingerprint(current);
    const fpSpare = realFingerprint('spare');
    assert.ok(r.out.includes(`spare | PEER ${current} (${address(current)}) as seen from spare: ${fpCur}`), r.out);
    assert.ok(r.out.includes(`${current} | PEER spare (${SPARE}) as seen from ${current}: ${fpSpare}`), r.out);
    for (const [from, to, name] of [
      [current, SPARE, 'spare'],
      ['spare', address(current), current],
    ] as const) {
      const login = onHost(from, `ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o PasswordAuthentication=no root@${to} uname -n`).trim();
      assert.equal(login, name);
    }

    // unison-sync's systemd form: the watcher runs as a unit.
    const syncInputs = ['--input', `a=${current}`, '--input', 'b=spare', '--input', `b_address=${SPARE}`];
    r = runRunbook('unison-sync', syncInputs, inv);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /spare \| ARRIVED: the probe is/);
    const sums = (h: string) => onHost(h, 'cd /etc/mfs && sha256sum mfsmaster.cfg mfsexports.cfg mfsmetalogger.cfg');
    assert.equal(sums('spare'), sums(current));
    onHost(current, `echo "# changed on ${current} by the systemd test" >> /etc/mfs/mfsexports.cfg`);
    const arrived = await waitFor(() => tryOnHost('spare', `grep -q "changed on ${current}" /etc/mfs/mfsexports.cfg`).code === 0, 60_000, 500);
    assert.ok(arrived, `a change on ${current} reached spare`);

    r = runRunbook('rebuild-master', [...rebuildInputs, '--decide', 'same-config=same', '--decide', 'switch=now', '--decide', 'next=later'], inv);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /OK: the version did not go back/);
    assert.match(r.out, /OK: the new master has every change the metalogger logged/);
    assert.ok(holdsVip('spare') && !holdsVip(current), 'the VIP moved to spare');
    // spare had no role when install-cluster's firewall let only SSH in: rebuild-master
    // opened the master ports in the same chain, and they answer from outside.
    assert.match(r.out, /spare \| spare accepts TCP 22 9419 9420 9421, VRRP and ICMP from outside/);
    assert.match(onHost('spare', 'iptables -S MFS-INPUT'), /--dports 22,9419,9420,9421 -j ACCEPT/);
    for (const port of [9419, 9420, 9421]) assert.ok(await tcpOpen(SPARE, port, 3000), `spare:${port} answers from outside`);

    const haInv = inventory({ spare: ['master-candidate'] }, [lost], 'inventory-ha.yaml');
    r = runRunbook('keepalived-ha', ['--input', 'first=spare', '--input', 'router_id=78', '--input', 'chunkservers=10.77.0.21 10.77.0.22 10.77.0.23'], haInv);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /spare is MASTER with the VIP/);
    assert.ok(holdsVip('spare') && !holdsVip(current));
    assert.ok((await pidsOf('spare', 'mfsmaster')).length > 0, 'spare runs the master');
    assert.equal((await pidsOf(current, 'mfsmaster')).length, 0, `no master on ${current}`);
    assert.equal(unitState('spare', 'keepalived.service').ActiveState, 'active');
    await assertClusterHealthy(v0, [address(current), ML]);
    assertFilesIntact();
    standby = current;
  });

  it('lost-master as ops: keepalived crashed on both (systemd leaves it down), the master host lost; the standby promoted by the runbook', async () => {
    const active = await settledHolder();
    assert.equal(active, 'spare');
    writeFiles('c');
    const v0 = masterVersion()!;
    for (const h of [active, standby]) killKeepalived(h);
    // keepalived took nothing with it (SIGKILL: no notify): the VIP stays, like one set by hand.
    assert.ok(holdsVip(active));
    const broken = await labBreak('lose-master');
    assert.equal(broken.host, active);
    const r = runRunbook(
      'lost-master',
      ['--input', `old=${active}`, '--input', `old_address=${SPARE}`, '--input', `target=${standby}`, '--input', `target_address=${address(standby)}`, '--decide', 'fence=fenced', '--decide', 'next=later'],
      inventory({ spare: ['master-candidate'] }, [lostHost], 'inventory-lost.yaml'),
    );
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /OK: the new master has every change the metalogger logged/);
    assert.deepEqual(await vipHolderNames(), [standby]);
    await assertClusterHealthy(v0, [ML]);
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
