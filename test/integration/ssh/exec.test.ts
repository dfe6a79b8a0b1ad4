// Running commands through the pool against a real sshd: streaming, exit codes, connection
// reuse, timeout and cancel that really kill the remote process, reconnect after a drop.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { SshPool } from '../../../src/ssh/index.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { hostErrorOf, inventoryFor, RecordingPrompts } from '../../support/ssh-inventory.ts';

let sshd: Sshd;
let pool: SshPool;

before(async () => {
  sshd = await startSshd();
  pool = new SshPool(inventoryFor(sshd), new RecordingPrompts());
});
after(async () => {
  try {
    await pool?.close();
  } finally {
    await sshd?.stop();
  }
});

const acceptedLogins = () =>
  sshd
    .log()
    .split('\n')
    .filter((l) => l.includes('Accepted publickey')).length;

/** A unique `sleep` duration to find the process by, and a pgrep pattern that does not match itself. */
function uniqueSleep(): { cmd: string; pattern: string } {
  const n = `300.${randomInt(100000, 999999)}`;
  return { cmd: `sleep ${n}`, pattern: `sleep ${n.replace('.', '[.]')}` };
}

/** Whether processes matching the pattern exist on the host, checked through SSH (polls briefly). */
async function remoteProcessGone(pattern: string, withinMs = 1500): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const r = await pool.executor('h1').exec({ script: `pgrep -f '${pattern}'` });
    if (r.exitCode === 1) return true;
    if (Date.now() > deadline) return false;
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Resolves once the command has printed `started`: it runs on the host. */
function startedSignal(): { started: Promise<void>; onStdout(text: string): void } {
  let said!: () => void;
  const started = new Promise<void>((r) => (said = r));
  return { started, onStdout: (text) => text.includes('started') && said() };
}

test('stdout, stderr and exit code; the pid marker never reaches the output', async () => {
  const r = await pool.executor('h1').exec({ script: 'echo out; echo err >&2; exit 3' });
  assert.equal(r.exitCode, 3);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal(r.timedOut, false);
  assert.equal(r.cancelled, false);
  const ok = await pool.executor('h1').exec({ script: 'true' });
  assert.equal(ok.exitCode, 0);
  assert.equal(ok.stderr, '');
});

test('a script with quotes, dollars, backslashes and several lines runs as written', async () => {
  const script = `a='it'"'"'s'; echo "$a" 'dollar $HOME' "back\\\\slash"\nprintf '%s\\n' "line 2"\ncat <<'EOF'\nheredoc $x\nEOF`;
  const r = await pool.executor('h1').exec({ script });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, "it's dollar $HOME back\\slash\nline 2\nheredoc $x\n");
});

test('output streams live, in chunks, and UTF-8 split across chunks decodes intact', async () => {
  const seen: { text: string; at: number }[] = [];
  const errs: string[] = [];
  const t0 = Date.now();
  const r = await pool.executor('h1').exec({
    script: `printf 'first\\n'; sleep 0.5; printf '\\303'; sleep 0.3; printf '\\251 done\\n'; printf 'caf\\303' >&2; sleep 0.2; printf '\\251\\n' >&2`,
    onStdout: (text) => seen.push({ text, at: Date.now() - t0 }),
    onStderr: (text) => errs.push(text),
  });
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout, 'first\né done\n');
  assert.equal(seen.map((s) => s.text).join(''), 'first\né done\n');
  assert.ok(!r.stdout.includes('\ufffd'));
  assert.equal(errs.join(''), 'café\n');
  assert.equal(r.stderr, 'café\n');
  // 'first' arrived well before the end: it was streamed, not collected.
  assert.ok(seen.length >= 2, `chunks: ${JSON.stringify(seen)}`);
  assert.ok(seen[seen.length - 1]!.at - seen[0]!.at >= 500, `chunks: ${JSON.stringify(seen)}`);
});

