// scripts/no-daemon-start.sh: the practice cluster's package install keeps daemons from
// starting only while apt-get runs, and leaves the machine's policy-rc.d as it found it
// (absent, or someone else's), also after a failed, interrupted or killed install.
// Runs the real script with real processes; the policy path is a temp file (never /usr/sbin).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const SCRIPT = path.resolve('scripts/no-daemon-start.sh');

function setup(): { dir: string; policy: string; env: NodeJS.ProcessEnv } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-policy-'));
  const policy = path.join(dir, 'policy-rc.d');
  return { dir, policy, env: { ...process.env, MFS_TUI_POLICY_RC_D: policy } };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('while the command runs a policy that refuses (exit 101) is in place; afterwards it is gone', () => {
  const { dir, policy, env } = setup();
  // The command itself asks the policy what invoke-rc.d would: it must say 101 (deny).
  const r = spawnSync('bash', [SCRIPT, 'sh', '-c', `test -x "${policy}" && "${policy}" moosefs-master start; echo "policy=$?" > "${dir}/seen"`], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'seen'), 'utf8').trim(), 'policy=101');
  assert.equal(fs.existsSync(policy), false, 'the temporary policy outlived the install');
});

test("the command's exit code is kept, and a failed install removes the policy too", () => {
  const { policy, env } = setup();
  const r = spawnSync('bash', [SCRIPT, 'sh', '-c', 'exit 7'], { env });
  assert.equal(r.status, 7);
  assert.equal(fs.existsSync(policy), false);
});

test("someone else's policy-rc.d is used as it is and never touched", () => {
  const { policy, env } = setup();
  const theirs = "#!/bin/sh\n# the admin's own policy\nexit 0\n";
  fs.writeFileSync(policy, theirs, { mode: 0o700 });
  const r = spawnSync('bash', [SCRIPT, 'true'], { env });
  assert.equal(r.status, 0);
  assert.equal(fs.readFileSync(policy, 'utf8'), theirs);
  assert.equal(fs.statSync(policy).mode & 0o777, 0o700);
  assert.equal(spawnSync('bash', [SCRIPT, '--cleanup'], { env }).status, 0);
  assert.equal(fs.readFileSync(policy, 'utf8'), theirs, '--cleanup removed a policy that was not ours');
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} during the install: the command is stopped first, then the policy removed`, async () => {
    const { dir, policy, env } = setup();
    const pidFile = path.join(dir, 'child.pid');
    const child = spawn('bash', [SCRIPT, 'sh', '-c', `echo $$ > "${pidFile}"; exec sleep 60`], { env, stdio: 'ignore' });
    await until(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '');
    const inner = Number(fs.readFileSync(pidFile, 'utf8').trim());
    assert.equal(fs.existsSync(policy), true);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    const code = await exited;
    assert.equal(code, signal === 'SIGINT' ? 130 : 143);
    assert.equal(fs.existsSync(policy), false, 'policy left after an interrupted install');
    // The install itself did not go on after the wrapper left.
    assert.throws(() => process.kill(inner, 0));
  });
}

test('a policy left by a killed install (SIGKILL) is recognised and removed by the next run, or by --cleanup', async () => {
  for (const next of [['true'], ['--cleanup']]) {
    const { dir, policy, env } = setup();
    const pidFile = path.join(dir, 'child.pid');
    const child = spawn('bash', [SCRIPT, 'sh', '-c', `echo $$ > "${pidFile}"; exec sleep 60`], { env, stdio: 'ignore' });
    await until(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '');
    const inner = Number(fs.readFileSync(pidFile, 'utf8').trim());
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    process.kill(inner, 'SIGKILL'); // ours: the sleep this test started
    assert.equal(fs.existsSync(policy), true, 'SIGKILL cannot be trapped: the policy is expected to stay');
    const r = spawnSync('bash', [SCRIPT, ...next], { env });
    assert.equal(r.status, 0);
    assert.equal(fs.existsSync(policy), false, `${next.join(' ')} left the stale policy`);
  }
});

test('the machine-wide paths use the wrapper: install-deps.sh and `lab deps` write no policy-rc.d of their own', () => {
  const sh = fs.readFileSync('scripts/install-deps.sh', 'utf8');
  const ts = fs.readFileSync('src/lab/deps.ts', 'utf8');
  for (const [name, text] of [
    ['install-deps.sh', sh],
    ['deps.ts', ts],
  ] as const) {
    assert.match(text, /no-daemon-start/, `${name} does not use the wrapper`);
    assert.doesNotMatch(text, /exit 101/, `${name} writes a policy-rc.d itself`);
  }
});
