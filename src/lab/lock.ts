// The practice-cluster tests hold a machine-wide lock while their lab exists (the lab's
// names are machine-wide). Anyone else's `lab up`/`lab down` would tear that lab down
// mid-test, so they refuse while it is held.
import { t } from '../i18n/index.ts';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LabError, waitFor } from './proc.ts';

export const LAB_TEST_LOCK = fs.existsSync('/run/lock') ? '/run/lock/mfs-tui-lab-tests.lock' : path.join(os.tmpdir(), 'mfs-tui-lab-tests.lock');
/** Set in a test process that holds the lock (and inherited by what it spawns). */
export const LAB_LOCK_ENV = 'MFS_TUI_LAB_TEST_LOCK_HELD';

export function assertNoLabTestsRunning(): void {
  if (process.env[LAB_LOCK_ENV] === '1' || !fs.existsSync(LAB_TEST_LOCK)) return;
  const r = spawnSync('flock', ['-n', '-x', LAB_TEST_LOCK, 'true']);
  if (r.status === 1) {
    throw new LabError(t('lab.lock.error.tests', { file: LAB_TEST_LOCK }));
  }
}

/** One lab operation (up, down, break) at a time on this machine: they share the lab's names. */
export const LAB_OPERATION_LOCK = fs.existsSync('/run/lock') ? '/run/lock/mfs-tui-lab.lock' : path.join(os.tmpdir(), 'mfs-tui-lab.lock');

/**
 * Runs `f` holding an exclusive flock on `file`. The lock is held by a `flock` child whose
 * stdin is our pipe: it ends when we release it or when this process dies, never later.
 */
export async function withLock<T>(file: string, f: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const child = spawn('flock', ['-x', '-w', String(Math.ceil(timeoutMs / 1000)), file, 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] });
  let exited = false;
  child.once('exit', () => (exited = true));
  let locked = false;
  child.stdout.once('data', () => (locked = true));
  const ok = await waitFor(() => locked || exited, timeoutMs + 1000, 20);
  if (!ok || !locked) {
    child.stdin.end();
    throw new LabError(t('lab.lock.error.held', { file, seconds: Math.round(timeoutMs / 1000) }));
  }
  try {
    return await f();
  } finally {
    child.stdin.end();
  }
}
