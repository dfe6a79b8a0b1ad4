// SSH refusals and the non-interactive refusals in Chinese, through the real binary over a real
// sshd: a changed host key, an unknown host key nobody can accept, a run that needs an
// operator's confirmation without a terminal, and a sudo password descriptor that is not one.
// Each keeps its exit code, names the host, and says nothing in English; English unchanged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { englishPhrase } from '../../support/english-phrase.ts';
import { generateKey, startSshd, type Sshd } from '../../support/sshd.ts';
import { cliEnv, runCli, type CliEnv } from '../../support/cli-env.ts';

let sshd: Sshd;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
});

const BOOK = `---
id: ask
title: 确认一下
summary: 需要确认的一步
when: 测试
risk: low
---

## 看一眼 {#look}

\`\`\`sh on=h1 confirm=yes
echo looked
\`\`\`
`;

function env(opts: { trust?: boolean } = {}): CliEnv {
  const e = cliEnv(sshd, opts);
  writeFileSync(join(e.runbooks, 'ask.md'), BOOK);
  for (const k of ['LC_ALL', 'LC_MESSAGES', 'LANGUAGE', 'LANG']) delete e.env[k];
  return e;
}

const run = (e: CliEnv, lang: string, extra: string[] = ['--yes']) => runCli(e, ['--lang', lang, 'run', 'ask', '--runbooks', e.runbooks, '--inventory', e.inventory, ...extra]);

/** mfs-tui's own lines (not commands or host output) hold no English prose. */
function noEnglish(text: string) {
  for (const l of text.split('\n').filter((x) => x.trim() && !/^\s+h1 \| /.test(x))) assert.equal(englishPhrase(l), undefined, l);
}

test('a changed host key: refused in Chinese, the host and the known_hosts line named, exit 3; English unchanged', () => {
  const e = env();
  const other = generateKey(join(e.dir, 'other')).split(' ');
  writeFileSync(e.knownHosts, `[127.0.0.1]:${sshd.port} ${other[0]} ${other[1]}\n`);
  const zh = run(e, 'zh');
  assert.equal(zh.code, 3, zh.stderr + zh.stdout);
  assert.match(
    zh.stdout + zh.stderr,
    new RegExp(`h1：\\[127\\.0\\.0\\.1\\]:${sshd.port} 的主机密钥已改变！.*${e.knownHosts.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1 记录的是另一个 ssh-ed25519 密钥。拒绝连接`),
  );
  assert.doesNotMatch(zh.stdout, /looked/);
  noEnglish(zh.stdout + zh.stderr);
  const en = run(e, 'en');
  assert.equal(en.code, 3);
  assert.match(en.stdout + en.stderr, /h1: .*host key .*changed/i);
});

test('an unknown host key with nobody at the keyboard: refused in Chinese with its fingerprint, exit 3; English unchanged', () => {
  const e = env({ trust: false });
  const zh = run(e, 'zh');
  assert.equal(zh.code, 3, zh.stderr + zh.stdout);
  assert.match(zh.stderr, new RegExp(`^mfs-tui: h1（127\\.0\\.0\\.1:${sshd.port}）提供的 ssh-ed25519 主机密钥 SHA256:\\S+ 不在 known_hosts 里；无人值守时一律拒绝。`, 'm'));
  noEnglish(zh.stdout + zh.stderr);
  const en = run(e, 'en');
  assert.match(en.stderr, new RegExp(`h1 \\(127\\.0\\.0\\.1:${sshd.port}\\) offers an unknown ssh-ed25519 host key SHA256:\\S+; refused without an operator`));
});

test('a run that needs a confirmation, without a terminal and without --yes: refused in Chinese, nothing run', () => {
  const e = env();
  const zh = run(e, 'zh', []);
  assert.notEqual(zh.code, 0);
  const out = zh.stdout + zh.stderr;
  assert.match(out, /运行 ask：什么都没有执行。这里不是终端（stdin 或 stdout 不是 TTY），没人能确认它的步骤。/);
  assert.match(out, /在终端里，同一条命令会打开运行器屏幕，并在那里逐一询问确认。/);
  assert.doesNotMatch(out, /looked/);
  noEnglish(out);
  const en = run(e, 'en', []);
  assert.equal(en.code, zh.code);
  assert.match(en.stdout + en.stderr, /run ask: nothing was run\. This is not a terminal/);
});

test('a sudo password descriptor that is not one: refused in Chinese, exit 2, before anything runs', () => {
  const e = env();
  e.env.MFS_TUI_SUDO_PASSWORD_FD = 'abc';
  const zh = run(e, 'zh');
  assert.equal(zh.code, 2, zh.stderr);
  assert.equal(zh.stderr, 'mfs-tui: MFS_TUI_SUDO_PASSWORD_FD=abc：请给一个大于等于 3、能从中读出密码的文件描述符编号（例如 3<FILE）\n');
  e.env.MFS_TUI_SUDO_PASSWORD_FD = '9';
  const closed = run(e, 'zh');
  assert.equal(closed.code, 2, closed.stderr);
  assert.match(closed.stderr, /^mfs-tui: MFS_TUI_SUDO_PASSWORD_FD=9：文件描述符 9 没有打开/);
  e.env.MFS_TUI_SUDO_PASSWORD_FD = 'abc';
  assert.match(run(e, 'en').stderr, /MFS_TUI_SUDO_PASSWORD_FD=abc: give a file descriptor number of 3 or more/);
});
