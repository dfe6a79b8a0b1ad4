// The triage view and its wiring in the app: findings from a real poller on fake hosts (real
// mfscli captures), Enter on a finding opens its runbook's input form with triage's values
// filled in, and the run starts with them.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { App, type AppRunbook } from '../../../screens/App.tsx';
import { TriageView } from '../../../screens/triage/TriageView.tsx';
import { TriageScreen } from '../../../screens/triage/TriageScreen.tsx';
import { StatusPoller } from '../../../src/status/poller.ts';
import { builtinRunbookDir, loadRunbookDir } from '../../../src/runbook/library.ts';
import { triage } from '../../../src/triage/index.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from '../../support/fake-cluster.ts';
import { appProps, healthCheckRun, noRun, recordingStart } from '../../support/screen-runs.ts';
import { cleanupRendered, keys, renderScreen } from '../../support/render-screen.ts';

afterEach(cleanupRendered);

const library = loadRunbookDir(builtinRunbookDir()).runbooks;
const powerCut: AppRunbook = library.find((r) => r.id === 'power-cut')!;

/** A power cut on m1 (VIP still there, no mfsmaster) and chunkserver c1 down: two faults at once. */
function brokenHosts(): FakeHost[] {
  return [
    ...healthyHosts().map((h) => (h.name === 'm1' ? { ...h, daemons: ['keepalived'] } : h.name === 'c1' ? { ...h, daemons: [] } : h)),
    { name: 'ml', address: '10.251.9.13', roles: ['metalogger'], daemons: ['mfsmetalogger'], changelog: 1509 },
  ];
}

