// No single English word is left in a Chinese message, outside the words an operator types or
// reads verbatim (program, protocol and file names, runbook and inventory keys, keys pressed:
// test/support/english-phrase.ts VERBATIM). English phrases are no-english-prose.test.ts's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zh } from '../../../src/i18n/zh.ts';
import { englishWords } from '../../support/english-phrase.ts';

test('the word detector: prose words are found; programs, keys, commands, flags and glosses are not', () => {
  assert.deepEqual(englishWords('{{host}} 已断开：see log'), ['see', 'log']);
  assert.deepEqual(englishWords('故障时的 triage：{{summary}}'), ['triage']);
  assert.deepEqual(englishWords('**journal 的最后一行**（unit 文件）'), ['journal', 'unit']);
  assert.deepEqual(englishWords('在 m1 上 `systemctl restart mfsmaster`，keepalived MASTER，VIP 在 m1'), []);
  assert.deepEqual(englishWords('继续运行：mfs-tui resume {{runId}} · q 离开 · enter 确定'), []);
  assert.deepEqual(englishWords('去掉 --fast，或改用 --init none；分诊（triage）'), []);
  assert.deepEqual(englishWords('{{vip}} 上没有 master 应答（Working master servers not found）'), []);
});

test('no Chinese message holds an English word an operator would not type or read verbatim', () => {
  const found = Object.entries(zh as Record<string, string>).flatMap(([k, v]) => {
    const words = englishWords(v);
    return words.length ? [`${k} [${words.join(', ')}]: ${v}`] : [];
  });
  assert.deepEqual(found, []);
});
