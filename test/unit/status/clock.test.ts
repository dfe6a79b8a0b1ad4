// Clock skew from the status probe: the parser of `date +%s.%N`, the offset within half the
// round trip, the cluster's reference (median) and the warning on a master candidate. The
// precise line was captured from GNU date on this machine (`date +%s.%N`: 1796609885.017160564);
// the whole-second forms are what a date without %N prints (busybox's literal `N`), written
// here by hand: no such date is installed on this machine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { deriveAlerts } from '../../../src/status/alerts.ts';
import { CLOCK_SKEW_WARN_S, clockReading, clusterSkews, formatSkew, parseClockLine, skewBeyond } from '../../../src/status/clock.ts';
import type { HostStatus } from '../../../src/status/model.ts';
import { emptyDaemons, hostProbeScript, parseHostProbe } from '../../../src/status/probe.ts';

describe('parseClockLine', () => {
  it("reads GNU date's nanoseconds, and whole seconds (±1 s resolution) from a date without %N", () => {
    assert.deepEqual(parseClockLine('1796609885.017160564'), { epochS: Number('1796609885.017160564'), resolutionS: 0 });
    assert.deepEqual(parseClockLine('1796609885.N'), { epochS: 1796609885, resolutionS: 1 });
    assert.deepEqual(parseClockLine('1796609885.%N'), { epochS: 1796609885, resolutionS: 1 });
    assert.deepEqual(parseClockLine('1796609885'), { epochS: 1796609885, resolutionS: 1 });
  });
  it('refuses anything else: no reading rather than a wrong one', () => {
    for (const bad of [undefined, '', 'date: invalid option', '17966.5', 'Tue Dec  7 02:00:00 UTC 2026', '1796609885.0171605640', '-1796609885.5']) {
      assert.equal(parseClockLine(bad), undefined, String(bad));
    }
  });
});

describe('clockReading', () => {
  it("the host's offset against the midpoint of the local window, within half the window", () => {
    // Sent at 1000.000 s, answered at 1000.400 s; the host read 1003.200 s: 3.0 s ahead ± 0.2 s.
    const r = clockReading({ epochS: 1003.2, resolutionS: 0 }, 1_000_000, 1_000_400);
    assert.ok(Math.abs(r.offsetS - 3.0) < 1e-9, String(r.offsetS));
    assert.ok(Math.abs(r.errorS - 0.2) < 1e-9, String(r.errorS));
  });
  it('a whole-second reading stands for the middle of its second, half a second more error', () => {
    const r = clockReading({ epochS: 1000, resolutionS: 1 }, 1_000_000, 1_000_100);
    assert.ok(Math.abs(r.offsetS - 0.45) < 1e-9);
    assert.ok(Math.abs(r.errorS - 0.55) < 1e-9);
  });
});

describe('clusterSkews and the warning', () => {
  const at = (offsetS: number, errorS = 0.05) => ({ offsetS, errorS });
  it('a wrong clock on this machine shifts every offset alike: no skew', () => {
    const s = clusterSkews([
      { host: 'm1', clock: at(40) },
      { host: 'm2', clock: at(40.1) },
      { host: 'c1', clock: at(39.95) },
    ]);
    assert.ok(
      s.every((k) => !skewBeyond(k)),
      JSON.stringify(s),
    );
  });
  it('one host off by 5 s is skewed; the median keeps it from moving the reference', () => {
    const s = clusterSkews([
      { host: 'm1', clock: at(0) },
      { host: 'm2', clock: at(5) },
      { host: 'c1', clock: at(0.02) },
    ]);
    const m2 = s.find((k) => k.host === 'm2')!;
    assert.ok(skewBeyond(m2));
    assert.equal(formatSkew(m2), '+5.0 s (±0.1)');
    assert.ok(!skewBeyond(s.find((k) => k.host === 'm1')!));
  });
  it('a skew within the error bound is not certain: no warning (a slow probe widens the bound)', () => {
    const s = clusterSkews([
      { host: 'm1', clock: at(0) },
      { host: 'm2', clock: at(3, 1.5) },
      { host: 'c1', clock: at(0) },
    ]);
    assert.ok(!skewBeyond(s.find((k) => k.host === 'm2')!));
  });
  it('one reading is no comparison', () => {
    assert.deepEqual(clusterSkews([{ host: 'm1', clock: at(9) }]), []);
  });

  const host = (name: string, roles: HostStatus['roles'], offsetS: number): HostStatus => ({
    name,
    address: `10.0.0.${name.length}`,
    roles,
    reachable: true,
    stale: false,
    paused: false,
    probe: { holdsVip: false, daemons: emptyDaemons(), clock: at(offsetS) },
  });
  const alerts = (hosts: HostStatus[]) => deriveAlerts({ vip: '10.0.0.100', hosts, mfs: { stale: false, candidates: [] } } as never).filter((a) => a.code === 'clock-skew');
  it(`deriveAlerts warns about a master candidate over ${CLOCK_SKEW_WARN_S} s off, not about other hosts`, () => {
    const a = alerts([host('m1', ['master-candidate'], 0), host('m2', ['master-candidate'], -4), host('c1', ['chunkserver'], 6), host('c2', ['chunkserver'], 0)]);
    assert.deepEqual(
      a.map((x) => [x.severity, x.hosts]),
      [['warning', ['m2']]],
    );
    assert.match(a[0]!.message, /^m2's clock is −4\.0 s \(±0\.1\) off the cluster's \(over 2 s on a master candidate/);
    assert.deepEqual(alerts([host('m1', ['master-candidate'], 0), host('m2', ['master-candidate'], 1.5), host('c1', ['chunkserver'], 0)]), []);
  });
});

describe('the host probe reads the clock', () => {
  it("its script prints this machine's clock under dash, and the parser keeps it", () => {
    const script = hostProbeScript({ vip: '203.0.113.77', dataPath: '/nonexistent/mfs', parts: { keepalived: false, version: false } });
    const before = Date.now();
    const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
    const after = Date.now();
    assert.equal(r.status, 0, r.stderr);
    const p = parseHostProbe(r.stdout);
    assert.equal(p.clockRaw?.resolutionS, 0);
    const c = clockReading(p.clockRaw!, before, after);
    // The same clock: the offset is within the bound.
    assert.ok(Math.abs(c.offsetS) <= c.errorS + 0.001, JSON.stringify(c));
  });
});
