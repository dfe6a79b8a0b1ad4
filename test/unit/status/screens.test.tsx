// The status panels rendered with ink-testing-library from poller snapshots (fake hosts,
// real mfscli captures). NO_COLOR is set before the screens load, so alerts are asserted
// by their text; a live store update must reach the screen.
process.env.NO_COLOR = '1';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from '../../support/fake-cluster.ts';

const { render } = await import('ink-testing-library');
const React = await import('react');
const { StatusScreen, StatusSidebar } = await import('../../../screens/status/StatusScreen.tsx');
const { StatusPoller } = await import('../../../src/status/poller.ts');
const { sparkline } = await import('../../../screens/status/sparkline.ts');

// A generous timeout, always: a loaded machine delays the fakes too. A test that needs a
// stale host hangs it, on a clock it moves itself (a slow sweep must not age the others).
async function poller(hosts: FakeHost[], viaVip: string, candidates: string, clock?: { ms: number }) {
  const c = fakeCluster(hosts, { viaVip, candidates });
  const now = clock ? () => clock.ms : undefined;
  const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: clock ? 100 : 5000, now });
  await p.sweep();
  return { p, c };
}

const ansi = /\u001B\[[0-9;]*m/;

describe('status screens', () => {
  it('full screen: holder, VRRP states, hosts × daemons, chunk classes, chunkserver table', async () => {
    const { p } = await poller(healthyHosts(), fixture('chunkserver-down.txt'), simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]));
    const r = render(React.createElement(StatusScreen, { store: p }));
    const f = r.lastFrame()!;
    assert.match(f, /VIP 10\.9\.0\.100 {2}held by m1/);
    assert.match(f, /m1 +MASTER +VIP master v1511/);
    assert.match(f, /m2 +BACKUP +no master/);
    assert.match(f, /HOST +STATE +master +mlog +chunk/);
    assert.match(f, /c1 +ok +- +- +50s/);
    assert.match(f, /✖ chunkserver m1:9422 \(id 1\) is disconnected/);
    assert.match(f, /✖ 300 chunks are endangered/);
    assert.match(f, /endangered 300/);
    assert.match(f, /10\.251\.9\.1:9423 +connected +300/);
    assert.match(f, /10\.251\.9\.1:9422 +DISCONNECTED/);
    assert.match(f, /space [█░]+ \d+\.\d% of 101 GiB/);
    assert.doesNotMatch(f, ansi, 'NO_COLOR: no escape codes');
    r.unmount();
  });

  it('split brain and no-holder alerts; a host going stale updates the screen', async () => {
    const hosts = healthyHosts();
    hosts[1] = { ...hosts[1]!, vip: true, daemons: ['mfsmaster', 'keepalived'] };
    const clock = { ms: Date.now() };
    const { p, c } = await poller(hosts, fixture('healthy-goal3.txt'), fixture('SIM-two-masters.txt'), clock);
    const r = render(React.createElement(StatusScreen, { store: p }));
    assert.match(r.lastFrame()!, /held by m1 \+ m2/);
    assert.match(r.lastFrame()!, /✖ split brain: m1 and m2 all hold the VIP 10\.9\.0\.100/);
    assert.match(r.lastFrame()!, /✖ split brain: masters answer on m1 and m2 at once/);
    // c1 stops answering: the next sweep marks it stale, the screen follows the store.
    c.hosts.set('c1', { ...c.hosts.get('c1')!, delay: 'hang' });
    // Stale: no answer for longer than staleAfterMs (100 ms) besides this sweep's own wait.
    clock.ms += 1000;
    await p.sweep();
    // The screen follows the store's change on its next render: wait for it, never a fixed time.
    for (const end = Date.now() + 5000; !/c1 +STALE \d+ s/.test(r.lastFrame()!) && Date.now() < end;) await new Promise((res) => setTimeout(res, 10));
    assert.match(r.lastFrame()!, /c1 +STALE \d+ s/);
    assert.match(r.lastFrame()!, /! c1: no answer for \d+ s \(c1: no SSH answer from 10\.251\.9\.21:22 within \d+ ms\)/);
    r.unmount();
    const none = healthyHosts().map((h) => ({ ...h, vip: false }));
    const q = await poller(none, fixture('no-master.txt'), simRows([{ ip: '10.251.9.1' }, { ip: '10.251.9.2' }]));
    const r2 = render(React.createElement(StatusSidebar, { store: q.p }));
    assert.match(r2.lastFrame()!, /VIP 10\.9\.0\.100 {2}no holder/);
    assert.match(r2.lastFrame()!, /✖ no host holds the VIP 10\.9\.0\.100/);
    assert.match(r2.lastFrame()!, /no master answers through the VIP/);
    r2.unmount();
  });

  it('sparkline scales to the range and keeps gaps', () => {
    assert.equal(sparkline([0, 5, 10, undefined, 10], 10), '▁▅█ █');
    assert.equal(sparkline([1, 2, 3], 2), '▁█');
    assert.equal(sparkline([], 5), '');
  });
});
