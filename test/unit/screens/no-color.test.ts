// Colors are decided when chalk loads, from the environment, so each case renders a real
// Runner frame in its own process. FORCE_COLOR=1 makes colors the default even though the
// child's stdout is a pipe; NO_COLOR must still turn them off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const script = fileURLToPath(new URL('./capture-frame.tsx', import.meta.url));
const ansi = /\u001B\[[0-9;]*m/;

async function frame(env: Record<string, string>): Promise<string> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NO_COLOR' && k !== 'FORCE_COLOR'));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, 'typed'], { env: { ...clean, ...env }, timeout: 120_000 });
  return stdout;
}

// The three renders start together (each child loads tsx, React and Ink: seconds on a busy machine).
const colored = frame({ FORCE_COLOR: '1' });
const noColor = frame({ FORCE_COLOR: '1', NO_COLOR: '1' });
const emptyNoColor = frame({ FORCE_COLOR: '1', NO_COLOR: '' });
// Failures are reported by the test that awaits each one, not as unhandled rejections.
for (const p of [colored, noColor, emptyNoColor]) p.catch(() => {});

test('with colors on, the risk line is red (the check below can fail)', async () => {
  const out = await colored;
  assert.match(out, /\u001B\[31m[^\n]*⚠ Deletes every chunk stored on cs2/);
});

test('NO_COLOR=1 → no ANSI escape codes at all in the frame', async () => {
  const out = await noColor;
  assert.match(out, /⚠ Deletes every chunk stored on cs2/);
  assert.doesNotMatch(out, ansi);
});

test('an empty NO_COLOR does not count (no-color.org)', async () => {
  const out = await emptyNoColor;
  assert.match(out, ansi);
});
