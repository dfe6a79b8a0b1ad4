import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentStepIndex, resultLine, compactDuration, groupIdentical, planLayout, stepElapsedMs, stepWindow, visibleTailLines, wrapText } from '../../../screens/runner/view-model.ts';
import { effectiveValue, inputProblem } from '../../../screens/widgets/input-values.ts';
import { textFieldReducer, type TextFieldState } from '../../../screens/widgets/TextField.tsx';
import type { RunState } from '../../../src/engine/types.ts';

test('compactDuration', () => {
  assert.equal(compactDuration(412), '0.4s');
  assert.equal(compactDuration(12_345), '12s');
  assert.equal(compactDuration(62_000), '1m02s');
  assert.equal(compactDuration(3_780_000), '1h03m');
});

test('wrapText keeps words whole, cuts words longer than a line, keeps blank lines', () => {
  assert.deepEqual(wrapText('one two three four', 10), ['one two', 'three four']);
  assert.deepEqual(wrapText('a\n\nb', 10), ['a', '', 'b']);
  assert.deepEqual(wrapText('x'.repeat(25), 10), ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
});

test('visibleTailLines: the last lines, how many were left out, progress redraws collapsed', () => {
  assert.deepEqual(visibleTailLines('a\nb\nc\n', 2), { lines: ['b', 'c'], hidden: 1 });
  assert.deepEqual(visibleTailLines('', 5), { lines: [], hidden: 0 });
  assert.deepEqual(visibleTailLines('10%\r50%\r100%\ndone\n', 5), { lines: ['100%', 'done'], hidden: 0 });
});

test('groupIdentical: same text once with the host list, first-seen order', () => {
  const groups = groupIdentical(
    [
      { host: 'm1', text: 'x' },
      { host: 'cs1', text: 'y' },
      { host: 'm2', text: 'x' },
    ],
    (i) => i.text,
  );
  assert.deepEqual(
    groups.map((g) => g.hosts),
    [['m1', 'm2'], ['cs1']],
  );
});

test('planLayout never hands out more rows than the terminal has, and output gets some first', () => {
  for (const rows of [8, 16, 24, 50]) {
    const b = planLayout({ rows, stepCount: 30, proseLines: 40, commandLines: 20, fixedLines: 7, outputLines: 500 });
    assert.ok(b.steps + b.prose + b.commands + b.output <= Math.max(0, rows - 1 - 7), JSON.stringify({ rows, b }));
    if (rows >= 16) assert.ok(b.output >= 3);
  }
  const roomy = planLayout({ rows: 60, stepCount: 5, proseLines: 3, commandLines: 2, fixedLines: 7, outputLines: 4 });
  assert.deepEqual(roomy, { steps: 5, prose: 3, commands: 2, output: 4 });
});

test('resultLine: one last line when all hosts agree, else per host', () => {
  const h = (host: string, output: string) => ({ host, status: 'succeeded' as const, phase: 'command' as const, output, attempts: 1 });
  const step = (...hosts: ReturnType<typeof h>[]) => ({ id: 's', status: 'succeeded' as const, hosts });
  assert.equal(resultLine(step(h('m1', 'a\nactive\n\n'), h('m2', 'active\n'))), 'active');
  assert.equal(resultLine(step(h('m1', 'active\n'), h('m2', 'inactive\n'), h('m3', 'active'))), 'm1, m3: active · m2: inactive');
  assert.equal(resultLine(step(h('m1', ''))), undefined);
});

test('stepWindow keeps the current step inside', () => {
  assert.deepEqual(stepWindow(20, 0, 5), { from: 0, to: 5 });
  assert.deepEqual(stepWindow(20, 10, 5), { from: 8, to: 13 });
  assert.deepEqual(stepWindow(20, 19, 5), { from: 15, to: 20 });
  assert.deepEqual(stepWindow(3, 1, 5), { from: 0, to: 3 });
});

test('stepElapsedMs: engine times first, else what the screen saw, else host durations', () => {
  const base = { id: 's', hosts: [] };
  assert.equal(stepElapsedMs({ ...base, status: 'succeeded', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:02.500Z' }, 0), 2500);
  assert.equal(stepElapsedMs({ ...base, status: 'running', startedAt: '2026-01-01T00:00:00Z' }, Date.parse('2026-01-01T00:00:04Z')), 4000);
  assert.equal(stepElapsedMs({ ...base, status: 'running' }, 5000, 1000), 4000);
  assert.equal(stepElapsedMs({ ...base, status: 'pending' }, 5000), undefined);
});

test('currentStepIndex follows the prompt, else the cursor, and stays in range when done', () => {
  const state = { steps: [{ id: 'a' }, { id: 'b' }, { id: 'c' }], cursor: 0 } as unknown as RunState;
  assert.equal(currentStepIndex({ ...state, prompt: { kind: 'in-doubt', stepId: 'b', host: 'm1' } }), 1);
  assert.equal(currentStepIndex({ ...state, cursor: 3 }), 2);
});

test('input values: default when empty, pattern and choices checked with precise messages', () => {
  assert.equal(effectiveValue({ default: 'cs1' }, '  '), 'cs1');
  assert.equal(effectiveValue({ default: '{{x}}' }, '', 'resolved'), 'resolved');
  assert.equal(inputProblem({ name: 'host' }, ''), 'host is required');
  assert.equal(inputProblem({ name: 'host', pattern: 'cs[0-9]+' }, 'cs12'), undefined);
  assert.equal(inputProblem({ name: 'host', pattern: 'cs[0-9]+' }, 'xcs1'), 'host must match /cs[0-9]+/ (got "xcs1")', 'the whole value must match');
  assert.equal(inputProblem({ name: 'mode', choices: ['drain', 'kill'] }, 'stop'), 'mode must be one of drain, kill (got "stop")');
  assert.match(inputProblem({ name: 'x', pattern: '(' }, 'a') ?? '', /not a valid regular expression/);
});

test('text field reducer: typing, backspace, submit counts', () => {
  let s: TextFieldState = { value: '', submitted: null };
  s = textFieldReducer(s, { type: 'insert', text: 'cs' });
  s = textFieldReducer(s, { type: 'insert', text: '3' });
  s = textFieldReducer(s, { type: 'delete-back' });
  s = textFieldReducer(s, { type: 'insert', text: '2' });
  s = textFieldReducer(s, { type: 'submit' });
  assert.deepEqual(s, { value: 'cs2', submitted: { value: 'cs2', seq: 1 } });
});
