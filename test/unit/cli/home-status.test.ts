// The app's live status polls only while a view holds it: a real StatusPoller on fake hosts
// (probe scripts counted), held and released as the status screen, triage and a run would.
import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { appStatus, type AppStatus } from '../../../app/tui/home-status.ts';
import type { StatusSource } from '../../../src/status/poller.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeCluster } from '../../support/fake-cluster.ts';

const INTERVAL = 40;
let status: AppStatus | undefined;
afterEach(() => status?.stop());

function setup(opts: { failFirst?: boolean } = {}): { c: FakeCluster; sessions: () => number; status: AppStatus } {
  const hosts = healthyHosts();
  const c = fakeCluster(hosts, { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]) });
  const source: StatusSource = { inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) };
  let opened = 0;
  status = appStatus(
    async () => {
      opened++;
      if (opts.failFirst && opened === 1) throw new Error('ssh: connection refused');
      return source;
    },
    { poller: { intervalMs: INTERVAL, hostTimeoutMs: 2000 } },
  );
  return { c, sessions: () => opened, status };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Probes started during `ms` (after letting the ones in flight finish). */
async function probesDuring(c: FakeCluster, ms: number): Promise<number> {
  await sleep(INTERVAL);
  const before = c.scripts.length;
  await sleep(ms);
  return c.scripts.length - before;
}

async function until(what: string, pred: () => boolean, ms = 3000): Promise<void> {
  for (const t0 = Date.now(); !pred(); await sleep(5)) if (Date.now() - t0 > ms) throw new Error(`timed out: ${what}`);
}

it('polls from the first view that holds it to the last release, and again at the next; same poller, same session', async () => {
  const { c, sessions, status: s } = setup();
  // Made (for the engine's gate) but nobody looks: no polling.
  const poller = await s.open();
  assert.equal(await probesDuring(c, 5 * INTERVAL), 0, 'open() alone does not poll');
  assert.equal(s.polling(), false);

  // The status screen opens: polling, every interval.
  const releaseStatus = s.hold();
  await until('polling', () => s.polling());
  assert.ok((await probesDuring(c, 5 * INTERVAL)) >= 2 * 4, 'every host probed on several ticks');

  // A run opens too, then the status screen closes: still polling for the run.
  const releaseRun = s.hold();
  releaseStatus();
  releaseStatus(); // a second call counts once
  assert.equal(s.holders(), 1);
  assert.equal(s.polling(), true);
  assert.ok((await probesDuring(c, 4 * INTERVAL)) > 0);

  // The run closes: nobody looks, the probes stop (the session stays).
  releaseRun();
  assert.equal(s.holders(), 0);
  assert.equal(s.polling(), false);
  assert.equal(await probesDuring(c, 6 * INTERVAL), 0, 'no probe after the last view closed');

  // Triage opens: polling again, on the same poller (its snapshot kept), without a new session.
  const before = poller.getState().at;
  const releaseTriage = s.hold();
  await until('polling again', () => s.polling());
  assert.ok((await probesDuring(c, 4 * INTERVAL)) > 0, 'probing resumed');
  assert.equal(s.store(), poller);
  assert.ok(poller.getState().at > before, 'the same store updates');
  assert.equal(sessions(), 1, 'one session for the whole time');
  releaseTriage();
  assert.equal(await probesDuring(c, 4 * INTERVAL), 0);
});

it('the gate still gets a fresh status when nobody polls', async () => {
  const { c, status: s } = setup();
  const r = await s.gate.check(['no-split-brain', 'master-running']);
  assert.deepEqual(
    r.filter((x) => !x.met),
    [],
  );
  assert.ok(c.scripts.length > 0, 'the check swept once');
  assert.equal(s.polling(), false);
  assert.equal(await probesDuring(c, 4 * INTERVAL), 0, 'and polling did not start');
});

it('a release before the session is open starts nothing; a failed open is tried again by the next view', async () => {
  const { c, sessions, status: s } = setup({ failFirst: true });
  const release = s.hold();
  await sleep(2 * INTERVAL);
  assert.equal(s.polling(), false, 'no session: nothing to poll');
  release();
  const again = s.hold();
  await until('polling after the retry', () => s.polling());
  assert.equal(sessions(), 2);
  assert.ok((await probesDuring(c, 3 * INTERVAL)) > 0);
  again();
  s.stop();
  // Held and let go before the poller exists: it does not start later.
  const s2 = setup().status;
  const quick = s2.hold();
  quick();
  await sleep(3 * INTERVAL);
  assert.equal(s2.polling(), false);
  s2.stop();
});

it('stop(): no polling, held or not', async () => {
  const { c, status: s } = setup();
  s.hold();
  await until('polling', () => s.polling());
  s.stop();
  assert.equal(s.polling(), false);
  assert.equal(await probesDuring(c, 4 * INTERVAL), 0);
});
