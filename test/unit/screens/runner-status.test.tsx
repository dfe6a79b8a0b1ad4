// The runner with the live cluster status: the compact sidebar beside it on wide terminals
// (clipped, never taller than the terminal), one status line on narrow ones, none on tiny
// ones; the refusal of a dangerous step while its preconditions are unmet (r re-checks,
// a aborts) and the warning of a harmless one; prose and questions with variables filled in.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Runner } from '../../../screens/Runner.tsx';
import { StatusPoller } from '../../../src/status/poller.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows } from '../../support/fake-cluster.ts';
import { FakeRun, commandStep, decisionStep, hostState } from '../../support/fake-run.ts';
import { destructiveRun, healthCheckRun, hosts } from '../../support/screen-runs.ts';
import { cleanupRendered, renderScreen } from '../../support/render-screen.ts';

afterEach(cleanupRendered);

/** A poller over fake hosts where m1 and m2 both hold the VIP (split brain), swept once. */
async function splitBrainStatus() {
  const hs = healthyHosts();
  hs[1] = { ...hs[1]!, vip: true, daemons: ['mfsmaster', 'keepalived'] };
  const c = fakeCluster(hs, { viaVip: fixture('healthy-goal3.txt'), candidates: fixture('SIM-two-masters.txt') });
  const p = new StatusPoller({ inventory: inventoryOf(hs), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 60_000 });
  await p.sweep();
  return p;
}

function longOutputRun(): FakeRun {
  const run = healthCheckRun();
  const long = Array.from({ length: 200 }, (_, i) => `chunk ${i} ok`).join('\n') + '\n';
  run.setStep(
    'daemons',
    { status: 'running', hosts: hosts.map((h, i) => hostState(h, { status: i === 4 ? 'running' : 'succeeded', exitCode: i === 4 ? undefined : 0, output: `${h}\n${long}`, attempts: 1 })) },
    { cursor: 1 },
  );
  return run;
}

const width = (frame: string) => Math.max(...frame.split('\n').map((l) => [...l].length));

test('wide terminal: the status sidebar beside the runner, both visible on the same rows, within the terminal', async () => {
  const status = await splitBrainStatus();
  for (const rows of [16, 24, 40]) {
    const r = renderScreen(<Runner ctrl={longOutputRun()} title="Health check" cluster="lab" onLeave={() => {}} status={status} />, { columns: 140, rows });
    const frame = await r.waitFor((f) => f.includes('chunk 199 ok') && f.includes('held by m1 + m2'));
    const lines = frame.split('\n');
    assert.ok(lines.length < rows, `${lines.length} lines for ${rows} rows:\n${frame}`);
    assert.ok(width(frame) <= 140, `a line is ${width(frame)} wide`);
    // Side by side: the runner's header and the VIP line share the first row.
    assert.match(lines[0]!, /mfs-tui · Health check.*VIP 10\.9\.0\.100 {2}held by m1 \+ m2/);
    assert.match(frame, /✖ split brain: m1 and m2 all hold the VIP/);
    assert.match(frame, /Step 2\/5: Daemons per host/);
    r.unmount();
  }
  status.stop();
});

test('narrow terminal: one status line above the runner; tiny terminal: no status; a resize moves it', async () => {
  const status = await splitBrainStatus();
  const r = renderScreen(<Runner ctrl={longOutputRun()} title="Health check" onLeave={() => {}} status={status} />, { columns: 80, rows: 30 });
  const frame = await r.waitFor('chunk 199 ok');
  const lines = frame.split('\n');
  assert.match(lines[0]!, /^status VIP m1 \+ m2 · ✖ split brain: m1 and m2 all hold the VIP/);
  assert.ok(lines.length < 30, `${lines.length} lines`);
  assert.ok(width(frame) <= 80);
  r.resize(80, 16);
  const tiny = await r.waitFor((f) => f.split('\n').length < 16 && !f.includes('status VIP'));
  assert.match(tiny, /chunk 199 ok/);
  r.resize(150, 30);
  const wide = await r.waitFor((f) => f.includes('held by m1 + m2'));
  assert.ok(wide.split('\n').length < 30);
  r.unmount();
  status.stop();
});

test('the sidebar follows the poller: a paused host, and the VIP moving', async () => {
  const hs = healthyHosts();
  const c = fakeCluster(hs, { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]) });
  const p = new StatusPoller({ inventory: inventoryOf(hs), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 60_000 });
  await p.sweep();
  const r = renderScreen(<Runner ctrl={healthCheckRun()} title="Health check" onLeave={() => {}} status={p} />, { columns: 140, rows: 30 });
  await r.waitFor('held by m1');
  p.pause('m1');
  await r.waitFor('light probes on m1 (a step runs there)');
  p.resume('m1');
  await r.waitFor((f) => !f.includes('light probes on'));
  c.hosts.set('m1', { ...c.hosts.get('m1')!, vip: false });
  c.hosts.set('m2', { ...c.hosts.get('m2')!, vip: true });
  await p.sweep();
  await r.waitFor('held by m2');
  r.unmount();
  p.stop();
});

