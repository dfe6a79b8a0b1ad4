// A run in Chinese, end to end: the real command over a real sshd prints its event lines,
// stop reasons and the incident report in Chinese (LANG=zh_CN.UTF-8 or --lang zh); commands,
// host output, ids and the journal's fields stay as they are.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { englishPhrase } from '../../support/english-phrase.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { cliEnv, runCli, type CliEnv } from '../../support/cli-env.ts';

let sshd: Sshd;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
});

const BOOK = `---
id: tour
title: 小巡检
summary: 在 h1 上跑几条只读命令
when: 测试
risk: low
roles: [master-candidate]
---

## 说出主机名 {#say}

\`\`\`sh on=master-candidate confirm=none
echo "hello from {{{host.name}}}"
\`\`\`

## 数到三 {#count}

\`\`\`sh on=h1 confirm=yes expect-output="^3$"
for i in 1 2 3; do echo $i; done
\`\`\`

\`\`\`sh check
test -d /
\`\`\`

## 故意失败 {#fail}

\`\`\`sh on=h1 confirm=typed risk="没有风险，只是测试"
echo about to fail >&2; exit 3
\`\`\`
`;

function zhEnv(): CliEnv {
  const e = cliEnv(sshd);
  writeFileSync(join(e.runbooks, 'tour.md'), BOOK);
  for (const k of ['LC_ALL', 'LC_MESSAGES', 'LANGUAGE']) delete e.env[k];
  e.env.LANG = 'zh_CN.UTF-8';
  return e;
}

/** The lines mfs-tui wrote itself: not host output (`h1 | …`), commands (`$ …`) or step headers (`== title [id]`). */
function ownLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.trim() && !/^\s+h1 \| /.test(l) && !/^\s+\[h1\] (\$|检查) /.test(l) && !l.startsWith('== '));
}

test('LANG=zh_CN.UTF-8: the runner events, the stop reason and the report are Chinese', () => {
  const e = zhEnv();
  const r = runCli(e, ['run', 'tour', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes']);
  assert.equal(r.code, 1, r.stderr + r.stdout);
  assert.match(r.stdout, /^运行 \S+：小巡检，集群 clitest$/m);
  assert.match(r.stdout, /h1 \| hello from h1/);
  assert.match(r.stdout, /\[h1\] 成功：退出码 0，用时 \d+ ms/);
  assert.match(r.stdout, /\[h1\] 检查成功：退出码 0/);
  assert.match(r.stdout, /已确认在 h1 上执行（--yes 自动确认）/);
  assert.match(r.stdout, /\[h1\] 失败：退出码 3，用时 \d+ ms（退出码 3，预期为 0）/);
  assert.match(r.stdout, /^运行失败：/m);
  for (const l of ownLines(r.stdout)) assert.equal(englishPhrase(l), undefined, l);

  const runId = readdirSync(join(e.env.MFS_TUI_STATE_DIR!, 'runs'))
    .find((f) => f.endsWith('.jsonl'))!
    .replace(/\.jsonl$/, '');
  // The journal's fields stay machine words.
  const journal = readFileSync(join(e.env.MFS_TUI_STATE_DIR!, 'runs', `${runId}.jsonl`), 'utf8');
  assert.match(journal, /"status":"failed"/);

  const report = runCli(e, ['report', runId, '--runbooks', e.runbooks]);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /^# 故障报告：小巡检/);
  assert.match(report.stdout, /--yes 自动确认|自动确认（--yes）/);
  // Outside code fences and inline code, no English prose.
  const prose = report.stdout.replace(/```[\s\S]*?```/g, '').replace(/`[^`]*`/g, '');
  for (const l of prose.split('\n')) assert.equal(englishPhrase(l), undefined, l);

  const english = runCli(e, ['report', runId, '--runbooks', e.runbooks, '--lang', 'en']);
  assert.match(english.stdout, /^# Incident report: 小巡检/);
  assert.match(english.stdout, /confirmed for h1: automatically \(--yes\)/);
});

test('--lang zh: a host that refuses the connection is named in Chinese, exit 3', async () => {
  const e = zhEnv();
  e.env.LANG = 'C.UTF-8';
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  writeFileSync(e.inventory, readFileSync(e.inventory, 'utf8').replace(`port: ${sshd.port}`, `port: ${port}`));
  const r = runCli(e, ['run', 'tour', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes', '--lang', 'zh']);
  assert.equal(r.code, 3, r.stderr + r.stdout);
  assert.match(r.stdout + r.stderr, new RegExp(`h1：无法连到 127\\.0\\.0\\.1:${port}：连接被拒绝`));
  for (const l of ownLines(r.stdout + r.stderr)) assert.equal(englishPhrase(l), undefined, l);
});
