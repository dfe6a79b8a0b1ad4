// Status preconditions (`requires=`) in the engine, with a fake gate: a dangerous step is
// refused while any is unmet (re-check, abort; non-interactive stops with the reason, even
// with --yes), a harmless one runs with a warning, and every check is in the journal.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createRun, type RunDeps } from '../../../src/engine/run.ts';
import type { PreconditionCheck, PreconditionGate } from '../../../src/engine/types.ts';
import { readJournal } from '../../../src/journal/read.ts';
import type { JournalRecord } from '../../../src/journal/types.ts';
import { renderReport } from '../../../src/journal/report.ts';
import type { Runbook, Step } from '../../../src/runbook/types.ts';
import { block, commandStep, fakeRunDeps, FakeHosts, inventory, on, runbook, waitFor, waitPrompt } from '../../support/engine-fixtures.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-pre-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A gate whose answers the test sets; it counts the checks. */
class FakeGate implements PreconditionGate {
  calls: string[][] = [];
  unmet = new Map<string, string>();
  async check(names: readonly string[]): Promise<PreconditionCheck[]> {
    this.calls.push([...names]);
    return names.map((name) => (this.unmet.has(name) ? { name, met: false, detail: this.unmet.get(name)! } : { name, met: true, detail: 'fine' }));
  }
}

const requiring = (step: Step, ...names: string[]): Step => ({ ...step, requires: names });

const deps = (book: Runbook, fake: FakeHosts, over: Partial<RunDeps> = {}): RunDeps => fakeRunDeps(book, fake, dir, over);

const journal = (file: string): JournalRecord[] => readJournal(file).records;
const pre = (recs: JournalRecord[]) => recs.filter((r): r is Extract<JournalRecord, { type: 'preconditions' }> => r.type === 'preconditions');

const dangerousBook = () =>
  runbook([
    requiring(commandStep('wipe', block('wipe {{host.name}}', { targets: on('m1'), confirm: 'typed' })), 'no-split-brain', 'master-running'),
    commandStep('after', block('echo after', { targets: on('m1'), confirm: 'none' })),
  ]);

