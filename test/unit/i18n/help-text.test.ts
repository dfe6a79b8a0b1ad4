// Help text that commander prints as it is (no wrapping) fits an 80-column terminal in both languages;
// commander's own words and errors come out in Chinese, and Chinese help wraps in cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { zh } from '../../../src/i18n/zh.ts';
import { setLanguage } from '../../../src/i18n/index.ts';
import { localizeCommanderError, wrapCells } from '../../../app/cli/commander-text.ts';

test('Chinese help text printed unwrapped has no line wider than 80 cells (the English keeps its lines as they were)', () => {
  const wide: string[] = [];
  for (const [lang, cat] of Object.entries({ zh } as Record<string, Record<string, string>>)) {
    for (const [k, v] of Object.entries(cat)) {
      if (!k.endsWith('.helpAfter')) continue;
      for (const line of v.split('\n')) if (stringWidth(line) > 80) wide.push(`${lang} ${k} (${stringWidth(line)}): ${line}`);
    }
  }
  assert.deepEqual(wide, []);
});

test("commander's usage errors in Chinese; English untouched", () => {
  setLanguage('en');
  const e = "error: unknown option '--bogus'\n(Did you mean --json?)\n";
  assert.equal(localizeCommanderError(e), e);
  setLanguage('zh');
  try {
    assert.equal(localizeCommanderError(e), "错误：没有 '--bogus' 这个选项\n（是不是想输入 --json？）\n");
    assert.equal(localizeCommanderError("error: too many arguments for 'triage'. Expected 0 arguments but got 1.\n"), '错误：参数太多，应为 0 个，实际 1 个。\n');
  } finally {
    setLanguage('en');
  }
});

test('Chinese wraps between characters, in cells, never starting a line with closing punctuation', () => {
  const text = '集群哪里出了问题、证据是什么、该用哪个 runbook（健康时退出码 0，不健康 1，有主机连不上或登录不了时 3）';
  const lines = wrapCells(text, 40).split('\n');
  assert.ok(lines.length > 1);
  for (const l of lines) assert.ok(stringWidth(l) <= 40, l);
  for (const l of lines.slice(1)) assert.doesNotMatch(l, /^[，。；：、）]/);
  assert.equal(lines.join('').replace(/\s/g, ''), text.replace(/\s/g, ''));
});
