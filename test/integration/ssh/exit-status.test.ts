// Regression: a fast command's exit status can arrive in the same read as the exec reply;
// it was lost when the listener was attached after an await (exit code null, "no exit code").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { SshPool } from '../../../src/ssh/index.ts';
import { inventoryFor, RecordingPrompts } from '../../support/ssh-inventory.ts';

let sshd: Sshd;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
});

test('every one of many fast commands reports its exit code', async () => {
  const pool = new SshPool(inventoryFor(sshd), new RecordingPrompts());
  try {
    const ex = pool.executor('h1');
    const codes: (number | null)[] = [];
    // Batches of parallel commands load the event loop the way a busy screen does.
    for (let batch = 0; batch < 10; batch++) {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ex.exec({ script: `exit ${(batch + i) % 5}` })));
      codes.push(...results.map((r) => r.exitCode));
    }
    const expected = Array.from({ length: 10 }, (_, b) => Array.from({ length: 8 }, (_, i) => (b + i) % 5)).flat();
    assert.deepEqual(codes, expected);
  } finally {
    await pool.close();
  }
});