describe('status preconditions in the engine', () => {
  it('interactive: a dangerous step is refused while unmet, re-checked, then confirmed and run', async () => {
    const gate = new FakeGate();
    gate.unmet.set('no-split-brain', 'm1 and m2 all hold the VIP');
    const fake = new FakeHosts();
    const run = createRun(deps(dangerousBook(), fake, { gate }));
    const s = await waitPrompt(run, 'preconditions');
    assert.deepEqual(s.prompt, {
      kind: 'preconditions',
      stepId: 'wipe',
      results: [
        { name: 'no-split-brain', met: false, detail: 'm1 and m2 all hold the VIP' },
        { name: 'master-running', met: true, detail: 'fine' },
      ],
    });
    assert.equal(s.steps[0]!.preconditions?.outcome, 'refused');
    // Confirming is not an answer to a refusal: nothing runs.
    run.send({ type: 'confirm', typed: 'm1' });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(run.getState().prompt?.kind, 'preconditions');
    // Still unmet on a re-check: refused again, checked again.
    run.send({ type: 'recheck' });
    await waitFor(run, () => gate.calls.length === 2, 'second check');
    await waitPrompt(run, 'preconditions');
    gate.unmet.clear();
    run.send({ type: 'recheck' });
    await waitPrompt(run, 'confirm');
    assert.equal(run.getState().steps[0]!.preconditions?.outcome, 'met');
    assert.equal(fake.calls.length, 0, 'nothing ran before the confirmation');
    run.send({ type: 'confirm', typed: 'm1' });
    const end = await run.settled();
    assert.equal(end.status, 'succeeded');
    assert.deepEqual(
      fake.calls.map((c) => c.script),
      ['wipe m1', 'echo after'],
    );
    const recs = journal(run.journalFile);
    assert.deepEqual(
      pre(recs).map((r) => [r.outcome, r.dangerous]),
      [
        ['refused', true],
        ['refused', true],
        ['met', true],
      ],
    );
    assert.deepEqual(gate.calls, [
      ['no-split-brain', 'master-running'],
      ['no-split-brain', 'master-running'],
      ['no-split-brain', 'master-running'],
    ]);
    // The audit trail: the report says what was refused and why.
    const report = renderReport(recs);
    assert.match(report, /REFUSED, preconditions not met: no-split-brain \(m1 and m2 all hold the VIP\)/);
  });

  it('interactive: abort at a refusal ends the run, nothing ran', async () => {
    const gate = new FakeGate();
    gate.unmet.set('master-running', 'nobody holds the VIP');
    const fake = new FakeHosts();
    const run = createRun(deps(dangerousBook(), fake, { gate }));
    await waitPrompt(run, 'preconditions');
    run.send({ type: 'abort' });
    const end = await run.settled();
    assert.equal(end.status, 'aborted');
    assert.equal(fake.calls.length, 0);
  });

  it('non-interactive with --yes: the dangerous step is refused with a precise reason; the run fails', async () => {
    const gate = new FakeGate();
    gate.unmet.set('no-split-brain', 'm1 and m2 all hold the VIP');
    const fake = new FakeHosts();
    const run = createRun(deps(dangerousBook(), fake, { gate, mode: 'non-interactive', autoConfirm: true }));
    const end = await run.settled();
    assert.equal(end.status, 'failed');
    assert.equal(
      end.reason,
      'step wipe: refused: precondition no-split-brain is not met (m1 and m2 all hold the VIP); the step is dangerous (confirm=typed), so it does not run while that holds (--yes does not override it)',
    );
    assert.equal(fake.calls.length, 0, 'nothing ran');
    const recs = journal(run.journalFile);
    assert.deepEqual(
      recs.map((r) => r.type),
      ['run-started', 'preconditions', 'run-finished'],
    );
    assert.equal(pre(recs)[0]!.outcome, 'refused');
  });

  it('risk= alone makes a step dangerous', async () => {
    const gate = new FakeGate();
    gate.unmet.set('no-missing-chunks', '3 missing and 0 endangered chunks');
    const fake = new FakeHosts();
    const book = runbook([requiring(commandStep('restart', block('restart', { targets: on('cs1'), confirm: 'yes', risk: 'data unreachable' })), 'no-missing-chunks')]);
    const run = createRun(deps(book, fake, { gate, mode: 'non-interactive', autoConfirm: true }));
    const end = await run.settled();
    assert.equal(end.status, 'failed');
    assert.match(end.reason!, /precondition no-missing-chunks is not met \(3 missing and 0 endangered chunks\); the step is dangerous \(risk=\)/);
  });

  it('a step that is not dangerous runs with a warning, recorded as warned', async () => {
    const gate = new FakeGate();
    gate.unmet.set('vip-held', 'nobody holds the VIP');
    const fake = new FakeHosts();
    const book = runbook([requiring(commandStep('look', block('mfscli -SIN', { targets: on('m1'), confirm: 'none' })), 'vip-held')]);
    const run = createRun(deps(book, fake, { gate, mode: 'non-interactive', autoConfirm: true }));
    const end = await run.settled();
    assert.equal(end.status, 'succeeded');
    assert.deepEqual(
      fake.calls.map((c) => c.script),
      ['mfscli -SIN'],
    );
    assert.deepEqual(end.steps[0]!.preconditions?.results, [{ name: 'vip-held', met: false, detail: 'nobody holds the VIP' }]);
    assert.equal(end.steps[0]!.preconditions?.outcome, 'warned');
  });

  it('no gate: preconditions are unknown, hence unmet: a dangerous step is refused, a harmless one warned', async () => {
    const fake = new FakeHosts();
    const book = runbook([
      requiring(commandStep('look', block('look', { targets: on('m1'), confirm: 'none' })), 'no-split-brain'),
      requiring(commandStep('wipe', block('wipe', { targets: on('m1'), confirm: 'typed' })), 'no-split-brain'),
    ]);
    const run = createRun(deps(book, fake, { mode: 'non-interactive', autoConfirm: true }));
    const end = await run.settled();
    assert.equal(end.status, 'failed');
    assert.match(end.reason!, /step wipe: refused: precondition no-split-brain is not met \(not known: no cluster status is available to check it\)/);
    assert.deepEqual(
      fake.calls.map((c) => c.script),
      ['look'],
    );
  });

  it('a gate that fails counts as unknown, hence unmet', async () => {
    const fake = new FakeHosts();
    const gate: PreconditionGate = { check: async () => Promise.reject(new Error('ssh: connection refused')) };
    const run = createRun(deps(dangerousBook(), fake, { gate, mode: 'non-interactive', autoConfirm: true }));
    const end = await run.settled();
    assert.match(end.reason!, /precondition no-split-brain is not met \(not known: the status check failed: ssh: connection refused\)/);
    assert.equal(fake.calls.length, 0);
    // The check is over, failed or not: the screen's "checking preconditions" line goes.
    assert.ok(!('checking' in end), 'no check in flight');
  });

  it('checked again right before each host when the last check is old: a state that turns bad stops the next host', async () => {
    const gate = new FakeGate();
    const fake = new FakeHosts();
    const book = runbook([requiring(commandStep('restart', block('restart {{host.name}}', { targets: on('chunkserver'), confirm: 'typed' })), 'no-missing-chunks')]);
    // After cs1's restart, chunks go missing: cs2 must not be restarted.
    fake.when('restart cs1', { stdout: ['done\n'] });
    const run = createRun(
      deps(book, fake, {
        gate,
        mode: 'non-interactive',
        autoConfirm: true,
        preconditionMaxAgeMs: 0,
        onRecord: (r) => {
          if (r.type === 'step-finished' && r.host === 'cs1') gate.unmet.set('no-missing-chunks', '12 missing and 0 endangered chunks');
        },
      }),
    );
    const end = await run.settled();
    assert.equal(end.status, 'failed');
    assert.deepEqual(
      fake.calls.map((c) => c.script),
      ['restart cs1'],
    );
    assert.match(end.reason!, /precondition no-missing-chunks is not met \(12 missing and 0 endangered chunks\)/);
    assert.deepEqual(
      pre(journal(run.journalFile)).map((r) => r.outcome),
      ['met', 'met', 'refused'],
    );
  });

  it('a step without requires= never asks the gate', async () => {
    const gate = new FakeGate();
    const fake = new FakeHosts();
    const book = runbook([commandStep('look', block('look', { targets: on('m1'), confirm: 'none' }))]);
    const run = createRun(deps(book, fake, { gate, mode: 'non-interactive', autoConfirm: true }));
    assert.equal((await run.settled()).status, 'succeeded');
    assert.equal(gate.calls.length, 0);
    assert.equal(pre(journal(run.journalFile)).length, 0);
  });

  it("renderText fills the run's variables into prose; unknown ones stay", async () => {
    const fake = new FakeHosts();
    const book = runbook([commandStep('look', block('look', { targets: on('m1'), confirm: 'none' }))]);
    const run = createRun(deps(book, fake, { mode: 'non-interactive', autoConfirm: true }));
    await run.settled();
    assert.equal(run.renderText('VIP {{vip}} of {{ cluster }}, {{nope}}'), `VIP ${inventory().vip.address} of ${inventory().cluster}, {{nope}}`);
  });
});
