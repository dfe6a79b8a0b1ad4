import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { builtinRunbookDir, catalogDir, runbookFilesIn } from '../../../src/runbook/catalog.ts';
import { formatProblem, loadRunbookDir, loadRunbookFiles } from '../../../src/runbook/library.ts';
import { runnableRunbook } from '../../../src/runbook/runnable.ts';
import { isTranslation, languageOfRunbook, translationPath } from '../../../src/runbook/translations.ts';
import { oneFolder } from '../../../src/runbook/catalog.ts';

const ORIGINAL = `---
id: swap
title: Swap a disk
summary: Swaps a disk.
when: A disk fails.
risk: high
roles: [chunkserver]
inputs:
  - name: host
    prompt: Which chunkserver?
    default: c1
    pattern: "[a-z0-9]+"
---

# Swap a disk

## Mark the disk
<!-- id: mark -->

Marks it.

\`\`\`sh on="{{inputs.host}}" confirm=typed risk="Replication load"
echo mark {{inputs.host}}
\`\`\`

\`\`\`sh check timeout=10s
echo marked
\`\`\`

## Did it work?
<!-- id: ask -->

\`\`\`decision
question: Is the disk marked?
choices:
  - label: Yes
    goto: done
  - key: again
    label: No, mark again
    goto: mark
\`\`\`

## Done
<!-- id: done -->

Write it down.
`;

const TRANSLATION = `---
id: swap
title: 更换磁盘
summary: 更换一块磁盘。
when: 磁盘故障时。
risk: high
roles: [chunkserver]
inputs:
  - name: host
    prompt: 哪一台数据存储服务器？
    default: c1
    pattern: "[a-z0-9]+"
---

# 更换磁盘

## 标记磁盘
<!-- id: mark -->

先标记。

\`\`\`sh on="{{inputs.host}}" confirm=typed risk="Replication load"
echo mark {{inputs.host}}
\`\`\`

\`\`\`sh check timeout=10s
echo marked
\`\`\`

## 成功了吗？
<!-- id: ask -->

\`\`\`decision
question: 磁盘标记好了吗？
choices:
  - key: yes
    label: 是
    goto: done
  - key: again
    label: 否，重新标记
    goto: mark
\`\`\`

## 完成
<!-- id: done -->

记录下来。
`;

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function library(translation: string | null = TRANSLATION): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-tui-tr-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'swap.md'), ORIGINAL);
  if (translation !== null) writeFileSync(join(dir, 'swap.zh.md'), translation);
  return dir;
}
/** The problems of a translation that differs from TRANSLATION by one replacement. */
function problemsWith(from: string, to: string): string[] {
  assert.ok(TRANSLATION.includes(from), from);
  const dir = library(TRANSLATION.replace(from, to));
  return loadRunbookDir(dir).problems.map((p) => formatProblem(p).replace(`${dir}/`, ''));
}

describe('a runbook and its translation', () => {
  it('a faithful translation validates clean and the runbook is listed once', async () => {
    const dir = library();
    const loaded = loadRunbookDir(dir);
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(
      loaded.runbooks.map((r) => r.id),
      ['swap'],
    );
    assert.equal(loaded.translations.length, 1);
    const cat = await catalogDir(dir);
    assert.deepEqual(
      cat.headers.map((h) => [h.id, h.title]),
      [['swap', 'Swap a disk']],
    );
    assert.deepEqual(cat.duplicateProblems, []);
    const zh = await catalogDir(dir, undefined, 'zh');
    assert.deepEqual(
      zh.headers.map((h) => [h.id, h.title, h.file]),
      [['swap', '更换磁盘', join(dir, 'swap.md')]],
    );
  });

  it("the runner opens the operator's language, falling back to the original", () => {
    const dir = library();
    const zh = runnableRunbook('swap', { folders: oneFolder(dir), language: 'zh' });
    assert.equal(zh.file, join(dir, 'swap.zh.md'));
    assert.deepEqual(
      zh.steps.map((s) => s.title),
      ['标记磁盘', '成功了吗？', '完成'],
    );
    assert.equal(languageOfRunbook(zh.file, zh.title), 'zh');
    const en = runnableRunbook('swap', { folders: oneFolder(dir), language: 'en' });
    assert.equal(en.file, join(dir, 'swap.md'));
    assert.equal(languageOfRunbook(en.file, en.title), 'en');
    // The same steps and commands whichever is shown.
    assert.deepEqual(
      zh.steps.map((s) => [s.id, s.commands.map((c) => c.script)]),
      en.steps.map((s) => [s.id, s.commands.map((c) => c.script)]),
    );
    // Opened as a file, the translation runs as it is.
    assert.equal(runnableRunbook(join(dir, 'swap.zh.md'), { folders: oneFolder(dir) }).title, '更换磁盘');
    // Without a translation, the original.
    assert.equal(runnableRunbook('swap', { folders: oneFolder(library(null)), language: 'zh' }).title, 'Swap a disk');
  });

  it('a translation that changes what runs is never run: the original is, and validate names the difference', () => {
    const dir = library(TRANSLATION.replace('echo mark {{inputs.host}}', 'echo mark {{inputs.host}}; reboot'));
    assert.equal(runnableRunbook('swap', { folders: oneFolder(dir), language: 'zh' }).file, join(dir, 'swap.md'));
    assert.throws(() => runnableRunbook(join(dir, 'swap.zh.md'), { folders: oneFolder(dir) }), /cannot run/);
    const named = loadRunbookFiles([join(dir, 'swap.zh.md')]).problems;
    assert.equal(named.length, 1);
    assert.match(named[0]!.message, /command block 1 differs/);
  });

  it('a Chinese-only runbook (no original beside it) is a runbook of its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfs-tui-tr-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'swap.zh.md'), TRANSLATION);
    const loaded = loadRunbookDir(dir);
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(
      loaded.runbooks.map((r) => r.title),
      ['更换磁盘'],
    );
  });
});

