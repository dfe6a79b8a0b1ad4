// The status screen at fleet size: 100 chunkservers (and their 100 hosts) on an 80×24
// terminal fit it (a scroll window over each table, the disconnected first), never a wall of
// rows. The master's answer is the real capture chunkserver-down.txt with its `chunk
// servers:` rows repeated for 98 addresses (the row format copied, values edited) and two
// disconnected rows in the real format.
process.env.NO_COLOR = '1';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from '../../support/fake-cluster.ts';

const { render } = await import('ink-testing-library');
const React = await import('react');
const { StatusScreen } = await import('../../../screens/status/StatusScreen.tsx');
const { StatusPoller } = await import('../../../src/status/poller.ts');

const N = 100;
const csAddress = (i: number) => `10.251.${9 + Math.floor(i / 200)}.${21 + (i % 200)}`;
function fleetAnswer(): string {
  const real = fixture('chunkserver-down.txt').split('\n');
  const row = real.find((l) => l.startsWith('chunk servers:'))!.split('|');
  const rows: string[] = [];
  for (let i = 0; i < N; i++) {
    if (i === 17 || i === 63) continue; // disconnected below
    const r = [...row];
    r[1] = csAddress(i);
    r[2] = '9422';
    r[3] = String(i + 1);
    if (i === 40) r[9] = String(Math.round(Number(r[10]) * 0.95)); // nearly full
    rows.push(r.join('|'));
  }
  const out: string[] = [];
  for (const l of real) {
    if (l.startsWith('chunk servers:')) out.push(...rows);
    else if (l.startsWith('Disconnected chunk servers:'))
      out.push(`Disconnected chunk servers:|${csAddress(17)}|9422|18|maintenance_off`, `Disconnected chunk servers:|${csAddress(63)}|9422|64|maintenance_temp_on`);
    else out.push(l);
  }
  return out.join('\n');
}

function fleetHosts(): FakeHost[] {
  const hosts: FakeHost[] = [
    { name: 'm1', address: '10.251.9.1', roles: ['master-candidate'], vip: true, daemons: ['mfsmaster', 'keepalived'], vrrp: 'MASTER' },
    { name: 'm2', address: '10.251.9.2', roles: ['master-candidate'], daemons: ['mfsmetalogger', 'keepalived'], vrrp: 'BACKUP', changelog: 1509 },
  ];
  for (let i = 0; i < N; i++) hosts.push({ name: `c${i + 1}`, address: csAddress(i), roles: ['chunkserver'], daemons: i === 17 ? [] : ['mfschunkserver'] });
  return hosts;
}

describe('status screen at 100 chunkservers', () => {
  it('fits 80×24: the disconnected chunkservers first, each table a window, every line within 80 columns', async () => {
    const hosts = fleetHosts();
    const c = fakeCluster(hosts, { viaVip: fleetAnswer(), candidates: simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]) });
    const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 5000, staleAfterMs: 5000 });
    await p.sweep();
    // The app gives the status screen the terminal less its back line.
    const r = render(React.createElement(StatusScreen, { store: p, rows: 23, columns: 80 }));
    const f = r.lastFrame()!;
    const lines = f.split('\n');
    assert.ok(lines.length <= 23, `${lines.length} lines:\n${f}`);
    assert.ok(
      lines.every((l) => l.length <= 80),
      f,
    );
    const csRows = lines.filter((l) => /10\.251\.\d+\.\d+:9422/.test(l));
    assert.ok(csRows.length <= 10, `a window, not a wall: ${csRows.length} chunkserver rows\n${f}`);
    const hostRows = lines.filter((l) => /^\W*c\d+ /.test(l));
    assert.ok(hostRows.length <= 10, `a window, not a wall: ${hostRows.length} host rows\n${f}`);
    // The two disconnected chunkservers are named.
    assert.match(f, /c18:9422 \(id 18\) is disconnected/);
    assert.match(f, /c64:9422 \(id 64\) is disconnected/);
    // c18, whose chunkserver is not running, is among the first hosts, not scrolled out of sight among 100.
    assert.match(f, /│ c18 +ok +- +- +- /);
    r.unmount();
  });
});

