// The resident mfscli interpreter (src/status/mfscli-resident.ts) with this machine's real
// python3 and real mfscli 3.0 (Debian's moosefs-cli), through LocalExecutor.spawn. The
// master it asks is 127.0.0.1 on a port nothing listens on: loopback only. Fake "mfscli"
// scripts (real Python, first on PATH) drive the exit-code, timeout and crash paths.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { LocalExecutor } from '../../../src/exec/local.ts';
import { ResidentMfscli, ResidentUnavailable } from '../../../src/status/mfscli-resident.ts';
import { probeClusterResident } from '../../../src/status/probe.ts';

const hasMfscli = spawnSync('sh', ['-c', 'command -v mfscli && command -v python3']).status === 0;
const skip = hasMfscli ? false : 'needs mfscli (moosefs-cli) and python3: npm test installs them';
const dirs: string[] = [];
const residents: ResidentMfscli[] = [];
after(async () => {
  await Promise.all(residents.map((r) => r.stop()));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A resident whose `mfscli` is the given Python program (or the real one when omitted). */
function resident(fakeMfscli?: string): ResidentMfscli {
  const env = { ...process.env };
  if (fakeMfscli !== undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-fake-mfscli-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'mfscli'), `#!/usr/bin/python3\n${fakeMfscli}\n`, { mode: 0o755 });
    env.PATH = `${dir}:${env.PATH ?? ''}`;
  }
  const ex = new LocalExecutor({ env });
  const r = new ResidentMfscli({ target: 'local', spawn: (s) => ex.spawn(s) });
  residents.push(r);
  return r;
}

// A port on loopback that nothing listens on (closed right after it was bound).
const deadPort = (() => {
  const r = spawnSync(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"], { encoding: 'utf8' });
  return Number(r.stdout.trim());
})();

describe('resident mfscli (real python3 and mfscli)', { skip }, () => {
  it('prints exactly what one mfscli run prints, request after request', async () => {
    const args = ['-ns', '|', '-SIM', '-H', '127.0.0.1', '-P', String(deadPort)];
    const once = spawnSync('mfscli', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    const r = resident();
    const t0 = performance.now();
    const first = await r.run(args, 4, 20_000);
    const firstMs = performance.now() - t0;
    const t1 = performance.now();
    const second = await r.run(args, 4, 20_000);
    const secondMs = performance.now() - t1;
    assert.equal(first.output, once.stdout + once.stderr);
    assert.equal(first.exitCode, once.status);
    assert.deepEqual(second, first);
    assert.match(first.output, /127\.0\.0\.1/);
    process.stdout.write(`# resident mfscli: first request ${firstMs.toFixed(0)} ms (interpreter start-up included), second ${secondMs.toFixed(0)} ms\n`);
  });

  it('the cluster probe through it parses as from a plain run: no master behind the VIP', async () => {
    const p = await probeClusterResident(resident(), { vip: '127.0.0.1', candidates: [] }, 20_000);
    assert.equal(p.problem, undefined);
    assert.equal(p.viaVip?.noMaster, true);
  });

  it('exit codes and output of a script that exits; several requests in flight answer in order', async () => {
    const r = resident("import sys\nprint('args', sys.argv[1:])\nsys.exit(int(sys.argv[1]))");
    const answers = await Promise.all([r.run(['3'], 4, 20_000), r.run(['0'], 4, 20_000), r.run(['7'], 4, 20_000)]);
    assert.deepEqual(
      answers.map((a) => a.exitCode),
      [3, 0, 7],
    );
    assert.equal(answers[0]!.output, "args ['3']\n");
  });

  it('a request past its own timeout answers 124 and the interpreter serves the next one', async () => {
    const r = resident("import sys, time\nif sys.argv[1] == 'hang': time.sleep(30)\nprint('ok')");
    const hung = await r.run(['hang'], 1, 20_000);
    assert.equal(hung.exitCode, 124);
    assert.deepEqual(await r.run(['fast'], 1, 20_000), { exitCode: 0, output: 'ok\n' });
  });

  it('an exception inside mfscli is exit 1 with its message, not a dead interpreter', async () => {
    const r = resident("raise ValueError('boom')");
    const a = await r.run([], 4, 20_000);
    assert.equal(a.exitCode, 1);
    assert.match(a.output, /ValueError\('boom'\)/);
    assert.equal((await r.run([], 4, 20_000)).exitCode, 1);
  });

  it('an mfscli that does not compile: ResidentUnavailable, for good (the poller falls back)', async () => {
    const r = resident('def (');
    await assert.rejects(r.run([], 4, 20_000), (e: Error) => e instanceof ResidentUnavailable && /SyntaxError/.test(e.message));
    await assert.rejects(r.run([], 4, 20_000), ResidentUnavailable);
  });

  it('past the caller deadline the interpreter is dropped and a new one answers next', async () => {
    // The script ignores SIGALRM, so only the caller's deadline ends the wait.
    const r = resident("import signal, sys, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nif sys.argv[1] == 'hang': time.sleep(30)\nprint('ok')");
    await assert.rejects(r.run(['hang'], 1, 1500), /took longer than 1500 ms/);
    assert.deepEqual(await r.run(['fast'], 1, 20_000), { exitCode: 0, output: 'ok\n' });
  });

  it('an abort ends the wait at once; an aborted request drops the interpreter, the next one answers', async () => {
    const r = resident("import signal, sys, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nif sys.argv[1] == 'hang': time.sleep(30)\nprint('ok')");
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(r.run(['fast'], 1, 20_000, pre.signal), /was cancelled/);
    const ac = new AbortController();
    const t0 = performance.now();
    const hung = r.run(['hang'], 1, 20_000, ac.signal);
    setTimeout(() => ac.abort(), 300);
    await assert.rejects(hung, /was cancelled/);
    assert.ok(performance.now() - t0 < 10_000, 'the abort did not end the wait');
    assert.deepEqual(await r.run(['fast'], 1, 20_000), { exitCode: 0, output: 'ok\n' });
  });
});
