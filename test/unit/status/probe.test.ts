// Host and cluster probe parsers on real probe output, and the probe script run by dash.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs, { readFileSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { describe, it } from 'node:test';
import { clusterProbeScript, hostProbeScript, parseClusterProbe, parseHostProbe, parsePs } from '../../../src/status/probe.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/status', name), 'utf8');

describe('host probe', () => {
  it('parses VIP, daemons (children of same-named parents dropped), keepalived dump, version, changelog', () => {
    const p = parseHostProbe(fixture('host-probe-keepalived.txt'));
    assert.equal(p.holdsVip, true);
    assert.match(p.vipLine!, /10\.251\.8\.100\/24/);
    assert.deepEqual(p.daemons.keepalived, [{ pid: 24657, uptimeS: 447 }]);
    assert.deepEqual(p.daemons.mfsmaster, [{ pid: 30120, uptimeS: 209 }]);
    assert.equal(p.daemons.mfsmetalogger.length, 1);
    assert.equal(p.daemons.mfsmount.length, 1);
    assert.deepEqual(p.daemons.mfschunkserver, []);
    assert.deepEqual(p.keepalived, [{ instance: 'VI_1', state: 'MASTER', lastTransition: 1795635250.115266 }]);
    assert.equal(p.keepalivedDumpAgeS, 0);
    assert.equal(p.mfsVersion, '3.0.117');
    assert.deepEqual(p.metaloggerChangelog, { version: 2, ageS: 1 });
    assert.ok(p.scriptS! > 0 && p.scriptS! < 2);
  });

  it("an old state dump: root's stays a state (it signals every probe), one a login may not refresh is none; no dump, and an unreadable configuration", () => {
    const dump = (ageLine: string) =>
      parseHostProbe(['@@mfs-tui:vip', '@@mfs-tui:ps', '100 1 50 keepalived', '@@mfs-tui:keepalived', ageLine, ' VRRP Instance = VI_1', '   State = BACKUP', '@@mfs-tui:time', '1 1'].join('\n'));
    assert.equal(dump('age 45').keepalived?.[0]?.state, 'BACKUP', 'root with a long interval: still its state');
    assert.equal(dump('age 3 refused').keepalived?.[0]?.state, 'BACKUP', 'fresh enough, whoever asked for it');
    const old = dump('age 45 refused');
    assert.equal(old.keepalived, undefined);
    assert.match(old.keepalivedProblem!, /45 s old: this login may not ask keepalived for a new one/);
    const none = parseHostProbe(['@@mfs-tui:vip', '@@mfs-tui:ps', '@@mfs-tui:keepalived', 'age none', '@@mfs-tui:time', '1 1'].join('\n'));
    assert.equal(none.keepalivedDumpAgeS, undefined);
    assert.match(none.keepalivedProblem!, /has no VRRP instance/);
    const unreadable = parseHostProbe(['@@mfs-tui:keepalived', 'age 1', '@@mfs-tui:kaconf', '@@mfs-tui:kaconfUnreadable', '/etc/keepalived/keepalived.conf'].join('\n'));
    assert.equal(unreadable.keepalivedConf, undefined);
    assert.equal(unreadable.keepalivedConfUnreadable, '/etc/keepalived/keepalived.conf');
  });

  it('the keepalived part as a user who may not signal keepalived or read its configuration (run by sh here): says so', () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'mfs-probe-'));
    try {
      fs.chmodSync(dir, 0o755);
      const conf = join(dir, 'keepalived.conf');
      fs.writeFileSync(conf, 'vrrp_instance VI_1 {\n}\n', { mode: 0o600 });
      // In a PID namespace of its own (no daemon of this machine in sight), root's shell as PID 1
      // stands in for keepalived; the probe runs as nobody, who may neither signal it nor read the file.
      const script = hostProbeScript({ vip: '203.0.113.77', dataPath: dir, parts: { keepalived: true, version: false, haConfig: true } })
        .replace('if [ -n "$__kp" ]; then', '__kp=1; if [ -n "$__kp" ]; then')
        .replace('__kcf=/etc/keepalived/keepalived.conf', `__kcf=${conf}`);
      // From a file: PID 1's command line (which the probe parses for keepalived's -f) stays short.
      const file = join(dir, 'probe.sh');
      fs.writeFileSync(file, script, { mode: 0o644 });
      const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', `setpriv --reuid=65534 --regid=65534 --clear-groups sh ${file}; exit $?`], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const p = parseHostProbe(r.stdout);
      assert.equal(p.keepalivedConfUnreadable, conf, r.stdout);
      assert.match(r.stdout, /^age (none|\d+) refused$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('unison with a versioned name counts as unison; unknown rows are ignored', () => {
    const d = parsePs(['  10     1   5 S unison-2.53', '  11    10   5 S unison', 'garbage', '  12 1 7 mfscgiserv', '  13 1 9 Z mfschunkserver']);
    assert.deepEqual(d.mfschunkserver, [], 'a zombie is not a running daemon');
    assert.deepEqual(d.unison, [{ pid: 10, uptimeS: 5 }]);
    assert.deepEqual(d.mfscgiserv, [{ pid: 12, uptimeS: 7 }]);
  });

  it('the script runs under dash on this machine (keepalived part off: it would signal foreign daemons)', () => {
    const script = hostProbeScript({ vip: '203.0.113.77', dataPath: '/nonexistent/mfs', parts: { keepalived: false, version: true } });
    const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const p = parseHostProbe(r.stdout);
    assert.equal(p.holdsVip, false);
    assert.equal(p.keepalived, undefined);
    assert.equal(p.metaloggerChangelog, undefined);
    assert.match(p.mfsVersion ?? '', /^3\.0\.\d+$/);
    assert.ok(p.scriptS !== undefined);
  });
});

describe('host probe: a one-shot command is not the daemon', () => {
  it('`mfsmaster … test` (keepalived-ha checks every second) is not counted; a daemon of the same name is', async () => {
    // Real processes named mfsmaster (a copy of tail that runs until killed), one whose last
    // argument is a daemon's action, one with that of keepalived-ha's check. (Other
    // mfsmaster processes on this machine, a practice cluster's, do not matter here.)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-probe-comm-'));
    const bin = path.join(dir, 'mfsmaster');
    fs.copyFileSync('/usr/bin/tail', bin);
    fs.chmodSync(bin, 0o755);
    // tail follows /dev/null for ever and only complains about the missing file named by the last argument.
    const daemon = spawn(bin, ['-f', '/dev/null', 'start'], { stdio: 'ignore' });
    const oneShot = spawn(bin, ['-f', '/dev/null', 'test'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const script = hostProbeScript({ vip: '203.0.113.77', dataPath: '/nonexistent/mfs', parts: { keepalived: false, version: false } });
      const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const pids = parseHostProbe(r.stdout).daemons.mfsmaster.map((d) => d.pid);
      assert.ok(pids.includes(daemon.pid!), `the daemon ${daemon.pid} is missing from ${JSON.stringify(pids)}`);
      assert.ok(!pids.includes(oneShot.pid!), `the one-shot ${oneShot.pid} was counted`);
    } finally {
      daemon.kill();
      oneShot.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cluster probe', () => {
  it('splits the one mfscli run into the VIP view and the candidates; a timeout (124) is a problem', () => {
    const out = [
      '@@mfs-tui:mfscli',
      fixture('SIM-two-masters.txt').replace('servers:|10.251.9.1|', 'servers:|10.9.0.100|'),
      fixture('SIM-one-dead.txt'),
      fixture('chunkserver-down.txt'),
      '@@mfs-tui:mfscli-exit 0',
    ].join('\n');
    const c = parseClusterProbe(out, '10.9.0.100');
    assert.equal(c.problem, undefined);
    assert.equal(c.viaVip?.noMaster, false);
    assert.deepEqual(
      c.viaVip?.masters.map((m) => m.ip),
      ['10.9.0.100'],
    );
    assert.equal(c.viaVip?.disconnected.length, 1);
    assert.deepEqual(
      c.candidates?.masters.map((m) => [m.ip, m.answering]),
      [
        ['10.251.9.2', true],
        ['10.251.9.1', false],
        ['10.251.9.2', true],
        ['10.251.9.1', true],
      ],
    );
    const dead = parseClusterProbe(
      ['@@mfs-tui:mfscli', fixture('SIM-one-dead.txt').replace('servers:|10.251.9.1|', 'servers:|10.9.0.100|'), fixture('SIN-no-chunkservers.txt'), '@@mfs-tui:mfscli-exit 0'].join('\n'),
      '10.9.0.100',
    );
    assert.equal(dead.viaVip?.noMaster, true, 'sections from a master off the VIP are not the VIP view');
    assert.equal(dead.viaVip?.chunkClasses, undefined);
    assert.match(parseClusterProbe('@@mfs-tui:mfscli\n@@mfs-tui:mfscli-exit 124\n', 'x').problem!, /timed out/);
    assert.match(parseClusterProbe('@@mfs-tui:no-mfscli\n', 'x').problem!, /moosefs-cli/);
  });

  it('the script quotes addresses and runs both mfscli calls', () => {
    const s = clusterProbeScript({ vip: '10.0.0.100', candidates: ['10.0.0.11', '10.0.0.12'] });
    assert.match(s, /mfscli '-ns' '\|' '-SIM' '-SIG' '-SIC' '-SCS' '-SMB' -H '10\.0\.0\.100,10\.0\.0\.11,10\.0\.0\.12'/);
  });
});
