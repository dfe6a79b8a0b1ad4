// Live roles and the input defaults they give, on status snapshots built by the real
// StatusPoller from fake hosts and mfscli output captured from real MooseFS 3.0.117
// (test/fixtures/status), with the real runbook library's front matter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusPoller } from '../../../src/status/poller.ts';
import type { ClusterStatus } from '../../../src/status/model.ts';
import { liveLookup, liveRole } from '../../../src/status/live-roles.ts';
import { builtinRunbookDir, loadRunbookDir } from '../../../src/runbook/library.ts';
import { inputContradictions, suggestInputs } from '../../../src/runbook/inputs.ts';
import { buildVariables } from '../../../src/runbook/template.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from '../../support/fake-cluster.ts';

const library = loadRunbookDir(builtinRunbookDir());
assert.deepEqual(library.problems, []);
const rb = (id: string) => library.runbooks.find((r) => r.id === id)!;

const hosts = (): FakeHost[] => [...healthyHosts(), { name: 'ml', address: '10.251.9.13', roles: ['metalogger'], daemons: ['mfsmetalogger'], changelog: 1509 }];
const set = (hs: FakeHost[], name: string, patch: Partial<FakeHost>) => hs.map((h) => (h.name === name ? { ...h, ...patch } : h));
const healthyMfscli = () => fixture('healthy-goal3.txt');

