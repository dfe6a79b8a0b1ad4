import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../../screens/App.tsx';
import { Runner } from '../../../screens/Runner.tsx';
import { hostState, type FakeRun } from '../../support/fake-run.ts';
import { destructiveRun, healthCheckRun, hosts } from '../../support/screen-runs.ts';
import { cleanupRendered, keys, renderScreen, pickOnHome } from '../../support/render-screen.ts';

afterEach(cleanupRendered);

const succeeded = (host: string, output: string, durationMs = 120) => hostState(host, { status: 'succeeded', exitCode: 0, durationMs, output, attempts: 1 });

function renderRunner(run: FakeRun, size?: { rows?: number; columns?: number }) {
  const calls: string[] = [];
  const r = renderScreen(
    <Runner ctrl={run} title="Health check" cluster="lab" onLeave={() => calls.push('leave')} onHome={() => calls.push('home')} onNextRunbook={(id) => calls.push(`next ${id}`)} />,
    size,
  );
  return { r, calls };
}

test('pick → confirm → live output → done, through the App', async () => {
  const run = healthCheckRun();
  run.setStep('vip', { status: 'succeeded', hosts: [succeeded('m1', ''), succeeded('m2', 'eth0 UP 10.77.0.100/32\n')] }, { cursor: 1, prompt: { kind: 'confirm', stepId: 'daemons', level: 'yes' } });
  run.onIntent = (intent) => {
    if (intent.type === 'confirm') run.setStep('daemons', { status: 'running', hosts: [hostState('m1', { status: 'running', output: 'active\n', attempts: 1 })] }, { prompt: undefined });
  };
  const started: string[] = [];
  let exited = false;
  const r = renderScreen(
    <App
      runbooks={[{ id: 'health-check', title: 'Health check', summary: 'A read-only tour.', risk: 'low', when: 'Any time.', inputs: [] }]}
      unfinished={[]}
      cluster="lab"
      startRun={(id, inputs) => {
        started.push(`${id} ${JSON.stringify(inputs)}`);
        return run;
      }}
      resumeRun={() => {
        throw new Error('not here');
      }}
      onExit={() => (exited = true)}
    />,
  );
  await pickOnHome(r, 'Health check');

  const confirm = await r.waitFor('Run this on m1, m2, cs1, cs2, cs3? (y/n)');
  assert.deepEqual(started, ['health-check {}']);
  assert.match(confirm, /Step 2\/5: Daemons per host/);
  assert.match(confirm, /Every host should run the daemons its roles ask for/);
  assert.match(confirm, /on m1, m2:\n {2}\$ systemctl is-active moosefs-master moosefs-metalogger \|\| true/);
  assert.match(confirm, /on cs1, cs2, cs3:\n {2}\$ systemctl is-active moosefs-chunkserver/);
  assert.match(confirm, /✔ +1\. Find the VIP holder/);

  r.press('y');
  const running = await r.waitFor(/⏵ \S m1 running/);
  assert.deepEqual(run.sent, [{ type: 'confirm' }]);
  assert.match(running, /│ active/);
  assert.match(running, /ctrl-c cancel the running command/);

  // Every host answers the same: one block listing all of them.
  run.setStep('daemons', { status: 'succeeded', hosts: hosts.map((h) => succeeded(h, 'active\n')) }, { prompt: undefined });
  const allDone = await r.waitFor('cs3 exit 0');
  assert.match(allDone, /✔ m1, m2, cs1, cs2, cs3 exit 0 · 0\.1s\n {2}│ active/, 'identical outputs are shown once with the host list');
  assert.match(allDone, /✔ +2\. Daemons per host — active +0\.6s/, 'the step list shows the result line and the step time');
  for (const id of ['cluster', 'look', 'next']) run.setStep(id, { status: 'succeeded' });
  run.update({ cursor: 5, status: 'succeeded', prompt: { kind: 'finished', status: 'succeeded' } });
  const done = await r.waitFor('Run finished: every step succeeded.');
  assert.match(done, /5 steps: 5 succeeded · \d/);
  assert.doesNotMatch(done, /^›/m, 'no step is current any more');
  assert.match(done, /✔ +1\. Find the VIP holder — eth0 UP 10\.77\.0\.100\/32/, 'finished outputs stay visible, collapsed to their last line');
  r.press('q');
  await r.waitFor(() => exited);
  r.unmount();
});

