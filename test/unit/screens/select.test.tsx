import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Text } from 'ink';
import { Select } from '../../../screens/widgets/Select.tsx';
import { initialSelectState, selectReducer } from '../../../screens/widgets/select-state.ts';
import { Home } from '../../../screens/Home.tsx';
import { cleanupRendered, keys, renderScreen } from '../../support/render-screen.ts';

afterEach(cleanupRendered);

const runbooks = [
  { id: 'health-check', title: 'Health check', summary: 'A read-only tour of the cluster.', risk: 'low' as const, when: 'Any time.' },
  { id: 'replace-cs', title: 'Replace a chunkserver', summary: 'Drain, remove and replace one chunkserver.', risk: 'high' as const, when: 'A chunkserver disk died.' },
  { id: 'switch-master', title: 'Switch the master', summary: 'Move the VIP to another master-candidate.', risk: 'critical' as const, when: 'Planned maintenance of the master.' },
];

/** The row the cursor is on. */
function focusedRow(frame: string): string | undefined {
  return frame.split('\n').find((l) => l.startsWith('❯'));
}

test('select reducer: moves, stops at the ends, scrolls its window', () => {
  let s = initialSelectState(5, 2);
  s = selectReducer(s, { type: 'previous' });
  assert.equal(s.focused, 0);
  for (let i = 0; i < 7; i++) s = selectReducer(s, { type: 'next' });
  assert.equal(s.focused, 4);
  assert.equal(s.offset, 3, 'the focused row stays inside the window');
  s = selectReducer(s, { type: 'first' });
  assert.deepEqual([s.focused, s.offset], [0, 0]);
  s = selectReducer(s, { type: 'choose' });
  assert.deepEqual(s.chosen, { index: 0, seq: 1 });
});

test('select reducer: a reset batched after an Enter keeps the Enter, and the next Enter is a new one', () => {
  // CI saw Enter lost on Home: moving the cursor changed the detail lines, so the list's
  // window shrank and a reset was queued in the same batch as the choose.
  let s = initialSelectState(5, 4);
  s = selectReducer(s, { type: 'next' });
  s = selectReducer(s, { type: 'choose' });
  s = selectReducer(s, { type: 'reset', count: 5, window: 3 });
  assert.deepEqual(s.chosen, { index: 1, seq: 1 });
  assert.equal(s.window, 3);
  s = selectReducer(s, { type: 'choose' });
  assert.deepEqual(s.chosen, { index: 1, seq: 2 }, 'a later Enter gets a new seq (the view reports each seq once)');
});

test('two down arrows in ONE input chunk move the cursor two rows, and Enter in the same chunk picks that row', async () => {
  const items = ['a', 'b', 'c', 'd'].map((value) => ({ value }));
  const picked: string[] = [];
  const r = renderScreen(<Select items={items} renderItem={(i) => <Text>item-{i.value}</Text>} onSelect={(i) => picked.push(i.value)} />);
  await r.waitFor('item-d');
  r.press(keys.down + keys.down);
  assert.match(focusedRow(await r.waitFor((f) => focusedRow(f) !== '❯ item-a')) ?? '', /item-c/);
  r.press(keys.up + keys.down + keys.down + keys.enter);
  await r.waitFor(() => picked.length > 0);
  assert.deepEqual(picked, ['d']);
  r.unmount();
});

test('home: fast arrows, risk shown per runbook, summary of the focused one, pick by Enter', async () => {
  const picked: string[] = [];
  const r = renderScreen(<Home runbooks={runbooks} unfinished={[]} cluster="lab" onPick={(id) => picked.push(id)} onResume={() => {}} onStatus={() => {}} onQuit={() => {}} />);
  // Cluster status first (what is wrong before any runbook), then the runbooks safest first.
  const first = await r.waitFor('Health check');
  assert.match(focusedRow(first) ?? '', /Cluster status/);
  r.press('\u001B[B');
  const hc = await r.waitFor((f) => /Health check +low risk/.test(focusedRow(f) ?? '') && f.includes('A read-only tour of the cluster.'));
  assert.match(hc, /Replace a chunkserver +high risk/);
  r.press('\u001B[B\u001B[B');
  const moved = await r.waitFor((f) => /Switch the master/.test(focusedRow(f) ?? '') && f.includes('Move the VIP'));
  assert.match(focusedRow(moved) ?? '', /critical risk/);
  assert.match(moved, /Move the VIP to another master-candidate\./, 'the summary follows the cursor');
  assert.match(moved, /When: Planned maintenance of the master\./);
  r.press(keys.enter);
  await r.waitFor(() => picked.length > 0);
  assert.deepEqual(picked, ['switch-master']);
  r.unmount();
});

test('home: unfinished runs are listed and resumable; status and quit entries work', async () => {
  const calls: string[] = [];
  const r = renderScreen(
    <Home
      runbooks={runbooks.slice(0, 1)}
      unfinished={[{ runId: 'r-7', title: 'Replace a chunkserver', started: '2026-11-25T10:00:00Z', lastActivity: '2026-11-25T10:30:00Z' }]}
      notice="No inventory: start with --inventory FILE"
      onPick={(id) => calls.push(`pick ${id}`)}
      onResume={(id) => calls.push(`resume ${id}`)}
      onStatus={() => calls.push('status')}
      onQuit={() => calls.push('quit')}
    />,
  );
  const frame = await r.waitFor('Resume an unfinished run');
  assert.match(frame, /No inventory: start with --inventory FILE/);
  assert.match(frame, /Replace a chunkserver · started \d{4}-\d\d-\d\d \d\d:\d\d · last activity \d{4}-\d\d-\d\d \d\d:\d\d · r-7/);
  // The unfinished run first (an incident under way), then the cluster status.
  assert.match(focusedRow(frame) ?? '', /Replace a chunkserver · started/);
  r.press(keys.enter);
  await r.waitFor(() => calls.length === 1);
  r.press(keys.down + keys.enter);
  await r.waitFor(() => calls.length === 2);
  r.press('q');
  await r.waitFor(() => calls.length === 3);
  assert.deepEqual(calls, ['resume r-7', 'status', 'quit']);
  r.unmount();
});

test('home: a long list scrolls inside a short terminal and the focused row stays visible', async () => {
  const many = Array.from({ length: 14 }, (_, i) => ({ id: `rb${i}`, title: `Runbook number ${i}`, summary: `Summary ${i}.`, risk: 'medium' as const, when: 'When needed.' }));
  const r = renderScreen(<Home runbooks={many} unfinished={[]} onPick={() => {}} onResume={() => {}} onStatus={() => {}} onQuit={() => {}} />, { rows: 16, columns: 80 });
  const first = await r.waitFor('Runbook number 0');
  assert.ok(first.split('\n').length < 16, first);
  assert.match(first, /↓ \d+ more/);
  r.press(keys.down.repeat(13)); // past the cluster status entry
  const scrolled = await r.waitFor((f) => /Runbook number 12/.test(focusedRow(f) ?? '') && f.includes('Summary 12.'));
  assert.ok(scrolled.split('\n').length < 16, scrolled);
  assert.match(scrolled, /↑ \d+ more/);
});