/** A poller on these hosts with no master at the VIP (not swept yet). */
function pollerOn(hs: FakeHost[]): StatusPoller {
  const c = fakeCluster(hs, { viaVip: fixture('no-master.txt'), candidates: simRows([{ ip: '10.251.9.1' }, { ip: '10.251.9.2' }]) });
  return new StatusPoller({ inventory: inventoryOf(hs), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
}

async function brokenPoller(): Promise<StatusPoller> {
  const p = pollerOn(brokenHosts());
  await p.sweep();
  return p;
}

test("triage view: findings ranked with their runbook, the focused one's evidence; Enter opens the focused finding's runbook", async () => {
  const p = await brokenPoller();
  const report = triage(p.getState(), library);
  const opened: unknown[] = [];
  let back = 0;
  const r = renderScreen(<TriageView report={report} onOpen={(id, inputs) => opened.push({ id, inputs })} onBack={() => back++} />, { columns: 140, rows: 40 });
  const f = await r.waitFor('Triage · cluster test');
  assert.match(f, /2 findings, most dangerous first/);
  assert.match(f, /❯ ✖ No master serves: mfsmaster is not running on m1, which holds the VIP 10\.9\.0\.100 → power-cut/);
  assert.match(f, /✖ Chunkserver c1 is down: mfschunkserver is not running → restart-daemon/);
  assert.match(f, /m1: ssh probe \(ps\): mfsmaster not running/);
  assert.match(f, /Open it: mfs-tui run power-cut --input host=m1 --input host_address=10\.251\.9\.1 --input metalogger=ml/);
  r.press(keys.down);
  const cs = await r.waitFor('c1: ssh probe (ps): mfschunkserver not running');
  assert.match(cs, /Open it: mfs-tui run restart-daemon --input host=c1 --input host_address=10\.251\.9\.21 --input daemon=chunkserver/);
  r.press(keys.enter);
  await r.waitFor(() => opened.length === 1);
  assert.deepEqual(opened, [{ id: 'restart-daemon', inputs: { host: 'c1', host_address: '10.251.9.21', daemon: 'chunkserver' } }]);
  r.press(keys.up + keys.enter);
  await r.waitFor(() => opened.length === 2);
  assert.deepEqual(opened[1], { id: 'power-cut', inputs: { host: 'm1', host_address: '10.251.9.1', metalogger: 'ml' } });
  r.press(keys.escape);
  await r.waitFor(() => back === 1);
  p.stop();
});

test('triage view: Enter on a finding no runbook fits says so and opens nothing', async () => {
  // c1's host does not answer: nothing can be started there, so no runbook fits.
  const p = pollerOn(brokenHosts().map((h) => (h.name === 'c1' ? { ...h, fail: 'no answer within 2000 ms' } : h)));
  await p.sweep();
  const report = triage(p.getState(), library);
  const opened: unknown[] = [];
  const r = renderScreen(<TriageView report={report} onOpen={(id, inputs) => opened.push({ id, inputs })} onBack={() => {}} />, { columns: 140, rows: 40 });
  const f = await r.waitFor('Triage · cluster test');
  assert.match(f, /✖ Chunkserver host c1 cannot be reached → no runbook/);
  r.press(keys.down);
  const cs = await r.waitFor('No runbook: no runbook fits: the host must be reachable over SSH first.');
  assert.match(cs, /c1: ssh probe: /);
  r.press(keys.enter);
  await r.waitFor('No runbook fits this finding');
  assert.deepEqual(opened, []);
  p.stop();
});

test('triage screen: connecting, then probing until every host answered once, then the findings', async () => {
  let resolve!: (p: StatusPoller) => void;
  const loading = new Promise<StatusPoller>((res) => (resolve = res));
  const r = renderScreen(<TriageScreen load={() => loading} library={library} onOpen={noRun} onBack={() => {}} />);
  await r.waitFor('Connecting to the cluster…');
  const p = pollerOn(brokenHosts().map((h) => (h.name === 'c1' ? { ...h, delay: 300 } : h)));
  const sweep = p.sweep();
  resolve(p);
  await r.waitFor('Probing every host and the master…');
  await sweep;
  const f = await r.waitFor('2 findings');
  assert.match(f, /Chunkserver c1 is down/);
  p.stop();
});

test("app: Home → Triage → Enter on the power cut opens power-cut's inputs filled in by triage; the run starts with them", async () => {
  const p = await brokenPoller();
  const { started, startRun } = recordingStart(healthCheckRun());
  const r = renderScreen(<App {...appProps({ runbooks: [powerCut], triageStatus: () => Promise.resolve(p), startRun })} />, { columns: 140, rows: 40 });
  await r.waitFor('Master host back after a power cut');
  // Triage comes first on Home (what is wrong before any runbook), focused.
  assert.match(r.lastFrame(), /❯ Triage: what is wrong, which runbook fits/);
  await r.waitFor('Names what is wrong with the evidence seen');
  r.press(keys.enter);
  await r.waitFor('Triage · cluster test');
  r.press(keys.enter);
  const form = await r.waitFor('Which host ran the master that crashed?');
  assert.match(form, /Master host back after a power cut: inputs/);
  assert.match(form, /Filled in by triage: host=m1 host_address=10\.251\.9\.1 metalogger=ml \(enter keeps each\)/);
  assert.match(form, /Which host ran the master that crashed\? \[m1\]/);
  r.press(keys.enter);
  assert.match(await r.waitFor('Its own address (not the VIP)'), /\[10\.251\.9\.1\]/);
  r.press(keys.enter);
  assert.match(await r.waitFor('Which host runs the metalogger to compare with?'), /\[ml\]/);
  r.press(keys.enter);
  await r.waitFor(() => started.length === 1);
  assert.deepEqual(started, [{ id: 'power-cut', values: { host: 'm1', host_address: '10.251.9.1', metalogger: 'ml' } }]);
  p.stop();
});

test('triage screen on a small terminal: the frame stays within its rows, the rest of the evidence is counted', async () => {
  const p = await brokenPoller();
  const r = renderScreen(<TriageScreen load={() => Promise.resolve(p)} library={library} onOpen={noRun} onBack={() => {}} />, { columns: 80, rows: 14 });
  const f = await r.waitFor('2 findings');
  assert.ok(f.split('\n').length <= 14, `${f.split('\n').length} rows:\n${f}`);
  assert.match(f, /… \d+ more lines \(mfs-tui triage prints all\)/);
  p.stop();
});

test('app: no triage entry on Home without a status source; Esc from triage goes home', async () => {
  const without = renderScreen(<App {...appProps({ runbooks: [powerCut] })} />);
  const home = await without.waitFor('Cluster status');
  assert.doesNotMatch(home, /Triage/);
  without.unmount();
  const p = await brokenPoller();
  const r = renderScreen(<App {...appProps({ runbooks: [powerCut], triageStatus: () => Promise.resolve(p) })} />, { columns: 140 });
  await r.waitFor('❯ Triage: what is wrong');
  r.press(keys.enter);
  await r.waitFor('Triage · cluster test');
  r.press(keys.escape);
  await r.waitFor((f) => f.includes('Master host back after a power cut') && !f.includes('Triage ·'));
  p.stop();
});
