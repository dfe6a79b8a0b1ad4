// Status preconditions on poller snapshots of fake hosts: met, unmet, and unknown (stale) data.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkPreconditions } from '../../../src/status/preconditions.ts';
import { StatusPoller } from '../../../src/status/poller.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from '../../support/fake-cluster.ts';

async function state(hosts: FakeHost[], viaVip: string, candidates: string) {
  const c = fakeCluster(hosts, { viaVip, candidates });
  // Only a hung host may time out; a loaded machine delays the other fakes too.
  const hang = hosts.some((h) => h.delay === 'hang');
  const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: hang ? 300 : 2000, staleAfterMs: 5000 });
  await p.sweep();
  return p.getState();
}
const ALL = ['no-split-brain', 'vip-held-by-running-master', 'master-answering', 'no-missing-chunks', 'all-chunkservers-connected', 'hosts-fresh'];
const one = simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]);

it('healthy: all met', async () => {
  const s = await state(healthyHosts(), fixture('healthy-goal3.txt'), one);
  assert.deepEqual(
    checkPreconditions(s, ALL).filter((r) => !r.met),
    [],
  );
});

it('split brain, chunkserver down, unknown name', async () => {
  const hosts = healthyHosts();
  hosts[1] = { ...hosts[1]!, vip: true, daemons: ['mfsmaster'] };
  const s = await state(hosts, fixture('chunkserver-down.txt'), fixture('SIM-two-masters.txt'));
  const r = checkPreconditions(s, [...ALL, 'bogus']);
  const unmet = Object.fromEntries(r.filter((x) => !x.met).map((x) => [x.name, x.detail]));
  assert.equal(unmet['no-split-brain'], 'm1 and m2 all hold the VIP');
  assert.equal(unmet['vip-held-by-running-master'], 'm1 and m2 all hold the VIP');
  assert.equal(unmet['no-missing-chunks'], '0 missing and 300 endangered chunks');
  assert.equal(unmet['all-chunkservers-connected'], 'disconnected: 10.251.9.1:9422');
  assert.match(unmet['bogus']!, /unknown status precondition 'bogus'/);
  assert.equal(unmet['master-answering'], undefined);
});

it('an unreachable candidate makes VIP preconditions unknown, hence unmet', async () => {
  const hosts = healthyHosts();
  hosts[1] = { ...hosts[1]!, delay: 'hang' };
  const s = await state(hosts, fixture('healthy-goal3.txt'), one);
  const r = checkPreconditions(s, ['no-split-brain', 'hosts-fresh']);
  assert.deepEqual(
    r.map((x) => x.met),
    [false, false],
  );
  assert.match(r[0]!.detail, /^not known: no fresh status from m2/);
});

it('a candidate whose last probe failed is unknown at once, before it turns stale', async () => {
  const s = await state(healthyHosts(), fixture('healthy-goal3.txt'), one);
  // Its earlier probe is kept and still younger than the stale limit: only reachable says it failed.
  const hosts = s.hosts.map((h) => (h.name === 'm2' ? { ...h, reachable: false, stale: false, error: 'connect ECONNREFUSED' } : h));
  const r = checkPreconditions({ ...s, hosts }, ['no-split-brain', 'vip-held']);
  assert.deepEqual(
    r.map((x) => x.met),
    [false, false],
  );
  assert.match(r[0]!.detail, /^not known: no fresh status from m2/);
});

it('a chunkserver whose last answer held the VIP and that now fails its probe makes the VIP unknown, not absent', async () => {
  const hosts = healthyHosts();
  hosts[2] = { ...hosts[2]!, vip: true };
  const s = await state(hosts, fixture('healthy-goal3.txt'), one);
  assert.equal(checkPreconditions(s, ['no-split-brain'])[0]!.met, false, 'm1 and c1 both hold it');
  // c1's next probe fails: its last answer (holding the VIP) is all we know of it.
  const failed = { ...s, hosts: s.hosts.map((h) => (h.name === 'c1' ? { ...h, reachable: false } : h)) };
  const [r] = checkPreconditions(failed, ['no-split-brain']);
  assert.equal(r!.met, false);
  assert.match(r!.detail, /c1/);
});
