// `become` (sudo) against a real sshd and real sudo: a normal user with a sudo password
// (asked once per session, written only when sudo prints its marker prompt, never reaching the command), a wrong password, and
// root (no password needed). Needs root to create the test user; installs sudo if missing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { SshPool } from '../../../src/ssh/index.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { hostErrorOf, inventoryFor, RecordingPrompts } from '../../support/ssh-inventory.ts';

const USER = 'mfs-tui-sudo-test';
const SUDOERS = `/etc/sudoers.d/${USER}`;
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;

/** Why the become tests cannot run here, or undefined when they can. */
function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'creating a sudo test user needs root';
  const has = () => spawnSync('sh', ['-c', 'command -v sudo'], { stdio: 'ignore' }).status === 0;
  if (!has()) {
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'sudo'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  return has() ? undefined : 'sudo is not installed and `apt-get install sudo` failed';
}

const skipReason = unavailable();
let sshd: Sshd;

before(async () => {
  if (skipReason) return;
  if (spawnSync('id', [USER], { stdio: 'ignore' }).status !== 0) {
    execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', USER]);
  }
  execFileSync('chpasswd', { input: `${USER}:${PASSWORD}\n` });
  writeFileSync(SUDOERS, `${USER} ALL=(ALL:ALL) ALL\n`, { mode: 0o440 });
  sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
  if (!skipReason) {
    rmSync(SUDOERS, { force: true });
    spawnSync('userdel', ['--remove', USER], { stdio: 'ignore' });
  }
});

test('become with a sudo password: asked once, commands run as root, the password never reaches them', { skip: skipReason }, async () => {
  const prompts = new RecordingPrompts({ sudoPassword: PASSWORD });
  const pool = new SshPool(inventoryFor(sshd, { user: USER, become: true }), prompts);
  try {
    const r = await pool.executor('h1').exec({ script: 'id -un; cat; echo "stdin done"' });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, 'root\nstdin done\n');
    assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD));
    const again = await pool.executor('h1').exec({ script: 'id -u' });
    assert.equal(again.stdout, '0\n');
    assert.deepEqual(prompts.sudoQuestions, [{ host: 'h1', user: USER }]);
    // Without become the same user is not root.
    const plain = new SshPool(inventoryFor(sshd, { user: USER }), new RecordingPrompts());
    try {
      assert.equal((await plain.executor('h1').exec({ script: 'id -un' })).stdout, `${USER}\n`);
    } finally {
      await plain.close();
    }
  } finally {
    await pool.close();
  }
});

test('become: a timeout kills the root-owned remote process (the kill goes through sudo too)', { skip: skipReason }, async () => {
  const pool = new SshPool(inventoryFor(sshd, { user: USER, become: true }), new RecordingPrompts({ sudoPassword: PASSWORD }));
  const n = `300.${randomInt(100000, 999999)}`;
  try {
    const r = await pool.executor('h1').exec({ script: `echo started; sleep ${n}`, timeoutMs: 3000 });
    assert.equal(r.timedOut, true);
    assert.equal(r.stdout, 'started\n');
    // The kill has been sent when exec returns; the process is gone once the kernel has reaped it: looked for until then.
    const gone = async () => (await pool.executor('h1').exec({ script: `pgrep -f 'sleep ${n.replace('.', '[.]')}'` })).exitCode === 1;
    const deadline = Date.now() + 5000;
    while (!(await gone()) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    const check = await pool.executor('h1').exec({ script: `pgrep -f 'sleep ${n.replace('.', '[.]')}'` });
    assert.equal(check.exitCode, 1, `still running: ${check.stdout}`);
  } finally {
    await pool.close();
  }
});

test('become with a wrong sudo password: one attempt, sudo-failed, refused for the session until asked again', { skip: skipReason }, async () => {
  const prompts = new RecordingPrompts({ sudoPassword: 'not-the-password' });
  const pool = new SshPool(inventoryFor(sshd, { user: USER, become: true }), prompts);
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'sudo-failed');
    // One try only (stdin is closed at sudo's second prompt): nothing that could lock the account.
    assert.equal(err.message, `h1: sudo did not accept the password for ${USER} (sudo: 1 incorrect password attempt)`);
    // Remembered: the next command fails at once with the same error and nobody is asked.
    const again = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(again, err);
    assert.equal(prompts.sudoQuestions.length, 1);
    // The operator asks again: asked, and refused again.
    pool.reask('h1');
    await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(prompts.sudoQuestions.length, 2);
  } finally {
    await pool.close();
  }
});

test('become as root: sudo needs no password and none is asked', { skip: skipReason }, async () => {
  const prompts = new RecordingPrompts();
  const pool = new SshPool(inventoryFor(sshd, { become: true }), prompts);
  try {
    const r = await pool.executor('h1').exec({ script: 'id -u' });
    assert.equal(r.stdout, '0\n');
    assert.equal(prompts.sudoQuestions.length, 0);
  } finally {
    await pool.close();
  }
});
