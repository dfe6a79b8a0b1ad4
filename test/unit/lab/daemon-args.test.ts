// A running MooseFS daemon and a one-shot command of the same program (keepalived-ha's check
// script runs `mfsmaster -c … test` every second) look the same by name: the lab tells them
// apart by argv. CI once counted a `mfsmaster test` on the standby as a second master.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { isOneShotMfsCommand, processArgs } from '../../../src/lab/proc.ts';

describe('one-shot MooseFS commands', () => {
  it('test, stop, kill and reload are one-shot; start, restart, -a restore and a bare daemon are not', () => {
    for (const argv of [
      ['mfsmaster', '-c', '/etc/mfs/mfsmaster.cfg', 'test'],
      ['mfsmaster', 'stop'],
      ['mfsmetalogger', 'kill'],
      ['mfschunkserver', 'reload'],
    ]) {
      assert.equal(isOneShotMfsCommand(argv), true, argv.join(' '));
    }
    for (const argv of [['mfsmaster', 'start'], ['mfsmaster', '-c', '/etc/mfs/mfsmaster.cfg', 'start'], ['mfsmaster', 'restart'], ['mfsmaster', '-a', 'restore'], ['mfsmaster'], []]) {
      assert.equal(isOneShotMfsCommand(argv), false, argv.join(' '));
    }
    // A config path that happens to contain the word is not an action.
    assert.equal(isOneShotMfsCommand(['mfsmaster', '-c', '/etc/test/mfsmaster.cfg', 'start']), false);
  });

  it('reads a live process argv from /proc', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(processArgs(child.pid!), ['sleep', '30']);
    } finally {
      child.kill();
    }
    assert.deepEqual(processArgs(2 ** 22 + 7), []);
  });
});
