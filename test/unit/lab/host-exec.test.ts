// How the lab enters a practice host (src/lab/host-exec.ts), without a host: the command run
// inside it, here in this machine's namespaces, and the guard against a PID that is no
// longer the host's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { hostScriptArgv, hostScriptInput, isHostInit } from '../../../src/lab/host-exec.ts';

/** What runs after nsenter's `--`, run here. */
function inside(script: string, timeoutMs: number) {
  const argv = hostScriptArgv(1, false, timeoutMs);
  const cmd = argv.slice(argv.indexOf('--') + 1);
  const t0 = Date.now();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { input: hostScriptInput(script), encoding: 'utf8', timeout: 20_000 });
  return { ...r, seconds: (Date.now() - t0) / 1000 };
}

describe('entering a practice host', () => {
  it("runs the script in root's home with a login's environment, not this process's", () => {
    process.env.MFS_TUI_SECRET_PROBE = 'leak';
    const r = inside('pwd; echo "$HOME $USER"; env | grep -c MFS_TUI_SECRET_PROBE || true', 5_000);
    delete process.env.MFS_TUI_SECRET_PROBE;
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['/root', '/root root', '0']);
  });

  it('a script past its limit is ended: 124, or 137 when it ignores TERM (timeout kills its whole group, and the shell around it still answers)', () => {
    const polite = inside('sleep 30', 1_000);
    assert.equal(polite.status, 124);
    const stubborn = inside("trap '' TERM; sleep 30", 1_000);
    assert.equal(stubborn.status, 137, `${stubborn.status} ${stubborn.signal}`);
    assert.ok(stubborn.seconds < 10, `took ${stubborn.seconds} s`);
  });

  it("a PID that is not in the host's network namespace is never entered", () => {
    assert.equal(isHostInit(process.pid, 'mfslab-no-such-host'), false);
    assert.equal(isHostInit(2 ** 22 + 7, 'mfslab-m1'), false);
  });
});
