// The commands that start, probe, follow and stop a durable job take only values of the
// job's own shape: a journal edited by hand cannot turn them into other shell, nor into a
// signal to every process (`kill -TERM -1`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { followCommand, killCommand, parseJobMarker, probeCommand, wrapJob } from '../../../src/ssh/remote-command.ts';

const job = { id: 'r.s.h1.1.command', pgid: 4242, startTime: '1', bootId: 'b', recorder: 4241, dir: '/run/mfs-tui-0' };
const from = { stdout: 0, stderr: 0 };

describe('job commands refuse values that are not a job', () => {
  it('never signals group 0 or 1, nor a group that is not a number', () => {
    assert.match(killCommand(4242, 'TERM', 'none'), /kill -TERM -4242 /);
    for (const pgid of [0, 1, -5, 1.5, Number.NaN, '1; reboot' as unknown as number]) {
      assert.throws(() => killCommand(pgid, 'KILL', 'none'), /refusing to signal process group/);
    }
  });

  it('takes only a job id of letters, digits, _ - and dots', () => {
    for (const id of ['x"; reboot; "', '../../etc/passwd', 'a b', '$(reboot)', '']) {
      assert.throws(() => probeCommand(id, undefined, from, 'none'), /not a job id/);
      assert.throws(() => wrapJob('true', 'none', id), /not a job id/);
      assert.throws(() => followCommand({ ...job, id }, from, 'none'), /not a job id/);
    }
    assert.doesNotThrow(() => probeCommand(job.id, job.dir, from, 'none'));
  });

  it('a job marker naming group 0 or 1 is no job', () => {
    assert.equal(parseJobMarker(job.id, '1 5 boot 7 /run/x'), undefined);
    assert.equal(parseJobMarker(job.id, '0 5 boot 7 /run/x'), undefined);
    assert.equal(parseJobMarker(job.id, '42 5 boot 7 /run/x')?.pgid, 42);
  });
});
