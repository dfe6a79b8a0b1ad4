// LocalExecutor (zx): streaming, exit codes, closed stdin, nothing on the terminal, and
// timeout/abort that kill the whole process group the command started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { LocalExecutor } from '../../../src/exec/local.ts';

const local = new LocalExecutor();

function uniqueSleep(): { cmd: string; pattern: string } {
  const n = `300.${randomInt(100000, 999999)}`;
  return { cmd: `sleep ${n}`, pattern: `sleep ${n.replace('.', '[.]')}` };
}
const running = (pattern: string) => spawnSync('pgrep', ['-f', pattern]).status === 0;
/** Looks until no process matches (the kill is sent; the kernel reaps it a moment later) or `ms` pass. */
async function goneWithin(pattern: string, ms: number): Promise<void> {
  for (const end = Date.now() + ms; running(pattern) && Date.now() < end;) await new Promise((res) => setTimeout(res, 20));
}

test('local: output streams to callbacks only, exit code, stdin is closed', async () => {
  const chunks: string[] = [];
  const writes: unknown[] = [];
  const realOut = process.stdout.write.bind(process.stdout);
  const realErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: unknown) => (writes.push(c), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: unknown) => (writes.push(c), true)) as typeof process.stderr.write;
  let r;
  try {
    r = await local.exec({
      script: `printf 'caf\\303'; sleep 0.2; printf '\\251\\n'; cat; echo err >&2; exit 4`,
      onStdout: (t) => chunks.push(t),
    });
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  assert.equal(r.exitCode, 4);
  assert.equal(r.stdout, 'café\n');
  assert.equal(chunks.join(''), 'café\n');
  assert.ok(chunks.length >= 2);
  assert.equal(r.stderr, 'err\n');
  // (The test runner itself reports through stdout; look for the command's own text.)
  const leaked = writes.map((w) => String(w instanceof Uint8Array ? Buffer.from(w).toString('latin1') : w)).filter((w) => /caf|err\n/.test(w));
  assert.deepEqual(leaked, [], 'nothing may be written to the terminal');
  assert.equal(local.target, 'local');
});

test('local: a timeout kills the process group (the sleep child too)', async () => {
  const s = uniqueSleep();
  const r = await local.exec({ script: `echo started; ${s.cmd}; echo never`, timeoutMs: 1500 });
  assert.equal(r.timedOut, true);
  assert.equal(r.exitCode, null);
  assert.equal(r.signal, 'SIGTERM');
  assert.equal(r.stdout, 'started\n');
  await goneWithin(s.pattern, 5000);
  assert.equal(running(s.pattern), false, `${s.cmd} survived`);
});

test('local: abort kills a TERM-ignoring command with KILL after the grace', async () => {
  const s = uniqueSleep();
  const ac = new AbortController();
  const r = await local.exec({
    script: `trap '' TERM; echo ready; ${s.cmd}`,
    signal: ac.signal,
    onStdout: (t) => t.includes('ready') && ac.abort(),
  });
  assert.equal(r.cancelled, true);
  assert.equal(r.signal, 'SIGKILL');
  await goneWithin(s.pattern, 5000);
  assert.equal(running(s.pattern), false, `${s.cmd} survived`);
});

test('local spawn: answers on stdin; stop kills a command that ignores the end of its stdin', async () => {
  const echo = await new LocalExecutor().spawn('while read -r l; do echo "got $l"; done');
  let out = '';
  const got = new Promise<void>((r) => echo.onStdout((c) => ((out += c), out.includes('\n') && r())));
  echo.write('x\n');
  await got;
  assert.equal(out, 'got x\n');
  await echo.stop();
  assert.equal((await echo.ended).exitCode, 0);

  const n = `300.${randomInt(100000, 999999)}`;
  const stuck = await new LocalExecutor().spawn(`sleep ${n}; echo never`);
  await stuck.stop();
  assert.equal((await stuck.ended).exitCode, null, 'killed by a signal');
  assert.equal(spawnSync('pgrep', ['-f', `sleep ${n.replace('.', '[.]')}`]).status, 1, 'the sleep still runs');
});
