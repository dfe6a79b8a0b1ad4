// Under --lang zh the operator reads Chinese where it matters most when something is wrong:
// the practice cluster's commands and their --help, a broken runbook or inventory (still
// located: file:line:col, the field), and a drill's debrief. The same commands in English
// stay as they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../../support/cli-env.ts';

function cli(config: string, args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LC_ALL|LC_MESSAGES|LANG|LANGUAGE)$/.test(k)));
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...env, MFS_TUI_CONFIG_DIR: config, MFS_TUI_STATE_DIR: join(config, 'state'), NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("lab break's --help in Chinese: every scenario explained, commander's words too; English unchanged", () => {
  const config = mkdtempSync(join(tmpdir(), 'mfs-zh-'));
  const zh = cli(config, ['--lang', 'zh', 'lab', 'break', '--help']);
  assert.equal(zh.code, 0, zh.stderr);
  assert.match(zh.stdout, /^用法： mfs-tui lab break/);
  assert.match(zh.stdout, /\n故障场景：\n/);
  assert.match(zh.stdout, /power-cut\s+对持有 VIP 的主机上的 mfsmaster 执行 kill -9/);
  assert.match(zh.stdout, /split-brain\s+阻断 m1 和 m2 之间的 VRRP/);
  assert.doesNotMatch(zh.stdout, /Scenarios:|kill -9 the VIP holder/);
  const up = cli(config, ['lab', 'up', '--help']).stdout;
  assert.match(up, /--chunkservers <n>\s+chunkserver 的数量（1-\d+）（默认：3）/);
  const en = cli(config, ['--lang', 'en', 'lab', 'break', '--help']).stdout;
  assert.match(en, /\nScenarios:\n {2}power-cut {13}kill -9 the VIP holder's mfsmaster \(no metadata stored\)/);
  assert.match(cli(config, ['lab', 'up', '--help']).stdout, /number of chunkservers \(1-\d+\) \(default: 3\)/);
});

test('a lab command refused for bad usage says why in Chinese, exit 2', () => {
  const config = mkdtempSync(join(tmpdir(), 'mfs-zh-'));
  const r = cli(config, ['--lang', 'zh', 'lab', 'up', '--as', 'bob']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "mfs-tui: --as：'bob' 不是 root 或 ops\n");
  const f = cli(config, ['lab', 'up', '--fast', '--init', 'systemd']);
  assert.equal(f.code, 2);
  assert.equal(f.stderr, 'mfs-tui: --fast 只能搭建不带 systemd 的主机：去掉 --fast，或改用 --init none\n');
});

const BROKEN_RUNBOOK = `---
id: broken
title: Broken
summary: a broken runbook
when: never
---

# Broken

## First step

\`\`\`sh on=all confirm=maybe
echo hi
\`\`\`
`;

test('a broken runbook in Chinese: each problem still at file:line:col, exit 1; the same problems in English', () => {
  const config = mkdtempSync(join(tmpdir(), 'mfs-zh-'));
  const file = join(config, 'broken.md');
  writeFileSync(file, BROKEN_RUNBOOK);
  const zh = cli(config, ['--lang', 'zh', 'validate', file]);
  assert.equal(zh.code, 1);
  const lines = (zh.stdout + zh.stderr).split('\n');
  assert.ok(lines.includes(`${file}:1:1: 缺少 front matter 字段 "risk"`), zh.stdout + zh.stderr);
  assert.ok(lines.includes(`${file}:12:22: confirm "maybe" 不合法：请写 none、yes 或 typed`), zh.stdout + zh.stderr);
  const en = cli(config, ['--lang', 'en', 'validate', file]);
  assert.equal(en.code, 1);
  const enLines = (en.stdout + en.stderr).split('\n');
  assert.ok(enLines.includes(`${file}:1:1: missing front matter field "risk"`), en.stdout + en.stderr);
  assert.ok(enLines.includes(`${file}:12:22: bad confirm "maybe": write none, yes or typed`), en.stdout + en.stderr);
});

test('resume with a --settle value it does not take: exit 2, said in Chinese, and in English under --lang en', () => {
  const config = mkdtempSync(join(tmpdir(), 'mfs-zh-'));
  const zh = cli(config, ['--lang', 'zh', 'resume', 'abc', '--settle', 'bogus']);
  assert.equal(zh.code, 2, zh.stderr);
  assert.match(zh.stderr, /--settle 的取值为 check, rerun, .*收到的是 'bogus'/);
  const en = cli(config, ['--lang', 'en', 'resume', 'abc', '--settle', 'bogus']);
  assert.equal(en.code, 2, en.stderr);
  assert.match(en.stderr, /--settle takes check, rerun, .*got 'bogus'/);
});
