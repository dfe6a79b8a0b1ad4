// `mfs-tui status`'s plain text under --lang zh, from the same poller snapshot as output.test.ts
// (fake hosts with a real mfscli capture of a disconnected chunkserver): its own words are
// Chinese, the table columns still line up in terminal cells, commands and host names as they are.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setLanguage } from '../../../src/i18n/index.ts';
import { StatusPoller } from '../../../src/status/poller.ts';
import { renderStatusText } from '../../../src/status/text.ts';
import { cells } from '../../../src/util/cells.ts';
import { englishPhrase } from '../../support/english-phrase.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows } from '../../support/fake-cluster.ts';

before(() => setLanguage('zh'));
after(() => setLanguage('en'));

it('the holder, the alerts, the masters, space, chunkservers and metaloggers in Chinese; columns aligned', async () => {
  const hosts = healthyHosts();
  const c = fakeCluster(hosts, { viaVip: fixture('chunkserver-down.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]) });
  const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
  await p.sweep();
  const t = renderStatusText(p.getState());
  assert.match(t, /^集群 test {3}VIP 10\.9\.0\.100 由 m1 \(MASTER\) 持有 {3}时间 /m);
  assert.match(t, /^告警$/m);
  assert.match(t, /^ {2}严重 {6}/m);
  assert.match(t, /^MOOSEFS {2}经由 \S+ {3}master：m1 v1511, m2 已停止$/m);
  assert.match(t, /^空间 {5}已用 [\d.]+%，共 /m);
  assert.match(t, /^10\.251\.9\.1:9422 +1 +已断开/m);
  assert.match(t, /^METALOGGERS {2}已连接：/m);
  for (const line of t.split('\n')) assert.equal(englishPhrase(line), undefined, line);
  // The tables' headers are Chinese too (RTT, VIP, VRRP, ID and the daemons' short names as they are).
  assert.match(t, /^主机 +状态 +RTT +VIP +VRRP +.* 版本$/m);
  assert.match(t, /^CHUNKSERVER +ID +状态 +数据块 +已用 +总量 +负载 +维护$/m);
  assert.match(t, /^数据块 {3}缺失 0 {2}濒危 300 {2}副本不足 /m);
  assert.doesNotMatch(t, /\b(HOST|STATE|VERSION|CHUNKS|USED|TOTAL|LOAD|MAINT|missing|endangered)\b/);
  // The chunkserver table: every row's third column starts at the same cell.
  const rows = t.split('\n').filter((l) => /^(CHUNKSERVER|\d+\.\d+\.\d+\.\d+:\d+) /.test(l));
  const stateAt = rows.map((l) => cells(l.slice(0, l.search(/(状态|已连接|已断开)/))));
  assert.ok(rows.length >= 2 && stateAt.every((n) => n === stateAt[0]), rows.join('\n'));
});
