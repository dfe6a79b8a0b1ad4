// The triage findings list scrolls on a short terminal and says where it is ("findings 1–3 of
// 7"), in English and in Chinese; a list that fits says nothing of the kind.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { TriageView } from '../../../screens/triage/TriageView.tsx';
import type { Finding, TriageReport } from '../../../src/triage/index.ts';
import { setLanguage } from '../../../src/i18n/index.ts';
import { cleanupRendered, keys, renderScreen } from '../../support/render-screen.ts';

afterEach(() => {
  cleanupRendered();
  setLanguage('en');
});

/** Seven chunkservers down: a report made by hand (the view only draws it). */
function report(n: number): TriageReport {
  const findings: Finding[] = Array.from({ length: n }, (_, i) => ({
    code: 'chunkserver-down',
    title: `Chunkserver c${i + 1} is down: mfschunkserver is not running`,
    severity: 'critical',
    rank: 45,
    hosts: [`c${i + 1}`],
    evidence: [{ host: `c${i + 1}`, probe: 'ssh probe (ps)', saw: 'mfschunkserver not running' }],
    recommendation: { kind: 'none', reason: 'test', howTo: [] },
  }));
  return { cluster: 'test', vip: '10.9.0.100', at: 0, healthy: false, findings };
}

test('a findings list longer than its rows shows its position, which follows the cursor', async () => {
  const r = renderScreen(<TriageView report={report(7)} onOpen={() => {}} onBack={() => {}} listRows={3} />, { columns: 80, rows: 24 });
  const first = await r.waitFor('findings 1–3 of 7');
  assert.match(first, /c1 is down/);
  assert.doesNotMatch(first, /c4 is down/, 'only the window is drawn');
  r.press(keys.down + keys.down + keys.down);
  const moved = await r.waitFor('findings 2–4 of 7');
  assert.match(moved, /❯ ✖ Chunkserver c4 is down/);
  assert.doesNotMatch(moved, /more$/m, 'one position line, no ↑/↓ more lines');
});

test('a list that fits shows no position', async () => {
  const r = renderScreen(<TriageView report={report(3)} onOpen={() => {}} onBack={() => {}} listRows={3} />, { columns: 80, rows: 24 });
  const f = await r.waitFor('c3 is down');
  assert.doesNotMatch(f, /findings \d/);
});

test('in Chinese: the position, the header and the keys', async () => {
  setLanguage('zh');
  const r = renderScreen(<TriageView report={report(7)} onOpen={() => {}} onBack={() => {}} listRows={3} />, { columns: 80, rows: 24 });
  const f = await r.waitFor('问题 1–3，共 7 个');
  assert.match(f, /分诊 · 集群 test · 7 个问题，最危险的在前/);
  assert.match(f, /↑↓ 移动 · enter 打开手册 · esc 返回/);
  assert.match(f, /证据/);
});