describe('validate: each way a translation can differ in what runs, located', () => {
  const cases: [string, string, string, RegExp][] = [
    ['a step id', '<!-- id: ask -->', '<!-- id: asked -->', /^swap\.zh\.md:31:10: the steps differ from .*swap\.md: step 2 is "asked" here but "ask" \(.*swap\.md:30\)/],
    ['a missing step', '## 完成\n<!-- id: done -->\n\n记录下来。\n', '', /^swap\.zh\.md:31:10: the steps differ .*step 3 is missing here but "done"/],
    [
      'an input pattern',
      'pattern: "[a-z0-9]+"',
      'pattern: "[a-z0-9.]+"',
      /^swap\.zh\.md:12:15: input "host": pattern is "\[a-z0-9\.\]\+" here but "\[a-z0-9\]\+" in .*swap\.md:9; a translation changes only prompt and help$/,
    ],
    ['an input default', 'default: c1', 'default: c2', /^swap\.zh\.md:11:\d+: input "host": default is "c2" here but "c1"/],
    ['an input name', '- name: host', '- name: node', /^swap\.zh\.md:9:11: the inputs differ from .*: here node, there host/],
    [
      'a command byte',
      'echo mark {{inputs.host}}',
      'echo mark {{inputs.host}} ',
      /^swap\.zh\.md:22:1: step "mark", command block 1 differs from .*swap\.md:22: line 1 of the script is "echo mark {{inputs.host}} " here but "echo mark {{inputs.host}}" there/,
    ],
    [
      'an attribute',
      'risk="Replication load"',
      'risk="复制负载"',
      /^swap\.zh\.md:22:1: step "mark", command block 1: the fence line is .*复制负载.* here but .*Replication load.* in .*swap\.md:22; a translation keeps every attribute as written$/,
    ],
    ['a check block', 'echo marked', 'echo  marked', /^swap\.zh\.md:26:1: step "mark", the check of command block 1 differs/],
    ['a check attribute', 'check timeout=10s', 'check timeout=20s', /^swap\.zh\.md:26:1: step "mark", the check of command block 1: the fence line is/],
    ['a decision key', '  - key: yes\n    label: 是', '  - label: 是', /^swap\.zh\.md:36:5: step "ask": choice 1 has the key "是" here but "yes" in .*swap\.md:\d+; write key: yes/],
    ['a jump', 'goto: mark', 'goto: done', /^swap\.zh\.md:41:11: step "ask": choice 2 jumps to goto: done here but goto: mark in .*swap\.md:\d+$/],
    ['the risk', 'risk: high', 'risk: low', /^swap\.zh\.md:2:5: a translation keeps the risk: low here, high in /],
    ['the id', 'id: swap', 'id: swap-zh', /^swap\.zh\.md:2:5: a translation keeps the runbook id: "swap-zh" here, "swap" in /],
  ];
  for (const [what, from, to, expected] of cases) {
    it(what, () => {
      const problems = problemsWith(from, to);
      assert.ok(
        problems.some((p) => expected.test(p)),
        `${what}: ${problems.join('\n')}`,
      );
    });
  }

  it('prompts, help, titles, prose, questions and labels may differ', () => {
    assert.deepEqual(problemsWith('question: 磁盘标记好了吗？', 'question: 标记了吗'), []);
  });
});

describe('the shipped library in two languages', () => {
  it('every shipped runbook has a Chinese translation, and every translation runs exactly what its original runs', async () => {
    const dir = builtinRunbookDir();
    const originals = runbookFilesIn(dir).filter((f) => !isTranslation(f));
    assert.ok(originals.length >= 10);
    for (const f of originals) assert.ok(existsSync(translationPath(f, 'zh')), `${f} has no ${translationPath(f, 'zh')}`);
    const loaded = loadRunbookDir(dir);
    assert.deepEqual(loaded.problems.map(formatProblem), []);
    assert.equal(loaded.translations.length, originals.length);
    for (const t of loaded.translations) assert.equal(languageOfRunbook(t.path, t.runbook!.title), 'zh');
    // Home lists each once, in Chinese when asked.
    const zh = await catalogDir(dir, undefined, 'zh');
    assert.equal(zh.headers.length, originals.length);
    assert.ok(
      zh.headers.every((h) => /\p{Script=Han}/u.test(h.title) && !isTranslation(h.file)),
      zh.headers.map((h) => h.title).join(', '),
    );
  });
});
