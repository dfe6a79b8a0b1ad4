// The run controller driven with fake executors: confirm → run → check → next, typed
// confirmation, failure handling, cancel, decisions, and a crash followed by resume.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createRun, resumeRun, RunSetupError, type RunDeps } from '../../../src/engine/run.ts';
import { readJournal } from '../../../src/journal/read.ts';
import { setLanguage } from '../../../src/i18n/index.ts';
import type { JournalRecord } from '../../../src/journal/types.ts';
import type { Runbook } from '../../../src/runbook/types.ts';
import type { HostFacts } from '../../../src/runbook/facts.ts';
import { block, commandStep, debianFacts, decisionStep, fakeRunDeps, FakeHosts, manualStep, on, runbook, waitFor, waitPrompt } from '../../support/engine-fixtures.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-run-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const check = (script: string) => ({ script, timeoutMs: 1000, expectExit: [0], pos: { line: 1, column: 1 } });

const deps = (book: Runbook, fake: FakeHosts, over: Partial<RunDeps> = {}): RunDeps => fakeRunDeps(book, fake, dir, { vipHolder: async () => 'm2', ...over });

function records(file: string): JournalRecord[] {
  const r = readJournal(file);
  assert.deepEqual(r.problems, []);
  return r.records;
}

const types = (recs: JournalRecord[]) => recs.map((r) => r.type);

