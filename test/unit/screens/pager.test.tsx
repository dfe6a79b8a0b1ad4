// The whole command before confirming: a script taller than the screen is cut in the
// confirmation view, a key (named in the help line) opens all of it, scrollable, and while
// it is open nothing typed can confirm the step.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Runner } from '../../../screens/Runner.tsx';
import { FakeRun, commandStep } from '../../support/fake-run.ts';
import { cleanupRendered, keys, renderScreen, tick } from '../../support/render-screen.ts';

afterEach(cleanupRendered);

const pgDn = '\u001B[6~';
const pgUp = '\u001B[5~';
const home = '\u001B[H';
const end = '\u001B[F';

/** 120 distinct lines; the last one says so. */
const script = [...Array.from({ length: 119 }, (_, i) => `echo line-${String(i + 1).padStart(3, '0')}`), 'echo THE-LAST-LINE'].join('\n') + '\n';

function longRun(level: 'yes' | 'typed'): FakeRun {
  const run = new FakeRun([commandStep('long', 'A long script', script, { confirm: level })], { long: [{ stepId: 'long', host: 'cs2', script }] });
  run.update({ prompt: { kind: 'confirm', stepId: 'long', host: 'cs2', level } });
  return run;
}

function render(run: FakeRun) {
  return renderScreen(<Runner ctrl={run} title="Long" onLeave={() => {}} />, { columns: 80, rows: 24 });
}

test('a 120-line script on 80×24: cut with the key named, the pager reaches every line, Esc returns, y in the pager confirms nothing', async () => {
  const run = longRun('yes');
  const r = render(run);
  const confirm = await r.waitFor('Run this on cs2? (y/n)');
  assert.match(confirm, /… \d+ more lines of command \(v shows them all\)/, 'the cut says so and names the key');
  assert.match(confirm, /^v view whole command · y run it/m, 'the help line names the key');
  assert.doesNotMatch(confirm, /THE-LAST-LINE/);

  r.press('v');
  const first = await r.waitFor('lines 1–20 of 121');
  assert.ok(first.split('\n').length < 24, `the pager fits the terminal:\n${first}`);
  assert.match(first, /\$ echo line-001/);
  assert.match(first, /echo line-019/);
  assert.doesNotMatch(first, /\(y\/n\)/, 'no question while the pager is open');

  // Typing the answer here confirms nothing.
  r.press('y');
  r.press('Y');
  await tick(50);
  assert.deepEqual(run.sent, []);

  // Page by page to the end: every line of the script is shown once on the way.
  const seen = new Set<string>();
  const collect = (f: string) => {
    for (const m of f.matchAll(/echo (line-\d{3}|THE-LAST-LINE)/g)) seen.add(m[1]!);
  };
  collect(first);
  let at = 1;
  while (at + 20 <= 121) {
    r.press(pgDn);
    at = Math.min(at + 20, 102);
    collect(await r.waitFor(`lines ${at}–${at + 19} of 121`));
  }
  assert.equal(seen.size, 120, `every line was shown; missing: ${[...Array(119).keys()].map((i) => `line-${String(i + 1).padStart(3, '0')}`).filter((l) => !seen.has(l))}`);
  const last = r.lastFrame();
  assert.match(last, /echo THE-LAST-LINE/);
  assert.match(last, /lines 102–121 of 121 \(end\)/);

  r.press(pgDn); // past the end stays at the end
  r.press(keys.down);
  await tick(30);
  assert.match(r.lastFrame(), /lines 102–121 of 121/);
  r.press(keys.up);
  await r.waitFor('lines 101–120 of 121');
  r.press(home);
  await r.waitFor('lines 1–20 of 121');
  r.press(end);
  await r.waitFor('lines 102–121 of 121');
  r.press(pgUp);
  await r.waitFor('lines 82–101 of 121');

  r.press(keys.escape);
  const back = await r.waitFor('Run this on cs2? (y/n)');
  assert.match(back, /v shows them all/);
  assert.deepEqual(run.sent, [], 'closing the pager answers nothing');
  r.press('y');
  await r.waitFor(() => run.sent.length === 1);
  assert.deepEqual(run.sent, [{ type: 'confirm' }], 'the same confirmation, still waiting');
  r.unmount();
});

test('typed confirmation: Tab opens the pager, the host name typed there reaches no field, q returns to an empty field', async () => {
  const run = longRun('typed');
  const r = render(run);
  const ask = await r.waitFor('Type cs2 to confirm');
  assert.match(ask, /tab shows them all/);
  assert.match(ask, /^tab view whole command · type the host name/m);

  r.press('\t');
  await r.waitFor('lines 1–20 of 121');
  r.press('cs2\r');
  await tick(50);
  assert.deepEqual(run.sent, [], 'nothing was confirmed');
  r.press('q');
  const back = await r.waitFor('Type cs2 to confirm');
  assert.match(back, /to confirm \(Esc to refuse\): *\n/, 'the field is empty');
  assert.deepEqual(run.sent, []);
  r.press('cs2\r');
  await r.waitFor(() => run.sent.length === 1);
  assert.deepEqual(run.sent, [{ type: 'confirm', typed: 'cs2' }]);
  r.unmount();
});

test('a short script is not cut: no pager key in the help line', async () => {
  const run = new FakeRun([commandStep('short', 'Short', 'true\n')], { short: [{ stepId: 'short', host: 'm1', script: 'true\n' }] });
  run.update({ prompt: { kind: 'confirm', stepId: 'short', host: 'm1', level: 'yes' } });
  const r = render(run);
  const frame = await r.waitFor('Run this on m1? (y/n)');
  assert.doesNotMatch(frame, /view whole command|more lines of command/);
  r.unmount();
});
