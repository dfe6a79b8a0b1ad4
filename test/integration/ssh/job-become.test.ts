// A durable job (a runbook step's command) on a `become` host: real sshd, real sudo with a
// password. The job runs as root, its files are root's and private, the connection dropping
// does not end it, and looking at it, following it and stopping it all go through sudo.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { SshPool } from '../../../src/ssh/index.ts';
import type { RemoteJob } from '../../../src/exec/types.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { until } from '../../support/process.ts';
import { inventoryFor, RecordingPrompts } from '../../support/ssh-inventory.ts';

const USER = 'mfs-tui-job-test';
const SUDOERS = `/etc/sudoers.d/${USER}`;
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;

function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'creating a sudo test user needs root';
  return spawnSync('sh', ['-c', 'command -v sudo && command -v setsid'], { stdio: 'ignore' }).status === 0 ? undefined : 'sudo or setsid is missing';
}

const skipReason = unavailable();
let sshd: Sshd;

before(async () => {
  if (skipReason) return;
  if (spawnSync('id', [USER], { stdio: 'ignore' }).status !== 0) execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', USER]);
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

test('become: a job runs as root in a private folder, outlives its connection, and is probed, followed and stopped through sudo', { skip: skipReason }, async () => {
  const id = `test.job.${randomBytes(4).toString('hex')}`;
  const pool = new SshPool(inventoryFor(sshd, { user: USER, become: true }), new RecordingPrompts({ sudoPassword: PASSWORD }));
  const other = new SshPool(inventoryFor(sshd, { user: USER, become: true }), new RecordingPrompts({ sudoPassword: PASSWORD }));
  try {
    let job: RemoteJob | undefined;
    let out = '';
    const running = pool.executor('h1').exec({
      script: 'id -un; i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo "tick $i"; sleep 0.1; done',
      job: id,
      onJob: (j) => (job = j),
      onStdout: (d) => (out += d),
    });
    running.catch(() => undefined);
    await until('the job to start and tick', () => job !== undefined && /tick 2\n/.test(out));
    assert.match(out, /^root\n/);
    assert.equal(job!.dir, '/run/mfs-tui-0');
    assert.equal(statSync(job!.dir).mode & 0o777, 0o700);
    assert.equal(statSync(`${job!.dir}/${id}.out`).mode & 0o777, 0o600);
    assert.equal(statSync(`${job!.dir}/${id}.out`).uid, 0);

    // The connection drops: the exec says so; the job goes on.
    await pool.close();
    await assert.rejects(running, /SSH connection lost|pool is closed|closed/);
    const jobs = other.executor('h1').jobs!;
    const seen = out.length;
    const p1 = await jobs.probe(job!, { stdout: Buffer.byteLength(out), stderr: 0 });
    assert.equal(p1.state, 'running');
    await until('it ticks on', async () => (await jobs.probe(job!, { stdout: seen, stderr: 0 })).stdout.includes('tick'));

    // Following it from where we were shows what came since, live.
    const ac = new AbortController();
    let followed = '';
    const follow = jobs.follow(job!, { stdout: seen, stderr: 0 }, { signal: ac.signal, onStdout: (d) => (followed += d) });
    await until('the follower to stream new ticks', () => /tick \d+\n/.test(followed));
    assert.ok(!followed.startsWith('root'), 'only what came after the offset');
    // Cancelling the follow kills the job (through sudo).
    ac.abort();
    const r = await follow;
    assert.equal(r.cancelled, true);
    const after = await until('the job to be ended', async () => {
      const p = await jobs.probe(job!, { stdout: 0, stderr: 0 });
      return p.state !== 'running' ? p : undefined;
    });
    assert.equal(after.state, 'finished');
    assert.equal(after.exitCode, 143);
    // stop on an ended job: nothing to do, says so.
    assert.equal((await jobs.stop(job!)).state, 'finished');
  } finally {
    await pool.close();
    await other.close();
  }
});
