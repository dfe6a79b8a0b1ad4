// Reaching and logging in to a real sshd: wrong key, closed port, silent server, and
// passphrase-protected keys (asked once, kept for the session; a wrong one is a clear error).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
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

test('a key the server does not know is refused, naming the user and the keys tried', async () => {
  const stranger = join(sshd.dir, 'stranger_key');
  generateKey(stranger);
  const pool = new SshPool(inventoryFor(sshd, { identityFile: stranger }), new RecordingPrompts());
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'auth-refused');
    assert.equal(err.host, 'h1');
    assert.ok(err.message.startsWith(`h1: ${sshd.user}@127.0.0.1:${sshd.port} refused every key: tried key ${stranger} (ssh-ed25519 SHA256:`), err.message);
  } finally {
    await pool.close();
  }
});

test('no key file and no agent: refused before connecting, saying why', async () => {
  const saved = process.env.SSH_AUTH_SOCK;
  delete process.env.SSH_AUTH_SOCK;
  const pool = new SshPool(inventoryFor(sshd, { identityFile: undefined, agent: true }), new RecordingPrompts());
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'no-credentials');
    assert.match(err.message, /no identity file and no ssh-agent \(SSH_AUTH_SOCK is not set\)/);
  } finally {
    await pool.close();
    if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
  }
});

test('a closed port is unreachable, naming host and address:port', async () => {
  const closed = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
  const pool = new SshPool(inventoryFor(sshd, { port: closed }), new RecordingPrompts());
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'unreachable');
    assert.equal(err.message, `h1: cannot reach 127.0.0.1:${closed}: connection refused`);
  } finally {
    await pool.close();
  }
});

test('a server that never speaks SSH times out after the connect timeout', async () => {
  const sockets: Socket[] = [];
  const silent: Server = createServer((s) => sockets.push(s));
  const port = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
  const pool = new SshPool(inventoryFor(sshd, { port }), new RecordingPrompts(), { connectTimeoutMs: 800 });
  try {
    const t0 = Date.now();
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'timeout');
    assert.equal(err.message, `h1: no SSH answer from 127.0.0.1:${port} within 1 s`);
    assert.ok(Date.now() - t0 >= 700 && Date.now() - t0 < 5000, `${Date.now() - t0} ms`);
  } finally {
    await pool.close();
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('an abort while still connecting ends the wait at once, as cancelled', async () => {
  const sockets: Socket[] = [];
  const silent: Server = createServer((s) => sockets.push(s));
  const port = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
  const pool = new SshPool(inventoryFor(sshd, { port }), new RecordingPrompts(), { connectTimeoutMs: 5000 });
  try {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const t0 = Date.now();
    const r = await pool.executor('h1').exec({ script: 'true', signal: ac.signal });
    assert.equal(r.cancelled, true);
    assert.equal(r.exitCode, null);
    assert.ok(Date.now() - t0 < 3000, `${Date.now() - t0} ms`);
  } finally {
    await pool.close();
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('a passphrase-protected key: asked once per session, reused when the pool reconnects', async () => {
  const key = join(sshd.dir, 'locked_key');
  sshd.authorize(generateKey(key, 'correct horse'));
  const prompts = new RecordingPrompts({ passphrase: 'correct horse' });
  const pool = new SshPool(inventoryFor(sshd, { identityFile: key }), prompts);
  try {
    assert.equal((await pool.executor('h1').exec({ script: 'echo unlocked' })).stdout, 'unlocked\n');
    assert.deepEqual(prompts.passphraseQuestions, [{ host: 'h1', keyFile: key }]);
    // Drop the connection (kill sshd's per-connection processes, by PID): the next exec reconnects
    // with the key decrypted earlier, without asking again.
    const children = execFileSync('pgrep', ['-P', String(sshd.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
    for (const pid of children) process.kill(Number(pid), 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await pool.executor('h1').exec({ script: 'echo again' })).stdout, 'again\n');
    assert.equal(pool.connectionsOpened, 2);
    assert.equal(prompts.passphraseQuestions.length, 1);
  } finally {
    await pool.close();
  }
});

test('a wrong passphrase is asked three times, then a clear no-credentials error (the host was never asked)', async () => {
  const key = join(sshd.dir, 'locked_key2');
  sshd.authorize(generateKey(key, 'right'));
  const prompts = new RecordingPrompts({ passphrase: 'wrong' });
  const pool = new SshPool(inventoryFor(sshd, { identityFile: key }), prompts);
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'no-credentials');
    assert.equal(err.message, `h1: wrong passphrase for key ${key} (3 attempts)`);
    assert.ok(!err.message.includes('wrong,'), 'the passphrase is never in a message');
    assert.equal(prompts.passphraseQuestions.length, 3);
  } finally {
    await pool.close();
  }
});

test('no passphrase given (operator cancelled): no-credentials', async () => {
  const key = join(sshd.dir, 'locked_key3');
  sshd.authorize(generateKey(key, 'x'));
  const pool = new SshPool(inventoryFor(sshd, { identityFile: key }), new RecordingPrompts());
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'no-credentials');
    assert.equal(err.message, `h1: no passphrase given for key ${key}`);
  } finally {
    await pool.close();
  }
});
