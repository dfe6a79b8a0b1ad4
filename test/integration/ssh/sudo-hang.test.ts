// A become host whose sudo never answers (a sick host: a hostname lookup or a log write that
// blocks), against a real sshd. The sudo here is a fake on this sshd's PATH only (sleeps);
// the machine's sudo is not touched. The pool gives up with sudo-failed, and the status
// poller calls the host's state unknown (SSH answered), not unreachable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshPool } from '../../../src/ssh/index.ts';
import { StatusPoller } from '../../../src/status/poller.ts';
import { hostState } from '../../../src/status/text.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { hostErrorOf, inventoryFor, RecordingPrompts } from '../../support/ssh-inventory.ts';

let sshd: Sshd;
let bin: string;
/** A second sshd whose sudo wants a password, asks for it, and then never answers. */
let asking: Sshd;
let askingBin: string;

before(async () => {
  bin = mkdtempSync(join(tmpdir(), 'mfs-fake-sudo-'));
  chmodSync(bin, 0o755);
  writeFileSync(join(bin, 'sudo'), '#!/bin/sh\n# a sudo that never answers in time\nexec sleep 8\n', { mode: 0o755 });
  askingBin = mkdtempSync(join(tmpdir(), 'mfs-fake-sudo-'));
  chmodSync(askingBin, 0o755);
  writeFileSync(
    join(askingBin, 'sudo'),
    [
      '#!/bin/sh',
      '# -n: a password is required, as sudo says it; otherwise print the -p prompt as sudo -S does, then hang',
      'for a in "$@"; do [ "$a" = -n ] && { echo "sudo: a password is required" >&2; exit 1; }; done',
      'while [ $# -gt 0 ]; do case "$1" in -p) shift; printf "%s" "$1" >&2;; --) break;; esac; shift; done',
      'exec sleep 8',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  [sshd, asking] = await Promise.all([startSshd({ env: { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin` } }), startSshd({ env: { PATH: `${askingBin}:/usr/sbin:/usr/bin:/sbin:/bin` } })]);
});
after(async () => {
  await Promise.all([sshd?.stop(), asking?.stop()]);
  rmSync(bin, { recursive: true, force: true });
  rmSync(askingBin, { recursive: true, force: true });
});

test('the fake sudo is the one this sshd runs (else the test below proves nothing)', async () => {
  const pool = new SshPool(inventoryFor(sshd), new RecordingPrompts());
  try {
    const r = await pool.executor('h1').exec({ script: 'command -v sudo' });
    assert.equal(r.stdout.trim(), join(bin, 'sudo'));
  } finally {
    await pool.close();
  }
});

test('a sudo that never answers: sudo-failed after the check timeout; the poller says NO STATUS, not DOWN', async () => {
  const pool = new SshPool(inventoryFor(sshd, { become: true }), new RecordingPrompts(), { sudoCheckTimeoutMs: 1000 });
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'sudo-failed');
    assert.equal(err.message, 'h1: `sudo -n` gave no answer within 1 s');
    const inventory = inventoryFor(sshd, { become: true });
    const poller = new StatusPoller({ inventory, executorFor: (h) => pool.executor(h) }, { intervalMs: 1000, residentMfscli: false, parts: { keepalived: false } });
    await poller.sweep();
    poller.stop();
    const h1 = poller.getState().hosts[0]!;
    assert.deepEqual([h1.reachable, h1.failure, h1.error], [false, 'probe', 'h1: `sudo -n` gave no answer within 1 s']);
    assert.equal(hostState(h1), 'NO STATUS');
  } finally {
    await pool.close();
  }
});

test('a sudo that asks for the password and then never answers: sudo-failed after the check timeout, the password in no message and no ps line', async () => {
  const password = `pw-${randomBytes(9).toString('hex')}`;
  const prompts = new RecordingPrompts({ sudoPassword: password });
  const pool = new SshPool(inventoryFor(asking, { become: true }), prompts, { sudoCheckTimeoutMs: 1000 });
  try {
    const [err] = await pool.preflight(['h1']);
    assert.equal(err?.kind, 'sudo-failed');
    assert.equal(err?.message, 'h1: sudo with the password gave no answer within 1 s');
    assert.equal(prompts.sudoQuestions.length, 1);
    assert.ok(!execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(password));
    assert.ok(!asking.log().includes(password));
  } finally {
    await pool.close();
  }
});
