// SSH connection errors in Chinese, against a real sshd: each class (unreachable, login
// refused, host key changed, unknown host key not accepted) keeps its own wording, names the
// host, and holds no English prose; the same failures in English read as before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setLanguage } from '../../../src/i18n/index.ts';
import { SshPool } from '../../../src/ssh/index.ts';
import { englishPhrase } from '../../support/english-phrase.ts';
import { generateKey, startSshd, type Sshd } from '../../support/sshd.ts';
import { hostErrorOf, inventoryFor, RecordingPrompts } from '../../support/ssh-inventory.ts';

let sshd: Sshd;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  setLanguage('en');
  await sshd?.stop();
});

async function failure(inventory: ReturnType<typeof inventoryFor>, prompts = new RecordingPrompts()) {
  const pool = new SshPool(inventory, prompts);
  try {
    return await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
  } finally {
    await pool.close();
  }
}

async function closedPort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

test('each SSH failure class reads differently in Chinese, names the host, and holds no English prose', async () => {
  const stranger = join(sshd.dir, 'zh_stranger_key');
  generateKey(stranger);
  const changedKh = join(sshd.dir, 'kh-zh-changed');
  writeFileSync(changedKh, `[127.0.0.1]:${sshd.port} ${generateKey(join(sshd.dir, 'zh_other_host_key')).split(' ').slice(0, 2).join(' ')}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', changedKh], { stdio: 'ignore' });
  const port = await closedPort();
  const cases = async () => ({
    'auth-refused': await failure(inventoryFor(sshd, { identityFile: stranger })),
    unreachable: await failure(inventoryFor(sshd, { port })),
    'host-key-changed': await failure(inventoryFor(sshd, {}, { knownHosts: [changedKh] })),
    'host-key-rejected': await failure(inventoryFor(sshd, {}, { knownHosts: [join(sshd.dir, 'kh-zh-none', 'known_hosts')] }), new RecordingPrompts({ acceptHostKey: false })),
  });

  setLanguage('zh');
  const zh = await cases();
  setLanguage('en');
  const en = await cases();

  for (const [kind, err] of Object.entries(zh)) {
    assert.equal(err.kind, kind);
    assert.ok(err.message.startsWith('h1：'), err.message);
    assert.equal(englishPhrase(err.message.replace(/\(ssh-keygen [^)]*\)|key \S+ \([^)]*\)/g, '')), undefined, err.message);
    assert.equal(en[kind as keyof typeof en].kind, kind);
  }
  assert.match(zh['auth-refused'].message, new RegExp(`^h1：${sshd.user}@127\\.0\\.0\\.1:${sshd.port} 拒绝了所有密钥，登录被拒（已尝试：key ${stranger} `));
  assert.equal(zh.unreachable.message, `h1：无法连到 127.0.0.1:${port}：连接被拒绝`);
  assert.match(zh['host-key-changed'].message, /主机密钥已改变！.*拒绝连接：这可能是中间人攻击/);
  assert.ok(zh['host-key-changed'].message.includes(`${changedKh}:1`), zh['host-key-changed'].message);
  assert.match(zh['host-key-rejected'].message, /未接受 127\.0\.0\.1:\d+ 的 ssh-ed25519 主机密钥 SHA256:\S+（未知主机密钥）$/);
  // Four classes, four different wordings (host and address aside).
  const shapes = Object.values(zh).map((e) => e.message.replace(/[\x20-\x7e]+/g, ' ').slice(0, 14));
  assert.equal(new Set(shapes).size, 4, shapes.join(' | '));

  assert.ok(en['auth-refused'].message.includes('refused every key: tried key'), en['auth-refused'].message);
  assert.equal(en.unreachable.message, `h1: cannot reach 127.0.0.1:${port}: connection refused`);
  assert.ok(en['host-key-changed'].message.startsWith('h1: HOST KEY CHANGED'), en['host-key-changed'].message);
  assert.match(en['host-key-rejected'].message, /was not accepted$/);
});
