// The dashboard's data (what blessed-contrib is handed), without a terminal.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { dashboardData } from '../../../src/status/dashboard-data.ts';
import { setLanguage } from '../../../src/i18n/index.ts';
import { StatusPoller } from '../../../src/status/poller.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows } from '../../support/fake-cluster.ts';

it('tables, VIP lines, alerts and time series from snapshots', async () => {
  const hosts = healthyHosts();
  const c = fakeCluster(hosts, { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]) });
  const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100 });
  await p.sweep();
  c.mfscli.viaVip = fixture('chunkserver-down.txt');
  await p.sweep();
  const d = dashboardData(p.getState(), p.getHistory());
  assert.deepEqual(d.vipLines.slice(0, 2), ['VIP 10.9.0.100: m1', 'm1: MASTER VIP master v1510']);
  assert.ok(d.alertLines.some((l) => l === 'CRIT 300 chunks are endangered (one copy left)'));
  assert.deepEqual(d.hosts.data[2]!.slice(0, 2), ['c1', 'ok']);
  assert.deepEqual(d.chunkservers.data.at(-1), ['10.251.9.1:9422', 'DISCONNECTED', '-', '-', '-']);
  assert.deepEqual(d.chunkSeries.find((s) => s.title === 'undergoal')!.y, [300, 0]);
  assert.deepEqual(d.chunkSeries.find((s) => s.title === 'endangered')!.y, [0, 300]);
  assert.equal(d.chunkSeries[0]!.x.length, 2);
  assert.ok(d.usedPercent > 0 && d.usedPercent < 100);
});

it('in Chinese: the VIP lines, alerts, chunkserver states and series names', async () => {
  const hosts = healthyHosts();
  const c = fakeCluster(hosts, { viaVip: fixture('chunkserver-down.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]) });
  const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100 });
  await p.sweep();
  setLanguage('zh');
  try {
    const d = dashboardData(p.getState(), p.getHistory(), { alertRows: 1 });
    assert.deepEqual(d.vipLines.slice(0, 2), ['VIP 10.9.0.100：m1', 'm1: MASTER 持有 VIP 主控 v1510']);
    assert.match(d.alertLines[0]!, /^… 还有 \d+ 条告警（mfs-tui status 列出全部）$/);
    assert.equal(d.noAlerts, false);
    assert.deepEqual(d.chunkservers.data.at(-1)!.slice(0, 2), ['10.251.9.1:9422', '已断开']);
    assert.deepEqual(
      d.chunkSeries.map((x) => x.title),
      ['丢失', '危险', '副本不足'],
    );
    assert.match(d.spaceLabel, / \/ /);
  } finally {
    setLanguage('en');
  }
});