test('typed confirmation: a wrong host name is refused on screen, the right one confirms', async () => {
  const run = destructiveRun();
  run.update({ prompt: { kind: 'confirm', stepId: 'wipe', host: 'cs2', level: 'typed', risk: 'Deletes every chunk stored on cs2.' } });
  // Like the engine: a wrong name is recorded as refused and the question asked again.
  run.onIntent = (intent) => {
    if (intent.type !== 'confirm' || intent.typed === 'cs2') return;
    run.update({ prompt: undefined });
    run.update({ prompt: { kind: 'confirm', stepId: 'wipe', host: 'cs2', level: 'typed', message: `typed "${intent.typed}", expected the host name "cs2"` } });
  };
  const { r } = renderRunner(run);
  const ask = await r.waitFor('Type cs2 to confirm');
  assert.match(ask, /⚠ Deletes every chunk stored on cs2\./);
  assert.match(ask, /\$ rm -rf \/var\/lib\/mfs\/chunks\/\*/);

  r.press('cs3');
  await r.waitFor('cs3');
  r.press(keys.enter);
  const wrong = await r.waitFor('that is not cs2');
  assert.deepEqual(run.sent, [{ type: 'confirm', typed: 'cs3' }], 'the engine is told what was typed, and decides');
  assert.doesNotMatch(wrong, /to confirm[^\n]*cs3/, 'the field is cleared for another try');

  r.press('cs2\r');
  await r.waitFor(() => run.sent.length === 2);
  assert.deepEqual(run.sent[1], { type: 'confirm', typed: 'cs2' });
  await r.waitFor((f) => !f.includes('that is not cs2'));
  r.unmount();
});

test('typed confirmation in a critical runbook: the screen asks for host@cluster, as the engine expects', async () => {
  const run = destructiveRun();
  run.update({ prompt: { kind: 'confirm', stepId: 'wipe', host: 'cs2', level: 'typed', expect: 'cs2@prod' } });
  const { r } = renderRunner(run);
  await r.waitFor('Type cs2@prod to confirm');
  r.press('cs2@prod\r');
  await r.waitFor(() => run.sent.length === 1);
  assert.deepEqual(run.sent, [{ type: 'confirm', typed: 'cs2@prod' }]);
  r.unmount();
});

test('typed confirmation: Esc refuses; q is typed into the field, not taken as leave', async () => {
  const run = destructiveRun();
  run.update({ prompt: { kind: 'confirm', stepId: 'wipe', host: 'cs2', level: 'typed' } });
  const { r, calls } = renderRunner(run);
  await r.waitFor('Type cs2 to confirm');
  r.press('q');
  await r.waitFor(/to confirm \(Esc to refuse\): q/);
  assert.doesNotMatch(r.lastFrame(), /Leave\?/);
  r.press(keys.escape);
  await r.waitFor(() => run.sent.length === 1);
  assert.deepEqual(run.sent, [{ type: 'refuse' }]);
  assert.deepEqual(calls, []);
  r.unmount();
});

test('failed step: the reason is shown, r sends retry', async () => {
  const run = healthCheckRun();
  const failed = hostState('m1', { status: 'failed', exitCode: 1, durationMs: 2000, output: 'mfscli: connection refused\n', reason: 'exit 1, expected 0', attempts: 1 });
  run.setStep('cluster', { status: 'failed', hosts: [failed] }, { cursor: 2, prompt: { kind: 'failed', stepId: 'cluster', host: 'm1' } });
  const { r } = renderRunner(run);
  const frame = await r.waitFor('Failed on m1: exit 1, expected 0');
  assert.match(frame, /✖ m1 exit 1 · 2\.0s\n {2}│ mfscli: connection refused/);
  assert.match(frame, /✖ +3\. Cluster summary \(mfscli -SIN\) — m1: exit 1, expected 0/);
  assert.match(frame, /r retry · s skip · a abort the run/);
  r.press('r');
  await r.waitFor(() => run.sent.length === 1);
  assert.deepEqual(run.sent, [{ type: 'retry' }]);
  r.unmount();
});

test('resume: the in-doubt step shows its recorded output and the settle keys', async () => {
  const run = healthCheckRun();
  run.setStep('vip', { status: 'succeeded', hosts: [succeeded('m1', ''), succeeded('m2', 'eth0 UP 10.77.0.100/32\n')] });
  run.setStep(
    'daemons',
    {
      status: 'in-doubt',
      hosts: [
        succeeded('m1', 'active\nactive\n'),
        hostState('m2', { status: 'in-doubt', output: 'active\ninactive\n', command: 'systemctl is-active moosefs-master moosefs-metalogger || true', attempts: 1 }),
      ],
    },
    { cursor: 1, changedSteps: ['cluster'], prompt: { kind: 'in-doubt', stepId: 'daemons', host: 'm2', canCheck: true } },
  );
  const { r } = renderRunner(run);
  const frame = await r.waitFor('In doubt');
  assert.match(frame, /\? +2\. Daemons per host/);
  assert.match(frame, /\? m2 in doubt: was running when mfs-tui stopped\n {2}│ active\n {2}│ inactive/);
  assert.match(frame, /it was running on m2 when mfs-tui stopped/);
  assert.match(frame, /c run its check · r re-run it · d mark it done · a abort the run/);
  assert.match(frame, /Changed since this run started: cluster/);
  r.press('c');
  r.press('d');
  await r.waitFor(() => run.sent.length === 2);
  assert.deepEqual(run.sent, [
    { type: 'settle', action: 'check' },
    { type: 'settle', action: 'mark-done' },
  ]);
  r.unmount();
});

