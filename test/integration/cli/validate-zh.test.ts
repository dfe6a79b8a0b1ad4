// A broken runbook under --lang zh, through the real binary: the shell-quoting and control
// character problems, undefined variables, a bad attribute, a size limit, a file others can
// write, a translation that changes a command, a refused --input value, and a dry run's
// words are Chinese; each problem still at file:line:col with its exit code, and the
// placeholders, commands and file names as written. English stays as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../../support/cli-env.ts';

function cli(config: string, args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LC_ALL|LC_MESSAGES|LANG|LANGUAGE)$/.test(k)));
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...env, MFS_TUI_CONFIG_DIR: join(config, 'config'), MFS_TUI_STATE_DIR: join(config, 'state'), NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FRONT = (id: string, inputs = '') => `---\nid: ${id}\ntitle: T\nsummary: s\nwhen: w\nrisk: low\n${inputs}---\n\n# T\n\n`;

// Line 17 on: each command line holds one problem (line 20 an ESC character).
const SHELL = `${FRONT('zh-shell', 'inputs:\n  - name: x\n    prompt: x\n')}## One

\`\`\`sh on=local
echo "{{inputs.x}}"
echo {{{inputs.x}}}
sh -c {{inputs.x}}
printf 'a\x1b'
echo {{inputs.nope}} {{host.bogus}}
\`\`\`

## Two

\`\`\`sh on=local timeout="30
echo hi
\`\`\`
`;

test('shell quoting, a control character, variables and attributes: Chinese, located, the placeholders as written; English unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-zh-'));
  const file = join(dir, 'shell.md');
  writeFileSync(file, SHELL);
  const zh = cli(dir, ['--lang', 'zh', 'validate', file]);
  assert.equal(zh.code, 1, zh.stderr);
  const lines = zh.stdout.split('\n');
  const has = (prefix: string, re: RegExp) =>
    assert.ok(
      lines.some((l) => l.startsWith(`${file}:${prefix}: `) && re.test(l)),
      `${prefix} ${re}\n${zh.stdout}`,
    );
  has('17:7', /\{\{inputs\.x\}\} 在双引号里：.*"\.\.\."\{\{inputs\.x\}\}"\.\.\.".*\{\{\{inputs\.x\}\}\}$/);
  has('18:6', /^.*: \{\{\{inputs\.x\}\}\} 会原样插入值，但参数 "x" 没有 pattern 也没有 choices.*写 \{\{inputs\.x\}\}（一个加了引号的词）$/);
  // The literal {{…}} is text, not an i18next placeholder left empty.
  has('19:7', /\{\{inputs\.x\}\} 是 `sh` 的参数.*\{\{…\}\} 的引号在那里保护不了它/);
  has('20:10', /命令里有转义字符 ESC（U\+001B）：实际执行的会和操作员看到的不一样.*printf '\\033'/);
  has('21:6', /变量 \{\{inputs\.nope\}\} 未定义：front matter 里没有声明参数 "nope"$/);
  has('21:22', /未知变量 \{\{host\.bogus\}\}：host\.\* 只有 host\.name/);
  has('26:24', /timeout=：引号没有闭合$/);
  assert.match(zh.stderr, /1 个 runbook 文件中有 7 个问题/);
  assert.doesNotMatch(zh.stdout, /inside|inserts|argument|in the command|undefined|unknown|never closed/);

  const en = cli(dir, ['--lang', 'en', 'validate', file]);
  assert.equal(en.code, 1);
  assert.ok(en.stdout.includes(`${file}:19:7: {{inputs.x}} is an argument of \`sh\`, which runs its argument as shell code again: the quoting of {{…}} does not protect it there.`), en.stdout);
  assert.ok(en.stdout.includes(`${file}:20:10: an escape (ESC) (U+001B) in the command: what runs would differ from what the operator reads`), en.stdout);
  assert.ok(en.stdout.includes(`${file}:26:24: timeout=: the quote is never closed`), en.stdout);
});

