import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { findRun, listRuns } from '../../../src/journal/list.ts';
import { parseJournal, readJournal } from '../../../src/journal/read.ts';
import type { NewRecord } from '../../../src/journal/types.ts';
import { JournalError, JournalWriter, createJournal, newRunId, openJournal } from '../../../src/journal/writer.ts';
import { runsDir, stateDir } from '../../../src/state/paths.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-journal-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function started(runId: string): NewRecord {
  return {
    type: 'run-started',
    runId,
    runbook: { id: 'health-check', title: 'Health check', file: '/r/health-check.md', hash: 'abc', steps: [{ id: 's1', hash: 'h1' }] },
    inventory: { file: '/i.yaml', hash: 'def', cluster: 'lab' },
    inputs: { x: '1' },
    operator: 'alice',
    machine: 'laptop',
    mode: 'interactive',
  };
}

describe('JournalWriter', () => {
  it('creates the file with mode 0600 even under a permissive umask', () => {
    const old = process.umask(0o000);
    try {
      const w = createJournal('20261125-193012-health-check-ab12', dir);
      w.append(started(w.runId));
      w.close();
      assert.equal(fs.statSync(w.file).mode & 0o777, 0o600);
    } finally {
      process.umask(old);
    }
  });

  it('has each record on disk, one per line, fsynced, before append returns', () => {
    const fsyncs = mock.method(fs, 'fsyncSync');
    try {
      const w = createJournal('r1', dir);
      const recs = [started('r1'), { type: 'acknowledged', stepId: 's1' } as NewRecord, { type: 'run-finished', status: 'succeeded' } as NewRecord];
      recs.forEach((r, i) => {
        const full = w.append(r);
        assert.equal(full.seq, i + 1);
        assert.equal(fsyncs.mock.callCount(), i + 1, 'one fsync per record');
        const lines = fs.readFileSync(w.file, 'utf8').split('\n');
        assert.equal(lines.length, i + 2, 'every record ends with a newline');
        assert.deepEqual(JSON.parse(lines[i]!), full);
      });
      w.close();
    } finally {
      fsyncs.mock.restore();
    }
  });

  it('refuses to create a journal that exists, and to write after close', () => {
    const w = createJournal('r2', dir);
    w.close();
    assert.throws(() => createJournal('r2', dir));
    assert.throws(() => w.append(started('r2')), JournalError);
  });

  it('rejects run ids that would escape the folder', () => {
    assert.throws(() => createJournal('../evil', dir), /bad run id/);
  });

  it('opens for append continuing seq, cutting a torn last line first', () => {
    const w = createJournal('r3', dir);
    w.append(started('r3'));
    w.append({ type: 'acknowledged', stepId: 's1' });
    w.close();
    fs.appendFileSync(w.file, '{"seq":3,"ts":"2026-11-25T19:00:00.000Z","type":"out');
    const { writer, read } = openJournal('r3', dir);
    assert.deepEqual(read.torn, { line: 3, text: '{"seq":3,"ts":"2026-11-25T19:00:00.000Z","type":"out' });
    assert.equal(read.records.length, 2);
    const rec = writer.append({ type: 'resumed', pid: 1, changedSteps: [], operator: 'bob' });
    writer.close();
    assert.equal(rec.seq, 3);
    const again = readJournal(w.file);
    assert.deepEqual(again.problems, []);
    assert.equal(again.torn, undefined);
    assert.deepEqual(
      again.records.map((r) => r.type),
      ['run-started', 'acknowledged', 'resumed'],
    );
  });

  it('keeps a whole last record that lost only its newline', () => {
    const w = createJournal('r4', dir);
    w.append(started('r4'));
    w.close();
    fs.writeFileSync(w.file, fs.readFileSync(w.file, 'utf8').trimEnd());
    const { writer, read } = openJournal('r4', dir);
    assert.equal(read.torn, undefined);
    writer.append({ type: 'acknowledged', stepId: 's1' });
    writer.close();
    assert.deepEqual(
      readJournal(w.file).records.map((r) => r.seq),
      [1, 2],
    );
  });

  it('refuses to open a damaged journal, naming the line', () => {
    const w = createJournal('r5', dir);
    w.append(started('r5'));
    w.close();
    fs.appendFileSync(w.file, 'garbage\n{"seq":3,"ts":"x","type":"acknowledged","stepId":"s1"}\n');
    assert.throws(
      () => openJournal('r5', dir),
      (e: Error) => e instanceof JournalError && e.message.includes(`${w.file}:2: not valid JSON`),
    );
  });

  it('says which run is missing', () => {
    assert.throws(() => openJournal('nope', dir), /no run 'nope'/);
  });
});

