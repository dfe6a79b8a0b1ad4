// Host and cluster probe parsers on real probe output, and the probe script run by dash.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('cluster probe', () => {
  it('parses both mfscli outputs; a timeout (124) is a problem, not a report', () => {
    const out = ['@@mfs-tui:vip', fixture('chunkserver-down.txt'), '@@mfs-tui:vip-exit 0', '@@mfs-tui:candidates', fixture('SIM-one-dead.txt'), '@@mfs-tui:candidates-exit 0'].join('\n');
    const c = parseClusterProbe(out);
    assert.equal(c.problem, undefined);
    assert.equal(c.viaVip?.disconnected.length, 1);
    assert.deepEqual(c.candidates?.masters.map((m) => m.answering), [false, true]);
    const t = parseClusterProbe('@@mfs-tui:vip\n@@mfs-tui:vip-exit 124\n@@mfs-tui:candidates\n@@mfs-tui:candidates-exit 0\n');
    assert.equal(t.viaVip, undefined);
    assert.match(t.problem!, /through the VIP timed out/);
    assert.match(parseClusterProbe('@@mfs-tui:no-mfscli\n').problem!, /moosefs-cli/);
  });

  it('the script quotes addresses and runs both mfscli calls', () => {
    const s = clusterProbeScript({ vip: '10.0.0.100', candidates: ['10.0.0.11', '10.0.0.12'] });
    assert.match(s, /-SIM -H '10\.0\.0\.11,10\.0\.0\.12'/);
    assert.match(s, /-SIM -SIG -SIC -SCS -SMB -H '10\.0\.0\.100'/);
  });
});