test('one pooled connection serves many commands, also in parallel', async () => {
  for (let i = 0; i < 10; i++) assert.equal((await pool.executor('h1').exec({ script: `echo ${i}` })).stdout, `${i}\n`);
  const parallel = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.executor('h1').exec({ script: `sleep 0.2; echo p${i}` })));
  assert.deepEqual(
    parallel.map((r) => r.stdout),
    Array.from({ length: 12 }, (_, i) => `p${i}\n`),
  );
  // Every command of this file so far went over the pool's first and only connection.
  assert.equal(pool.connectionsOpened, 1);
  assert.equal(acceptedLogins(), 1);
});

test('a timeout kills the remote process group, not just the wait', async () => {
  const s = uniqueSleep();
  const t0 = Date.now();
  const r = await pool.executor('h1').exec({ script: `echo started; ${s.cmd}; echo never`, timeoutMs: 2500 });
  assert.equal(r.timedOut, true);
  assert.equal(r.cancelled, false);
  assert.equal(r.exitCode, null);
  assert.equal(r.stdout, 'started\n');
  assert.ok(Date.now() - t0 < 10000, `took ${Date.now() - t0} ms`);
  assert.ok(await remoteProcessGone(s.pattern), `${s.cmd} still runs on the host`);
});

test('abort kills the remote process; a TERM-ignoring script is killed with KILL after the grace', async () => {
  const s = uniqueSleep();
  const ac = new AbortController();
  const started = pool.executor('h1').exec({
    script: `trap '' TERM; echo ready; ${s.cmd}`,
    signal: ac.signal,
    onStdout: (t) => t.includes('ready') && ac.abort(),
  });
  const r = await started;
  assert.equal(r.cancelled, true);
  assert.equal(r.timedOut, false);
  assert.equal(r.exitCode, null);
  assert.equal(r.signal, 'SIGKILL');
  assert.ok(await remoteProcessGone(s.pattern), `${s.cmd} still runs on the host`);
});

