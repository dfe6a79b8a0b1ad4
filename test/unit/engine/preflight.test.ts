// Which hosts a run's preflight checks: every target of every step, jumps included. Pure.
import { afterEach, beforeEach, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runbookHosts } from '../../../src/engine/preflight.ts';
import { createRun, resumeRun } from '../../../src/engine/run.ts';
import { readJournal } from '../../../src/journal/read.ts';
import { block, commandStep, decisionStep, fakeRunDeps, FakeHosts, inventory, manualStep, on, runbook, waitPrompt } from '../../support/engine-fixtures.ts';

test("every step's targets, in inventory order, local left out; a step a decision may skip counts too", () => {
  const rb = runbook([
    commandStep('one', block('x', { targets: on('cs2', 'local') })),
    decisionStep('which', [
      { key: 'a', goto: 'three' },
      { key: 'b', goto: 'end' },
    ]),
    commandStep('three', block('y', { targets: on('metalogger') })),
    manualStep('end'),
  ]);
  assert.deepEqual(runbookHosts(rb, inventory(), {}), ['m2', 'cs2']);
});

test('vip-holder counts every master candidate; a template target resolves with the inputs; one that does not is left to the step', () => {
  const rb = runbook([
    commandStep('a', block('x', { targets: on('vip-holder') })),
    commandStep('b', block('y', { targets: on('{{inputs.host}}') })),
    commandStep('c', block('z', { targets: on('{{inputs.missing}}') })),
  ]);
  assert.deepEqual(runbookHosts(rb, inventory(), { host: 'cs1' }), ['m1', 'm2', 'cs1']);
});

test('all is every host', () => {
  assert.deepEqual(runbookHosts(runbook([commandStep('a', block('x', { targets: on('all') }))]), inventory(), {}), ['m1', 'm2', 'cs1', 'cs2']);
});

describe('the engine runs the preflight before step 1', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-preflight-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const book = runbook([commandStep('one', block('touch x', { targets: on('m1') })), commandStep('two', block('echo y', { targets: on('cs1') }))]);

  it("with the runbook's hosts; a failure ends a new run failed, nothing run, the reason journaled", async () => {
    const fake = new FakeHosts();
    const asked: string[][] = [];
    const ctrl = createRun(
      fakeRunDeps(book, fake, dir, {
        mode: 'non-interactive',
        autoConfirm: true,
        preflight: async (hosts) => {
          asked.push([...hosts]);
          throw new Error('cs1: cannot reach 10.0.0.11:22: connection refused');
        },
      }),
    );
    const state = await ctrl.settled();
    ctrl.close();
    assert.deepEqual(asked, [['m1', 'cs1']]);
    assert.deepEqual(fake.calls, []);
    assert.equal(state.status, 'failed');
    const recs = readJournal(ctrl.journalFile).records;
    assert.deepEqual(
      recs.map((r) => r.type),
      ['run-started', 'run-finished'],
    );
    assert.equal((recs[1] as { reason?: string }).reason, 'preflight: cs1: cannot reach 10.0.0.11:22: connection refused');
  });

  it('an input that names no inventory host (or `local`, this machine) as a target fails before step 1, whatever step uses it', async () => {
    for (const value of ['local', 'zz']) {
      const fake = new FakeHosts();
      const chosen = runbook([commandStep('one', block('touch x', { targets: on('m1') })), commandStep('two', block('rm -rf y', { targets: on('{{inputs.host}}') }))], {
        inputs: [{ name: 'host', prompt: 'which host', pos: { line: 1, column: 1 } }],
      });
      let asked = false;
      const ctrl = createRun({
        ...fakeRunDeps(chosen, fake, dir, { mode: 'non-interactive', autoConfirm: true, preflight: async () => void (asked = true) }),
        inputs: { host: value },
      } as Parameters<typeof createRun>[0]);
      const state = await ctrl.settled();
      ctrl.close();
      assert.deepEqual(fake.calls, [], `${value}: step one ran before the bad target was found`);
      assert.equal(asked, false);
      assert.equal(state.status, 'failed');
      assert.match(state.reason ?? '', new RegExp(`preflight: step two: target \\{\\{inputs\\.host\\}\\} is "${value}", which is not a host in`));
    }
  });

  it('a resumed run that fails its preflight stops without a record and stays resumable', async () => {
    const fake = new FakeHosts();
    const guarded = runbook([commandStep('one', block('touch x', { targets: on('m1') })), commandStep('two', block('echo y', { targets: on('cs1'), confirm: 'yes' }))]);
    // The operator leaves at step two's confirmation: the run is unfinished.
    const first = createRun(fakeRunDeps(guarded, fake, dir, { preflight: async () => {} }));
    await waitPrompt(first, 'confirm');
    first.close();
    const before = readJournal(first.journalFile).records.length;
    assert.notEqual(readJournal(first.journalFile).records.at(-1)!.type, 'run-finished');
    const again = resumeRun(fakeRunDeps(guarded, fake, dir, { mode: 'non-interactive', autoConfirm: true, preflight: async () => Promise.reject(new Error('m1: HOST KEY CHANGED')) }), first.runId);
    const state = await again.settled();
    again.close();
    assert.equal(state.status, 'failed');
    assert.equal(state.reason, 'preflight: m1: HOST KEY CHANGED');
    const recs = readJournal(first.journalFile).records;
    assert.equal(recs.length, before + 1, 'only the resumed record');
    assert.equal(recs.at(-1)!.type, 'resumed');
  });
});