test('in doubt without a check block: c is not offered and does nothing', async () => {
  const run = healthCheckRun();
  run.setStep(
    'cluster',
    { status: 'in-doubt', hosts: [hostState('m1', { status: 'in-doubt', output: 'master version 3.0.117\n', attempts: 1 })] },
    { cursor: 2, prompt: { kind: 'in-doubt', stepId: 'cluster', host: 'm1' } },
  );
  const { r } = renderRunner(run);
  const frame = await r.waitFor('In doubt');
  assert.doesNotMatch(frame, /run its check/);
  assert.match(frame, /│ master version 3\.0\.117/);
  r.press('c');
  r.press('r');
  await r.waitFor(() => run.sent.length > 0);
  assert.deepEqual(run.sent, [{ type: 'settle', action: 'rerun' }]);
});

test('Ctrl-C while a step runs asks before cancelling; n keeps it running, y cancels', async () => {
  const run = healthCheckRun();
  run.setStep('daemons', { status: 'running', hosts: [succeeded('m1', 'active\n'), hostState('m2', { status: 'running', output: '', attempts: 1 })] }, { cursor: 1 });
  const { r, calls } = renderRunner(run);
  await r.waitFor(/m2 running/);
  r.press(keys.ctrlC);
  await r.waitFor('Cancel the running command on m2? (y/n)');
  assert.deepEqual(run.sent, [], 'nothing is cancelled before the operator says so');
  r.press('n');
  await r.waitFor((f) => !f.includes('Cancel the running command'));
  assert.deepEqual(run.sent, []);
  r.press(keys.ctrlC);
  await r.waitFor('Cancel the running command on m2? (y/n)');
  r.press('y');
  await r.waitFor(() => run.sent.length === 1);
  assert.deepEqual(run.sent, [{ type: 'cancel' }]);
  assert.deepEqual(calls, [], 'cancelling a command does not leave the app');
  r.unmount();
});

test('a leave question turns into a cancel question when a command starts meanwhile', async () => {
  const run = healthCheckRun();
  run.update({ cursor: 1, prompt: { kind: 'confirm', stepId: 'daemons', level: 'yes' } });
  const { r, calls } = renderRunner(run);
  await r.waitFor('(y/n)');
  r.press(keys.ctrlC);
  await r.waitFor('Leave? The run can be resumed');
  run.setStep('daemons', { status: 'running', hosts: [hostState('m1', { status: 'running', attempts: 1 })] }, { prompt: undefined });
  await r.waitFor('Cancel the running command on m1? (y/n)');
  r.press('y');
  await r.waitFor(() => run.sent.length === 1);
  assert.deepEqual(run.sent, [{ type: 'cancel' }]);
  assert.deepEqual(calls, [], 'never left with a command running');
});

test('a modal takes no key pressed before it was drawn, and q or Esc leave it', async () => {
  const run = healthCheckRun();
  run.update({ cursor: 1, prompt: { kind: 'confirm', stepId: 'daemons', level: 'yes' } });
  const { r, calls } = renderRunner(run);
  await r.waitFor('(y/n)');
  r.press('q');
  r.press('y'); // at once: before the leave question listens
  await r.waitFor('Leave? The run can be resumed later with `mfs-tui resume`. (y/n)');
  assert.deepEqual(calls, [], 'the early y did not leave');
  assert.deepEqual(run.sent, [], 'nor did it confirm the step under the question');
  r.press('q');
  await r.waitFor((f) => !f.includes('Leave?'));
  r.press('q');
  await r.waitFor('Leave? The run can be resumed later with `mfs-tui resume`. (y/n)');
  r.press(keys.escape);
  await r.waitFor((f) => !f.includes('Leave?'));
  assert.deepEqual(calls, []);
  assert.deepEqual(run.sent, []);
  r.unmount();
});

