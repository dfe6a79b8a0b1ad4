// The markdown report is read with cat and less as often as with a renderer: whatever a
// host printed or a file held (output, commands, reasons, names) is written escaped, in
// fenced blocks too, so no escape sequence reaches the terminal that shows the report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderReport } from '../../../src/journal/report.ts';
import type { JournalRecord } from '../../../src/journal/types.ts';

const nasty = 'A\u001b[2JB\u001b]0;x\u0007C\rD\u202eE';
const escaped = 'A\\x1b[2JB\\x1b]0;x\\x07C\\rD\\u{202e}E';
// As markdown text (not code): the escapes' backslashes and brackets are themselves escaped, so it renders as `escaped`.
const escapedText = 'A\\\\x1b\\[2JB\\\\x1b\\]0;x\\\\x07C\\\\rD\\\\u{202e}E';

describe('renderReport escapes host and file text', () => {
  it('output in a fenced block, the command, a failure reason, a host and an input value: escaped, no raw ESC', () => {
    const ts = '2026-11-25T19:00:00.000Z';
    const records = [
      {
        seq: 1,
        ts,
        type: 'run-started',
        runId: 'r',
        runbook: { id: 'b', title: `B ${nasty}`, file: '/b.md', hash: 'h'.repeat(64), steps: [] },
        inventory: { file: '/i', hash: 'i'.repeat(64), cluster: 'c' },
        inputs: { why: `value ${nasty}` },
        operator: 'o',
        machine: 'm',
        mode: 'non-interactive',
      },
      { seq: 2, ts, type: 'step-started', stepId: 's', host: `h1${nasty}`, phase: 'command', command: `echo ${nasty}`, attempt: 1 },
      { seq: 3, ts, type: 'output', stepId: 's', host: `h1${nasty}`, phase: 'command', stream: 'stdout', data: `line one\nout ${nasty}\n` },
      { seq: 4, ts, type: 'step-finished', stepId: 's', host: `h1${nasty}`, phase: 'command', exitCode: 1, durationMs: 5, ok: false, reason: `reason ${nasty}` },
    ] as unknown as JournalRecord[];
    const md = renderReport(records);
    assert.doesNotMatch(md, /[\u001b\u0007\r\u202e]/, `a raw control character in the report:\n${JSON.stringify(md)}`);
    assert.ok(md.includes(`\`\`\`\nline one\nout ${escaped}\n\`\`\``), `output escaped inside its fence:\n${md}`);
    assert.ok(md.includes(`\`\`\`sh\necho ${escaped}\n\`\`\``), md);
    assert.ok(md.includes(`**failed**: reason ${escapedText}`), md);
    assert.ok(md.includes(`**h1${escapedText}**`), md);
    assert.ok(md.includes(`value ${escaped}`), md);
    assert.ok(md.includes(`# Incident report: B ${escapedText}`), md);
  });
});
