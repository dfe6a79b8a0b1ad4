// A runbook of `on=local` steps through the real LocalExecutor: streamed output into the
// journal, exit codes and expected output, a check block, a failure skipped, an operator
// cancel and a timeout that really end the process.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createRun } from '../../../src/engine/run.ts';
import { readJournal } from '../../../src/journal/read.ts';
import { renderReport } from '../../../src/journal/report.ts';
import { parseRunbook } from '../../../src/runbook/parse.ts';
import { waitFor, waitPrompt } from '../../support/engine-fixtures.ts';
import { alive, until } from '../../support/process.ts';
import { localRunDeps } from '../../support/local-run-deps.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-local-run-'));
const started: number[] = [];
after(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

const fence = '```';
const book = `---
id: local-tour
title: Local tour
summary: Local steps for the engine's real-process test.
when: tests
risk: low
inputs:
  - name: work
    prompt: A scratch folder
---
# Local tour

## Hello {#hello}

${fence}sh on=local confirm=none
echo "out 1"; sleep 0.1; echo "err 1" >&2; sleep 0.2; echo "on {{{host.name}}}"
${fence}

## Expected exit and output {#expect}

${fence}sh on=local confirm=none expect-exit=1 expect-output="^status: OK$"
printf 'noise\\nstatus: OK\\n'; exit 1
${fence}

## Touch with a check {#touch}

${fence}sh on=local confirm=yes
touch {{inputs.work}}/marker
${fence}

${fence}sh check expect-output="^present$"
test -f {{inputs.work}}/marker && echo present
${fence}

## Fails {#fails}

${fence}sh on=local confirm=none
echo "about to fail" >&2; exit 3
${fence}

## Slow, cancelled by the operator {#slow}

${fence}sh on=local confirm=none timeout=60s
echo $$ > {{inputs.work}}/slow.pid; echo waiting; exec sleep 30
${fence}

## Times out {#timeout}

${fence}sh on=local confirm=none timeout=1s
echo $$ > {{inputs.work}}/timeout.pid; exec sleep 30
${fence}

## Done {#done}

${fence}sh on=local confirm=none
echo done
${fence}
`;

describe('a local runbook through the real LocalExecutor', () => {
  it('streams, judges, checks, fails, cancels and times out for real, all in the journal', async () => {
    const file = path.join(dir, 'local-tour.md');
    fs.writeFileSync(file, book);
    const { runbook, problems } = parseRunbook(book, file);
    assert.deepEqual(problems, []);
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    const run = createRun(localRunDeps(runbook!, dir, { inputs: { work } }));

    // Output arrives in the state while the command still runs (before its sleep ends).
    await waitFor(run, (s) => s.steps[0]!.hosts[0]?.output.includes('out 1') === true, 'live output of hello');
    assert.equal(run.getState().steps[0]!.status, 'running');

    await waitPrompt(run, 'confirm');
    assert.equal(fs.existsSync(path.join(work, 'marker')), false, 'nothing ran before the confirmation');
    run.send({ type: 'confirm' });

    let s = await waitPrompt(run, 'failed');
    assert.equal(s.prompt?.kind === 'failed' && s.prompt.stepId, 'fails');
    assert.equal(s.steps[3]!.hosts[0]!.exitCode, 3);
    assert.equal(s.steps[3]!.hosts[0]!.output, 'about to fail\n');
    run.send({ type: 'skip' });

    const slowPid = await until('slow.pid', () => (fs.existsSync(path.join(work, 'slow.pid')) ? Number(fs.readFileSync(path.join(work, 'slow.pid'), 'utf8')) || undefined : undefined));
    started.push(slowPid);
    await waitFor(run, (s) => s.steps[4]!.hosts[0]?.output === 'waiting\n', 'slow output');
    run.send({ type: 'cancel' });
    s = await waitPrompt(run, 'failed');
    assert.equal(s.steps[4]!.status, 'cancelled');
    await until('the cancelled process to end', () => (alive(slowPid) ? undefined : true));
    run.send({ type: 'skip' });

    s = await waitPrompt(run, 'failed');
    assert.equal(s.steps[5]!.status, 'cancelled');
    assert.match(s.steps[5]!.hosts[0]!.reason!, /timed out after 1 s/);
    const timeoutPid = Number(fs.readFileSync(path.join(work, 'timeout.pid'), 'utf8'));
    started.push(timeoutPid);
    await until('the timed-out process to end', () => (alive(timeoutPid) ? undefined : true));
    run.send({ type: 'skip' });

    const end = await run.settled();
    assert.equal(end.status, 'succeeded');
    assert.deepEqual(
      end.steps.map((x) => x.status),
      ['succeeded', 'succeeded', 'succeeded', 'skipped', 'skipped', 'skipped', 'succeeded'],
    );
    const hello = end.steps[0]!.hosts[0]!;
    assert.equal(hello.output, 'out 1\nerr 1\non local\n');
    assert.equal(hello.exitCode, 0);
    assert.ok(hello.durationMs! >= 150, `duration ${hello.durationMs}`);
    assert.equal(end.steps[2]!.hosts[0]!.check?.output, 'present\n');

    const { records, problems: jp } = readJournal(run.journalFile);
    assert.deepEqual(jp, []);
    const helloOut = records.filter((r) => r.type === 'output' && r.stepId === 'hello');
    assert.deepEqual(
      helloOut.map((r) => (r.type === 'output' ? [r.stream, r.data] : [])),
      [
        ['stdout', 'out 1\n'],
        ['stderr', 'err 1\n'],
        ['stdout', 'on local\n'],
      ],
    );
    const cancels = records.filter((r) => r.type === 'step-cancelled').map((r) => r.type === 'step-cancelled' && [r.stepId, r.reason]);
    assert.deepEqual(cancels, [
      ['slow', 'operator'],
      ['timeout', 'timeout'],
    ]);
    const report = renderReport(records, runbook);
    assert.match(report, /\*\*local\*\* — command, attempt 1, .*: exit 3 in \d+ ms, \*\*failed\*\*: exit 3, expected 0/);
    assert.match(report, /\*\*cancelled\*\* \(timeout\)/);
  });
});
