// The engine's gate over a real StatusPoller on fake hosts: a snapshot older than the limit
// is refreshed before preconditions are judged; a fresh one is used as it is. And the
// journal hook that pauses a host's heavy probe parts while a step runs there.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { pauseWhileStepsRun, statusGate } from '../../../src/status/gate.ts';
import { StatusPoller } from '../../../src/status/poller.ts';
import type { JournalRecord } from '../../../src/journal/types.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows } from '../../support/fake-cluster.ts';

const one = simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]);

function setup() {
  const hosts = healthyHosts();
  const c = fakeCluster(hosts, { viaVip: fixture('healthy-goal3.txt'), candidates: one });
  let now = 1_000_000;
  const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 1000, hostTimeoutMs: 2000, now: () => now });
  return { c, p, advance: (ms: number) => (now += ms) };
}

it('the gate refreshes a snapshot older than 2 s, and sees a split brain that appeared since', async () => {
  const { c, p, advance } = setup();
  const gate = statusGate(p);
  const first = await gate.check(['no-split-brain', 'vip-held', 'master-running']);
  assert.deepEqual(
    first.filter((r) => !r.met),
    [],
    'never probed: the gate sweeps first',
  );
  const probes = c.scripts.length;
  // Fresh: no new probe.
  advance(500);
  await gate.check(['no-split-brain']);
  assert.equal(c.scripts.length, probes, 'a snapshot 0.5 s old is used as it is');
  // m2 takes the VIP too; 2.5 s later the snapshot is too old: probed again, and it shows.
  c.hosts.set('m2', { ...c.hosts.get('m2')!, vip: true });
  advance(2000);
  const r = await gate.check(['no-split-brain', 'vip-held']);
  assert.ok(c.scripts.length > probes, 'probed again');
  assert.deepEqual(r, [
    { name: 'no-split-brain', met: false, detail: 'm1 and m2 all hold the VIP' },
    { name: 'vip-held', met: false, detail: 'm1 and m2 all hold the VIP' },
  ]);
  p.stop();
});

it('a host that does not answer leaves the preconditions on it unknown, hence unmet', async () => {
  const { c, p } = setup();
  c.hosts.set('m2', { ...c.hosts.get('m2')!, fail: 'connect ECONNREFUSED' });
  const r = await statusGate(p).check(['no-split-brain', 'master-running']);
  assert.deepEqual(
    r.map((x) => [x.met, x.detail]),
    [
      [false, 'not known: no fresh status from m2'],
      [false, 'not known: no fresh status from m2'],
    ],
  );
  p.stop();
});

it('pauseWhileStepsRun: paused from step-started to its end, counted per host', () => {
  const calls: string[] = [];
  const hook = pauseWhileStepsRun({ pause: (h) => calls.push(`pause ${h}`), resume: (h) => calls.push(`resume ${h}`) });
  const rec = (r: object) => hook({ seq: 1, ts: '', ...r } as JournalRecord);
  rec({ type: 'step-started', stepId: 'a', host: 'm1', phase: 'command', command: 'x', attempt: 1 });
  rec({ type: 'step-started', stepId: 'a', host: 'm2', phase: 'command', command: 'x', attempt: 1 });
  rec({ type: 'step-finished', stepId: 'a', host: 'm1', phase: 'command', exitCode: 0, durationMs: 1, ok: true });
  rec({ type: 'step-started', stepId: 'a', host: 'm1', phase: 'check', command: 'y', attempt: 1 });
  rec({ type: 'step-cancelled', stepId: 'a', host: 'm1', phase: 'check', reason: 'operator', durationMs: 1 });
  rec({ type: 'run-finished', status: 'aborted' });
  assert.deepEqual(calls, ['pause m1', 'pause m2', 'resume m1', 'pause m1', 'resume m1', 'resume m2']);
});

it('a chunkserver that does not answer does not force a sweep on every check (preconditions read candidates and mfscli)', async () => {
  const { c, p, advance } = setup();
  c.hosts.set('c1', { ...c.hosts.get('c1')!, fail: 'connect ETIMEDOUT' });
  const gate = statusGate(p);
  assert.deepEqual(
    (await gate.check(['no-split-brain'])).map((r) => r.met),
    [true],
  );
  const probes = c.scripts.length;
  advance(500);
  await gate.check(['no-split-brain']);
  assert.equal(c.scripts.length, probes, 'no new probe: the candidates and mfscli are fresh');
  p.stop();
});

it('a candidate that answered the sweep the check waited for is fresh, however long mfscli at a VIP nobody holds took', async () => {
  // The moment of a VIP move: m2 is the only candidate, nobody holds the VIP, and mfscli's
  // connection to the VIP takes seconds to fail. m2's own probe answered at once.
  const hosts = healthyHosts().filter((h) => h.name !== 'm1');
  hosts[0] = { ...hosts[0]!, daemons: [], vrrp: undefined };
  const c = fakeCluster(hosts, { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.2' }]) });
  const slowMfscli = (h: string) => {
    const e = c.executorFor(h);
    return { ...e, exec: async (req: Parameters<typeof e.exec>[0]) => (req.script.includes('mfscli') && (await new Promise((r) => setTimeout(r, 700))), e.exec(req)) };
  };
  // The poller's own stale limit (here 0.3 s) passes while mfscli runs.
  const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: slowMfscli }, { intervalMs: 100, staleAfterMs: 300, hostTimeoutMs: 2000, mfsTimeoutMs: 3000 });
  const raw = await p.freshState(200);
  // m2 answered in this sweep and was not asked again: silent for 0 s, not stale (staleness.ts), however old its answer.
  const m2 = raw.hosts.find((h) => h.name === 'm2')!;
  assert.ok(m2.ageMs! > 300, `m2's answer is ${m2.ageMs} ms old, past the 300 ms limit`);
  assert.equal(m2.stale, false, 'the poller does not call m2 stale for the time mfscli took');
  const r = await statusGate(p, { maxAgeMs: 200 }).check(['no-split-brain']);
  assert.deepEqual(r, [{ name: 'no-split-brain', met: true, detail: 'nobody holds the VIP' }]);
  // A candidate that does not answer stays unknown, slow mfscli or not.
  c.hosts.set('m2', { ...c.hosts.get('m2')!, fail: 'connect ECONNREFUSED' });
  const down = await statusGate(p, { maxAgeMs: 0 }).check(['no-split-brain']);
  assert.deepEqual(
    down.map((x) => [x.met, x.detail]),
    [[false, 'not known: no fresh status from m2']],
  );
  p.stop();
});
