import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Text } from 'ink';
import { App, type AppRunbook } from '../../../screens/App.tsx';
import type { RunbookInput } from '../../../src/runbook/types.ts';
import { hostState } from '../../support/fake-run.ts';
import { appProps, healthCheckRun, recordingStart } from '../../support/screen-runs.ts';
import { cleanupRendered, keys, pickOnHome, renderScreen } from '../../support/render-screen.ts';

afterEach(cleanupRendered);

const input = (patch: Partial<RunbookInput> & { name: string; prompt: string }): RunbookInput => ({ pos: { line: 1, column: 1 }, ...patch });

const replaceCs: AppRunbook = {
  id: 'replace-chunkserver',
  title: 'Replace a chunkserver',
  summary: 'Drain, remove and replace one chunkserver.',
  risk: 'high',
  when: 'A chunkserver disk died.',
  inputs: [
    input({ name: 'host', prompt: 'Chunkserver to replace', pattern: 'cs[0-9]+', help: 'As named in the inventory' }),
    input({ name: 'mode', prompt: 'How to take it out', choices: ['drain', 'stop'] }),
    input({ name: 'disk', prompt: 'Data path', default: '{{paths.hdd}}' }),
  ],
};

test('inputs: a value that does not match says so precisely; choices are a list; an empty answer takes the resolved default', async () => {
  const { started, startRun } = recordingStart(healthCheckRun());
  const r = renderScreen(<App {...appProps({ runbooks: [replaceCs], inputDefaults: () => ({ disk: '/srv/mfs/hdd1' }), startRun })} />);
  await pickOnHome(r, 'Replace a chunkserver');
  await r.waitFor('Chunkserver to replace');
  assert.match(r.lastFrame(), /As named in the inventory/);
  r.press('m1\r');
  await r.waitFor('host must match /cs[0-9]+/ (got "m1")');
  r.press(keys.backspace + keys.backspace + 'cs2\r');
  await r.waitFor('How to take it out');
  assert.match(r.lastFrame(), /✔ Chunkserver to replace: cs2/);
  r.press(keys.down + keys.enter);
  const disk = await r.waitFor('Data path');
  assert.match(disk, /Data path \[\/srv\/mfs\/hdd1\]/);
  r.press(keys.enter);
  await r.waitFor(() => started.length === 1);
  assert.deepEqual(started, [{ id: 'replace-chunkserver', values: { host: 'cs2', mode: 'stop', disk: '/srv/mfs/hdd1' } }]);
  await r.waitFor('mfs-tui · Replace a chunkserver');
});

test('a run that cannot start brings the operator back home with the reason', async () => {
  const r = renderScreen(
    <App
      {...appProps({
        runbooks: [{ ...replaceCs, id: 'hc', title: 'Health check', inputs: [] }],
        startRun: () => Promise.reject(new Error('m1: connection refused (10.77.0.11:22)')),
      })}
    />,
  );
  await pickOnHome(r, 'Health check');
  const frame = await r.waitFor('Could not open');
  assert.match(frame, /Could not open "Health check": m1: connection refused \(10\.77\.0\.11:22\)/);
  assert.match(frame, /❯ Health check/);
});

test('resume from home: the runner opens on the in-doubt step', async () => {
  const run = healthCheckRun();
  run.setStep(
    'vip',
    { status: 'in-doubt', hosts: [hostState('m1', { status: 'in-doubt', output: 'VIP 10.77.0.100 is held here (m1)\n', attempts: 1 })] },
    { prompt: { kind: 'in-doubt', stepId: 'vip', host: 'm1', canCheck: false } },
  );
  const resumed: string[] = [];
  const r = renderScreen(
    <App
      {...appProps({
        unfinished: [{ runId: 'r-42', title: 'Cluster health check', started: '2026-11-25T18:00:00Z', lastActivity: '2026-11-25T18:01:00Z' }],
        resumeRun: async (id) => {
          resumed.push(id);
          return run;
        },
      })}
    />,
  );
  await r.waitFor('Resume an unfinished run');
  r.press(keys.enter);
  const frame = await r.waitFor('In doubt');
  assert.deepEqual(resumed, ['r-42']);
  assert.match(frame, /mfs-tui · Cluster health check/);
  assert.match(frame, /│ VIP 10\.77\.0\.100 is held here \(m1\)/);
  assert.match(frame, /r re-run it · d mark it done · a abort the run/);
});

test('status entry without a status screen says so, and Esc goes back', async () => {
  const r = renderScreen(<App {...appProps()} />);
  await r.waitFor('Cluster status');
  r.press(keys.enter);
  await r.waitFor('Not available in this version yet.');
  r.press(keys.escape);
  await r.waitFor('No runbooks found.');
});

test('status entry shows the status screen the CLI gives, inside the app', async () => {
  const r = renderScreen(<App {...appProps({ statusScreen: () => <Text>VIP 10.77.0.100 on m1</Text> })} />);
  await r.waitFor('Cluster status');
  r.press(keys.enter);
  await r.waitFor('VIP 10.77.0.100 on m1');
  r.press('q');
  await r.waitFor('No runbooks found.');
});

