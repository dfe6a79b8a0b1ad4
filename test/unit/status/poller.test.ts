// The poller and the alert rules on fake hosts (pure logic; real SSH is in test/integration/status).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusPoller, classifyProbeError } from '../../../src/status/poller.ts';
import { HostProbeFailed } from '../../../src/status/probe.ts';
import { HostError } from '../../../src/exec/types.ts';
import { metaloggerLags, vipHolders } from '../../../src/status/model.ts';
import { hostState } from '../../../src/status/text.ts';
import { checkPrecondition } from '../../../src/status/preconditions.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from '../../support/fake-cluster.ts';

const codes = (p: StatusPoller) =>
  p
    .getState()
    .alerts.map((a) => a.code)
    .sort();

function setup(hosts: FakeHost[] = healthyHosts(), viaVip = fixture('healthy-goal3.txt'), candidates = simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]), opts = {}) {
  const cluster = fakeCluster(hosts, { viaVip, candidates });
  const poller = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => cluster.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000, ...opts });
  return { cluster, poller };
}

describe('StatusPoller + alerts', () => {
  it('healthy: VIP on m1, master answering, metalogger in step; only the goal-3 undergoal warning', async () => {
    const { poller } = setup();
    await poller.sweep();
    const s = poller.getState();
    assert.deepEqual(
      vipHolders(s).map((h) => h.name),
      ['m1'],
    );
    assert.equal(s.hosts.find((h) => h.name === 'm2')!.probe!.keepalived![0]!.state, 'BACKUP');
    assert.deepEqual(metaloggerLags(s), [{ host: 'm2', version: 1509, behind: 0, changelogAgeS: 2 }]);
    assert.equal(s.mfs.via, 'm1', 'mfscli runs on the VIP holder');
    assert.deepEqual(codes(poller), ['undergoal-chunks']);
    assert.equal(poller.getHistory().at(-1)!.undergoal, 300);
  });

  it('split brain: two VIP holders and two masters answering', async () => {
    const hosts = healthyHosts();
    hosts[1] = { ...hosts[1]!, vip: true, daemons: ['mfsmaster', 'keepalived'] };
    const { poller } = setup(hosts, fixture('healthy-goal3.txt'), fixture('SIM-two-masters.txt'));
    await poller.sweep();
    const alerts = poller.getState().alerts;
    assert.ok(alerts.some((a) => a.code === 'split-brain-vip' && a.message === 'split brain: m1 and m2 all hold the VIP 10.9.0.100'));
    assert.ok(alerts.some((a) => a.code === 'split-brain-masters' && /m1 and m2/.test(a.message)));
    // m2's master (version 2) is behind nothing here: no metalogger runs on it any more.
  });

  it('no VIP holder; VIP on a host without a master; no master through the VIP', async () => {
    const none = healthyHosts();
    none[0] = { ...none[0]!, vip: false };
    const a = setup(none, fixture('no-master.txt'), simRows([{ ip: '10.251.9.1' }, { ip: '10.251.9.2' }]));
    await a.poller.sweep();
    assert.deepEqual(
      codes(a.poller).filter((c) => c !== 'chunkserver-down'),
      ['no-master', 'no-vip-holder'],
    );
    const nomaster = healthyHosts();
    nomaster[0] = { ...nomaster[0]!, daemons: ['keepalived'] };
    const b = setup(nomaster, fixture('no-master.txt'), simRows([{ ip: '10.251.9.1' }, { ip: '10.251.9.2' }]));
    await b.poller.sweep();
    assert.ok(b.poller.getState().alerts.some((x) => x.code === 'vip-without-master' && x.message === 'm1 holds the VIP but no mfsmaster runs there'));
  });

  it('stale master: the metalogger has a newer version than the master serves', async () => {
    const hosts = healthyHosts();
    hosts[1] = { ...hosts[1]!, changelog: 1700 };
    const { poller } = setup(hosts);
    await poller.sweep();
    const a = poller.getState().alerts.find((x) => x.code === 'stale-master');
    assert.equal(a?.message, 'stale master: it serves metadata version 1510, but the metalogger on m2 has 1700');
  });

  it('chunkserver down (disconnected row and a dead daemon), endangered chunks, metalogger lagging/down', async () => {
    const hosts = healthyHosts();
    hosts[2] = { ...hosts[2]!, daemons: [] };
    hosts[1] = { ...hosts[1]!, changelog: 1000 };
    hosts.push({ name: 'ml', address: '10.251.9.13', roles: ['metalogger'], daemons: [] });
    const { poller } = setup(hosts, fixture('chunkserver-down.txt'));
    await poller.sweep();
    const byCode = (c: string) =>
      poller
        .getState()
        .alerts.filter((a) => a.code === c)
        .map((a) => a.message);
    assert.deepEqual(byCode('chunkserver-down'), ['chunkserver m1:9422 (id 1) is disconnected (in maintenance)', 'no mfschunkserver runs on c1']);
    assert.deepEqual(byCode('endangered-chunks'), ['300 chunks are endangered (one copy left)']);
    assert.deepEqual(byCode('metalogger-lagging'), ['metalogger on m2 is 510 metadata versions behind the master']);
    assert.deepEqual(byCode('metalogger-down'), ['no mfsmetalogger runs on ml']);
  });

  it('an unreachable host goes stale with its age while the others keep updating', async () => {
    const hosts = healthyHosts();
    hosts[2] = { ...hosts[2]!, delay: 'hang' };
    const { poller } = setup(hosts, undefined, undefined, { hostTimeoutMs: 250, staleAfterMs: 150 });
    const t0 = Date.now();
    await poller.sweep(); // waits for the (fake) pool's connect timeout, 250 ms
    assert.ok(Date.now() - t0 >= 240);
    const first = poller.getState();
    const c1 = first.hosts.find((h) => h.name === 'c1')!;
    assert.deepEqual([c1.stale, c1.reachable, c1.failure], [true, false, 'connect']);
    // The SSH layer's own words, not the poller's deadline.
    assert.equal(c1.error, 'c1: no SSH answer from 10.251.9.21:22 within 250 ms');
    const m1Before = first.hosts.find((h) => h.name === 'm1')!.okAt!;
    await new Promise((r) => setTimeout(r, 20));
    // The next sweep is not held up by c1 (hung again).
    const t1 = Date.now();
    const sweep = poller.sweep();
    await new Promise((r) => setTimeout(r, 60));
    const mid = poller.getState();
    assert.ok(mid.hosts.find((h) => h.name === 'm1')!.okAt! > m1Before, 'm1 updated while c1 hangs');
    assert.ok(Date.now() - t1 < 200);
    assert.ok(mid.alerts.some((a) => a.code === 'host-stale' && a.hosts[0] === 'c1'));
    await sweep;
    poller.stop();
  });

  it('a host asked again and silent past twice its usual answer time is overdue before it is stale; the others are not', async () => {
    let clock = 1_000_000;
    const { cluster, poller } = setup(healthyHosts(), undefined, undefined, { hostTimeoutMs: 60_000, staleAfterMs: 10_000, now: () => clock });
    await poller.sweep();
    assert.ok(poller.getState().hosts.every((h) => !h.overdue && !h.stale));
    // m1 (the VIP holder) stops answering: its host has just died.
    cluster.hosts.set('m1', { ...cluster.hosts.get('m1')!, probeHangs: true });
    clock += 1000;
    void poller.sweep();
    clock += 1500; // m1's probe has run 1.5 s; its last answer took 0 ms here
    await new Promise((r) => setTimeout(r, 30)); // the other hosts answer at this clock
    const s = poller.getState();
    const m1 = s.hosts.find((h) => h.name === 'm1')!;
    assert.deepEqual([m1.overdue, m1.stale, m1.probe!.holdsVip], [true, false, true]);
    assert.equal(hostState(m1), 'SILENT 3 s', 'the status views say so, with the age of its last answer');
    assert.equal(hostState(s.hosts.find((h) => h.name === 'm2')!), 'ok');
    assert.ok(
      s.hosts.filter((h) => h.name !== 'm1').every((h) => !h.overdue),
      JSON.stringify(s.hosts.map((h) => [h.name, h.overdue])),
    );
    poller.stop();
  });

  it('a host that answers SSH but whose probe does not finish is slow, not unreachable; a refused connection is unreachable', async () => {
    const hosts = healthyHosts();
    hosts[1] = { ...hosts[1]!, probeHangs: true };
    hosts[2] = { ...hosts[2]!, fail: 'c1: cannot reach 10.251.9.21:22: connect ECONNREFUSED' };
    const { poller, cluster } = setup(hosts, undefined, undefined, { hostTimeoutMs: 200 });
    await poller.sweep();
    const [m1, m2, c1] = poller.getState().hosts;
    assert.deepEqual([m1!.reachable, m1!.failure], [true, undefined]);
    assert.deepEqual([m2!.reachable, m2!.failure, m2!.error], [false, 'probe', 'SSH answered, but the status probe did not finish within 200 ms']);
    assert.deepEqual([c1!.reachable, c1!.failure, c1!.error], [false, 'connect', 'c1: cannot reach 10.251.9.21:22: connect ECONNREFUSED']);
    assert.deepEqual([hostState(m2!), hostState(c1!)], ['NO STATUS', 'DOWN']);
    // The next answer clears it.
    cluster.hosts.set('m2', { ...hosts[1]!, probeHangs: false });
    await poller.sweep();
    const again = poller.getState().hosts[1]!;
    assert.deepEqual([again.reachable, again.failure, again.error], [true, undefined, undefined]);
  });

  it('a host that refuses our key or presents a changed host key is locked out (login), not down', async () => {
    const hosts = healthyHosts();
    hosts[1] = { ...hosts[1]!, fail: 'm2: HOST KEY CHANGED for 10.251.9.2', failKind: 'host-key-changed' };
    hosts[2] = { ...hosts[2]!, fail: 'c1: root@10.251.9.21:22 refused every key: tried key /k', failKind: 'auth-refused' };
    const { poller } = setup(hosts);
    await poller.sweep();
    const [, m2, c1] = poller.getState().hosts;
    assert.deepEqual([m2!.reachable, m2!.failure, m2!.login], [false, 'login', 'host-key-changed']);
    assert.deepEqual([c1!.failure, c1!.login], ['login', 'auth-refused']);
    assert.deepEqual([hostState(m2!), hostState(c1!)], ['KEY CHANGED', 'LOGIN REFUSED']);
    const alerts = poller.getState().alerts;
    assert.deepEqual(
      alerts.filter((a) => a.code === 'host-locked-out').map((a) => [a.hosts[0], a.severity]),
      [
        ['m2', 'critical'],
        ['c1', 'warning'],
      ],
    );
    assert.ok(!alerts.some((a) => a.code === 'host-stale'), 'not reported as down or stale');
    poller.stop();
  });

  it('a probe abandoned while its connection is still being made counts as not connecting', async () => {
    const hosts = healthyHosts();
    hosts[2] = { ...hosts[2]!, delay: 'hang' };
    const cluster = fakeCluster(hosts, { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1510 }]) }, { connectTimeoutMs: 60_000 });
    const poller = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => cluster.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 100, connectAllowanceMs: 100 });
    await poller.sweep();
    const c1 = poller.getState().hosts.find((h) => h.name === 'c1')!;
    assert.deepEqual([c1.reachable, c1.failure, c1.error], [false, 'connect', 'no SSH session within 200 ms']);
  });

  it('classifyProbeError: no answer is connect; a refused key, password or sudo, a changed or unknown host key are login; a stuck sudo, refused channels, slow or cancelled probes after login are probe', () => {
    const c = (e: unknown) => classifyProbeError(e, 24000);
    assert.deepEqual(c(new HostError('m2', 'timeout', 'm2: no SSH answer from 10.0.0.2:22 within 10 s')), { failure: 'connect', error: 'm2: no SSH answer from 10.0.0.2:22 within 10 s' });
    assert.equal(c(new HostError('m2', 'unreachable', 'm2: cannot reach 10.0.0.2:22: connection refused')).failure, 'connect');
    assert.deepEqual(c(new HostError('m2', 'host-key-changed', 'm2: HOST KEY CHANGED')), { failure: 'login', login: 'host-key-changed', error: 'm2: HOST KEY CHANGED' });
    assert.deepEqual(c(new HostError('m2', 'auth-refused', 'm2: root@10.0.0.2:22 refused every key')), { failure: 'login', login: 'auth-refused', error: 'm2: root@10.0.0.2:22 refused every key' });
    // Refused without an operator to ask (SshPool's wording): an unknown key. @revoked stays rejected.
    assert.equal(c(new HostError('m2', 'host-key-rejected', 'm2: the ssh-ed25519 host key SHA256:x of 10.0.0.2:22 was not accepted')).login, 'host-key-unknown');
    assert.equal(c(new HostError('m2', 'host-key-rejected', 'm2: the host key is marked @revoked in kh:3; refusing to connect')).login, 'host-key-rejected');
    assert.equal(c(new HostError('m2', 'host-key-unknown', 'm2: cannot check known_hosts')).login, 'host-key-unknown');
    assert.deepEqual(c(new HostError('m2', 'sudo-failed', 'm2: sudo did not accept the password for ops')), {
      failure: 'login',
      login: 'sudo-refused',
      error: 'm2: sudo did not accept the password for ops',
    });
    assert.equal(c(new HostError('m2', 'disconnected', 'm2: SSH connection lost (reset)')).failure, 'connect');
    assert.equal(c(new HostError('m2', 'sudo-failed', 'm2: `sudo -n true` gave no answer within 15 s')).failure, 'probe');
    assert.equal(c(new HostError('m2', 'channel-refused', 'm2: the server refused a new command channel')).failure, 'probe');
    assert.deepEqual(c(new HostProbeFailed('unconnected', 'x')), { failure: 'connect', error: 'no SSH session within 24000 ms' });
    assert.deepEqual(c(new HostProbeFailed('cancelled', 'x')), { failure: 'probe', error: 'SSH answered, but the status probe did not start within 24000 ms (sudo or a busy connection)' });
    assert.equal(c(new HostProbeFailed('slow', 'SSH answered, but …')).failure, 'probe');
  });

  it('freshState waits for the master candidates and mfscli, not for a chunkserver still connecting', async () => {
    const hosts = healthyHosts();
    hosts[2] = { ...hosts[2]!, delay: 'hang' };
    const cluster = fakeCluster(hosts, { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1510 }]) }, { connectTimeoutMs: 60_000 });
    const poller = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => cluster.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000 });
    const s = await poller.freshState();
    const [m1, m2, c1] = s.hosts;
    assert.deepEqual([m1!.reachable, m2!.reachable], [true, true]);
    // c1's connection attempt has not ended: no verdict on it yet, and the check did not wait for one.
    assert.deepEqual([c1!.reachable, c1!.error], [false, undefined]);
    poller.stop();
  });

  it('freshState waits for a host without a role that answers: a spare given the VIP (rebuild-master) is seen holding it', async () => {
    const hosts: FakeHost[] = [...healthyHosts(), { name: 'spare', address: '10.251.9.15', roles: [], daemons: ['mfsmaster'] }];
    const { poller, cluster } = setup(hosts, undefined, undefined, { staleAfterMs: 60_000 });
    await poller.sweep();
    assert.deepEqual(
      vipHolders(poller.getState()).map((h) => h.name),
      ['m1'],
    );
    // The VIP moves to spare; spare's next answer is slower than every other host's.
    cluster.hosts.get('m1')!.vip = false;
    Object.assign(cluster.hosts.get('spare')!, { vip: true, delay: 300 });
    const s = await poller.freshState(0);
    assert.deepEqual(
      vipHolders(s).map((h) => h.name),
      ['spare'],
      'the old answer of spare (no VIP) is not what the check judged',
    );
    assert.equal(checkPrecondition(s, 'vip-held').met, true);
    poller.stop();
  });

  it('a spare without a role that cannot be reached does not hold the check up', async () => {
    const hosts: FakeHost[] = [...healthyHosts(), { name: 'spare', address: '10.251.9.15', roles: [], delay: 'hang' }];
    const cluster = fakeCluster(hosts, { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1510 }]) }, { connectTimeoutMs: 60_000 });
    const poller = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => cluster.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000 });
    const s = await poller.freshState();
    assert.deepEqual(
      vipHolders(s).map((h) => h.name),
      ['m1'],
    );
    assert.equal(checkPrecondition(s, 'vip-held').met, true);
    poller.stop();
  });

  it('the first mfscli run waits for a candidate that answers: the master host that is down is not the guess', async () => {
    const hosts = healthyHosts();
    hosts[0] = { ...hosts[0]!, delay: 'hang' }; // m1, first in the inventory, vanished
    hosts[1] = { ...hosts[1]!, vip: true };
    const { poller, cluster } = setup(hosts);
    await poller.sweep();
    const s = poller.getState();
    assert.equal(s.mfs.via, 'm2');
    assert.equal(s.mfs.error, undefined);
    assert.ok(!cluster.scripts.some((x) => x.host === 'm1' && x.script.includes('mfscli')), 'mfscli was never sent to m1');
  });

  it('a host still being probed is skipped, not probed twice; pause drops the heavy parts', async () => {
    const hosts = healthyHosts();
    let release = () => {};
    hosts[2] = { ...hosts[2]!, gate: new Promise<void>((r) => (release = r)) };
    const { poller, cluster } = setup(hosts);
    const s1 = poller.sweep();
    // The first sweep is done everywhere but on c1, whose probe is held open (no timing guess).
    const others = hosts.filter((h) => h.name !== 'c1').map((h) => h.name);
    while (!(others.every((n) => cluster.answered.some((a) => a.host === n && !a.script.includes('mfscli'))) && cluster.answered.some((a) => a.script.includes('mfscli')))) {
      await new Promise((r) => setImmediate(r));
    }
    poller.pause('m1');
    await poller.sweep();
    release();
    await s1;
    assert.equal(cluster.scripts.filter((s) => s.host === 'c1').length, 1);
    const m1 = cluster.scripts.filter((s) => s.host === 'm1' && !s.script.includes('mfscli'));
    assert.match(m1[0]!.script, /USR1/);
    assert.doesNotMatch(m1.at(-1)!.script, /USR1/);
    assert.equal(poller.getState().hosts.find((h) => h.name === 'm1')!.paused, true);
    // mfscli moved off the paused VIP holder
    assert.ok(cluster.scripts.some((s) => s.host === 'm2' && s.script.includes('mfscli')));
    // keepalived state kept from the earlier full probe
    assert.equal(poller.getState().hosts.find((h) => h.name === 'm1')!.probe!.keepalived![0]!.state, 'MASTER');
    poller.resume('m1');
  });

  it('a host slower than the tick is probed again the moment its probe ends, not a tick later', async () => {
    const hosts = healthyHosts();
    hosts[2] = { ...hosts[2]!, delay: 130 };
    const { poller, cluster } = setup(hosts);
    poller.start();
    await new Promise((r) => setTimeout(r, 690));
    poller.stop();
    const n = cluster.scripts.filter((s) => s.host === 'c1').length;
    // On tick boundaries only it would be 4 (0, 200, 400, 600 ms); back to back it is 6.
    assert.ok(n >= 5, `c1 probed ${n} times`);
  });

  it('subscribers hear about changes; start/stop ticks on the interval', async () => {
    const { poller } = setup();
    let calls = 0;
    const off = poller.subscribe(() => calls++);
    poller.start();
    await new Promise((r) => setTimeout(r, 350));
    poller.stop();
    off();
    assert.ok(calls >= 3, `notified ${calls} times`);
    assert.ok(poller.getHistory().length >= 3);
  });
});