test('at most 8 commands run at once per connection; one waiting for a place can be aborted', async () => {
  const busy = new AbortController();
  let started = 0;
  const sleepers = Array.from({ length: 8 }, () => pool.executor('h1').exec({ script: 'echo up; sleep 30', signal: busy.signal, onStdout: () => started++ }));
  const deadline = Date.now() + 10_000;
  while (started < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(started, 8);
  const waiting = new AbortController();
  const t0 = Date.now();
  setTimeout(() => waiting.abort(), 300);
  const r = await pool.executor('h1').exec({ script: 'echo should-not-run', signal: waiting.signal });
  assert.equal(r.cancelled, true);
  assert.equal(r.stdout, '');
  assert.ok(Date.now() - t0 < 4000, `${Date.now() - t0} ms`);
  busy.abort();
  const done = await Promise.all(sleepers);
  assert.ok(done.every((d) => d.cancelled));
  assert.equal((await pool.executor('h1').exec({ script: 'echo free' })).stdout, 'free\n');
});

test('an already aborted signal runs nothing', async () => {
  const ac = new AbortController();
  ac.abort();
  const r = await pool.executor('h1').exec({ script: 'echo no', signal: ac.signal });
  assert.equal(r.cancelled, true);
  assert.equal(r.stdout, '');
});

test('a dropped connection fails the running command (disconnected); the next exec reconnects', async () => {
  const opened = pool.connectionsOpened;
  await pool.executor('h1').exec({ script: 'true' });
  // sshd's per-connection processes are children of our sshd (found by parent PID, killed by PID).
  const children = execFileSync('pgrep', ['-P', String(sshd.pid)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean);
  assert.ok(children.length >= 1, 'no sshd session process found');
  // Dropped once the command runs on the host (it has said so), not after a guessed delay.
  const { started, onStdout } = startedSignal();
  const running = pool.executor('h1').exec({ script: 'echo started; sleep 20', onStdout });
  await started;
  for (const pid of children) process.kill(Number(pid), 'SIGKILL');
  const err = await hostErrorOf(running);
  assert.equal(err.kind, 'disconnected');
  assert.match(err.message, /^h1: SSH connection lost/);
  const r = await pool.executor('h1').exec({ script: 'echo back' });
  assert.equal(r.stdout, 'back\n');
  assert.equal(pool.connectionsOpened, opened + 1);
});

test('keepalive notices a peer that stops answering (no FIN): the running command fails as disconnected', async () => {
  const quick = new SshPool(inventoryFor(sshd), new RecordingPrompts(), { keepaliveIntervalMs: 200 });
  const frozen: number[] = [];
  try {
    const children = () =>
      spawnSync('pgrep', ['-P', String(sshd.pid)], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
        .filter(Boolean);
    const before = new Set(children());
    await quick.executor('h1').exec({ script: 'true' });
    // This pool's sshd processes: the new child of our sshd and its descendants (by PID).
    const mine = children().filter((p) => !before.has(p));
    assert.equal(mine.length, 1);
    const family = [Number(mine[0])];
    for (let i = 0; i < family.length; i++) {
      const kids = spawnSync('pgrep', ['-P', String(family[i])], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
        .filter(Boolean);
      family.push(...kids.map(Number));
    }
    const { started, onStdout } = startedSignal();
    const running = quick.executor('h1').exec({ script: 'echo started; sleep 30', onStdout });
    await started;
    for (const pid of family) {
      process.kill(pid, 'SIGSTOP');
      frozen.push(pid);
    }
    const t0 = Date.now();
    const err = await hostErrorOf(running);
    assert.equal(err.kind, 'disconnected');
    assert.ok(Date.now() - t0 < 10000, `noticed after ${Date.now() - t0} ms`);
  } finally {
    for (const pid of frozen) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await quick.close();
  }
});

test('measure: warm pooled exec of `true` vs a fresh OpenSSH connection', async (t) => {
  const exec = pool.executor('h1');
  await exec.exec({ script: 'true' });
  const N = 20;
  let t0 = performance.now();
  for (let i = 0; i < N; i++) await exec.exec({ script: 'true' });
  const pooled = (performance.now() - t0) / N;
  const M = 5;
  t0 = performance.now();
  for (let i = 0; i < M; i++) {
    execFileSync('ssh', [
      '-F',
      '/dev/null',
      '-o',
      'ControlMaster=no',
      '-o',
      'BatchMode=yes',
      '-o',
      `UserKnownHostsFile=${sshd.dir}/known_hosts`,
      '-i',
      sshd.clientKey,
      '-p',
      String(sshd.port),
      `${sshd.user}@127.0.0.1`,
      'true',
    ]);
  }
  const openssh = (performance.now() - t0) / M;
  t.diagnostic(`pooled exec of true: ${pooled.toFixed(1)} ms; ssh -o ControlMaster=no host true: ${openssh.toFixed(1)} ms`);
  assert.ok(pooled < openssh, `pooled ${pooled} ms is not faster than a new ssh ${openssh} ms`);
});

test('spawn: a long-running command fed on stdin answers line by line; stop ends it', async () => {
  const p = await pool.executor('h1').spawn!('while read -r l; do echo "got $l"; done; echo bye >&2');
  const seen: string[] = [];
  let wake: () => void = () => {};
  p.onStdout((c) => {
    seen.push(c);
    if (seen.join('').includes('got two\n')) wake();
  });
  const both = new Promise<void>((r) => (wake = r));
  p.write('one\n');
  p.write('two\n');
  await both;
  assert.equal(seen.join(''), 'got one\ngot two\n');
  await p.stop();
  assert.deepEqual(await p.ended, { exitCode: 0, stderr: 'bye\n' });
});

test('spawn: stop kills a command that ignores the end of its stdin (its whole process group)', async () => {
  const { cmd, pattern } = uniqueSleep();
  const p = await pool.executor('h1').spawn!(`trap '' HUP; ${cmd}; echo never`);
  let out = '';
  p.onStdout((c) => (out += c));
  await p.stop();
  const end = await p.ended;
  assert.notEqual(end.exitCode, 0);
  assert.equal(out, '');
  assert.ok(await remoteProcessGone(pattern), 'the remote sleep still runs');
});
