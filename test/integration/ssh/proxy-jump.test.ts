// ProxyJump: the target is reached through a jump host's TCP forwarding (here the same
// test sshd, jumping to itself), with host key checks on both hops.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshPool } from '../../../src/ssh/index.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { hostErrorOf, inventoryFor, RecordingPrompts } from '../../support/ssh-inventory.ts';

let sshd: Sshd;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
});

const logins = () =>
  sshd
    .log()
    .split('\n')
    .filter((l) => l.includes('Accepted publickey')).length;

test('ProxyJump user@host:port, resolved through ssh_config: two logins, commands run on the target', async () => {
  const inv = inventoryFor(sshd, { proxyJump: `${sshd.user}@127.0.0.1:${sshd.port}` });
  inv.sshConfig = join(sshd.dir, 'empty_ssh_config');
  writeFileSync(inv.sshConfig, '');
  const before = logins();
  const pool = new SshPool(inv, new RecordingPrompts());
  try {
    const r = await pool.executor('h1').exec({ script: 'echo "$SSH_CLIENT" | cut -d" " -f1; echo through' });
    assert.equal(r.stdout, '127.0.0.1\nthrough\n');
    await pool.executor('h1').exec({ script: 'true' });
    assert.equal(pool.connectionsOpened, 2);
    assert.equal(logins() - before, 2);
    // The first login (the jump) only forwards; every session runs on the second (the target).
    const ports = [...sshd.log().matchAll(/Accepted publickey for \S+ from \S+ port (\d+)/g)].map((m) => m[1]!).slice(-2);
    const sessionPorts = new Set([...sshd.log().matchAll(/Starting session: command for \S+ from \S+ port (\d+)/g)].map((m) => m[1]!));
    assert.equal(sessionPorts.has(ports[0]!), false);
    assert.equal(sessionPorts.has(ports[1]!), true);
  } finally {
    await pool.close();
  }
});

test('ProxyJump naming another inventory host; an unknown jump key is asked about like any other', async () => {
  const inv = inventoryFor(sshd, {}, { knownHosts: [join(sshd.dir, 'kh-jump')] });
  inv.hosts.push({ ...inv.hosts[0]!, name: 'h2', proxyJump: 'h1' });
  const prompts = new RecordingPrompts({ acceptHostKey: false });
  const pool = new SshPool(inv, prompts);
  try {
    const err = await hostErrorOf(pool.executor('h2').exec({ script: 'true' }));
    assert.equal(err.kind, 'host-key-rejected');
    assert.equal(prompts.hostKeyQuestions[0]!.host, 'h1');
  } finally {
    await pool.close();
  }
});

test('ProxyJump with several hops is refused with a clear message', async () => {
  const pool = new SshPool(inventoryFor(sshd, { proxyJump: 'a,b' }), new RecordingPrompts());
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.message, 'h1: ProxyJump with several hops (a,b) is not supported; use one jump host');
  } finally {
    await pool.close();
  }
});