async function snapshot(hs: FakeHost[], viaVip: string, candidates: string): Promise<ClusterStatus> {
  const cluster = fakeCluster(hs, { viaVip, candidates });
  const poller = new StatusPoller({ inventory: inventoryOf(hs), executorFor: (h) => cluster.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
  await poller.sweep();
  poller.stop();
  return poller.getState();
}

/** m2 took over: it holds the VIP and runs the master; m1 (first in the inventory) is fenced. */
const m2Serves = (): FakeHost[] => {
  let hs = set(hosts(), 'm1', { vip: false, daemons: [] });
  hs = set(hs, 'm2', { vip: true, daemons: ['mfsmaster', 'keepalived'], vrrp: 'MASTER' });
  return hs;
};
const SIM_M2 = simRows([{ ip: '10.251.9.1' }, { ip: '10.251.9.2', version: 1600 }]);

describe('live roles', () => {
  it('the master, the VIP holder and the standby follow the VIP, not inventory order', async () => {
    const s = await snapshot(m2Serves(), healthyMfscli(), SIM_M2);
    assert.deepEqual(liveRole(s, 'master'), { host: 'm2', saw: 'm2 holds the VIP 10.9.0.100 and runs mfsmaster' });
    assert.equal(liveRole(s, 'vip-holder').host, 'm2');
    assert.equal(liveRole(s, 'standby').host, 'm1');
    assert.equal(liveRole(s, 'stale-master').host, undefined);
  });

  it('split brain: the newer metadata is the master, the older the one to fence', async () => {
    const hs = set(hosts(), 'm2', { vip: true, daemons: ['mfsmaster', 'keepalived'], vrrp: 'MASTER' });
    const s = await snapshot(hs, healthyMfscli(), fixture('SIM-two-masters.txt'));
    assert.equal(liveRole(s, 'master').host, 'm1');
    assert.equal(liveRole(s, 'stale-master').host, 'm2');
    assert.match(liveRole(s, 'stale-master').saw, /m2 has the older metadata \(version 2 < 1510\)/);
    assert.equal(liveRole(s, 'vip-holder').host, undefined, 'two VIP holders: no single one');
  });

  it('a stale master back beside the VIP holder is the one to fence', async () => {
    const hs = set(hosts(), 'm2', { daemons: ['mfsmaster'] });
    const s = await snapshot(
      hs,
      healthyMfscli(),
      simRows([
        { ip: '10.251.9.1', version: 1510 },
        { ip: '10.251.9.2', version: 1200 },
      ]),
    );
    assert.equal(liveRole(s, 'master').host, 'm1');
    assert.deepEqual(liveRole(s, 'stale-master'), { host: 'm2', saw: 'm2 runs a master beside the VIP holder m1' });
  });

  it('a master candidate without fresh status: nothing is guessed', async () => {
    const hs = set(m2Serves(), 'm1', { delay: 'hang' });
    const s = await snapshot(hs, healthyMfscli(), SIM_M2);
    const a = liveRole(s, 'master');
    assert.equal(a.host, undefined);
    assert.match(a.saw, /not known: no fresh status from m1/);
  });
});

describe('input defaults from the live status and the run that handed over', () => {
  it('rebuild-master after fence-master: the fenced host comes back, the live master is current (not m1 by inventory order)', async () => {
    const s = await snapshot(m2Serves(), healthyMfscli(), SIM_M2);
    const inventory = inventoryOf(m2Serves());
    const handedOver = { runbook: 'fence-master', inputs: { fence: 'm1', fence_address: '10.251.9.1', keep: 'm2', keep_address: '10.251.9.2' } };
    const got = suggestInputs(rb('rebuild-master'), { vars: buildVariables(inventory, {}), inventory, handedOver, live: liveLookup(s) });
    assert.equal(got.new?.value, 'm1');
    assert.match(got.new!.source!, /from the fence-master run that handed over \(fence\)/);
    assert.equal(got.new_address?.value, '10.251.9.1');
    assert.equal(got.current?.value, 'm2');
    assert.match(got.current!.source!, /^live status: m2 holds the VIP/);
  });

  it('without a status a live input has no default (never the first master candidate); the handed-over value is offered', () => {
    const inventory = inventoryOf(hosts());
    const vars = buildVariables(inventory, {});
    const alone = suggestInputs(rb('rebuild-master'), { vars, inventory });
    assert.equal(alone.current?.value, undefined);
    assert.match(alone.current!.source!, /the live status cannot tell: no status yet/);
    const handed = suggestInputs(rb('rebuild-master'), { vars, inventory, handedOver: { runbook: 'fence-master', inputs: { fence: 'm1', keep: 'm2' } } });
    assert.equal(handed.current?.value, 'm2');
  });

  it('an address input follows the host chosen for its input, not the first host of the role', () => {
    const inventory = inventoryOf(hosts());
    const got = suggestInputs(rb('fence-master'), { vars: buildVariables(inventory, {}), inventory, given: { fence: 'm1', keep: 'm2' } });
    assert.equal(got.keep_address?.value, '10.251.9.2');
    assert.equal(got.fence_address?.value, '10.251.9.1');
  });

  it('a value contradicting the live status (or its host address) is flagged', async () => {
    const s = await snapshot(m2Serves(), healthyMfscli(), SIM_M2);
    const inventory = inventoryOf(m2Serves());
    const flags = inputContradictions(rb('rebuild-master'), { new: 'm1', new_address: '10.251.9.2', current: 'm1' }, { inventory, live: liveLookup(s) });
    assert.deepEqual(flags, [
      'new_address=10.251.9.2, but new=m1 has the address 10.251.9.1 in the inventory',
      'current=m1, but the live status says m2 is the master: m2 holds the VIP 10.9.0.100 and runs mfsmaster',
    ]);
    assert.deepEqual(inputContradictions(rb('rebuild-master'), { new: 'm1', new_address: '10.251.9.1', current: 'm2' }, { inventory, live: liveLookup(s) }), []);
  });
});

describe('the command printed when a run hands over', () => {
  it('fence-master → rebuild-master carries the fenced host and its address, not the live master', async () => {
    const { handedOverInputs } = await import('../../../src/runbook/inputs.ts');
    const inventory = inventoryOf(hosts());
    const carried = handedOverInputs(rb('rebuild-master'), { runbook: 'fence-master', inputs: { fence: 'm1', fence_address: '10.251.9.1', keep: 'm2', keep_address: '10.251.9.2' } }, inventory);
    assert.deepEqual(carried, { new: 'm1', new_address: '10.251.9.1' });
  });
});
