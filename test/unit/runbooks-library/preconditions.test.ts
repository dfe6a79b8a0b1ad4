// The library's `requires=` at work: the real planned-restart runbook driven by the engine,
// with the real status gate over a StatusPoller of fake hosts (the same probe parsing as on a
// cluster). A split brain refuses the real dangerous step before any of its commands runs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createRun, type RunDeps } from '../../../src/engine/run.ts';
import { statusGate } from '../../../src/status/gate.ts';
import { StatusPoller } from '../../../src/status/poller.ts';
import { FakeHosts, waitPrompt } from '../../support/engine-fixtures.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeCluster } from '../../support/fake-cluster.ts';
import { labInventory, runbook } from '../../support/runbook-library.ts';

let dir: string;
let poller: StatusPoller | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-rb-pre-'));
});
afterEach(() => {
  poller?.stop();
  poller = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A status source: m1 holds the VIP and runs the master, m2 the standby, one chunkserver; nothing missing. */
function healthyStatus(): FakeCluster {
  const hosts = healthyHosts();
  const c = fakeCluster(hosts, { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]) });
  poller = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
  return c;
}

/** m2 takes the VIP and starts a master beside m1: two VIP holders, two answering masters. */
function splitBrain(c: FakeCluster): void {
  c.hosts.set('m2', { ...c.hosts.get('m2')!, vip: true, daemons: ['mfsmaster', 'keepalived'], vrrp: 'MASTER' });
  c.mfscli.candidates = fixture('SIM-two-masters.txt');
}

function deps(fake: FakeHosts, over: Partial<RunDeps> = {}): RunDeps {
  // The first step saves the metadata version; its expect-output must match.
  fake.when('/var/tmp/mfs-tui-planned-restart.version\necho', { stdout: ['version 1510 saved in /var/tmp/mfs-tui-planned-restart.version\n'] });
  return {
    runbook: runbook('planned-restart'),
    inventory: labInventory(),
    inputs: { master: 'm1' },
    journalDir: dir,
    executorFor: fake.executorFor,
    factsFor: async () => ({ os: 'debian', osId: 'debian', osVersion: '12', init: 'systemd', mfs: '3.0.117', hostname: 'x' }),
    vipHolder: async () => 'm1',
    // Every check sweeps again: the state a test changes is what the next check sees.
    gate: statusGate(poller!, { maxAgeMs: 0 }),
    mode: 'non-interactive',
    autoConfirm: true,
    operator: 'alice',
    outputFlushMs: 5,
    ...over,
  };
}

const ran = (fake: FakeHosts, part: string) => fake.calls.filter((c) => c.script.includes(part)).map((c) => c.host);

describe('planned-restart refuses its dangerous steps on a split brain (real runbook, real gate)', () => {
  it('--yes: split brain before the start: the clients are not unmounted; the run fails with the reason', async () => {
    const c = healthyStatus();
    splitBrain(c);
    const fake = new FakeHosts();
    const run = createRun(deps(fake));
    const end = await run.settled();
    assert.equal(end.status, 'failed');
    assert.match(
      end.reason!,
      /^step unmount: refused: precondition no-split-brain is not met \(m1 and m2 all hold the VIP\); precondition master-running is not met \(m1 and m2 all hold the VIP\); the step is dangerous \(confirm=typed\)/,
    );
    // Only the read-only first step ran; nothing on the client.
    assert.deepEqual(
      fake.calls.map((x) => x.host),
      ['m1'],
    );
    assert.deepEqual(ran(fake, 'umount'), []);
    assert.deepEqual(end.steps.find((s) => s.id === 'unmount')!.preconditions?.outcome, 'refused');
  });

  it('healthy at the start, split brain before the master stops: clients and standby go, the master is not stopped', async () => {
    const c = healthyStatus();
    const fake = new FakeHosts();
    const run = createRun(
      deps(fake, {
        onRecord: (rec) => {
          // The standby was stopped; now a second master appears (e.g. someone started keepalived there).
          if (rec.type === 'step-finished' && rec.stepId === 'stop-standby' && rec.host === 'm2') splitBrain(c);
        },
      }),
    );
    const end = await run.settled();
    assert.equal(end.status, 'failed');
    assert.match(end.reason!, /^step stop-master: refused: precondition no-split-brain is not met \(m1 and m2 all hold the VIP\)/);
    assert.deepEqual(ran(fake, 'umount'), ['cl']);
    assert.deepEqual(ran(fake, 'systemctl stop keepalived'), ['m1', 'm2'], 'stop-standby ran on both candidates (m1 says "later")');
    assert.deepEqual(ran(fake, 'systemctl stop moosefs-master'), [], 'the master was not stopped');
    const outcomes = Object.fromEntries(end.steps.filter((s) => s.preconditions).map((s) => [s.id, s.preconditions!.outcome]));
    assert.deepEqual(outcomes, { unmount: 'met', 'stop-standby': 'met', 'stop-master': 'refused' });
  });

  it('interactive: the refusal is a prompt at stop-master; a re-check after the split brain ends lets it go on to its confirmation', async () => {
    const c = healthyStatus();
    const fake = new FakeHosts();
    const run = createRun(
      deps(fake, {
        mode: 'interactive',
        autoConfirm: false,
        onRecord: (rec) => {
          if (rec.type === 'step-finished' && rec.stepId === 'stop-standby' && rec.host === 'm2') splitBrain(c);
        },
      }),
    );
    // The operator types the host name at each typed confirmation before stop-master.
    const typed: string[] = [];
    const stopAnswering = run.subscribe(() => {
      const p = run.getState().prompt;
      if (p?.kind === 'confirm' && p.stepId !== 'stop-master' && p.host && typed.length < 10 && typed.at(-1) !== `${p.stepId}/${p.host}`) {
        typed.push(`${p.stepId}/${p.host}`);
        queueMicrotask(() => run.send({ type: 'confirm', typed: p.host }));
      }
    });
    const s = await waitPrompt(run, 'preconditions');
    stopAnswering();
    assert.deepEqual(typed, ['unmount/cl', 'stop-standby/m1', 'stop-standby/m2']);
    assert.ok(s.prompt?.kind === 'preconditions' && s.prompt.stepId === 'stop-master');
    assert.deepEqual(
      s.prompt.results.filter((r) => !r.met).map((r) => `${r.name}: ${r.detail}`),
      ['no-split-brain: m1 and m2 all hold the VIP'],
    );
    assert.deepEqual(ran(fake, 'systemctl stop moosefs-master'), []);
    // The second master is gone again: the re-check passes and the step asks for its typed confirmation.
    c.hosts.set('m2', { ...c.hosts.get('m2')!, vip: false, daemons: [], vrrp: undefined });
    c.mfscli.candidates = simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]);
    run.send({ type: 'recheck' });
    const confirm = await waitPrompt(run, 'confirm');
    assert.ok(confirm.prompt?.kind === 'confirm' && confirm.prompt.stepId === 'stop-master' && confirm.prompt.level === 'typed');
    assert.equal(confirm.steps.find((x) => x.id === 'stop-master')!.preconditions?.outcome, 'met');
    assert.deepEqual(ran(fake, 'systemctl stop moosefs-master'), []);
    run.send({ type: 'abort' });
    assert.equal((await run.settled()).status, 'aborted');
  });
});
