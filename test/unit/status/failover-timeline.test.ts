// The failover line of the status screen, folded from successive poller snapshots of fake
// hosts (real mfscli captures): m1's master gone, the VIP on m2, m2 promoting, serving.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusPoller } from '../../../src/status/poller.ts';
import { formatFailover, nextFailoverWatch, type FailoverWatch } from '../../../src/status/failover-timeline.ts';
import type { ClusterStatus } from '../../../src/status/model.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from '../../support/fake-cluster.ts';

async function snapshot(hs: FakeHost[], viaVip: string, candidates: string): Promise<ClusterStatus> {
  const c = fakeCluster(hs, { viaVip, candidates });
  const p = new StatusPoller({ inventory: inventoryOf(hs), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
  await p.sweep();
  p.stop();
  return p.getState();
}
const set = (hs: FakeHost[], name: string, patch: Partial<FakeHost>) => hs.map((h) => (h.name === name ? { ...h, ...patch } : h));

describe('the failover line', () => {
  it('m1 master gone → VIP on m2 → m2 promoting → serving, with the chunkservers back', async () => {
    const healthy = healthyHosts();
    const steps: ClusterStatus[] = [
      await snapshot(healthy, fixture('healthy-goal3.txt'), simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }])),
      await snapshot(set(healthy, 'm1', { daemons: ['keepalived'] }), fixture('no-master.txt'), simRows([{ ip: '10.251.9.1' }, { ip: '10.251.9.2' }])),
      await snapshot(
        set(set(healthy, 'm1', { daemons: ['keepalived'], vip: false, vrrp: 'FAULT' }), 'm2', { vip: true, vrrp: 'MASTER', daemons: ['keepalived'], haRole: { role: 'PROMOTING', ageS: 1 } }),
        fixture('no-master.txt'),
        simRows([{ ip: '10.251.9.1' }, { ip: '10.251.9.2' }]),
      ),
      await snapshot(
        set(set(healthy, 'm1', { vip: false, daemons: ['keepalived', 'mfsmetalogger'], vrrp: 'BACKUP' }), 'm2', { vip: true, vrrp: 'MASTER', daemons: ['mfsmaster', 'keepalived'] }),
        fixture('healthy-goal3.txt'),
        simRows([{ ip: '10.251.9.1' }, { ip: '10.251.9.2', version: 1511 }]),
      ),
    ];
    let w: FailoverWatch = {};
    const lines: (string | undefined)[] = [];
    steps.forEach((s, i) => {
      w = nextFailoverWatch(w, { ...s, at: 1_000_000 + i * 1000 });
      lines.push(w.timeline && formatFailover(w.timeline));
    });
    assert.equal(lines[0], undefined, 'nothing while m1 serves');
    assert.equal(lines[1], 'm1 master gone');
    assert.equal(lines[2], 'm1 master gone → VIP on m2 (+1.0 s) → m2 promoting (+1.0 s)');
    assert.match(lines[3]!, /^m1 master gone → VIP on m2 \(\+1\.0 s\) → m2 promoting \(\+1\.0 s\) → serving, \d+ of 1 chunkservers \(\+2\.0 s\)$/);
    assert.equal(w.timeline!.done, true);
    // Shown a minute after it is done, then gone.
    assert.ok(nextFailoverWatch(w, { ...steps[3]!, at: 1_000_000 + 30_000 }).timeline);
    assert.equal(nextFailoverWatch(w, { ...steps[3]!, at: 1_000_000 + 70_000 }).timeline, undefined);
  });

  it('a late probe or a stale mfscli run is no failover: nothing shown until a master is seen gone', async () => {
    const healthy = healthyHosts();
    const serving = await snapshot(healthy, fixture('healthy-goal3.txt'), simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]));
    let w = nextFailoverWatch({}, { ...serving, at: 1_000_000 });
    assert.equal(w.serving, 'm1');
    // m1's probes are late (a busy host): the VIP holder is unknown, the master still answers.
    const late = { ...serving, hosts: serving.hosts.map((h) => (h.name === 'm1' ? { ...h, stale: true, reachable: false, failure: 'probe' as const } : h)) };
    w = nextFailoverWatch(w, { ...late, at: 1_001_000 });
    assert.equal(w.timeline, undefined, 'a late probe of the VIP holder started a failover line');
    // mfscli's last answer is old (the laptop or the cluster busy): no evidence either.
    w = nextFailoverWatch(w, { ...serving, mfs: { ...serving.mfs, stale: true }, at: 1_002_000 });
    assert.equal(w.timeline, undefined, 'a stale mfscli run started a failover line');
    assert.equal(w.serving, 'm1');
    // The VIP seen leaving m1 (its fresh probe says so): that is a failover.
    const left = await snapshot(set(healthy, 'm1', { vip: false, vrrp: 'FAULT' }), fixture('healthy-goal3.txt'), simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]));
    w = nextFailoverWatch(w, { ...left, at: 1_003_000 });
    assert.equal(w.timeline && formatFailover(w.timeline), 'm1 master gone');
  });
});
