import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedSteps, initialState, markInDoubt, reduce, replay, keepOutputTail } from '../../../src/engine/reduce.ts';
import type { JournalRecord, NewRecord } from '../../../src/journal/types.ts';
import { block, commandStep, decisionStep, manualStep, on, runbook } from '../../support/engine-fixtures.ts';

const book = runbook([
  commandStep('probe', block('uptime', { targets: on('chunkserver') })),
  commandStep('restart', block('systemctl restart x', { targets: on('m1'), check: { script: 'pgrep x', timeoutMs: 1000, expectExit: [0], pos: { line: 1, column: 1 } } })),
  manualStep('power'),
  decisionStep('which', [
    { key: 'a', goto: 'end' },
    { key: 'b', runbook: 'other' },
  ]),
  manualStep('skipped-over'),
  manualStep('end'),
]);

function journal(...recs: NewRecord[]): JournalRecord[] {
  return recs.map((r, i) => ({ seq: i + 1, ts: `2026-11-25T19:00:${String(i).padStart(2, '0')}.000Z`, ...r }) as JournalRecord);
}

const start: NewRecord = {
  type: 'run-started',
  runId: 'r1',
  runbook: { id: 'test-book', title: 'Test book', file: '/f', hash: 'x', steps: book.steps.map((s) => ({ id: s.id, hash: s.hash })) },
  inventory: { file: '/i', hash: 'y', cluster: 'c' },
  inputs: {},
  operator: 'alice',
  machine: 'm',
  mode: 'interactive',
};

const started = (stepId: string, host: string, extra: object = {}): NewRecord =>
  ({ type: 'step-started', stepId, host, phase: 'command', command: `cmd ${stepId}`, attempt: 1, ...extra }) as NewRecord;
const finished = (stepId: string, host: string, ok = true, extra: object = {}): NewRecord =>
  ({ type: 'step-finished', stepId, host, phase: 'command', exitCode: ok ? 0 : 3, durationMs: 12, ok, reason: ok ? undefined : 'exit 3, expected 0', ...extra }) as NewRecord;