describe('status at fleet size: counted, folded, not stale while waiting our turn', () => {
  it('counts hosts by state worst first and folds alerts of one kind into one line naming the first hosts', async () => {
    const { hostStateCounts, foldAlerts } = await import('../../../src/status/fleet-summary.ts');
    const hosts = fleetHosts();
    hosts[5] = { ...hosts[5]!, fail: 'c4: no SSH answer' };
    hosts[6] = { ...hosts[6]!, fail: 'c5: no SSH answer' };
    hosts[7] = { ...hosts[7]!, fail: 'c6: no SSH answer' };
    hosts[9] = { ...hosts[9]!, fail: 'c8: our key was refused', failKind: 'auth-refused' };
    const c = fakeCluster(hosts, { viaVip: fleetAnswer(), candidates: simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]) });
    const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 5000, staleAfterMs: 5000 });
    await p.sweep();
    const s = p.getState();
    assert.deepEqual(
      hostStateCounts(s.hosts).map((x) => `${x.count} ${x.state}`),
      ['3 DOWN', '1 LOGIN REFUSED', '1 chunk stopped', '97 ok'],
    );
    const folded = foldAlerts(s.alerts);
    const stale = folded.filter((a) => a.code === 'host-stale');
    assert.equal(stale.length, 1, 'three hosts without an answer: one line');
    assert.match(stale[0]!.message, /^3 hosts without an answer: c4, c5, c6$/);
    assert.equal(folded.filter((a) => a.code === 'chunkserver-down').length, 2, 'two of a kind stay two lines');
    assert.ok(folded.length < s.alerts.length);
    // Under the threshold nothing is folded.
    assert.deepEqual(foldAlerts(s.alerts.slice(0, 2)), s.alerts.slice(0, 2));

    // On screen: the counts above the table, the folded alerts, the VIP holder; End scrolls to the last host.
    const r = render(React.createElement(StatusScreen, { store: p, rows: 23, columns: 80 }));
    const f = r.lastFrame()!;
    assert.match(f, /102 hosts: +3 DOWN +1 LOGIN REFUSED +1 chunk stopped +97 ok/);
    assert.match(f, /VIP 10\.9\.0\.100 +held by m1/);
    assert.match(f, /✖ chunkserver c18:9422 \(id 18\) is disconnected/, 'the critical alerts on screen');
    assert.match(f, /hosts 1–\d+ of 102/);
    assert.ok(f.split('\n').length <= 23, f);
    r.stdin.write('\u001B[F'); // End
    let last = '';
    for (let i = 0; i < 100 && !/of 102/.test(last.match(/hosts \d+–102 of 102/)?.[0] ?? ''); i++) {
      await new Promise((res) => setImmediate(res));
      last = r.lastFrame()!;
    }
    assert.match(last, /hosts \d+–102 of 102/, last);
    assert.match(last, /VIP 10\.9\.0\.100 +held by m1/, 'the VIP line stays while scrolled');
    assert.match(last, /102 hosts: +3 DOWN/, 'the counts stay while scrolled');
    r.unmount();
    p.stop();
  });

  it('a healthy host waiting its turn (100 hosts, 2 probes at once) is not called stale: the wait is ours', async () => {
    const hosts = fleetHosts().map((h) => ({ ...h, daemons: h.roles.includes('chunkserver') ? ['mfschunkserver'] : h.daemons, delay: 8 }));
    const c = fakeCluster(hosts, { viaVip: fleetAnswer(), candidates: simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]) });
    // A sweep takes about 102 / 2 × 8 ms ≈ 400 ms, longer than the 200 ms stale limit.
    const p = new StatusPoller(
      { inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) },
      { intervalMs: 50, concurrency: 2, hostTimeoutMs: 5000, staleAfterMs: 200, residentMfscli: false },
    );
    p.start();
    try {
      const staleSeen = new Set<string>();
      // Until every host has answered three times, look at every snapshot.
      const answers = () => Math.min(...hosts.map((h) => c.answered.filter((a) => a.host === h.name && !a.script.includes('mfscli')).length));
      while (answers() < 3) {
        await new Promise((res) => setTimeout(res, 5));
        for (const h of p.getState().hosts) if (h.stale) staleSeen.add(h.name);
      }
      assert.deepEqual([...staleSeen], [], 'no healthy host shown stale while it waited in our queue');
    } finally {
      p.stop();
    }
  });

  it('one sweep longer than the stale limit (as `mfs-tui status` at 40 chunkservers on a loaded machine): every host that answered is fresh, the VIP holder known', async () => {
    // 102 hosts answering in 20 ms, 4 at a time: the sweep takes about 0.5 s, the limit is 0.15 s.
    // m1 (the VIP holder) answered first; before, it was "no answer for" the rest of the sweep.
    const hosts = fleetHosts().map((h) => ({ ...h, daemons: h.roles.includes('chunkserver') ? ['mfschunkserver'] : h.daemons, delay: 20 }));
    const c = fakeCluster(hosts, { viaVip: fleetAnswer(), candidates: simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]) });
    const p = new StatusPoller(
      { inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) },
      { intervalMs: 100, concurrency: 4, hostTimeoutMs: 5000, staleAfterMs: 150, residentMfscli: false },
    );
    const t0 = Date.now();
    await p.sweep();
    assert.ok(Date.now() - t0 > 300, `the sweep took ${Date.now() - t0} ms, longer than the limit`);
    const s = p.getState();
    const m1 = s.hosts.find((h) => h.name === 'm1')!;
    assert.ok(m1.ageMs! > 150, `m1's answer is ${m1.ageMs} ms old`);
    assert.deepEqual(
      s.hosts.filter((h) => h.stale).map((h) => h.name),
      [],
    );
    assert.equal(s.mfs.stale, false);
    assert.deepEqual(
      s.alerts.filter((a) => a.code === 'host-stale' || a.code === 'no-vip-holder').map((a) => a.message),
      [],
    );
    const r = render(React.createElement(StatusScreen, { store: p, rows: 23, columns: 80 }));
    const f = r.lastFrame()!;
    assert.match(f, /VIP 10\.9\.0\.100 +held by m1/, f);
    assert.doesNotMatch(f, /STALE|without an answer|no answer|no VIP holder/i, f);
    r.unmount();
    p.stop();
  });

  it('hosts that answer slower than the stale limit stay fresh while ticking; one that then goes silent turns stale after 3 × the usual answer time', async () => {
    // Every answer takes 250 ms, the configured limit is 100 ms: the limit becomes 3 × 250 ms.
    const hosts = healthyHostsSlow(250);
    const c = fakeCluster(hosts, { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]) });
    const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 50, hostTimeoutMs: 20_000, staleAfterMs: 100, residentMfscli: false });
    const answers = (n: string) => c.answered.filter((a) => a.host === n && !a.script.includes('mfscli')).length;
    p.start();
    try {
      const staleSeen = new Set<string>();
      while (Math.min(...hosts.map((h) => answers(h.name))) < 4) {
        await new Promise((res) => setTimeout(res, 10));
        for (const h of p.getState().hosts) if (h.stale) staleSeen.add(h.name);
      }
      assert.deepEqual([...staleSeen], [], 'slow but answering is not stale');
      assert.ok(!p.getState().alerts.some((a) => a.code === 'no-vip-holder'));
      // c1's next probe never answers (a hung host): stale once silent past the grown limit, not before.
      c.hosts.set('c1', { ...c.hosts.get('c1')!, probeHangs: true });
      const hungFrom = answers('c1');
      while (c.scripts.filter((x) => x.host === 'c1').length <= hungFrom) await new Promise((res) => setTimeout(res, 5));
      const asked = Date.now();
      while (!p.getState().hosts.find((h) => h.name === 'c1')!.stale) {
        assert.ok(Date.now() - asked < 10_000, 'c1 never went stale');
        await new Promise((res) => setTimeout(res, 10));
      }
      const silentMs = Date.now() - asked;
      assert.ok(silentMs >= 3 * 250 - 50, `c1 stale after ${silentMs} ms, before 3 × 250 ms`);
      assert.deepEqual(
        p
          .getState()
          .hosts.filter((h) => h.stale)
          .map((h) => h.name),
        ['c1'],
      );
      assert.ok(p.getState().alerts.some((a) => a.code === 'host-stale' && a.hosts[0] === 'c1'));
    } finally {
      p.stop();
    }
  });
});

/** The fake cluster's healthy hosts, every answer taking delayMs. */
function healthyHostsSlow(delayMs: number): FakeHost[] {
  return healthyHosts().map((h) => ({ ...h, delay: delayMs }));
}