describe('parseJournal', () => {
  const line = (o: object) => JSON.stringify(o);
  const r1 = {
    seq: 1,
    ts: 't1',
    type: 'run-started',
    runId: 'r',
    runbook: { id: 'x', title: 'X', file: '/rb/x.md', hash: 'h', steps: [{ id: 'a', hash: 'h' }] },
    inventory: { file: '/inv.yaml', hash: 'h', cluster: 'c' },
    inputs: {},
    operator: 'op',
    machine: 'box',
    mode: 'non-interactive',
  };
  const r2 = { seq: 2, ts: 't2', type: 'acknowledged', stepId: 'a' };

  it('reads whole records and reports a torn last line without failing', () => {
    const text = `${line(r1)}\n${line(r2)}\n{"seq":3,"ts":"t3","ty`;
    const r = parseJournal(text, 'j.jsonl');
    assert.equal(r.records.length, 2);
    assert.deepEqual(r.torn, { line: 3, text: '{"seq":3,"ts":"t3","ty' });
    assert.deepEqual(r.problems, []);
    assert.equal(r.goodBytes, Buffer.byteLength(`${line(r1)}\n${line(r2)}\n`));
  });

  it('counts bytes, not characters, for where appending resumes', () => {
    const r2u = { ...r2, stepId: 'žluťoučký' };
    const text = `${line(r1)}\n${line(r2u)}\n{"tor`;
    assert.equal(parseJournal(text, 'j').goodBytes, Buffer.byteLength(`${line(r1)}\n${line(r2u)}\n`));
  });

  it('a bad line in the middle is an error naming file and line', () => {
    const r = parseJournal(`${line(r1)}\n{oops\n${line(r2)}\n`, 'j.jsonl');
    assert.deepEqual(r.problems, ['j.jsonl:2: not valid JSON: {oops']);
  });

  it('flags unknown record types, missing seq and gaps', () => {
    assert.match(parseJournal(`${line(r1)}\n${line({ seq: 2, ts: 't', type: 'weird' })}\n`, 'j').problems[0]!, /j:2: unknown record type "weird"/);
    assert.match(parseJournal(`${line(r1)}\n${line({ ts: 't', type: 'acknowledged' })}\n`, 'j').problems[0]!, /j:2: no seq/);
    assert.match(parseJournal(`${line(r1)}\n${line({ ...r2, seq: 4 })}\n`, 'j').problems[0]!, /seq 4 follows seq 1: records are missing/);
  });

  // A journal is replayed and its job fields reach remote commands on resume: a record of the
  // wrong shape (edited, or damaged) is damage at its line, never trusted nor a crash later.
  it('a record of a known type but the wrong shape is damage at its line', () => {
    const job = { id: 'r.a.h1.1.command', pgid: 4242, startTime: '123', bootId: 'b-1', recorder: 4241, dir: '/run/mfs-tui-0' };
    const started = { seq: 2, ts: 't', type: 'job-started', stepId: 'a', host: 'h1', phase: 'command', job };
    assert.deepEqual(parseJournal(`${line(r1)}\n${line(started)}\n`, 'j').problems, []);
    const bad: [object, RegExp][] = [
      [{ ...started, job: { ...job, id: 'x"; touch /tmp/pwned; "' } }, /j:2: bad job-started record: job\.id: a job id/],
      [{ ...started, job: { ...job, id: '../../etc/x' } }, /job\.id/],
      [{ ...started, job: { ...job, pgid: '1; reboot' } }, /job\.pgid/],
      [{ ...started, job: { ...job, pgid: 1 } }, /job\.pgid: a process group id above 1/],
      [{ ...started, job: { ...job, dir: 'relative' } }, /job\.dir/],
      [{ ...started, job: { ...job, startTime: '1 2' } }, /job\.startTime/],
      [{ ...r2, stepId: 7 }, /j:2: bad acknowledged record: stepId/],
      [{ seq: 2, ts: 't', type: 'output', stepId: 'a', host: 'h1', phase: 'command', stream: 'stdout', data: { x: 1 } }, /bad output record: data/],
      [{ seq: 2, ts: 't', type: 'confirmed', stepId: 'a', how: 'whatever' }, /bad confirmed record: how/],
    ];
    for (const [rec, re] of bad) assert.match(parseJournal(`${line(r1)}\n${line(rec)}\n`, 'j').problems.join('\n'), re);
    assert.match(parseJournal(`${line({ ...r1, runbook: { ...r1.runbook, steps: 5 } })}\n`, 'j').problems[0]!, /j:1: bad run-started record: runbook\.steps/);
    assert.match(parseJournal(`${line({ ...r1, inputs: null })}\n`, 'j').problems[0]!, /j:1: bad run-started record: inputs/);
  });

  it('the first record must be run-started', () => {
    assert.match(parseJournal(`${line({ ...r2, seq: 1 })}\n`, 'j').problems[0]!, /j:1: the first record is acknowledged/);
  });
});