test('Ctrl-C or q when nothing runs asks to leave and says the run can be resumed', async () => {
  const run = healthCheckRun();
  run.update({ cursor: 1, prompt: { kind: 'confirm', stepId: 'daemons', level: 'yes' } });
  const { r, calls } = renderRunner(run);
  await r.waitFor('(y/n)');
  r.press('q');
  const ask = await r.waitFor('Leave? The run can be resumed later with `mfs-tui resume`. (y/n)');
  assert.match(ask, /The run can be resumed later with `mfs-tui resume`/);
  r.press('y');
  await r.waitFor(() => calls.length === 1);
  assert.deepEqual(calls, ['leave']);
  assert.deepEqual(run.sent, [], 'the y of the leave question did not confirm the step');
  r.unmount();
});

test('manual step: Enter acknowledges; decision: the choices are listed and Enter takes one', async () => {
  const run = healthCheckRun();
  run.update({ cursor: 3, prompt: { kind: 'acknowledge', stepId: 'look' } });
  const { r } = renderRunner(run);
  const ack = await r.waitFor('Press Enter once it is done · s skip it');
  assert.match(ack, /Open http:\/\/10\.77\.0\.100:9425/);
  r.press(keys.enter);
  await r.waitFor(() => run.sent.length === 1);
  run.update({ cursor: 4, prompt: { kind: 'decide', stepId: 'next' } });
  const decide = await r.waitFor('Is the cluster healthy?');
  assert.match(decide, /❯ Yes, done → step end\n {2}No, fix a chunkserver → runbook replace-chunkserver/);
  r.press(keys.down + keys.enter);
  await r.waitFor(() => run.sent.length === 2);
  assert.deepEqual(run.sent, [{ type: 'acknowledge' }, { type: 'decide', choice: 'no' }]);
  run.update({ cursor: 5, status: 'handed-off', prompt: { kind: 'finished', status: 'handed-off', nextRunbook: 'replace-chunkserver' } });
  await r.waitFor('Next runbook: replace-chunkserver');
  r.unmount();
});

test('? toggles the full key list', async () => {
  const run = healthCheckRun();
  run.update({ cursor: 1, prompt: { kind: 'confirm', stepId: 'daemons', level: 'yes' } });
  const { r } = renderRunner(run);
  await r.waitFor('(y/n)');
  r.press('?');
  const help = await r.waitFor('show or hide this list');
  assert.match(help, /d +mark an in-doubt step done/);
  assert.match(help, /ctrl-c +cancel the running command \(asks first\); else leave/);
  r.press('?');
  await r.waitFor((f) => !f.includes('mark an in-doubt step done') && f.includes('Step 2/5'));
  r.unmount();
});

test('the live area stays shorter than the terminal, even with long output and many steps', async () => {
  const run = healthCheckRun();
  const long = Array.from({ length: 200 }, (_, i) => `chunk ${i} ok`).join('\n') + '\n';
  run.setStep(
    'daemons',
    { status: 'running', hosts: hosts.map((h, i) => hostState(h, { status: i === 4 ? 'running' : 'succeeded', exitCode: i === 4 ? undefined : 0, output: `${h}\n${long}`, attempts: 1 })) },
    { cursor: 1 },
  );
  for (const rows of [16, 24, 40]) {
    const { r } = renderRunner(run, { rows, columns: 80 });
    const frame = await r.waitFor('cs3');
    assert.ok(frame.split('\n').length < rows, `${frame.split('\n').length} lines for ${rows} rows:\n${frame}`);
    assert.match(frame, /chunk 199 ok/, 'the newest line is visible');
    r.unmount();
  }
  const { r } = renderRunner(run, { rows: 40, columns: 80 });
  await r.waitFor((f) => f.split('\n').length > 30);
  r.resize(80, 14);
  const small = await r.waitFor((f) => f.split('\n').length < 14);
  assert.match(small, /chunk 199 ok/, 'after a resize to 14 rows');
});

test('a long result line is cut, never wrapped: one row per step with its mark and time in place', async () => {
  const run = healthCheckRun();
  const many = hosts.map((h, i) => succeeded(h, `${h}: ${'x'.repeat(20 + i)} result ${i}\n`));
  run.setStep('daemons', { status: 'succeeded', hosts: many }, { cursor: 2, prompt: { kind: 'confirm', stepId: 'cluster', level: 'yes' } });
  const { r } = renderRunner(run, { rows: 30, columns: 60 });
  const frame = await r.waitFor('Step 3/5');
  const lines = frame.split('\n');
  const row = lines.findIndex((l) => l.includes('2. Daemons per host'));
  assert.match(lines[row] ?? '', /^ {2}✔ 2\. Daemons per host — .*… +0\.6s$/);
  assert.match(lines[row + 1] ?? '', /^› · 3\. Cluster summary/);
});