describe('reduce / replay', () => {
  it('run-started sets up every step pending, cursor at the first', () => {
    const s = replay(journal(start), book);
    assert.equal(s.runId, 'r1');
    assert.equal(s.startedAt, '2026-11-25T19:00:00.000Z');
    assert.equal(s.cursor, 0);
    assert.equal(s.status, 'running');
    assert.deepEqual(
      s.steps.map((x) => x.status),
      ['pending', 'pending', 'pending', 'pending', 'pending', 'pending'],
    );
  });

  it('a multi-host step is done only when every target host is, then the cursor moves', () => {
    const recs = journal(
      start,
      { type: 'confirmed', stepId: 'probe', how: 'yes' },
      started('probe', 'cs1', { targets: ['cs1', 'cs2'] }),
      { type: 'output', stepId: 'probe', host: 'cs1', phase: 'command', stream: 'stdout', data: 'up 3 days\n' },
      finished('probe', 'cs1'),
    );
    let s = replay(recs, book);
    assert.equal(s.steps[0]!.status, 'running');
    assert.deepEqual(
      s.steps[0]!.hosts.map((h) => [h.host, h.status]),
      [
        ['cs1', 'succeeded'],
        ['cs2', 'pending'],
      ],
    );
    assert.equal(s.steps[0]!.hosts[0]!.output, 'up 3 days\n');
    assert.equal(s.steps[0]!.hosts[0]!.exitCode, 0);
    assert.equal(s.cursor, 0);
    s = replay([...recs, ...journal(started('probe', 'cs2'), finished('probe', 'cs2')).map((r, i) => ({ ...r, seq: recs.length + i + 1 }))], book);
    assert.equal(s.steps[0]!.status, 'succeeded');
    assert.equal(s.steps[0]!.startedAt, '2026-11-25T19:00:02.000Z');
    assert.ok(s.steps[0]!.finishedAt);
    assert.equal(s.cursor, 1);
  });

  it('a failed host fails the step and keeps the cursor; a retry starts a new attempt with fresh output', () => {
    const base = [
      start,
      started('probe', 'cs1', { targets: ['cs1'] }),
      { type: 'output', stepId: 'probe', host: 'cs1', phase: 'command', stream: 'stderr', data: 'boom\n' } as NewRecord,
      finished('probe', 'cs1', false),
    ];
    let s = replay(journal(...base), book);
    assert.equal(s.steps[0]!.status, 'failed');
    assert.equal(s.steps[0]!.hosts[0]!.reason, 'exit 3, expected 0');
    assert.equal(s.steps[0]!.hosts[0]!.output, 'boom\n');
    assert.equal(s.cursor, 0);
    s = replay(journal(...base, started('probe', 'cs1', { attempt: 2 })), book);
    assert.equal(s.steps[0]!.hosts[0]!.status, 'in-doubt', 'replay ends with it running: in doubt');
    assert.equal(s.steps[0]!.hosts[0]!.output, '');
    assert.equal(s.steps[0]!.hosts[0]!.attempts, 2);
    s = replay(journal(...base, started('probe', 'cs1', { attempt: 2 }), finished('probe', 'cs1')), book);
    assert.equal(s.steps[0]!.status, 'succeeded');
    assert.equal(s.cursor, 1);
  });

  it('a command with a check stays running until the check passes; a failed check fails the step', () => {
    const pre = [start, started('probe', 'cs1', { targets: ['cs1'] }), finished('probe', 'cs1')];
    const cmd = [...pre, started('restart', 'm1', { targets: ['m1'], hasCheck: true }), finished('restart', 'm1')];
    let s = replay(journal(...cmd), book);
    assert.equal(s.steps[1]!.hosts[0]!.status, 'running', 'the check is still to run');
    assert.equal(s.steps[1]!.hosts[0]!.phase, 'check');
    assert.equal(s.cursor, 1);
    const checkStarted = { type: 'step-started', stepId: 'restart', host: 'm1', phase: 'check', command: 'pgrep x', attempt: 1 } as NewRecord;
    const checkOut = { type: 'output', stepId: 'restart', host: 'm1', phase: 'check', stream: 'stdout', data: '4242\n' } as NewRecord;
    s = replay(journal(...cmd, checkStarted, checkOut, finished('restart', 'm1', true, { phase: 'check' })), book);
    assert.equal(s.steps[1]!.status, 'succeeded');
    assert.deepEqual(s.steps[1]!.hosts[0]!.check, { ok: true, exitCode: 0, output: '4242\n', reason: undefined });
    assert.equal(s.cursor, 2);
    s = replay(journal(...cmd, checkStarted, finished('restart', 'm1', false, { phase: 'check', exitCode: 1, reason: 'exit 1, expected 0' })), book);
    assert.equal(s.steps[1]!.status, 'failed');
    assert.equal(s.steps[1]!.hosts[0]!.reason, 'check failed: exit 1, expected 0');
  });

  it('a step started but never finished is in doubt at the end of a replay, with its output', () => {
    const s = replay(journal(start, started('probe', 'cs1', { targets: ['cs1', 'cs2'] }), { type: 'output', stepId: 'probe', host: 'cs1', phase: 'command', stream: 'stdout', data: 'half' }), book);
    assert.equal(s.steps[0]!.status, 'in-doubt');
    assert.equal(s.steps[0]!.hosts[0]!.status, 'in-doubt');
    assert.equal(s.steps[0]!.hosts[0]!.output, 'half');
    assert.equal(s.steps[0]!.hosts[1]!.status, 'pending');
  });

  it('a check that never started after its command succeeded is not in doubt', () => {
    const s = replay(
      journal(start, started('probe', 'cs1', { targets: ['cs1'] }), finished('probe', 'cs1'), started('restart', 'm1', { targets: ['m1'], hasCheck: true }), finished('restart', 'm1')),
      book,
    );
    assert.equal(s.steps[1]!.hosts[0]!.status, 'running');
    assert.equal(markInDoubt(s), s);
  });

  it('resumed marks running hosts in doubt and records changed steps; settlements resolve them', () => {
    const pre = [start, started('probe', 'cs1', { targets: ['cs1'] }), { type: 'resumed', pid: 9, changedSteps: ['restart'], operator: 'bob' } as NewRecord];
    const s = replay(journal(...pre), book);
    assert.deepEqual(s.changedSteps, ['restart']);
    assert.equal(s.steps[0]!.status, 'in-doubt');
    const done = replay(journal(...pre, { type: 'in-doubt-resolved', stepId: 'probe', host: 'cs1', action: 'mark-done' }), book);
    assert.equal(done.steps[0]!.status, 'succeeded');
    assert.equal(done.steps[0]!.hosts[0]!.reason, 'marked done by the operator');
    assert.equal(done.cursor, 1);
    const rerun = replay(journal(...pre, { type: 'in-doubt-resolved', stepId: 'probe', host: 'cs1', action: 'rerun' }), book);
    assert.equal(rerun.steps[0]!.hosts[0]!.status, 'pending');
    assert.equal(rerun.steps[0]!.status, 'running');
    const check = replay(journal(...pre, { type: 'in-doubt-resolved', stepId: 'probe', host: 'cs1', action: 'check' }), book);
    assert.equal(check.steps[0]!.hosts[0]!.status, 'running');
    assert.equal(check.steps[0]!.hosts[0]!.phase, 'check');
    const abort = replay(journal(...pre, { type: 'in-doubt-resolved', stepId: 'probe', host: 'cs1', action: 'abort' }, { type: 'run-finished', status: 'aborted', reason: 'x' }), book);
    assert.equal(abort.status, 'aborted');
    assert.equal(abort.steps[0]!.hosts[0]!.status, 'in-doubt');
    assert.equal(abort.reason, 'x');
  });

  it('cancelled (operator or timeout) and skipped records', () => {
    const s = replay(
      journal(start, started('probe', 'cs1', { targets: ['cs1'] }), { type: 'step-cancelled', stepId: 'probe', host: 'cs1', phase: 'command', reason: 'timeout', durationMs: 30_000 }),
      book,
    );
    assert.equal(s.steps[0]!.status, 'cancelled');
    assert.equal(s.steps[0]!.hosts[0]!.reason, 'timed out after 30 s');
    const op = replay(
      journal(start, started('probe', 'cs1', { targets: ['cs1'] }), { type: 'step-cancelled', stepId: 'probe', host: 'cs1', phase: 'command', reason: 'operator', durationMs: 5 }),
      book,
    );
    assert.equal(op.steps[0]!.hosts[0]!.reason, 'cancelled by the operator');
    const skipped = replay(
      journal(start, started('probe', 'cs1', { targets: ['cs1', 'cs2'] }), finished('probe', 'cs1', false), { type: 'step-skipped', stepId: 'probe', by: 'operator', reason: 'nah' }),
      book,
    );
    assert.equal(skipped.steps[0]!.status, 'skipped');
    assert.deepEqual(
      skipped.steps[0]!.hosts.map((h) => h.status),
      ['failed', 'skipped'],
    );
    assert.equal(skipped.cursor, 1);
  });

  it('a host skipped by condition before the step has its targets does not finish the step', () => {
    const rec1 = journal(start, { type: 'step-skipped', stepId: 'probe', host: 'cs1', by: 'condition', reason: 'no variant fits' });
    let s = replay(rec1, book);
    assert.equal(s.cursor, 0);
    s = replay(
      journal(start, { type: 'step-skipped', stepId: 'probe', host: 'cs1', by: 'condition', reason: 'r' }, started('probe', 'cs2', { targets: ['cs1', 'cs2'] }), finished('probe', 'cs2')),
      book,
    );
    assert.equal(s.steps[0]!.status, 'succeeded');
    assert.equal(s.cursor, 1);
    const all = replay(journal(start, { type: 'step-skipped', stepId: 'probe', by: 'condition', reason: 'no variant fits any host' }), book);
    assert.equal(all.steps[0]!.status, 'skipped');
    assert.equal(all.cursor, 1);
  });

  it('acknowledged, decided with goto (steps between stay pending) and handoff', () => {
    const pre = [
      start,
      { type: 'step-skipped', stepId: 'probe', by: 'operator', reason: 'x' } as NewRecord,
      { type: 'step-skipped', stepId: 'restart', by: 'operator', reason: 'x' } as NewRecord,
      { type: 'acknowledged', stepId: 'power' } as NewRecord,
    ];
    let s = replay(journal(...pre), book);
    assert.equal(s.steps[2]!.status, 'succeeded');
    assert.equal(s.cursor, 3);
    s = replay(journal(...pre, { type: 'decided', stepId: 'which', choice: 'a', goto: 'end' }), book);
    assert.equal(s.steps[3]!.choice, 'a');
    assert.equal(s.cursor, 5);
    assert.equal(s.steps[4]!.status, 'pending');
    s = replay(journal(...pre, { type: 'decided', stepId: 'which', choice: 'b', runbook: 'other' }), book);
    assert.equal(s.cursor, book.steps.length, 'nothing more of this runbook runs, even before run-finished');
    assert.equal(s.nextRunbook, 'other');
    s = replay(journal(...pre, { type: 'decided', stepId: 'which', choice: 'b', runbook: 'other' }, { type: 'run-finished', status: 'handed-off', nextRunbook: 'other' }), book);
    assert.equal(s.status, 'handed-off');
    assert.equal(s.nextRunbook, 'other');
    assert.ok(s.finishedAt);
  });

  it('a goto back to a finished step starts it afresh (a loop)', () => {
    const loop = runbook([
      manualStep('a'),
      decisionStep('again', [
        { key: 'y', goto: 'a' },
        { key: 'n', goto: 'z' },
      ]),
      manualStep('z'),
    ]);
    const s = replay(journal(start, { type: 'acknowledged', stepId: 'a' }, { type: 'decided', stepId: 'again', choice: 'y', goto: 'a' }), loop);
    assert.equal(s.cursor, 0);
    assert.equal(s.steps[0]!.status, 'pending');
  });

  it('a goto back over several finished steps starts each of them afresh', () => {
    const loop = runbook([manualStep('a'), manualStep('b'), decisionStep('again', [{ key: 'y', goto: 'a' }]), manualStep('z')]);
    const s = replay(journal(start, { type: 'acknowledged', stepId: 'a' }, { type: 'acknowledged', stepId: 'b' }, { type: 'decided', stepId: 'again', choice: 'y', goto: 'a' }), loop);
    assert.equal(s.cursor, 0);
    assert.deepEqual(
      s.steps.map((x) => x.status),
      ['pending', 'pending', 'succeeded', 'pending'],
    );
  });

  it('a preconditions record for a finished step the run has moved past leaves it finished', () => {
    const checked: NewRecord = { type: 'preconditions', stepId: 'probe', results: [{ name: 'vip-held', met: false, detail: 'nobody holds the VIP' }], outcome: 'warned', dangerous: false };
    const s = replay(journal(start, started('probe', 'cs1', { targets: ['cs1'] }), finished('probe', 'cs1'), checked), book);
    assert.equal(s.cursor, 1);
    assert.equal(s.steps[0]!.status, 'succeeded');
    assert.deepEqual(
      s.steps[0]!.hosts.map((h) => [h.host, h.status]),
      [['cs1', 'succeeded']],
    );
  });

  it('a preconditions record for a finished step under the cursor starts a new pass (a loop came back over it)', () => {
    const loop = runbook([commandStep('a', block('true', { targets: on('m1') })), commandStep('b', block('true', { targets: on('m1') })), decisionStep('again', [{ key: 'y', goto: 'a' }])]);
    const checked: NewRecord = { type: 'preconditions', stepId: 'b', results: [{ name: 'vip-held', met: true, detail: 'm1' }], outcome: 'met', dangerous: false };
    const s = replay(
      journal(
        start,
        started('a', 'm1', { targets: ['m1'] }),
        finished('a', 'm1'),
        started('b', 'm1', { targets: ['m1'] }),
        finished('b', 'm1'),
        { type: 'decided', stepId: 'again', choice: 'y', goto: 'a' },
        started('a', 'm1', { targets: ['m1'] }),
        finished('a', 'm1'),
        checked,
      ),
      loop,
    );
    assert.equal(s.cursor, 1);
    assert.equal(s.steps[1]!.status, 'pending');
    assert.equal(s.steps[1]!.preconditions?.outcome, 'met');
  });

  it('records of steps the runbook no longer has are ignored; confirmations change nothing', () => {
    const s0 = replay(journal(start), book);
    const s1 = reduce(s0, { seq: 2, ts: 't', type: 'acknowledged', stepId: 'gone' }, book);
    assert.equal(s1, s0);
    assert.equal(reduce(s0, { seq: 2, ts: 't', type: 'confirmed', stepId: 'probe', how: 'typed', typed: 'cs1' }, book), s0);
    assert.equal(reduce(s0, { seq: 2, ts: 't', type: 'refused', stepId: 'probe', reason: 'no' }, book), s0);
  });

  it('reduce is pure: the old state is untouched', () => {
    const s0 = replay(journal(start), book);
    const frozen = JSON.stringify(s0);
    reduce(s0, { seq: 2, ts: 't', ...started('probe', 'cs1', { targets: ['cs1'] }) } as JournalRecord, book);
    assert.equal(JSON.stringify(s0), frozen);
    assert.equal(initialState(book).steps.length, 6);
  });

  it('keeps only the last 200 lines of output per host in the state', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i}\n`);
    const recs = journal(
      start,
      started('probe', 'cs1', { targets: ['cs1'] }),
      ...lines.map((data) => ({ type: 'output', stepId: 'probe', host: 'cs1', phase: 'command', stream: 'stdout', data }) as NewRecord),
    );
    const out = replay(recs, book).steps[0]!.hosts[0]!.output;
    assert.equal(out.split('\n').length - 1, 200);
    assert.ok(out.startsWith('line 300\n'));
    assert.equal(keepOutputTail('a\nb\nc', 2), 'b\nc');
  });

  it('changedSteps lists steps with a different hash, new ones and removed ones', () => {
    const rs = {
      ...start,
      seq: 1,
      ts: 't',
      runbook: {
        ...(start as { runbook: object }).runbook,
        steps: [
          { id: 'probe', hash: 'h-probe' },
          { id: 'restart', hash: 'OLD' },
          { id: 'gone', hash: 'g' },
        ],
      },
    } as Extract<JournalRecord, { type: 'run-started' }>;
    assert.deepEqual(changedSteps(rs, book), ['restart', 'power', 'which', 'skipped-over', 'end', 'gone']);
  });
});
