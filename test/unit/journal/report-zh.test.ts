// The incident report in the language asked: the same journal, Chinese headings and sentences;
// what the journal recorded (commands, output, status codes, ids) is the same in both.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createRun } from '../../../src/engine/run.ts';
import { readJournal } from '../../../src/journal/read.ts';
import { renderReport } from '../../../src/journal/report.ts';
import { setLanguage } from '../../../src/i18n/index.ts';
import { block, commandStep, fakeRunDeps, FakeHosts, on, runbook } from '../../support/engine-fixtures.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-report-zh-'));
after(() => {
  setLanguage('en');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('renderReport in Chinese', () => {
  it('headings, table and step lines in Chinese; commands, output and codes as recorded', async () => {
    const book = runbook([commandStep('probe', block('mfscli -SIN', { targets: on('m1') })), commandStep('never', block('never'))]);
    const fake = new FakeHosts().when('mfscli', { stdout: Array.from({ length: 50 }, (_, i) => `chunk line ${i}\n`) }).when('never', { exitCode: 1 });
    const run = createRun(fakeRunDeps(book, fake, dir, { machine: 'laptop', mode: 'non-interactive', autoConfirm: true }));
    await run.settled();
    const records = readJournal(run.journalFile).records;
    setLanguage('zh');
    const md = renderReport(records, book);
    setLanguage('en');
    const english = renderReport(records, book);
    assert.match(english, /^# Incident report: Test book/);
    assert.match(md, /^# 故障报告：Test book/);
    assert.match(md, /\| 操作员 \| alice，在 laptop 上（/);
    assert.match(md, /## 输入\n\n无。/);
    assert.match(md, /## 步骤/);
    assert.match(md, /\*\*m1\*\* — 命令，第 1 次，开始于 [0-9-]+ [0-9:]+Z：退出码 0，用时 \d+ ms，成功/);
    assert.match(md, /```sh\nmfscli -SIN\n```/);
    assert.match(md, /… 省略了 30 行（日志里有完整内容）…/);
    assert.match(md, /## 结果\n\n[0-9-]+ [0-9:]+Z：运行结束，状态 \*\*failed\*\*/);
    // The status word is the journal's code in both languages.
    assert.match(english, /the run ended \*\*failed\*\*/);
  });
});
