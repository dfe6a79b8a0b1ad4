import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createRun, resumeRun, type RunDeps } from '../../../src/engine/run.ts';
import { readJournal } from '../../../src/journal/read.ts';
import { excerpt, renderReport } from '../../../src/journal/report.ts';
import { block, commandStep, decisionStep, fakeRunDeps, FakeHosts, manualStep, on, runbook, waitFor, waitPrompt } from '../../support/engine-fixtures.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-report-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const book = runbook(
  [
    commandStep('probe', block('mfscli -SIN', { targets: on('m1') })),
    commandStep('wipe', block('rm -rf /tmp/x', { targets: on('cs1'), confirm: 'typed' })),
    manualStep('power'),
    commandStep('flaky', block('flaky', { targets: on('cs2') })),
    decisionStep('next', [{ key: 'promote', runbook: 'metalogger-promotion' }]),
    commandStep('never', block('never')),
  ],
  { inputs: [{ name: 'reason', prompt: 'Why?', pos: { line: 1, column: 1 } }] },
);

const deps = (fake: FakeHosts, over: Partial<RunDeps> = {}): RunDeps => fakeRunDeps(book, fake, dir, { inputs: { reason: 'disk died' }, machine: 'laptop', ...over });

describe('renderReport', () => {
  it('tells who, when, where, every step with host, command, exit code, duration, output excerpt and decisions', async () => {
    const longOutput = Array.from({ length: 50 }, (_, i) => `chunk line ${i}\n`);
    const fake = new FakeHosts().when('mfscli', { stdout: longOutput }).when('flaky', { hang: true, stdout: ['half of it\n'] });
    const run = createRun(deps(fake));
    await waitPrompt(run, 'confirm');
    run.send({ type: 'confirm', typed: 'cs9' });
    await waitFor(run, (s) => s.prompt?.kind === 'confirm' && s.prompt.message !== undefined);
    run.send({ type: 'confirm', typed: 'cs1' });
    await waitPrompt(run, 'acknowledge');
    run.send({ type: 'acknowledge' });
    await waitFor(run, (s) => s.steps[3]!.hosts[0]?.output === 'half of it\n');
    run.close(); // the process dies here

    const resumed = resumeRun(deps(new FakeHosts(), { operator: 'bob' }), run.runId);
    await waitPrompt(resumed, 'in-doubt');
    resumed.send({ type: 'settle', action: 'mark-done' });
    await waitPrompt(resumed, 'decide');
    resumed.send({ type: 'decide', choice: 'promote' });
    await resumed.settled();

    const md = renderReport(readJournal(resumed.journalFile).records, book);
    assert.match(md, /^# Incident report: Test book/);
    assert.match(md, /\| Operator \| alice on laptop \(interactive\) \|/);
    assert.match(md, /\| Cluster \| testcluster/);
    assert.match(md, /\| Status \| \*\*handed-off\*\*: decision next: choice promote \(next runbook: `metalogger-promotion`\) \|/);
    assert.match(md, /- `reason` = `disk died`/);
    assert.match(md, /resumed by bob \(pid \d+\); no step changed/);
    assert.match(md, /### 1\. Step probe \(`probe`\)/);
    assert.match(md, /\*\*m1\*\* — command, attempt 1, started [0-9-]+ [0-9:]+Z: exit 0 in \d+ ms, ok/);
    assert.match(md, /```sh\nmfscli -SIN\n```/);
    assert.match(md, /chunk line 0\n[\s\S]*chunk line 9\n… 30 lines omitted \(the journal has all of them\) …\nchunk line 40\n[\s\S]*chunk line 49\n```/);
    assert.match(md, /refused for cs1 \(typed `cs9`\): typed "cs9", expected the host name "cs1"/);
    assert.match(md, /alice confirmed for cs1: typed `cs1`/);
    assert.match(md, /acknowledged as done by alice/);
    assert.match(md, /\*\*cs2\*\* — command, attempt 1, .*: \*\*never finished\*\* \(the process stopped while it ran: in doubt\)/);
    assert.match(md, /half of it/);
    assert.match(md, /in doubt on cs2; bob chose to mark it done/);
    assert.match(md, /decision next: `promote` → hand off to runbook `metalogger-promotion`/);
    assert.match(md, /Not reached: Step never \(`never`\)\./);
    assert.match(md, /the run ended \*\*handed-off\*\*/);
  });

  it('an unfinished run says so and names what is in doubt; works without the runbook', () => {
    const md = renderReport([
      {
        seq: 1,
        ts: '2026-11-25T19:00:00.000Z',
        type: 'run-started',
        runId: 'r',
        runbook: { id: 'b', title: 'B', file: '/b.md', hash: 'h'.repeat(64), steps: [] },
        inventory: { file: '/i', hash: 'i'.repeat(64), cluster: 'c' },
        inputs: {},
        operator: 'o',
        machine: 'm',
        mode: 'non-interactive',
      },
      { seq: 2, ts: '2026-11-25T19:00:01.000Z', type: 'step-started', stepId: 's', host: 'h1', phase: 'command', command: 'echo ```', attempt: 1 },
    ]);
    assert.match(md, /\*\*unfinished/);
    assert.match(md, /In doubt \(started, never finished\): s on h1\./);
    assert.match(md, /````sh\necho ```\n````/, 'a fence longer than the backticks inside');
    assert.match(md, /## Inputs\n\nNone\./);
  });

  it('names the file and language the run showed (a translation)', () => {
    const md = renderReport([
      {
        seq: 1,
        ts: '2026-11-25T19:00:00.000Z',
        type: 'run-started',
        runId: 'r',
        runbook: { id: 'b', title: '断电', file: '/rb/b.zh.md', hash: 'h'.repeat(64), steps: [], language: 'zh' },
        inventory: { file: '/i', hash: 'i'.repeat(64), cluster: 'c' },
        inputs: {},
        operator: 'o',
        machine: 'm',
        mode: 'non-interactive',
      },
    ]);
    assert.match(md, /断电 \(`b`, `\/rb\/b\.zh\.md`, `zh`, sha256 hhhhhhhhhhhh\)/);
  });

  it('excerpt keeps short output whole', () => {
    assert.equal(excerpt('a\nb\n'), 'a\nb');
  });
});