test('Ctrl-C in the inputs form quits (no run has started yet)', async () => {
  let exited = false;
  const r = renderScreen(<App {...appProps({ runbooks: [replaceCs], onExit: () => (exited = true) })} />);
  await pickOnHome(r, 'Replace a chunkserver');
  await r.waitFor('Chunkserver to replace');
  r.press(keys.ctrlC);
  await r.waitFor(() => exited);
});

test('the live status is held while the status screen, triage or a run is open, and let go on Home and in the inputs form', async () => {
  let holders = 0;
  const log: string[] = [];
  const holdStatus = () => {
    holders++;
    log.push('hold');
    let live = true;
    return () => {
      if (!live) return;
      live = false;
      holders--;
      log.push('release');
    };
  };
  const { FakeRun } = await import('../../support/fake-run.ts');
  const run = new FakeRun([], {}, { cursor: 0, status: 'succeeded', prompt: { kind: 'finished', status: 'succeeded' } });
  const hc = { ...replaceCs, id: 'hc', title: 'Health check', inputs: [] };
  const r = renderScreen(
    <App
      {...appProps({
        runbooks: [hc, replaceCs],
        statusScreen: () => <Text>VIP 10.77.0.100 on m1</Text>,
        // Triage that never connects: its screen shows "connecting" and is still open.
        triageStatus: () => new Promise(() => {}),
        startRun: () => run,
        holdStatus,
      })}
    />,
  );
  await r.waitFor('Health check');
  assert.equal(holders, 0, 'Home alone does not poll');
  // Effects run after the frame is drawn: wait for the count, fail if it never comes.
  const held = async (n: number) => {
    for (const t0 = Date.now(); holders !== n; await new Promise((res) => setTimeout(res, 5))) {
      if (Date.now() - t0 > 2000) assert.fail(`${holders} holders, expected ${n}`);
    }
  };
  // Home's list (what is wrong first, then the runbooks): Triage, Cluster status, Health check, Replace a chunkserver, Quit (no wrap-around).
  const open = async (label: string, downs: number) => {
    await r.waitFor(/❯ Triage/);
    r.press(keys.down.repeat(downs));
    await r.waitFor(`❯ ${label}`);
    r.press(keys.enter);
    await r.waitFor((f) => !f.includes(`❯ ${label}`));
  };
  // Status screen: held; back home: let go.
  await open('Cluster status', 1);
  await r.waitFor('VIP 10.77.0.100 on m1');
  await held(1);
  r.press(keys.escape);
  await r.waitFor('Health check');
  await held(0);
  // Triage: held while open, even before it has connected.
  await open('Triage', 0);
  await held(1);
  r.press(keys.escape);
  await r.waitFor('Health check');
  await held(0);
  // The inputs form does not poll.
  await open('Replace a chunkserver', 3);
  await r.waitFor('Replace a chunkserver: inputs');
  await held(0);
  r.press(keys.escape);
  // A run does, until the operator goes home from it.
  await open('Health check', 2);
  await r.waitFor(/enter home/);
  await held(1);
  r.press(keys.enter);
  await r.waitFor(/❯ Triage/);
  await held(0);
  assert.deepEqual(log, ['hold', 'release', 'hold', 'release', 'hold', 'release']);
});

test('a high-risk runbook on a cluster nobody named asks for the cluster name once; low risk and a named cluster do not', async () => {
  const hc: AppRunbook = { ...replaceCs, id: 'hc', title: 'Health check', risk: 'low', inputs: [] };
  const restart: AppRunbook = { ...replaceCs, id: 'restart', title: 'Planned restart', risk: 'high', inputs: [] };
  const { started, startRun } = recordingStart(healthCheckRun());
  const remembered = { named: false, source: 'remembered', file: '/home/ops/prod.yaml' };
  const r = renderScreen(<App {...appProps({ runbooks: [restart, hc], cluster: 'prod', clusterChoice: remembered, startRun })} />);
  await pickOnHome(r, 'Planned restart');
  const ask = await r.waitFor('Type prod to confirm');
  assert.match(ask, /Planned restart \(risk high\) will change cluster prod/);
  assert.match(ask.replace(/\s+/g, ' '), /inventory you used last \(\/home\/ops\/prod\.yaml\)/);
  r.press('staging\r');
  await r.waitFor('that is not prod');
  assert.equal(started.length, 0, 'nothing opens on a wrong name');
  r.press('prod\r');
  await r.waitFor(() => started.length === 1);
  assert.deepEqual(started[0], { id: 'restart', values: {} });
  r.unmount();

  // Named for the session (--cluster, --inventory, --lab): no question.
  const named = recordingStart(healthCheckRun());
  const r2 = renderScreen(<App {...appProps({ runbooks: [restart], cluster: 'prod', clusterChoice: { named: true, source: '--cluster' }, startRun: named.startRun })} />);
  await pickOnHome(r2, 'Planned restart');
  await r2.waitFor(() => named.started.length === 1);
  r2.unmount();

  // Esc at the question: back home, nothing opened.
  const esc = recordingStart(healthCheckRun());
  const r3 = renderScreen(<App {...appProps({ runbooks: [restart], cluster: 'prod', clusterChoice: remembered, startRun: esc.startRun })} />);
  await pickOnHome(r3, 'Planned restart');
  await r3.waitFor('Type prod to confirm');
  r3.press(keys.escape);
  await r3.waitFor('Not opened: the cluster was not confirmed.');
  assert.equal(esc.started.length, 0);
  r3.unmount();
});
