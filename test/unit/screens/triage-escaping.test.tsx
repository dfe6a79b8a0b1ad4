// The triage view shows what hosts answered (evidence), finding titles and names escaped,
// never interpreted by the terminal: a screen clear, a title-setting OSC, a carriage return
// and a bidi override in each.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { TriageView } from '../../../screens/triage/TriageView.tsx';
import type { TriageReport } from '../../../src/triage/index.ts';
import { cleanupRendered, renderScreen } from '../../support/render-screen.ts';

afterEach(cleanupRendered);

const nasty = 'A\u001b[2JB\u001b]0;x\u0007C\rD\u202eE';
const escaped = 'A\\x1b[2JB\\x1b]0;x\\x07C\\rD\\u{202e}E';

test('triage: the cluster name, a finding title, a host and what it answered are shown escaped', async () => {
  const report: TriageReport = {
    cluster: `lab${nasty}`,
    vip: '10.9.0.100',
    at: Date.now(),
    healthy: false,
    findings: [
      {
        code: 'split-brain',
        title: `title ${nasty}`,
        severity: 'critical',
        rank: 1,
        hosts: ['c1'],
        evidence: [{ host: `c1${nasty}`, probe: 'ssh probe', saw: `saw ${nasty}` }],
        recommendation: { kind: 'none', reason: `why ${nasty}`, howTo: [`do ${nasty}`] },
      },
    ],
  };
  const r = renderScreen(<TriageView report={report} onOpen={() => {}} onBack={() => {}} />, { columns: 200, rows: 40 });
  const f = await r.waitFor('Evidence');
  const text = f.replace(/\u001b\[[0-9;]*m/g, '');
  assert.doesNotMatch(text, /[\u001b\u0007\r\u202e]/, `a raw control character reached the frame:\n${JSON.stringify(text)}`);
  for (const want of [`cluster lab${escaped}`, `title ${escaped}`, `c1${escaped}: ssh probe: saw ${escaped}`, `why ${escaped}`, `do ${escaped}`])
    assert.ok(text.includes(want), `${want} in:\n${text}`);
  r.unmount();
});