test('a file past a limit or writable by others is not read (exit 2), said in Chinese', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-zh-'));
  const many = join(dir, 'many.md');
  writeFileSync(many, FRONT('zh-many') + Array.from({ length: 205 }, (_, i) => `## S${i}\n\n`).join(''));
  const m = cli(dir, ['--lang', 'zh', 'validate', many]);
  assert.equal(m.code, 2, m.stderr);
  assert.match(m.stdout, new RegExp(`^${many}:\\d+:1: 步骤超过 200 个：未读取\\n$`));
  const open = join(dir, 'open.md');
  writeFileSync(open, `${FRONT('zh-open')}## One\n\n\`\`\`sh on=local\necho one\n\`\`\`\n`);
  chmodSync(open, 0o666);
  const w = cli(dir, ['--lang', 'zh', 'validate', open]);
  assert.equal(w.code, 2, w.stderr);
  assert.equal(w.stdout, `${open}:1:1: 文件对所有用户可写（权限 0666）：这台机器上任何人都能改掉它要执行的内容；请改为私有（chmod o-w）：未读取\n`);
  assert.match(cli(dir, ['--lang', 'en', 'validate', open]).stdout, /the file is writable by every user \(mode 0666\): anyone on this machine could change what it runs/);
});

test('a translation that changes a command: located in the translation, in Chinese', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-zh-'));
  const body = (title: string, heading: string, cmd: string) => `${FRONT('zh-tr').replace('title: T', `title: ${title}`)}${heading}\n\n\`\`\`sh on=local\n${cmd}\n\`\`\`\n`;
  writeFileSync(join(dir, 'tr.md'), body('Tr', '## One', 'echo one'));
  writeFileSync(join(dir, 'tr.zh.md'), body('译', '## 第一步\n<!-- id: one -->', 'echo two'));
  const r = cli(dir, ['--lang', 'zh', 'validate', join(dir, 'tr.zh.md')]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.stdout, `${join(dir, 'tr.zh.md')}:14:1: 步骤 "one" 的第 1 个命令块与 ${join(dir, 'tr.md')}:13 不一致：脚本第 1 行这里是 "echo two"，原文是 "echo one"；译文必须逐字节保留每条命令\n`);
});

const INVENTORY = ['cluster: zh', 'vip: { address: 192.0.2.100, interface: eth0, prefix: 24 }', 'hosts:', '  - { name: m1, address: 192.0.2.11, user: ops, roles: [master-candidate] }', ''].join('\n');

test('a dry run in Chinese: attribute words, risk, requirements; a refused --input value too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-zh-'));
  const inv = join(dir, 'inventory.yaml');
  writeFileSync(inv, INVENTORY);
  const file = join(dir, 'dry.md');
  const inputs = 'inputs:\n  - name: who\n    prompt: Who?\n    pattern: "[a-z0-9]+"\n';
  writeFileSync(
    file,
    `${FRONT('zh-dry', inputs)}## Look\n\n\`\`\`sh on=master-candidate confirm=yes timeout=2m expect-exit=0,1 risk="stops {{inputs.who}}" requires=master-running\necho {{inputs.who}}\n\`\`\`\n`,
  );
  const zh = cli(dir, ['--lang', 'zh', 'run', file, '--dry-run', '--inventory', inv, '--input', 'who=m1']);
  assert.equal(zh.code, 0, zh.stderr);
  assert.match(zh.stdout, /^zh-dry：T — 在 zh 上预演（不执行任何命令）\n参数：who=m1\n/);
  assert.match(zh.stdout, /\n1\. Look \[look\] \(命令\)\n {3}前置条件：master-running\n {3}（确认方式 yes，超时 120 秒，期望退出码 0,1）\n {3}风险：stops m1\n/);
  assert.doesNotMatch(zh.stdout, /confirm yes|timeout|expect exit|RISK|requires:/);
  const en = cli(dir, ['--lang', 'en', 'run', file, '--dry-run', '--inventory', inv, '--input', 'who=m1']);
  assert.match(en.stdout, /\n {3}requires: master-running\n {3}\(confirm yes, timeout 120s, expect exit 0,1\)\n {3}RISK: stops m1\n/);

  const bad = cli(dir, ['--lang', 'zh', 'run', file, '--dry-run', '--inventory', inv, '--input', 'who=M!']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /who 必须匹配 \/\[a-z0-9\]\+\/（填的是 "M!"）/);
});