test('a dangerous step refused while preconditions are unmet: the unmet ones, no confirmation, r re-checks, a aborts', async () => {
  const run = destructiveRun();
  run.update({
    prompt: {
      kind: 'preconditions',
      stepId: 'wipe',
      results: [
        { name: 'no-split-brain', met: false, detail: 'm1 and m2 all hold the VIP' },
        { name: 'master-running', met: true, detail: 'm1 holds the VIP and its master answers' },
      ],
    },
  });
  const r = renderScreen(<Runner ctrl={run} title="Retire cs2" onLeave={() => {}} />, { columns: 100, rows: 30 });
  const frame = await r.waitFor('Refused');
  assert.match(frame, /Refused: this step is dangerous and a precondition does not hold now/);
  assert.match(frame, /✖ no-split-brain: m1 and m2 all hold the VIP/);
  assert.doesNotMatch(frame, /master-running/, 'met preconditions are not listed as problems');
  assert.match(frame, /r re-check the cluster status · a abort the run · q leave \(resume later\)/);
  assert.match(frame, /⚠ Deletes every chunk stored on cs2/);
  assert.doesNotMatch(frame, /Type cs2/i, 'no confirmation is offered');
  r.press('y');
  r.press('cs2\r');
  r.press('r');
  await r.waitFor(() => run.sent.length > 0);
  assert.deepEqual(run.sent, [{ type: 'recheck' }], 'only the re-check reached the engine');
  r.press('a');
  await r.waitFor(() => run.sent.length > 1);
  assert.deepEqual(run.sent.at(-1), { type: 'abort' });
  r.unmount();
});

test('a harmless step with unmet preconditions shows the warning while it is current', async () => {
  const run = healthCheckRun();
  run.setStep('vip', {
    status: 'running',
    preconditions: { outcome: 'warned', at: new Date().toISOString(), results: [{ name: 'vip-held', met: false, detail: 'nobody holds the VIP' }] },
    hosts: [hostState('m1', { status: 'running', attempts: 1 })],
  });
  const r = renderScreen(<Runner ctrl={run} title="Health check" onLeave={() => {}} />, { columns: 120, rows: 30 });
  const frame = await r.waitFor('precondition');
  assert.match(frame, /! precondition vip-held not met: nobody holds the VIP \(warning only: the step is not marked dangerous\)/);
  r.unmount();
});

test("prose, title, risk and the decision question are shown with the run's variables filled in", async () => {
  const steps = [
    commandStep('look', 'Look at {{inputs.host}}', 'true', { confirm: 'yes', risk: 'restarts {{inputs.host}}' }, 'The VIP {{vip}} must be on {{inputs.host}}; {{nope}} stays.'),
    decisionStep('next', 'Next?', 'Is {{inputs.host}} healthy?', [{ key: 'yes', label: 'Yes, {{inputs.host}} is fine', goto: 'end' }]),
  ];
  const vars: Record<string, string> = { 'inputs.host': 'cs2', vip: '10.77.0.100' };
  const run = new FakeRun(steps, { look: [{ stepId: 'look', host: 'cs2', script: 'true' }] }, { prompt: { kind: 'confirm', stepId: 'look', level: 'yes' } });
  (run as FakeRun & { renderText(t: string): string }).renderText = (t) => t.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (w, n: string) => vars[n] ?? w);
  const r = renderScreen(<Runner ctrl={run} title="Vars" onLeave={() => {}} />, { columns: 100, rows: 30 });
  const frame = await r.waitFor('Step 1/2');
  assert.match(frame, /Step 1\/2: Look at cs2/);
  assert.match(frame, /The VIP 10\.77\.0\.100 must be on cs2; \{\{nope\}\} stays\./);
  assert.match(frame, /⚠ restarts cs2/);
  run.setStep('look', { status: 'succeeded' }, { cursor: 1, prompt: { kind: 'decide', stepId: 'next' } });
  const decide = await r.waitFor('healthy');
  assert.match(decide, /Is cs2 healthy\?/);
  assert.match(decide, /Yes, cs2 is fine/);
  r.unmount();
});

