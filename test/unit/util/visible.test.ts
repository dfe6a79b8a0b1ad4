// Text from hosts and files reaches the terminal escaped: escape sequences, carriage
// returns, bidi overrides and zero-width characters are shown, never interpreted.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { hasUnprintable, safeJson, visible, visibleLine } from '../../../src/util/visible.ts';
import { EventPrinter } from '../../../app/cli/event-printer.ts';
import { renderTriageText } from '../../../src/triage/format.ts';

describe('visible', () => {
  it('escapes ESC sequences, CR, BS, DEL, C1, bidi overrides, zero-width and line separators', () => {
    assert.equal(visible('\x1b[2J\x1b]0;owned\x07ok'), '\\x1b[2J\\x1b]0;owned\\x07ok');
    assert.equal(visible('rm -rf /\rharmless'), 'rm -rf /\\rharmless');
    assert.equal(visible('a\bb\x7fc\x9bd'), 'a\\bb\\x7fc\\x9bd');
    assert.equal(visible('m1\u202e2m'), 'm1\\u{202e}2m');
    assert.equal(visible('m\u200b1'), 'm\\u{200b}1');
    assert.equal(visible('a\u2028b'), 'a\\u{2028}b');
    assert.equal(visible('plain text, tabs\tand\nlines'), 'plain text, tabs\tand\nlines');
    assert.equal(visibleLine('two\nlines'), 'two\\nlines');
    assert.equal(visible('crlf\r\n'), 'crlf\\r\n', 'a carriage return is never dropped silently');
    assert.ok(hasUnprintable('x\x1by'));
    assert.ok(!hasUnprintable('é ü 日本'));
  });

  it('JSON keeps the value but escapes format characters', () => {
    const text = safeJson({ data: 'a\u202eb\x1b' });
    assert.equal(text, '{"data":"a\\u202eb\\u001b"}');
    assert.deepEqual(JSON.parse(text), { data: 'a\u202eb\x1b' });
  });

  it('the event printer shows host output, commands and reasons escaped', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const p = new EventPrinter(out, { json: false });
    const base = { seq: 1, ts: '2026-01-01T00:00:00Z' };
    p.record({ ...base, type: 'step-started', stepId: 's', host: 'h1', phase: 'command', command: 'echo \x1b[31mred', attempt: 1 } as never);
    p.record({ ...base, type: 'output', stepId: 's', host: 'h1', phase: 'command', stream: 'stdout', data: 'evil\x1b]0;title\x07\r\nfine\r\n' } as never);
    p.record({ ...base, type: 'step-finished', stepId: 's', host: 'h1', phase: 'command', exitCode: 1, durationMs: 3, ok: false, reason: 'output does not match /\u202e/' } as never);
    assert.doesNotMatch(text, /[\x1b\x07\r\u202e]/);
    assert.match(text, /\$ echo \\x1b\[31mred/);
    assert.match(text, /h1 \| evil\\x1b\]0;title\\x07\n/);
    assert.match(text, /h1 \| fine\n/);
    assert.match(text, /\\u\{202e\}/);
  });

  it('triage text shows what a host answered escaped, and keeps its own colours', () => {
    const text = renderTriageText(
      {
        cluster: 'c',
        vip: '10.0.0.1',
        at: 0,
        healthy: false,
        findings: [
          {
            code: 'probe-problem',
            title: 'probe failed',
            severity: 'warning',
            rank: 70,
            hosts: ['m1'],
            evidence: [{ host: 'm1', probe: 'ssh probe', saw: 'error \x1b[2J' }],
            recommendation: { kind: 'none', reason: 'r', howTo: [] },
          },
        ],
      },
      { color: true },
    );
    assert.match(text, /error \\x1b\[2J/);
    assert.match(text, /\x1b\[33mWARNING\x1b\[0m/, 'its own colour codes are kept');
  });
});
