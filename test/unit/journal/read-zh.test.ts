// A damaged journal's problems in the language asked: a line that is JSON but not a record
// ([1], "x") is named in Chinese under zh, as it is in English under en.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../../../src/i18n/index.ts';
import { parseJournal } from '../../../src/journal/read.ts';

const text = ['{"seq":1,"ts":"2026-12-07T10:00:00.000Z","type":"run-started"}', '[1]', '{"seq":2,"ts":"2026-12-07T10:00:01.000Z","type":"run-finished","status":"succeeded"}', ''].join('\n');

test('a JSON line that is not an object: 不是 JSON 对象 under zh, "not a JSON object" under en', () => {
  assert.ok(parseJournal(text, 'r.jsonl').problems.includes('r.jsonl:2: not a JSON object: [1]'));
  setLanguage('zh');
  try {
    assert.ok(parseJournal(text, 'r.jsonl').problems.includes('r.jsonl:2: 不是 JSON 对象: [1]'), parseJournal(text, 'r.jsonl').problems.join('\n'));
  } finally {
    setLanguage('en');
  }
});