describe('run controller', () => {
  it('confirm → run on each host in order → check → next step → finished', async () => {
    const book = runbook([
      commandStep('probe', block('echo hi {{host.name}}', { targets: on('chunkserver'), confirm: 'yes', check: check('check {{host.name}}') })),
      commandStep('local', block('date')),
    ]);
    const fake = new FakeHosts().when('echo hi', { stdout: ['hi ', 'there\n'] });
    const run = createRun(deps(book, fake));
    const s = await waitPrompt(run, 'confirm');
    assert.deepEqual(s.prompt, { kind: 'confirm', stepId: 'probe', host: undefined, level: 'yes', risk: undefined, message: undefined });
    assert.deepEqual(
      run.planFor('probe').map((c) => [c.host, c.script]),
      [
        ['cs1', 'echo hi cs1'],
        ['cs2', 'echo hi cs2'],
      ],
    );
    assert.equal(fake.calls.length, 0, 'nothing runs before confirmation');
    run.send({ type: 'confirm' });
    const end = await run.settled();
    assert.equal(end.status, 'succeeded');
    assert.deepEqual(end.prompt, { kind: 'finished', status: 'succeeded', nextRunbook: undefined });
    assert.deepEqual(
      fake.calls.map((c) => `${c.host}: ${c.script}`),
      ['cs1: echo hi cs1', 'cs1: check cs1', 'cs2: echo hi cs2', 'cs2: check cs2', 'local: date'],
    );
    const h = end.steps[0]!.hosts[0]!;
    assert.equal(h.output, 'hi there\n');
    assert.equal(h.check?.ok, true);
    const recs = records(run.journalFile);
    assert.deepEqual(types(recs), [
      'run-started',
      'confirmed',
      'step-started',
      'output',
      'step-finished',
      'step-started',
      'step-finished',
      'step-started',
      'output',
      'step-finished',
      'step-started',
      'step-finished',
      'step-started',
      'step-finished',
      'run-finished',
    ]);
    assert.deepEqual((recs[2] as { targets?: string[] }).targets, ['cs1', 'cs2']);
    assert.equal(fs.statSync(run.journalFile).mode & 0o777, 0o600);
  });

  it('run-started records the file shown and its language: a translation (X.zh.md) is zh, an original en', async () => {
    for (const [file, title, language] of [
      ['/rb/b.zh.md', 'B', 'zh'],
      ['/rb/b.md', 'B', 'en'],
      ['/rb/c.md', '重启', 'zh'],
    ] as const) {
      const book = { ...runbook([manualStep('m')]), file, title };
      const run = createRun(deps(book, new FakeHosts()));
      const started = records(run.journalFile)[0] as Extract<JournalRecord, { type: 'run-started' }>;
      assert.deepEqual([started.runbook.file, started.runbook.language], [file, language]);
      await waitPrompt(run, 'acknowledge');
      run.send({ type: 'acknowledge' });
      assert.equal((await run.settled()).status, 'succeeded');
    }
  });

  it('in a critical runbook a typed confirmation names the cluster too (host@cluster); the host alone is refused', async () => {
    const book = runbook([commandStep('wipe', block('rm -rf /var/lib/mfs/x', { targets: on('m1'), confirm: 'typed' }))], { risk: 'critical' });
    const fake = new FakeHosts();
    const d = deps(book, fake);
    const cluster = d.inventory.cluster;
    const run = createRun(d);
    let s = await waitPrompt(run, 'confirm');
    assert.equal((s.prompt as { expect?: string }).expect, `m1@${cluster}`);
    run.send({ type: 'confirm', typed: 'm1' });
    s = await waitFor(run, (x) => x.prompt?.kind === 'confirm' && x.prompt.message !== undefined, 'second ask');
    assert.equal(fake.calls.length, 0, 'the host name alone ran nothing');
    assert.match((s.prompt as { message: string }).message, new RegExp(`typed "m1", expected "m1@${cluster}" \\(host@cluster\\)`));
    run.send({ type: 'confirm', typed: `m1@${cluster}` });
    await run.settled();
    assert.equal(fake.calls.length, 1);
  });

  it('a typed confirmation refuses a wrong host name, journals it, and asks again', async () => {
    const book = runbook([commandStep('wipe', block('rm -rf /var/lib/mfs/x', { targets: on('m1'), confirm: 'typed', risk: 'deletes metadata' }))]);
    const fake = new FakeHosts();
    const run = createRun(deps(book, fake));
    let s = await waitPrompt(run, 'confirm');
    assert.deepEqual(s.prompt, { kind: 'confirm', stepId: 'wipe', host: 'm1', level: 'typed', risk: 'deletes metadata', message: undefined, expect: 'm1' });
    run.send({ type: 'confirm', typed: 'm2' });
    s = await waitFor(run, (x) => x.prompt?.kind === 'confirm' && x.prompt.message !== undefined, 'second ask');
    assert.equal(fake.calls.length, 0);
    assert.match((s.prompt as { message: string }).message, /typed "m2", expected the host name "m1"/);
    run.send({ type: 'confirm', typed: 'm1' });
    await run.settled();
    assert.equal(fake.calls.length, 1);
    const recs = records(run.journalFile);
    const answers = recs.filter((r) => r.type === 'confirmed' || r.type === 'refused');
    assert.deepEqual(
      answers.map((r) => [r.type, (r as { typed?: string }).typed]),
      [
        ['refused', 'm2'],
        ['confirmed', 'm1'],
      ],
    );
  });

  it('a failure stops the step before the next host; retry re-runs that host with a new attempt', async () => {
    const book = runbook([commandStep('s', block('work', { targets: on('chunkserver') })), commandStep('after', block('after'))]);
    const fake = new FakeHosts().when('work', [{ exitCode: 0 }, { exitCode: 3, stderr: 'disk full\n' }, { exitCode: 0 }]);
    const run = createRun(deps(book, fake));
    let s = await waitPrompt(run, 'failed');
    assert.deepEqual(s.prompt, { kind: 'failed', stepId: 's', host: 'cs2', reason: 'exit 3, expected 0' });
    assert.equal(s.steps[0]!.hosts[1]!.output, 'disk full\n');
    assert.deepEqual(
      fake.calls.map((c) => c.host),
      ['cs1', 'cs2'],
    );
    run.send({ type: 'skip' });
    s = await run.settled();
    assert.equal(s.steps[0]!.status, 'skipped');
    assert.deepEqual(
      s.steps[0]!.hosts.map((h) => h.status),
      ['succeeded', 'failed'],
    );
    assert.equal(s.status, 'succeeded');
  });

  it('retry after a failure runs the failed host again (attempt 2) and continues', async () => {
    const book = runbook([commandStep('s', block('work', { targets: on('chunkserver') }))]);
    const fake = new FakeHosts().when('work', [{ exitCode: 1 }, { exitCode: 0 }]);
    const run = createRun(deps(book, fake));
    await waitPrompt(run, 'failed');
    run.send({ type: 'retry' });
    const s = await run.settled();
    assert.equal(s.status, 'succeeded');
    assert.deepEqual(
      fake.calls.map((c) => c.host),
      ['cs1', 'cs1', 'cs2'],
    );
    const starts = records(run.journalFile).filter((r) => r.type === 'step-started');
    assert.deepEqual(
      starts.map((r) => [(r as { host: string }).host, (r as { attempt: number }).attempt]),
      [
        ['cs1', 1],
        ['cs1', 2],
        ['cs2', 1],
      ],
    );
  });

  it('skip after a failure journals step-skipped by the operator; abort ends the run', async () => {
    const book = runbook([commandStep('s', block('work', { targets: on('m1') })), commandStep('t', block('more', { targets: on('m1') }))]);
    const fake = new FakeHosts().when('', { exitCode: 2 });
    const run = createRun(deps(book, fake));
    await waitPrompt(run, 'failed');
    run.send({ type: 'skip' });
    await waitFor(run, (s) => s.prompt?.kind === 'failed' && s.prompt.stepId === 't', 'failure of t');
    run.send({ type: 'abort' });
    const s = await run.settled();
    assert.equal(s.status, 'aborted');
    const recs = records(run.journalFile);
    const skipped = recs.find((r) => r.type === 'step-skipped');
    assert.deepEqual({ ...skipped, seq: 0, ts: '' }, { seq: 0, ts: '', type: 'step-skipped', stepId: 's', by: 'operator', reason: 'skipped by the operator after it failed' });
    const last = recs.at(-1)!;
    assert.deepEqual(last.type === 'run-finished' && [last.status, last.reason], ['aborted', 'aborted by the operator at step t']);
  });

  it('a failed check fails the step', async () => {
    const book = runbook([commandStep('s', block('start', { targets: on('m1'), check: check('verify') }))]);
    const fake = new FakeHosts().when('verify', { exitCode: 1, stdout: ['not running\n'] });
    const run = createRun(deps(book, fake));
    const s = await waitPrompt(run, 'failed');
    assert.equal(s.steps[0]!.hosts[0]!.reason, 'check failed: exit 1, expected 0');
    assert.equal(s.steps[0]!.hosts[0]!.check?.output, 'not running\n');
  });

  it('expected output and exit codes decide success', async () => {
    const book = runbook([commandStep('s', block('probe', { expectExit: [0, 1], expectOutput: '^OK$' }))]);
    const fake = new FakeHosts().when('probe', [
      { exitCode: 1, stdout: ['warming\nOK\n'] },
      { exitCode: 0, stdout: ['nope\n'] },
    ]);
    const run = createRun(deps(book, fake));
    const s = await run.settled();
    assert.equal(s.status, 'succeeded');
    const run2 = createRun(deps(book, fake));
    const f = await waitPrompt(run2, 'failed');
    assert.equal((f.prompt as { reason: string }).reason, 'output does not match /^OK$/');
  });

  it('cancel aborts the running command through its AbortSignal and records step-cancelled', async () => {
    const book = runbook([commandStep('slow', block('sleep 100', { targets: on('m1') }))]);
    const fake = new FakeHosts().when('sleep', { hang: true, stdout: ['started\n'] });
    const run = createRun(deps(book, fake));
    await waitFor(run, (s) => s.steps[0]!.hosts[0]?.output === 'started\n', 'output of the running command');
    assert.equal(run.getState().steps[0]!.status, 'running');
    run.send({ type: 'cancel' });
    const s = await waitPrompt(run, 'failed');
    assert.equal(s.steps[0]!.status, 'cancelled');
    assert.equal(s.steps[0]!.hosts[0]!.reason, 'cancelled by the operator');
    const recs = records(run.journalFile);
    assert.ok(recs.some((r) => r.type === 'step-cancelled' && r.reason === 'operator'));
    run.send({ type: 'abort' });
    assert.equal((await run.settled()).status, 'aborted');
  });

  it('a timeout is recorded as cancelled by timeout', async () => {
    const book = runbook([commandStep('slow', block('sleep 100', { targets: on('m1') }))]);
    const run = createRun(deps(book, new FakeHosts().when('sleep', { timedOut: true }), { mode: 'non-interactive' }));
    const s = await run.settled();
    assert.equal(s.status, 'failed');
    assert.equal(s.reason, 'step slow on m1: timed out after 5 s');
    assert.ok(records(run.journalFile).some((r) => r.type === 'step-cancelled' && r.reason === 'timeout'));
  });

  it('an unreachable host is a failure with the executor’s message, not a crash', async () => {
    const book = runbook([commandStep('s', block('x', { targets: on('m1') }))]);
    const run = createRun(deps(book, new FakeHosts().when('x', { throws: new Error('m1: connection refused (10.0.0.1:22)') })));
    const s = await waitPrompt(run, 'failed');
    assert.equal((s.prompt as { reason: string }).reason, 'm1: connection refused (10.0.0.1:22)');
  });

  it('a missing variable is shown as a failed prompt before anything runs; skip journals why', async () => {
    const book = runbook([commandStep('s', block('echo {{inputs.ghost}}', { targets: on('m1') }))]);
    const fake = new FakeHosts();
    const run = createRun(deps(book, fake));
    const s = await waitPrompt(run, 'failed');
    assert.equal((s.prompt as { reason: string }).reason, 'm1: undefined {{inputs.ghost}} in the command of step s');
    assert.equal(fake.calls.length, 0);
    run.send({ type: 'skip' });
    await run.settled();
    const skip = records(run.journalFile).find((r) => r.type === 'step-skipped');
    assert.match((skip as { reason: string }).reason, /skipped by the operator after: m1: undefined \{\{inputs\.ghost\}\}/);
  });

  it('vip-holder is asked at step start; facts choose the block; a host no block fits is skipped', async () => {
    const book = runbook([
      commandStep('on-vip', block('echo vip {{host.name}}', { targets: on('vip-holder') })),
      commandStep('variant', block('deb', { targets: on('chunkserver'), when: [{ fact: 'os', op: '=', value: 'debian' }] })),
    ]);
    const fake = new FakeHosts();
    const facts = async (h: string): Promise<HostFacts> => (h === 'cs1' ? debianFacts : { ...debianFacts, os: 'rhel', osId: 'rocky' });
    const run = createRun(deps(book, fake, { factsFor: facts }));
    const s = await run.settled();
    assert.equal(s.status, 'succeeded');
    assert.deepEqual(
      fake.calls.map((c) => `${c.host}: ${c.script}`),
      ['m2: echo vip m2', 'cs1: deb'],
    );
    assert.deepEqual(
      s.steps[1]!.hosts.map((h) => [h.host, h.status]),
      [
        ['cs1', 'succeeded'],
        ['cs2', 'skipped'],
      ],
    );
  });

  it('manual steps ask for acknowledgement; decisions jump (goto) or hand off to another runbook', async () => {
    const book = runbook([
      manualStep('power'),
      decisionStep('which', [
        { key: 'fix', goto: 'fix' },
        { key: 'other', runbook: 'metalogger-promotion' },
      ]),
      commandStep('not-on-path', block('never')),
      commandStep('fix', block('fix it')),
    ]);
    const fake = new FakeHosts();
    const run = createRun(deps(book, fake));
    await waitPrompt(run, 'acknowledge');
    run.send({ type: 'acknowledge' });
    await waitPrompt(run, 'decide');
    run.send({ type: 'decide', choice: 'nonsense' }); // ignored: not a choice
    assert.equal(run.getState().prompt?.kind, 'decide');
    run.send({ type: 'decide', choice: 'fix' });
    const s = await run.settled();
    assert.equal(s.status, 'succeeded');
    assert.deepEqual(
      fake.calls.map((c) => c.script),
      ['fix it'],
    );
    assert.equal(s.steps[2]!.status, 'pending', 'a step not on the path is left pending');
    assert.equal(s.steps[1]!.choice, 'fix');

    const run2 = createRun(deps(book, new FakeHosts()));
    await waitPrompt(run2, 'acknowledge');
    run2.send({ type: 'acknowledge' });
    await waitPrompt(run2, 'decide');
    run2.send({ type: 'decide', choice: 'other' });
    const s2 = await run2.settled();
    assert.equal(s2.status, 'handed-off');
    assert.equal(s2.nextRunbook, 'metalogger-promotion');
    assert.deepEqual(s2.prompt, { kind: 'finished', status: 'handed-off', nextRunbook: 'metalogger-promotion' });
  });

  it("a hand-off says which choice was taken with the run's values filled in, never raw {{template}} text", async () => {
    const which = decisionStep('next', [{ key: 'rebuild', runbook: 'rebuild-master' }]);
    which.decision!.choices[0]!.label = 'Bring {{inputs.fence}} back as the standby';
    const book = runbook([which], { inputs: [{ name: 'fence', prompt: 'Host to fence', pattern: '[a-z]+[0-9]', pos: { line: 1, column: 1 } }] });
    const run = createRun(deps(book, new FakeHosts(), { inputs: { fence: 'm2' } }));
    await waitPrompt(run, 'decide');
    run.send({ type: 'decide', choice: 'rebuild' });
    const s = await run.settled();
    assert.equal(s.status, 'handed-off');
    assert.equal(s.reason, 'decision next: Bring m2 back as the standby');
    const finished = records(run.journalFile).find((r) => r.type === 'run-finished');
    assert.ok(finished && finished.type === 'run-finished' && finished.reason === 'decision next: Bring m2 back as the standby');
  });

  it('a goto back over several steps runs each of them again, then asks again', async () => {
    const book = runbook([
      commandStep('a', block('A', { targets: on('m1') })),
      commandStep('b', block('B', { targets: on('m1') })),
      decisionStep('again', [
        { key: 'y', goto: 'a' },
        { key: 'n', goto: 'end' },
      ]),
      commandStep('end', block('E', { targets: on('m1') })),
    ]);
    const fake = new FakeHosts();
    const run = createRun(deps(book, fake, { autoConfirm: true }));
    await waitPrompt(run, 'decide');
    run.send({ type: 'decide', choice: 'y' });
    await waitFor(run, (s) => s.prompt?.kind === 'decide' && fake.calls.length === 4, 'the question again after a and b ran again');
    run.send({ type: 'decide', choice: 'n' });
    const s = await run.settled();
    assert.equal(s.status, 'succeeded');
    assert.deepEqual(
      fake.calls.map((c) => c.script),
      ['A', 'B', 'A', 'B', 'E'],
    );
  });

  it('non-interactive: --yes confirms (typed too) and acknowledges; decisions come from the map', async () => {
    const book = runbook([
      commandStep('wipe', block('wipe', { targets: on('m1'), confirm: 'typed' })),
      manualStep('power'),
      decisionStep('which', [
        { key: 'a', goto: 'end' },
        { key: 'b', goto: 'end' },
      ]),
      commandStep('end', block('end')),
    ]);
    const seen: string[] = [];
    const run = createRun(deps(book, new FakeHosts(), { mode: 'non-interactive', autoConfirm: true, decisions: { which: 'b' }, onRecord: (r) => seen.push(r.type) }));
    const s = await run.settled();
    assert.equal(s.status, 'succeeded');
    assert.equal(s.steps[2]!.choice, 'b');
    const conf = records(run.journalFile).find((r) => r.type === 'confirmed');
    assert.deepEqual(conf && [conf.type === 'confirmed' && conf.how, conf.type === 'confirmed' && conf.host], ['auto', 'm1']);
    assert.deepEqual(seen, types(records(run.journalFile)));
  });

  it('non-interactive without --yes fails at the first confirmation, running nothing', async () => {
    const book = runbook([commandStep('s', block('x', { targets: on('m1'), confirm: 'yes' }))]);
    const fake = new FakeHosts();
    const s = await createRun(deps(book, fake, { mode: 'non-interactive' })).settled();
    assert.equal(s.status, 'failed');
    assert.match(s.reason!, /step s: needs an operator to confirm it for m1: run it in a terminal/);
    // --yes is named only as the automation flag, with what it skips; never as the fix.
    assert.match(s.reason!, /--yes, for automation only, confirms every step without asking/);
    assert.doesNotMatch(s.reason!, /pass --yes/);
    assert.equal(fake.calls.length, 0);
  });

  it('parallel=N runs hosts of a batch at once', async () => {
    const book = runbook([commandStep('p', block('hang', { targets: on('all'), parallel: 2 }))]);
    const fake = new FakeHosts().when('hang', { hang: true });
    const run = createRun(deps(book, fake));
    await fake.waitForCalls(2);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(
      fake.calls.map((c) => c.host),
      ['m1', 'm2'],
      'two at a time, not four',
    );
    run.send({ type: 'cancel' });
    const s = await waitPrompt(run, 'failed');
    assert.deepEqual(
      s.steps[0]!.hosts.map((h) => h.status),
      ['cancelled', 'cancelled', 'pending', 'pending'],
    );
  });

  it('bad inputs stop the run before a journal exists', () => {
    const book = runbook([manualStep('a')], {
      inputs: [
        { name: 'host', prompt: 'Which host?', pattern: '[a-z]+[0-9]', pos: { line: 1, column: 1 } },
        { name: 'mode', prompt: 'Mode', choices: ['fast', 'safe'], default: 'safe', pos: { line: 1, column: 1 } },
      ],
    });
    assert.throws(
      () => createRun(deps(book, new FakeHosts(), { inputs: { host: 'M-1', extra: 'x' } })),
      (e: Error) => e instanceof RunSetupError && /input extra: runbook test-book has no such input/.test(e.message) && /input host must match .* \(got "M-1"\)/.test(e.message),
    );
    assert.throws(() => createRun(deps(book, new FakeHosts())), /input host: missing \(Which host\?\)/);
    // In Chinese the whole line is (the 'input' before each problem was English in both).
    setLanguage('zh');
    try {
      assert.throws(() => createRun(deps(book, new FakeHosts())), /: 参数 host：缺少（Which host\?）$/);
    } finally {
      setLanguage('en');
    }
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('a chatty command is coalesced into few output records, and no output is lost', async () => {
    const chunks = Array.from({ length: 5000 }, (_, i) => `${i}\n`);
    const book = runbook([commandStep('chatty', block('chatty'))]);
    const run = createRun(deps(book, new FakeHosts().when('chatty', { stdout: chunks, stderr: 'warn\n' }), { outputFlushMs: 100 }));
    await run.settled();
    const outs = records(run.journalFile).filter((r) => r.type === 'output');
    assert.ok(outs.length <= 5, `${outs.length} output records for 5000 chunks`);
    assert.equal(
      outs
        .filter((r) => r.type === 'output' && r.stream === 'stdout')
        .map((r) => (r as { data: string }).data)
        .join(''),
      chunks.join(''),
    );
    assert.equal(outs.at(-1)!.type === 'output' && outs.at(-1)!.stream, 'stderr');
  });
});

describe('crash and resume', () => {
  const book = runbook([
    commandStep('first', block('first')),
    commandStep('risky', block('risky work', { targets: on('m1'), confirm: 'yes', check: check('verify risky') })),
    commandStep('last', block('last')),
  ]);

  /** Starts a run, lets `risky` start on m1 and print, then drops the controller (the process "dies"). */
  async function crashInRisky(): Promise<string> {
    const fake = new FakeHosts().when('risky work', { hang: true, stdout: ['halfway\n'] });
    const run = createRun(deps(book, fake));
    await waitPrompt(run, 'confirm');
    run.send({ type: 'confirm' });
    await waitFor(run, (s) => s.steps[1]!.hosts[0]?.output === 'halfway\n', 'risky output in the journal');
    run.close();
    return run.runId;
  }

  it('shows the step in doubt with its output; mark-done continues without re-running it', async () => {
    const runId = await crashInRisky();
    const fake = new FakeHosts();
    const run = resumeRun(deps(book, fake), runId);
    const s = await waitPrompt(run, 'in-doubt');
    assert.deepEqual(s.prompt, { kind: 'in-doubt', stepId: 'risky', host: 'm1', canCheck: true });
    assert.equal(s.steps[0]!.status, 'succeeded');
    assert.equal(s.steps[1]!.hosts[0]!.output, 'halfway\n');
    assert.deepEqual(s.changedSteps, []);
    run.send({ type: 'settle', action: 'mark-done' });
    const end = await run.settled();
    assert.equal(end.status, 'succeeded');
    assert.deepEqual(
      fake.calls.map((c) => c.script),
      ['last'],
      'neither first nor risky ran again',
    );
    const recs = records(run.journalFile);
    assert.deepEqual(
      recs.filter((r) => r.type === 'resumed' || r.type === 'in-doubt-resolved').map((r) => (r.type === 'in-doubt-resolved' ? r.action : r.type)),
      ['resumed', 'mark-done'],
    );
  });

  it('check: runs only the check block; passing marks it done', async () => {
    const runId = await crashInRisky();
    const fake = new FakeHosts();
    const run = resumeRun(deps(book, fake), runId);
    await waitPrompt(run, 'in-doubt');
    run.send({ type: 'settle', action: 'check' });
    const end = await run.settled();
    assert.equal(end.status, 'succeeded');
    assert.deepEqual(
      fake.calls.map((c) => c.script),
      ['verify risky', 'last'],
    );
    assert.equal(end.steps[1]!.hosts[0]!.check?.ok, true);
  });

  it('check that fails leads to the failed prompt (retry re-runs the command)', async () => {
    const runId = await crashInRisky();
    const fake = new FakeHosts().when('verify risky', [{ exitCode: 1 }, { exitCode: 0 }]);
    const run = resumeRun(deps(book, fake), runId);
    await waitPrompt(run, 'in-doubt');
    run.send({ type: 'settle', action: 'check' });
    await waitPrompt(run, 'failed');
    run.send({ type: 'retry' });
    await waitPrompt(run, 'confirm');
    run.send({ type: 'confirm' });
    const end = await run.settled();
    assert.equal(end.status, 'succeeded');
    assert.deepEqual(
      fake.calls.map((c) => c.script),
      ['verify risky', 'risky work', 'verify risky', 'last'],
    );
  });

  it('rerun: asks for confirmation again, then runs it as attempt 2', async () => {
    const runId = await crashInRisky();
    const fake = new FakeHosts();
    const run = resumeRun(deps(book, fake), runId);
    await waitPrompt(run, 'in-doubt');
    run.send({ type: 'settle', action: 'rerun' });
    await waitPrompt(run, 'confirm');
    assert.equal(fake.calls.length, 0);
    run.send({ type: 'confirm' });
    await run.settled();
    assert.deepEqual(
      fake.calls.map((c) => c.script),
      ['risky work', 'verify risky', 'last'],
    );
    const starts = records(run.journalFile).filter((r) => r.type === 'step-started' && r.stepId === 'risky' && r.phase === 'command');
    assert.deepEqual(
      starts.map((r) => (r as { attempt: number }).attempt),
      [1, 2],
    );
  });

  it('abort: records the settlement and ends the run; a finished run cannot be resumed', async () => {
    const runId = await crashInRisky();
    const run = resumeRun(deps(book, new FakeHosts()), runId);
    await waitPrompt(run, 'in-doubt');
    run.send({ type: 'settle', action: 'abort' });
    const end = await run.settled();
    assert.equal(end.status, 'aborted');
    assert.throws(() => resumeRun(deps(book, new FakeHosts()), runId), /already finished \(aborted\)/);
  });

  it('a crash in the middle of writing a record (torn line) is cut off and reported', async () => {
    const runId = await crashInRisky();
    const file = path.join(dir, `${runId}.jsonl`);
    fs.appendFileSync(file, '{"seq":99,"ts":"2026-1');
    const run = resumeRun(deps(book, new FakeHosts()), runId);
    assert.equal(run.tornLine?.text, '{"seq":99,"ts":"2026-1');
    await waitPrompt(run, 'in-doubt');
    assert.deepEqual(readJournal(file).problems, []);
    run.send({ type: 'abort' });
    await run.settled();
  });

  it('says which steps changed since the run started; refuses another runbook’s run', async () => {
    const runId = await crashInRisky();
    const changed = { ...book, steps: book.steps.map((s) => (s.id === 'last' ? { ...s, hash: 'new' } : s)) };
    const run = resumeRun(deps(changed, new FakeHosts()), runId);
    const s = await waitPrompt(run, 'in-doubt');
    assert.deepEqual(s.changedSteps, ['last']);
    const resumed = records(run.journalFile).find((r) => r.type === 'resumed');
    assert.deepEqual(resumed?.type === 'resumed' && resumed.changedSteps, ['last']);
    run.send({ type: 'abort' });
    await run.settled();
    const runId2 = await crashInRisky();
    assert.throws(() => resumeRun(deps({ ...book, id: 'other' }, new FakeHosts()), runId2), /is of runbook test-book, not other/);
  });

  it('non-interactive resume stops at an in-doubt step unless told how to settle it', async () => {
    const runId = await crashInRisky();
    const run = resumeRun(deps(book, new FakeHosts(), { mode: 'non-interactive', autoConfirm: true }), runId);
    const s = await run.settled();
    assert.equal(s.status, 'running');
    assert.equal(s.prompt?.kind, 'in-doubt');
    run.close();
    const fake = new FakeHosts();
    const s2 = await resumeRun(deps(book, fake, { mode: 'non-interactive', autoConfirm: true, settle: 'check' }), runId).settled();
    assert.equal(s2.status, 'succeeded');
    assert.deepEqual(
      fake.calls.map((c) => c.script),
      ['verify risky', 'last'],
    );
  });

  it('a crash between hosts: the done host is not repeated, the next one runs after a new confirmation', async () => {
    const multi = runbook([commandStep('each', block('work', { targets: on('chunkserver'), confirm: 'yes' }))]);
    const fake = new FakeHosts().when('work', [{}, { hang: true }]);
    const run = createRun(deps(multi, fake));
    await waitPrompt(run, 'confirm');
    run.send({ type: 'confirm' });
    await fake.waitForCalls(2);
    run.close();
    // Cut the journal back to just before cs2 started: the process died between hosts.
    const lines = fs.readFileSync(run.journalFile, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(run.journalFile, `${lines.filter((l) => !l.includes('"host":"cs2"')).join('\n')}\n`);
    const fake2 = new FakeHosts();
    const again = resumeRun(deps(multi, fake2), run.runId);
    const s = await waitPrompt(again, 'confirm');
    assert.deepEqual(
      s.steps[0]!.hosts.map((h) => [h.host, h.status]),
      [
        ['cs1', 'succeeded'],
        ['cs2', 'pending'],
      ],
    );
    again.send({ type: 'confirm' });
    const end = await again.settled();
    assert.equal(end.status, 'succeeded');
    assert.deepEqual(
      fake2.calls.map((c) => c.host),
      ['cs2'],
    );
  });

  it('parallel: settling an in-doubt host does not silently re-run a host that had failed', async () => {
    const par = runbook([commandStep('p', block('work', { targets: on('chunkserver'), parallel: 2 }))]);
    const fake = new FakeHosts().when('work', [{ exitCode: 4 }, { hang: true }]);
    const run = createRun(deps(par, fake));
    await fake.waitForCalls(2);
    await waitFor(run, (s) => s.steps[0]!.hosts[0]?.status === 'failed', 'cs1 failed');
    run.close();
    const fake2 = new FakeHosts();
    const again = resumeRun(deps(par, fake2), run.runId);
    const s = await waitPrompt(again, 'in-doubt');
    assert.equal(s.prompt?.kind === 'in-doubt' && s.prompt.host, 'cs2');
    again.send({ type: 'settle', action: 'mark-done' });
    const f = await waitPrompt(again, 'failed');
    assert.equal(f.prompt?.kind === 'failed' && f.prompt.host, 'cs1');
    assert.equal(fake2.calls.length, 0);
    again.send({ type: 'retry' });
    assert.equal((await again.settled()).status, 'succeeded');
    assert.deepEqual(
      fake2.calls.map((c) => c.host),
      ['cs1'],
    );
  });

  it('refusing a confirmation runs nothing and offers retry (ask again), skip or abort', async () => {
    const one = runbook([commandStep('s', block('x', { targets: on('m1'), confirm: 'yes' }))]);
    const fake = new FakeHosts();
    const run = createRun(deps(one, fake));
    await waitPrompt(run, 'confirm');
    run.send({ type: 'refuse' });
    const s = await waitPrompt(run, 'failed');
    assert.equal((s.prompt as { reason: string }).reason, 'not confirmed by the operator');
    run.send({ type: 'retry' });
    await waitPrompt(run, 'confirm');
    run.send({ type: 'confirm' });
    assert.equal((await run.settled()).status, 'succeeded');
    assert.equal(fake.calls.length, 1);
    assert.deepEqual(
      records(run.journalFile)
        .filter((r) => r.type === 'refused' || r.type === 'confirmed')
        .map((r) => r.type),
      ['refused', 'confirmed'],
    );
  });

  it('a crash after the command succeeded but before its check runs the check on resume, unasked', async () => {
    const fake = new FakeHosts().when('verify risky', { hang: true });
    const run = createRun(deps(book, fake, { autoConfirm: true }));
    await fake.waitForCalls(3); // first, risky work, verify risky
    run.close();
    // Cut the journal back to just before the check started.
    const file = run.journalFile;
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const keep = lines.filter((l) => !l.includes('"phase":"check"'));
    fs.writeFileSync(file, `${keep.join('\n')}\n`);
    const fake2 = new FakeHosts();
    const s = await resumeRun(deps(book, fake2, { autoConfirm: true }), run.runId).settled();
    assert.equal(s.status, 'succeeded');
    assert.deepEqual(
      fake2.calls.map((c) => c.script),
      ['verify risky', 'last'],
    );
  });
});