describe('run ids and the runs folder', () => {
  it('run ids sort by start time and name the runbook', () => {
    const a = newRunId('health-check', new Date('2026-11-25T19:30:12Z'));
    const b = newRunId('health-check', new Date('2026-11-25T19:30:13Z'));
    assert.match(a, /^20261125-193012-health-check-[0-9a-f]{4}$/);
    assert.ok(a < b);
    assert.match(newRunId('Weird Name!/x'), /-weird-name-x-[0-9a-f]{4}$/);
  });

  it('stateDir follows MFS_TUI_STATE_DIR, then XDG_STATE_HOME, with mode 0700', () => {
    const saved = { s: process.env.MFS_TUI_STATE_DIR, x: process.env.XDG_STATE_HOME };
    try {
      process.env.MFS_TUI_STATE_DIR = path.join(dir, 'explicit');
      assert.equal(stateDir(), path.join(dir, 'explicit'));
      assert.equal(runsDir(), path.join(dir, 'explicit', 'runs'));
      assert.equal(fs.statSync(runsDir()).mode & 0o777, 0o700);
      delete process.env.MFS_TUI_STATE_DIR;
      process.env.XDG_STATE_HOME = path.join(dir, 'xdg');
      assert.equal(stateDir(), path.join(dir, 'xdg', 'mfs-tui'));
      assert.equal(fs.statSync(stateDir()).mode & 0o777, 0o700);
    } finally {
      if (saved.s === undefined) delete process.env.MFS_TUI_STATE_DIR;
      else process.env.MFS_TUI_STATE_DIR = saved.s;
      if (saved.x === undefined) delete process.env.XDG_STATE_HOME;
      else process.env.XDG_STATE_HOME = saved.x;
    }
  });

  it('listRuns tells finished from unfinished runs, newest first, despite a torn tail', () => {
    const a = JournalWriter.create('20261125-100000-health-check-aaaa', dir);
    a.append(started(a.runId), new Date('2026-11-25T10:00:00Z'));
    a.append({ type: 'run-finished', status: 'succeeded' }, new Date('2026-11-25T10:05:00Z'));
    a.close();
    const b = JournalWriter.create('20261125-110000-health-check-bbbb', dir);
    b.append(started(b.runId), new Date('2026-11-25T11:00:00Z'));
    b.append({ type: 'acknowledged', stepId: 's1' }, new Date('2026-11-25T11:01:00Z'));
    b.close();
    fs.appendFileSync(b.file, '{"seq":3,"ts":"2026-11-25T11:0');
    fs.writeFileSync(path.join(dir, 'junk.jsonl'), 'not a journal\n');
    const all = listRuns(dir);
    // A journal whose first line is no run-started record is listed as damaged, never dropped.
    assert.deepEqual(
      all.filter((r) => r.status === 'damaged').map((r) => [r.runId, r.damage]),
      [['junk', `${path.join(dir, 'junk.jsonl')}:1: the first line is not a readable run-started record`]],
    );
    const runs = all.filter((r) => r.status !== 'damaged');
    assert.deepEqual(
      runs.map((r) => [r.runId, r.status, r.outcome, r.lastRecordAt]),
      [
        [b.runId, 'unfinished', undefined, '2026-11-25T11:01:00.000Z'],
        [a.runId, 'finished', 'succeeded', '2026-11-25T10:05:00.000Z'],
      ],
    );
    assert.equal(runs[0]!.runbookTitle, 'Health check');
    assert.equal(runs[0]!.operator, 'alice');
    assert.equal(findRun('20261125-11', dir).runId, b.runId);
    assert.throws(() => findRun('20261125', dir), /matches 2 runs/);
    assert.throws(() => findRun('2027', dir), /no run '2027'/);
  });

  it('a run whose run-finished record is torn is finished, never offered for resume', () => {
    const w = JournalWriter.create('20261125-130000-fence-master-dddd', dir);
    w.append(started(w.runId));
    w.append({ type: 'acknowledged', stepId: 's1' });
    w.close();
    // The writer's own line for an aborted run, cut while it was written.
    const whole = JSON.stringify({ seq: 3, ts: '2026-11-25T13:01:00.000Z', type: 'run-finished', status: 'aborted', reason: 'operator aborted' });
    fs.appendFileSync(w.file, whole.slice(0, whole.length - 12));
    const [run] = listRuns(dir);
    assert.equal(run!.status, 'finished');
    assert.equal(run!.outcome, undefined);
    assert.equal(run!.tornLast, 'run-finished');
    // Any other torn record leaves the run unfinished (resume cuts the torn line and says so).
    const v = JournalWriter.create('20261125-140000-fence-master-eeee', dir);
    v.append(started(v.runId));
    v.close();
    fs.appendFileSync(v.file, '{"seq":2,"ts":"2026-11-25T14:00:00.000Z","type":"step-star');
    const other = listRuns(dir).find((r) => r.runId === v.runId)!;
    assert.equal(other.status, 'unfinished');
    assert.equal(other.tornLast, 'unknown', 'a type cut mid-word is not guessed');
  });

  it('a journal whose first record is damaged is listed as damaged and found by its id', () => {
    const w = JournalWriter.create('20261125-150000-lost-master-ffff', dir);
    w.append(started(w.runId));
    w.append({ type: 'acknowledged', stepId: 's1' });
    w.close();
    const text = fs.readFileSync(w.file, 'utf8');
    fs.writeFileSync(w.file, `{"seq":1,"ts":"x","type":"run-sta${text.slice(text.indexOf('\n'))}`);
    const found = findRun('20261125-150000', dir);
    assert.equal(found.status, 'damaged');
    assert.match(found.damage!, /:1: the first line is not a readable run-started record/);
  });

  it('a first record of the wrong shape, or naming another run, is damage: never listed as resumable', () => {
    const w = JournalWriter.create('20261125-160000-lost-master-aaaa', dir);
    w.append(started(w.runId));
    w.close();
    const rec = JSON.parse(fs.readFileSync(w.file, 'utf8'));
    fs.writeFileSync(w.file, `${JSON.stringify({ ...rec, runbook: { ...rec.runbook, steps: 5 } })}\n`);
    const bad = findRun(w.runId, dir);
    assert.equal(bad.status, 'damaged');
    assert.match(bad.damage!, /:1: bad run-started record: runbook\.steps/);
    // Resume and report open the file by the record's id: one naming another run would send them there.
    const v = JournalWriter.create('20261125-170000-lost-master-bbbb', dir);
    v.append(started('20261125-150000-lost-master-ffff'));
    v.close();
    const other = findRun(v.runId, dir);
    assert.equal(other.status, 'damaged');
    assert.match(other.damage!, /names run '20261125-150000-lost-master-ffff', not this file's/);
  });

  it('listRuns reads the last record of a long journal from its tail', () => {
    const w = JournalWriter.create('20261125-120000-big-cccc', dir);
    w.append(started(w.runId));
    const chunk = 'x'.repeat(10_000);
    for (let i = 0; i < 20; i++) w.append({ type: 'output', stepId: 's1', host: 'local', phase: 'command', stream: 'stdout', data: chunk });
    w.append({ type: 'run-finished', status: 'failed', reason: 'boom' });
    w.close();
    const [run] = listRuns(dir);
    assert.equal(run!.status, 'finished');
    assert.equal(run!.outcome, 'failed');
  });
});
