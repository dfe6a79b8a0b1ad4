// A runbook whose front matter is broken, under --lang zh through the real binary: each problem
// (zod's own wrong type and empty field, the schema's patterns, unknown roles and risk, YAML
// syntax, an empty block, a bad host condition) is Chinese at file:line:col with the field and
// values as written; `run` refuses it in Chinese with exit 1 and no stack trace. English stays
// as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../../support/cli-env.ts';
import { englishPhrase } from '../../support/english-phrase.ts';

function cli(dir: string, args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LC_ALL|LC_MESSAGES|LANG|LANGUAGE)$/.test(k)));
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...env, MFS_TUI_CONFIG_DIR: join(dir, 'config'), MFS_TUI_STATE_DIR: join(dir, 'state'), NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BROKEN = `---
id: Bad_ID
title: 3
summary: ""
when: w
risk: extreme
roles: [master, wizard]
inputs:
  - name: 1x
    prompt: p
    live: nope
---

# T

## One

\`\`\`sh on=local when="os>debian"
echo hi
\`\`\`
`;

function scratch(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-fm-zh-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test('a broken front matter: every problem in Chinese at its position, values as written; English unchanged', () => {
  const dir = scratch({ 'bad.md': BROKEN });
  const file = join(dir, 'bad.md');
  const zh = cli(dir, ['--lang', 'zh', 'validate', file]);
  assert.equal(zh.code, 1, zh.stderr);
  const expected: [string, RegExp][] = [
    ['2:5', /front matter 字段 "id"：只能由小写字母、数字和 - 组成$/],
    ['3:8', /front matter 字段 "title"：必须是字符串（实际写的是数字）$/],
    ['4:10', /front matter 字段 "summary"：不能为空$/],
    ['6:7', /风险等级 "extreme" 无效：请写其中之一：low, medium, high, critical$/],
    ['7:9', /roles 里有未知角色 "master"：可用的角色有 master-candidate, /],
    ['9:11', /front matter 字段 "inputs\[0\]\.name"：只能由字母、数字、_ 或 - 组成，并以字母开头$/],
    ['11:11', /未知的实时角色 "nope"：请写其中之一：master, vip-holder, /],
  ];
  const lines = zh.stdout.split('\n').filter((l) => l.startsWith(`${file}:`));
  for (const [at, re] of expected)
    assert.ok(
      lines.some((l) => l.startsWith(`${file}:${at}: `) && re.test(l)),
      `${at} ${re}\n${zh.stdout}`,
    );
  for (const l of lines) assert.equal(englishPhrase(l.slice(file.length)), undefined, l);

  const en = cli(dir, ['--lang', 'en', 'validate', file]);
  assert.equal(en.code, 1);
  assert.match(en.stdout, /:3:8: front matter field "title": Expected string, received number$/m);
  assert.match(en.stdout, /:6:7: bad risk "extreme": write one of low, medium, high, critical$/m);
  assert.match(en.stdout, /:7:17: unknown role "wizard" in roles: known roles are master-candidate, /m);
});

test('YAML syntax, an empty front matter and a bad host condition: Chinese, located; run refuses in Chinese, exit 1, no stack trace', () => {
  const dir = scratch({
    'syntax.md': '---\nid: x\n  title: [\n---\n# T\n',
    'empty.md': '---\n---\n# T\n',
    'cond.md': BROKEN.replace(/^---[^]*?\n---\n/, '---\nid: cond\ntitle: T\nsummary: s\nwhen: w\nrisk: low\n---\n'),
  });
  const syntax = cli(dir, ['--lang', 'zh', 'validate', join(dir, 'syntax.md')]);
  assert.equal(syntax.code, 1);
  assert.match(syntax.stdout, /syntax\.md:2:5: YAML 格式错误：嵌套的块不能当作键$/m);
  assert.match(syntax.stdout, /syntax\.md:3:11: YAML 格式错误：缩进不对$/m);
  const empty = cli(dir, ['--lang', 'zh', 'validate', join(dir, 'empty.md')]);
  assert.match(empty.stdout, /empty\.md:1:1: front matter 是空的：必须写明 id、title、summary、when 和 risk$/m);
  const cond = cli(dir, ['--lang', 'zh', 'validate', join(dir, 'cond.md')]);
  assert.match(cond.stdout, /cond\.md:13:22: "os>debian"：os 只能用 = 或 != 比较$/m);

  const run = cli(dir, ['--lang', 'zh', 'run', join(dir, 'syntax.md'), '--yes']);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /^mfs-tui: runbook 文件 \S+syntax\.md 有 3 个问题，不能运行；请先改正（mfs-tui validate）：$/m);
  assert.match(run.stderr, /syntax\.md:2:5: YAML 格式错误：/);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
  const runEn = cli(dir, ['--lang', 'en', 'run', join(dir, 'syntax.md'), '--yes']);
  assert.match(runEn.stderr, /runbook file \S+syntax\.md has 3 problems and cannot run; fix them first \(mfs-tui validate\):/);
  assert.match(runEn.stderr, /syntax\.md:2:5: bad YAML: Nested mappings are not allowed in compact mappings$/m);
});

test('a --runbooks folder that is not there: Chinese, named with where it was given, exit 2; English unchanged', () => {
  const dir = scratch({});
  const missing = join(dir, 'nope');
  const zh = cli(dir, ['--lang', 'zh', 'validate', '--runbooks', missing]);
  assert.equal(zh.code, 2, zh.stderr);
  assert.equal(zh.stderr, `mfs-tui: --runbooks：runbook 目录 ${missing} 不存在\n`);
  const en = cli(dir, ['--lang', 'en', 'validate', '--runbooks', missing]);
  assert.equal(en.stderr, `mfs-tui: --runbooks: runbook folder ${missing} does not exist\n`);
});