test('with the real engine: refused on screen, r re-checks once the cluster is fine, then the typed confirmation, the run, the status beside it', async () => {
  const { createRun } = await import('../../../src/engine/run.ts');
  const fx = await import('../../support/engine-fixtures.ts');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-runner-pre-'));
  const status = await splitBrainStatus();
  let unmet = true;
  const gate = { check: async (names: readonly string[]) => names.map((name) => (unmet ? { name, met: false, detail: 'm1 and m2 all hold the VIP' } : { name, met: true, detail: 'VIP on m1' })) };
  const hostsFake = new fx.FakeHosts();
  const step = { ...fx.commandStep('wipe', fx.block('wipe {{host.name}}', { targets: fx.on('m1'), confirm: 'typed', risk: 'wipes m1' })), requires: ['no-split-brain'] };
  const run = createRun(fx.fakeRunDeps(fx.runbook([step]), hostsFake, dir, { gate }));
  try {
    const r = renderScreen(<Runner ctrl={run} title="Wipe" onLeave={() => {}} status={status} />, { columns: 140, rows: 30 });
    const refused = await r.waitFor('Refused');
    assert.match(refused, /✖ no-split-brain: m1 and m2 all hold the VIP/);
    assert.match(refused, /held by m1 \+ m2/, 'the live status beside the refusal');
    assert.match(refused, /r re-check · a abort the run/);
    // Still split: refused again.
    r.press('r');
    await fx.waitFor(run, (s) => s.prompt?.kind === 'preconditions' && run.getState().steps[0]!.preconditions !== undefined, 'refused again');
    unmet = false;
    r.press('r');
    await r.waitFor(/type the host name|Type m1/i);
    r.press('m1');
    r.press('\r');
    await r.waitFor('Run finished: every step succeeded.');
    assert.deepEqual(
      hostsFake.calls.map((c) => c.script),
      ['wipe m1'],
    );
    r.unmount();
  } finally {
    run.close();
    status.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('with the real engine: "checking preconditions" shows while the gate has not answered, before the step and before its next host, and goes when it has', async () => {
  const { createRun } = await import('../../../src/engine/run.ts');
  const fx = await import('../../support/engine-fixtures.ts');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-runner-checking-'));
  // A gate that answers only when the test says so (a fresh sweep over slow SSH).
  const pending: { names: readonly string[]; answer(): void }[] = [];
  const gate = {
    check: (names: readonly string[]) =>
      new Promise<{ name: string; met: boolean; detail: string }[]>((resolve) => {
        pending.push({ names, answer: () => resolve(names.map((name) => ({ name, met: true, detail: 'VIP on m1' }))) });
      }),
  };
  const hostsFake = new fx.FakeHosts();
  // A rolling restart over two hosts, checked again right before the second one.
  const step = { ...fx.commandStep('restart', fx.block('restart {{host.name}}', { targets: fx.on('chunkserver'), confirm: 'none' })), requires: ['vip-held', 'no-split-brain'] };
  const run = createRun(fx.fakeRunDeps(fx.runbook([step]), hostsFake, dir, { gate, preconditionMaxAgeMs: 0 }));
  const LINE = 'checking preconditions: vip-held, no-split-brain…';
  try {
    const r = renderScreen(<Runner ctrl={run} title="Restart" onLeave={() => {}} />, { columns: 100, rows: 30 });
    // Before the step: the gate's promise is pending, nothing ran, the line says what is checked.
    const first = await r.waitFor(LINE);
    assert.match(first, /Step 1\/1: Step restart/);
    assert.equal(pending.length, 1);
    assert.equal(hostsFake.calls.length, 0);
    let answered = 0;
    const ran = () => hostsFake.calls.length;
    const until = async (what: string, pred: () => boolean) => {
      for (const t0 = Date.now(); !pred(); await new Promise((res) => setTimeout(res, 5))) {
        if (Date.now() - t0 > 5000) throw new Error(`timed out: ${what}`);
      }
    };
    // Answer every check until cs1 has run and the next one (before cs2) is pending.
    while (!(ran() === 1 && pending.length > answered)) {
      if (pending.length > answered) pending[answered++]!.answer();
      await until('the next check or cs1', () => pending.length > answered || ran() === 1);
    }
    // Before the second host: checked again; the line is back while that check is pending.
    const again = await r.waitFor(LINE);
    assert.match(again, /cs1/);
    assert.deepEqual(
      hostsFake.calls.map((c) => c.script),
      ['restart cs1'],
    );
    assert.deepEqual(run.getState().checking, { stepId: 'restart', names: ['vip-held', 'no-split-brain'] });
    pending[answered++]!.answer();
    await r.waitFor((f) => !f.includes('checking preconditions'));
    const done = await r.waitFor('Run finished: every step succeeded.');
    assert.ok(!done.includes('checking preconditions'), done);
    assert.equal(run.getState().checking, undefined);
    assert.deepEqual(
      hostsFake.calls.map((c) => c.script),
      ['restart cs1', 'restart cs2'],
    );
    r.unmount();
  } finally {
    run.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
