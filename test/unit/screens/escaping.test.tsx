// Host and file text on the runner screen is shown escaped, never interpreted by the
// terminal: step titles and result notes in the step list, decision questions and labels,
// failure reasons and hosts in the prompt panel. Each place is fed a screen clear, a
// title-setting OSC, a carriage return and a bidi override.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Runner } from '../../../screens/Runner.tsx';
import { FakeRun, commandStep, decisionStep, hostState } from '../../support/fake-run.ts';
import { cleanupRendered, renderScreen } from '../../support/render-screen.ts';

afterEach(cleanupRendered);

/** Every hostile piece, and how visible() shows it. */
export const nasty = 'A\u001b[2JB\u001b]0;x\u0007C\rD\u202eE';
export const escaped = 'A\\x1b[2JB\\x1b]0;x\\x07C\\rD\\u{202e}E';

/** Neither ESC, BEL, CR nor the bidi override reaches the frame (Ink's own colour codes aside: NO_COLOR is not set, so strip SGR first). */
export function assertInert(frame: string, where: string): void {
  const text = frame.replace(/\u001b\[[0-9;]*m/g, '');
  assert.doesNotMatch(text, /[\u001b\u0007\r\u202e]/, `${where}: a raw control character reached the frame:\n${JSON.stringify(text)}`);
}

function render(run: FakeRun) {
  return renderScreen(<Runner ctrl={run} title="Escapes" onLeave={() => {}} />, { columns: 200, rows: 40 });
}

test("step list: titles and a finished step's result line and failure note are shown escaped", async () => {
  const run = new FakeRun([commandStep('one', `title ${nasty}`, 'true'), commandStep('two', 'second', 'true'), commandStep('three', 'third', 'true')], {
    one: [{ stepId: 'one', host: 'm1', script: 'true' }],
    two: [{ stepId: 'two', host: 'm1', script: 'true' }],
    three: [{ stepId: 'three', host: 'm1', script: 'true' }],
  });
  run.setStep('one', { status: 'succeeded', hosts: [hostState('m1', { status: 'succeeded', exitCode: 0, output: `out ${nasty}\n`, attempts: 1 })] });
  run.setStep(
    'two',
    { status: 'failed', hosts: [hostState('m1', { status: 'failed', exitCode: 1, reason: `why ${nasty}`, attempts: 1 })] },
    { cursor: 2, prompt: { kind: 'confirm', stepId: 'three', level: 'yes' } },
  );
  const r = render(run);
  const f = await r.waitFor('(y/n)');
  assert.ok(f.includes(`1. title ${escaped}`), f);
  assert.ok(f.includes(`— m1: why ${escaped}`), f);
  assertInert(f, 'step list');
  r.unmount();
});

test('decision: the question and every label are shown escaped', async () => {
  const run = new FakeRun(
    [
      decisionStep('d', 'Pick', `question ${nasty}`, [
        { key: 'a', label: `label ${nasty}`, goto: 'end' },
        { key: 'b', label: 'plain', runbook: 'x' },
      ]),
    ],
    {},
  );
  run.update({ prompt: { kind: 'decide', stepId: 'd' } });
  const r = render(run);
  const f = await r.waitFor('plain');
  assert.ok(f.includes(`question ${escaped}`), f);
  assert.ok(f.includes(`label ${escaped}`), f);
  assertInert(f, 'decision');
  r.unmount();
});

test('failed prompt: the host and the reason are shown escaped', async () => {
  const run = new FakeRun([commandStep('s', 'Step', 'true')], { s: [{ stepId: 's', host: 'm1', script: 'true' }] });
  run.setStep('s', { status: 'failed', hosts: [hostState('m1', { status: 'failed', attempts: 1 })] }, { prompt: { kind: 'failed', stepId: 's', host: 'm1', reason: `reason ${nasty}` } });
  const r = render(run);
  const f = await r.waitFor('r retry');
  assert.ok(f.includes(`Failed on m1: reason ${escaped}`), f);
  assertInert(f, 'failed prompt');
  r.unmount();
});

test('in-doubt prompt: what was found on the host is shown escaped', async () => {
  const run = new FakeRun([commandStep('s', 'Step', 'true')], { s: [{ stepId: 's', host: 'm1', script: 'true' }] });
  run.update({ prompt: { kind: 'in-doubt', stepId: 's', host: 'm1', job: { state: 'finished', detail: `ended ${nasty}` } } });
  const r = render(run);
  const f = await r.waitFor('In doubt');
  assert.ok(f.includes(`the command ended ${escaped}`), f);
  assertInert(f, 'in-doubt prompt');
  r.unmount();
});

test('preconditions: what the live status saw (refused and warned) is shown escaped', async () => {
  const run = new FakeRun([commandStep('s', 'Step', 'true'), commandStep('t', 'Other', 'true')], {
    s: [{ stepId: 's', host: 'm1', script: 'true' }],
    t: [{ stepId: 't', host: 'm1', script: 'true' }],
  });
  run.update({ prompt: { kind: 'preconditions', stepId: 's', results: [{ name: 'vip-holder', met: false, detail: `refused ${nasty}` }] } });
  const r = render(run);
  const f = await r.waitFor('Refused');
  assert.ok(f.includes(`vip-holder: refused ${escaped}`), f);
  assertInert(f, 'refused preconditions');
  r.unmount();
  run.setStep(
    't',
    { status: 'pending', preconditions: { outcome: 'warned', results: [{ name: 'w', met: false, detail: `warned ${nasty}` }], at: new Date().toISOString() } },
    { cursor: 1, prompt: { kind: 'confirm', stepId: 't', level: 'yes' } },
  );
  const r2 = render(run);
  const g = await r2.waitFor('(y/n)');
  assert.ok(g.includes(`precondition w not met: warned ${escaped}`), g);
  assertInert(g, 'warned preconditions');
  r2.unmount();
});
