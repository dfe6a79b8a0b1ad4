// Host key checking against a real sshd: unknown keys are asked about (accept → written,
// hashed, to known_hosts; refuse → not connected), changed keys are refused without a prompt.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshPool } from '../../../src/ssh/index.ts';
import { generateKey, startSshd, type Sshd } from '../../support/sshd.ts';
import { hostErrorOf, inventoryFor, RecordingPrompts } from '../../support/ssh-inventory.ts';

let sshd: Sshd;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
});

const serverFingerprint = () => execFileSync('ssh-keygen', ['-l', '-f', `${sshd.hostKeyPath}.pub`], { encoding: 'utf8' }).split(' ')[1]!;

test('unknown host key: the operator sees the fingerprint; accepting writes a hashed entry and connects', async () => {
  const kh = join(sshd.dir, 'kh-accept', 'known_hosts');
  const prompts = new RecordingPrompts({ acceptHostKey: true });
  const pool = new SshPool(inventoryFor(sshd, {}, { knownHosts: [kh] }), prompts);
  try {
    const r = await pool.executor('h1').exec({ script: 'echo in' });
    assert.equal(r.stdout, 'in\n');
  } finally {
    await pool.close();
  }
  assert.equal(prompts.hostKeyQuestions.length, 1);
  const q = prompts.hostKeyQuestions[0]!;
  assert.equal(q.host, 'h1');
  assert.equal(q.address, '127.0.0.1');
  assert.equal(q.port, sshd.port);
  assert.equal(q.keyType, 'ssh-ed25519');
  assert.equal(q.fingerprint, serverFingerprint()); // the same text `ssh-keygen -l` prints
  // Written hashed, mode 0600, and OpenSSH's own lookup finds it.
  const text = readFileSync(kh, 'utf8');
  assert.match(text, /^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 AAAA\S+\n$/);
  assert.ok(!text.includes('127.0.0.1'));
  assert.equal(statSync(kh).mode & 0o777, 0o600);
  const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', kh], { encoding: 'utf8' });
  assert.match(found, /found: line 1/);

  // A new session trusts it without asking.
  const again = new RecordingPrompts({ acceptHostKey: false });
  const pool2 = new SshPool(inventoryFor(sshd, {}, { knownHosts: [kh] }), again);
  try {
    assert.equal((await pool2.executor('h1').exec({ script: 'true' })).exitCode, 0);
  } finally {
    await pool2.close();
  }
  assert.equal(again.hostKeyQuestions.length, 0);
});

test('unknown host key refused: host-key-rejected, nothing written', async () => {
  const kh = join(sshd.dir, 'kh-refuse');
  const prompts = new RecordingPrompts({ acceptHostKey: false });
  const pool = new SshPool(inventoryFor(sshd, {}, { knownHosts: [kh] }), prompts);
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'host-key-rejected');
    assert.match(err.message, /^h1: the ssh-ed25519 host key SHA256:\S+ of 127\.0\.0\.1:\d+ was not accepted$/);
  } finally {
    await pool.close();
  }
  assert.equal(prompts.hostKeyQuestions.length, 1);
  assert.equal(existsSync(kh), false);
});

test('changed host key: refused without a prompt, naming the file and line of the old entry', async () => {
  const kh = join(sshd.dir, 'kh-changed');
  const other = generateKey(join(sshd.dir, 'other_host_key')).split(' ').slice(0, 2).join(' ');
  // Line 2 is a hashed entry for this host with a different ed25519 key (ssh-keygen -H hashes it).
  writeFileSync(kh, `# comment\n[127.0.0.1]:${sshd.port} ${other}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
  assert.ok(!readFileSync(kh, 'utf8').includes('127.0.0.1'));
  const prompts = new RecordingPrompts({ acceptHostKey: true });
  const pool = new SshPool(inventoryFor(sshd, {}, { knownHosts: [kh] }), prompts);
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'host-key-changed');
    assert.ok(err.message.startsWith('h1: HOST KEY CHANGED'), err.message);
    assert.ok(err.message.includes(`${kh}:2`), err.message);
    assert.ok(err.message.includes(serverFingerprint()), err.message);
  } finally {
    await pool.close();
  }
  assert.equal(prompts.hostKeyQuestions.length, 0);
});

test('only another key type known: treated as unknown, the prompt says which types are known', async () => {
  const kh = join(sshd.dir, 'kh-othertype');
  const rsa = generateKey(join(sshd.dir, 'rsa_host_key'), '', 'rsa').split(' ').slice(0, 2).join(' ');
  writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${rsa}\n`);
  const prompts = new RecordingPrompts({ acceptHostKey: false });
  const pool = new SshPool(inventoryFor(sshd, {}, { knownHosts: [kh] }), prompts);
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'host-key-rejected');
  } finally {
    await pool.close();
  }
  assert.equal(prompts.hostKeyQuestions.length, 1);
  assert.deepEqual(prompts.hostKeyQuestions[0]!.otherKnownTypes, ['ssh-rsa']);
});

test('a key known in the second known_hosts file is trusted', async () => {
  const first = join(sshd.dir, 'kh-empty');
  const second = join(sshd.dir, 'kh-second');
  writeFileSync(first, '');
  writeFileSync(second, sshd.knownHostsLine + '\n');
  const prompts = new RecordingPrompts();
  const pool = new SshPool(inventoryFor(sshd, {}, { knownHosts: [first, second] }), prompts);
  try {
    assert.equal((await pool.executor('h1').exec({ script: 'true' })).exitCode, 0);
  } finally {
    await pool.close();
  }
  assert.equal(prompts.hostKeyQuestions.length, 0);
});

test('a revoked host key is refused without a prompt', async () => {
  const kh = join(sshd.dir, 'kh-revoked');
  writeFileSync(kh, `@revoked [127.0.0.1]:${sshd.port} ${sshd.hostPubKey}\n`);
  const prompts = new RecordingPrompts({ acceptHostKey: true });
  const pool = new SshPool(inventoryFor(sshd, {}, { knownHosts: [kh] }), prompts);
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'host-key-rejected');
    assert.ok(err.message.includes(`is marked @revoked in ${kh}:1`), err.message);
  } finally {
    await pool.close();
  }
  assert.equal(prompts.hostKeyQuestions.length, 0);
});

test('a server with several host keys: the type already known is negotiated, no prompt', async () => {
  const keys = mkdtempSync(join(tmpdir(), 'mfs-hostkeys-'));
  const rsaKey = join(keys, 'host_rsa');
  const rsaPub = generateKey(rsaKey, '', 'rsa').split(' ').slice(0, 2).join(' ');
  const multi = await startSshd({ extraConfig: [`HostKey ${rsaKey}`] });
  try {
    const kh = join(multi.dir, 'kh-rsa-only');
    writeFileSync(kh, `[127.0.0.1]:${multi.port} ${rsaPub}\n`);
    const prompts = new RecordingPrompts({ acceptHostKey: false });
    const pool = new SshPool(inventoryFor(multi, {}, { knownHosts: [kh] }), prompts);
    try {
      assert.equal((await pool.executor('h1').exec({ script: 'echo ok' })).stdout, 'ok\n');
    } finally {
      await pool.close();
    }
    assert.equal(prompts.hostKeyQuestions.length, 0);
  } finally {
    await multi.stop();
    rmSync(keys, { recursive: true, force: true });
  }
});
