// Shared by the practice-cluster tests: when they may skip, a private lab dir, and the
// "nothing left" check after `lab down`.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LAB_LOCK_ENV, LAB_TEST_LOCK } from '../../src/lab/lock.ts';
import { missingCommands } from '../../src/lab/preflight.ts';
import { enterableHost, hostScriptArgv, hostScriptInput } from '../../src/lab/host-exec.ts';
import type { LabState } from '../../src/lab/state.ts';

/** Why these tests cannot run here; never a reason in CI (CI=true), where they must run. */
export function skipReason(): string | false {
  if (process.env.CI === 'true') return false;
  if (process.platform !== 'linux') return 'the practice cluster needs Linux';
  if (process.getuid?.() !== 0) return 'the practice cluster needs root (namespaces, bridge, mounts)';
  const missing = missingCommands(false);
  if (missing.length > 0) return `missing commands: ${missing.join(', ')} (run scripts/install-deps.sh)`;
  return false;
}

/** A private lab dir for this test file (never the default one, never the checkout), under the machine-wide lab lock. */
export function useTempLabDir(): string {
  holdMachineLabLock();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-lab-test-'));
  process.env.MFS_TUI_LAB_DIR = dir;
  return dir;
}

export function sh(cmd: string, args: string[], input?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/**
 * A script run as root inside a lab host, entered from this machine as the lab itself does
 * (src/lab/host-exec.ts): works on a lab whose hosts refuse root's login (`--as ops`).
 */
export function labExec(labDir: string, host: string, script: string, timeoutMs = 60_000): { code: number | null; out: string; err: string } {
  const state = JSON.parse(fs.readFileSync(path.join(labDir, 'state.json'), 'utf8')) as LabState;
  const h = enterableHost(state.hosts, host);
  if (!h) return { code: 255, out: '', err: `${host}: no such running lab host` };
  const r = spawnSync('nsenter', hostScriptArgv(h.initPid, Boolean(h.cgroup), timeoutMs), { encoding: 'utf8', input: hostScriptInput(script), timeout: timeoutMs + 5_000 });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/** ssh with the lab's own config (StrictHostKeyChecking yes against the lab's known_hosts): for tests of the login itself. */
export function labSsh(labDir: string, host: string, script: string, extra: string[] = []): { code: number | null; out: string; err: string } {
  return sh('ssh', ['-F', path.join(labDir, 'ssh_config'), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', ...extra, host, 'bash', '-s'], script);
}

/** No lab namespaces, links, netns mounts or recorded processes remain. */
export function assertNothingLeft(pids: number[] = []): void {
  const netns = sh('ip', ['netns', 'list'])
    .out.split('\n')
    .filter((l) => l.startsWith('mfslab-'));
  assert.deepEqual(netns, [], 'lab network namespaces remain');
  const links = sh('ip', ['-o', 'link', 'show'])
    .out.split('\n')
    .filter((l) => /^\d+:\s+mfslab-/.test(l));
  assert.deepEqual(links, [], 'lab links (veths, bridge) remain');
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes('mfslab-') || l.includes('mfs-tui-lab-test-'));
  assert.deepEqual(mounts, [], 'lab mounts remain');
  const alive = pids.filter((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !/\) [ZX] /.test(stat);
    } catch {
      return false;
    }
  });
  assert.deepEqual(alive, [], 'lab processes remain');
  // No process on the machine is in a lab namespace any more (namespace files are gone).
  assert.equal(fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns').filter((n) => n.startsWith('mfslab-')).length : 0, 0);
}

let lockHeld = false;

/**
 * One practice-cluster test process at a time on this machine, across test runs: the lab's
 * names (mfslab-*) are machine-wide, and another run's `lab up` would tear this one's down.
 * Blocks until a `flock` child holds the lock; it holds it until this process exits (its
 * stdin is our pipe: when we go, cat sees EOF and the lock is released).
 */
export function holdMachineLabLock(timeoutMs = 20 * 60_000): void {
  if (lockHeld) return;
  const marker = path.join(os.tmpdir(), `mfs-tui-lab-lock-${process.pid}`);
  fs.rmSync(marker, { force: true });
  const child = spawn('flock', ['-x', '-w', String(Math.ceil(timeoutMs / 1000)), LAB_TEST_LOCK, 'sh', '-c', `: > '${marker}'; exec cat >/dev/null`], { stdio: ['pipe', 'ignore', 'inherit'] });
  child.unref();
  (child.stdin as unknown as { unref?: () => void })?.unref?.();
  const tick = new Int32Array(new SharedArrayBuffer(4));
  const end = Date.now() + timeoutMs;
  while (!fs.existsSync(marker)) {
    if (Date.now() > end) throw new Error(`another practice-cluster test run held ${LAB_TEST_LOCK} for ${timeoutMs / 60_000} min`);
    Atomics.wait(tick, 0, 0, 50);
  }
  fs.rmSync(marker, { force: true });
  lockHeld = true;
  process.env[LAB_LOCK_ENV] = '1';
}
