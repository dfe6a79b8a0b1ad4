// The practice-cluster tests hold a machine-wide lock while their lab exists (the lab's
// names are machine-wide). Anyone else's `lab up`/`lab down` would tear that lab down
// mid-test, so they refuse while it is held.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LabError } from './proc.ts';

export const LAB_TEST_LOCK = fs.existsSync('/run/lock') ? '/run/lock/mfs-tui-lab-tests.lock' : path.join(os.tmpdir(), 'mfs-tui-lab-tests.lock');
/** Set in a test process that holds the lock (and inherited by what it spawns). */
export const LAB_LOCK_ENV = 'MFS_TUI_LAB_TEST_LOCK_HELD';

export function assertNoLabTestsRunning(): void {
  if (process.env[LAB_LOCK_ENV] === '1' || !fs.existsSync(LAB_TEST_LOCK)) return;
  const r = spawnSync('flock', ['-n', '-x', LAB_TEST_LOCK, 'true']);
  if (r.status === 1) {
    throw new LabError(`practice-cluster tests are running on this machine (they hold ${LAB_TEST_LOCK}): wait for them to finish`);
  }
}
