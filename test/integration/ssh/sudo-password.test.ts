// The sudo password goes only to sudo, and only when sudo asks for it (its marker prompt on
// stderr), against a real sshd and the real sudo, each case with its own throwaway user and
// /etc/sudoers.d drop-in (unique names, removed after): a sudoers that asks (a whole run
// through the engine), cached credentials (sudo does not ask: the script's stdin must not
// get the password), NOPASSWD for /bin/sh, a wrong password, `Defaults requiretty`, and a
// non-interactive run that needs a password nobody can give (exit 3, nothing run), and one
// given it on a descriptor (MFS_TUI_SUDO_PASSWORD_FD: read once, closed before any step). After
// each case the password is looked for in every journal, report and state file and in
// `ps -eo args`: it must be nowhere. Needs root; installs sudo if missing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshPool } from '../../../src/ssh/index.ts';
import { openClusterSession } from '../../../src/cluster/session.ts';
import { createRun } from '../../../src/engine/run.ts';
import { loadRunbookFiles } from '../../../src/runbook/library.ts';
import { readJournal } from '../../../src/journal/read.ts';
import { renderReport } from '../../../src/journal/report.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { BIN, cliEnv, runCli } from '../../support/cli-env.ts';
import { hostErrorOf, inventoryFor, RecordingPrompts } from '../../support/ssh-inventory.ts';

function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'creating sudo test users needs root';
  const has = () => spawnSync('sh', ['-c', 'command -v sudo && command -v visudo'], { stdio: 'ignore' }).status === 0;
  if (!has()) {
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'sudo'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  return has() ? undefined : 'sudo is not installed and `apt-get install sudo` failed';
}

const skip = unavailable();
let sshd: Sshd;
const cleanups: (() => void)[] = [];

before(async () => {
  if (!skip) sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
  for (const c of cleanups.reverse()) c();
});

interface SudoUser {
  name: string;
  password: string;
}

/** A new login user with a random password and a sudoers drop-in of its own (checked by visudo). */
function sudoUser(rules: (user: string) => string): SudoUser {
  const name = `mfs-s-${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(9).toString('hex')}`;
  execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', name]);
  const file = `/etc/sudoers.d/${name}`;
  cleanups.push(() => {
    rmSync(file, { force: true });
    spawnSync('userdel', ['--remove', name], { stdio: 'ignore' });
  });
  execFileSync('chpasswd', { input: `${name}:${password}\n` });
  const tmp = join(tmpdir(), `${name}.sudoers`);
  writeFileSync(tmp, rules(name), { mode: 0o440 });
  execFileSync('visudo', ['-c', '-q', '-f', tmp]);
  execFileSync('install', ['-m', '0440', tmp, file]);
  rmSync(tmp);
  return { name, password };
}

/** Every file under the directories, and the texts given, and `ps -eo args` now: none holds the password. */
function assertNowhere(password: string, where: { dirs?: string[]; texts?: string[] } = {}): void {
  const files: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  for (const d of where.dirs ?? []) walk(d);
  for (const f of files) assert.ok(!readFileSync(f).includes(password), `the password is in ${f}`);
  for (const t of where.texts ?? []) assert.ok(!t.includes(password), `the password is in: ${t.slice(0, 200)}`);
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  assert.ok(!ps.includes(password), 'the password is in ps output');
}

const BOOK = `---
id: as-root
title: As root
summary: Runs as root through sudo
when: In tests
risk: low
roles: [master-candidate]
---

## Who {#who}

\`\`\`sh on=h1 confirm=none
id -un; cat; echo "stdin done"
\`\`\`

## Linger {#linger}

\`\`\`sh on=h1 confirm=none
echo lingering; sleep 1.5; echo done
\`\`\`

## Fail {#fail}

\`\`\`sh on=h1 confirm=none
echo "going wrong" >&2; exit 4
\`\`\`
`;

test('a sudoers that asks: a whole run as root; the password is asked once, reaches only sudo, and is in no journal, report, state file or ps', { skip }, async () => {
  const u = sudoUser((n) => `${n} ALL=(ALL:ALL) ALL\n`);
  const dir = mkdtempSync(join(tmpdir(), 'mfs-sudo-run-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'as-root.md'), BOOK);
  const { runbooks, problems } = loadRunbookFiles([join(dir, 'as-root.md')]);
  assert.deepEqual(problems, []);
  const prompts = new RecordingPrompts({ sudoPassword: u.password });
  const inventory = inventoryFor(sshd, { user: u.name, become: true });
  const session = await openClusterSession(inventory, prompts);
  const ps: string[] = [];
  try {
    const run = createRun({
      runbook: runbooks[0]!,
      inventory,
      inputs: {},
      journalDir: dir,
      executorFor: session.executorFor,
      factsFor: session.factsFor,
      vipHolder: session.vipHolder,
      preflight: session.preflight,
      mode: 'non-interactive',
      autoConfirm: true,
      operator: 'tester',
    });
    // `ps` while the steps run (sudo and the scripts are alive).
    let running = true;
    const watch = (async () => {
      while (running) {
        ps.push(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const state = await run.settled();
    running = false;
    await watch;
    run.close();
    assert.equal(state.status, 'failed');
    const { records } = readJournal(run.journalFile);
    const out = records.flatMap((r) => (r.type === 'output' ? [r.data] : [])).join('');
    assert.match(out, /^root\nstdin done\n/, 'root, and the script read end of input, not the password');
    assert.match(out, /lingering\ndone\n/);
    assert.match(out, /going wrong/);
    assert.doesNotMatch(out, /__mfs_tui_/, 'no marker reaches the output');
    assert.ok(
      ps.some((p) => p.includes('sleep 1.5')),
      'ps was taken while a step ran',
    );
    assert.deepEqual(prompts.sudoQuestions, [{ host: 'h1', user: u.name }]);
    const report = renderReport(records, runbooks[0]);
    assertNowhere(u.password, { dirs: [dir], texts: [report, ...ps, JSON.stringify(state)] });
  } finally {
    await session.close();
  }
});

test("cached sudo credentials: sudo does not ask, and the script's stdin does not get the password", { skip }, async () => {
  // One timestamp for every session of the user: after the first command, sudo asks no more.
  const u = sudoUser((n) => `Defaults:${n} timestamp_type=global\n${n} ALL=(ALL:ALL) ALL\n`);
  const pool = new SshPool(inventoryFor(sshd, { user: u.name, become: true }), new RecordingPrompts({ sudoPassword: u.password }));
  const seen: string[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const r = await pool.executor('h1').exec({ script: 'id -u; cat; echo end' });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(r.stdout, '0\nend\n', `run ${i + 1}: the script read only end of input`);
      seen.push(r.stdout, r.stderr);
    }
    // Still cached: a command sudo does not ask for gets nothing either, with a pipe reader.
    const r = await pool.executor('h1').exec({ script: 'head -c 200 | od -c | head -3; echo end' });
    assert.equal(r.stdout, '0000000\nend\n');
  } finally {
    await pool.close();
  }
  assertNowhere(u.password, { texts: seen });
});

test('a long-running command through sudo with a password: input written at once waits for sudo, never taken as the password', { skip }, async () => {
  const u = sudoUser((n) => `${n} ALL=(ALL:ALL) ALL\n`);
  const pool = new SshPool(inventoryFor(sshd, { user: u.name, become: true }), new RecordingPrompts({ sudoPassword: u.password }));
  try {
    const proc = await pool.executor('h1').spawn!('id -u; cat');
    let out = '';
    proc.onStdout((c) => (out += c));
    proc.write('first line\n'); // before sudo has even asked
    proc.write('second line\n');
    await proc.stop(); // closes stdin: cat ends
    const end = await proc.ended;
    assert.equal(end.exitCode, 0, end.stderr);
    assert.equal(out, '0\nfirst line\nsecond line\n');
    assertNowhere(u.password, { texts: [out, end.stderr] });
  } finally {
    await pool.close();
  }
});

test('NOPASSWD for /bin/sh only: no password is asked at all, commands run as root', { skip }, async () => {
  const u = sudoUser((n) => `${n} ALL=(ALL:ALL) NOPASSWD: /bin/sh\n`);
  const prompts = new RecordingPrompts({ sudoPassword: u.password });
  const pool = new SshPool(inventoryFor(sshd, { user: u.name, become: true }), prompts);
  try {
    assert.deepEqual(await pool.preflight(['h1']), []);
    const r = await pool.executor('h1').exec({ script: 'id -u; cat; echo end' });
    assert.equal(r.stdout, '0\nend\n', r.stderr);
    assert.equal(prompts.sudoQuestions.length, 0);
    // sudo itself still wants a password for anything else: the rule is what made the difference.
    const other = await pool.executor('h1').exec({ script: 'sudo -n true 2>&1; echo "exit $?"' });
    assert.match(other.stdout, /exit 0/); // already root inside: sudo as root asks nothing
  } finally {
    await pool.close();
  }
  assertNowhere(u.password);
});

test('a wrong password: one attempt, a precise sudo-failed, and the password is nowhere', { skip }, async () => {
  const u = sudoUser((n) => `${n} ALL=(ALL:ALL) ALL\n`);
  const wrong = `wrong-${randomBytes(9).toString('hex')}`;
  const prompts = new RecordingPrompts({ sudoPassword: wrong });
  const pool = new SshPool(inventoryFor(sshd, { user: u.name, become: true }), prompts);
  try {
    const [failure] = await pool.preflight(['h1']);
    assert.equal(failure?.kind, 'sudo-failed');
    assert.equal(failure?.message, `h1: sudo did not accept the password for ${u.name} (sudo: 1 incorrect password attempt)`);
    // The session keeps it: no second attempt behind the operator's back.
    assert.equal(await hostErrorOf(pool.executor('h1').exec({ script: 'true' })), failure);
    assert.equal(prompts.sudoQuestions.length, 1);
    assertNowhere(wrong, { texts: [failure!.message] });
  } finally {
    await pool.close();
  }
  assertNowhere(u.password);
});

test("Defaults requiretty: sudo-failed naming sudo's own words, no password asked", { skip }, async () => {
  const u = sudoUser((n) => `Defaults:${n} requiretty\n${n} ALL=(ALL:ALL) ALL\n`);
  const prompts = new RecordingPrompts({ sudoPassword: u.password });
  const pool = new SshPool(inventoryFor(sshd, { user: u.name, become: true }), prompts);
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'sudo-failed');
    assert.equal(err.message, `h1: sudo refused ${u.name}: sudo: sorry, you must have a tty to run sudo`);
    assert.equal(prompts.sudoQuestions.length, 0);
  } finally {
    await pool.close();
  }
});

test('run --yes on a host whose sudo wants a password nobody can give: exit 3 before step 1, nothing run', { skip }, () => {
  const u = sudoUser((n) => `${n} ALL=(ALL:ALL) ALL\n`);
  const e = cliEnv(sshd);
  cleanups.push(() => rmSync(e.dir, { recursive: true, force: true }));
  writeFileSync(e.inventory, readFileSync(e.inventory, 'utf8').replace(`user: ${sshd.user},`, `user: ${u.name}, become: true,`));
  writeFileSync(join(e.runbooks, 'as-root.md'), BOOK);
  const r = runCli(e, ['run', 'as-root', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes']);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`sudo on h1 needs a password for ${u.name}`));
  assert.match(r.stdout + r.stderr, new RegExp(`h1: no sudo password given for ${u.name}`));
  const runs = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  const recs = readdirSync(runs).flatMap((f) =>
    readFileSync(join(runs, f), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string }),
  );
  assert.equal(recs.filter((x) => x.type === 'step-started').length, 0);
  assertNowhere(u.password, { dirs: [e.dir], texts: [r.stdout, r.stderr] });
});

const FD_BOOK = `---
id: fd-root
title: As root, password from a descriptor
summary: Runs as root through sudo; a local step looks for the descriptor
when: In tests
risk: low
roles: [master-candidate]
---

## Who {#who}

\`\`\`sh on=h1 confirm=none
id -un; cat; echo "stdin done"
\`\`\`

## Local {#local}

\`\`\`sh on=local confirm=none
{ cat <&3; } 2>/dev/null && echo "fd 3 readable" || echo "fd 3 closed"; echo "env: \${MFS_TUI_SUDO_PASSWORD_FD:-unset}"
\`\`\`
`;

/** `mfs-tui … run fd-root --yes` with the password file open as descriptor 3 and MFS_TUI_SUDO_PASSWORD_FD=3. */
function runWithFd(e: ReturnType<typeof cliEnv>, content: string | undefined, fdValue = '3'): { code: number | null; out: string } {
  const secret = join(e.dir, 'secret');
  if (content !== undefined) writeFileSync(secret, content, { mode: 0o600 });
  const fd = content === undefined ? 'ignore' : openSync(secret, 'r');
  try {
    const r = spawnSync(process.execPath, [BIN, 'run', 'fd-root', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes'], {
      env: { ...e.env, MFS_TUI_SUDO_PASSWORD_FD: fdValue },
      stdio: ['ignore', 'pipe', 'pipe', fd],
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    if (typeof fd === 'number') closeSync(fd);
    rmSync(secret, { force: true });
  }
}

test('run --yes with MFS_TUI_SUDO_PASSWORD_FD: read once, the run goes through as root, a local step cannot read the descriptor, the password is nowhere', { skip }, () => {
  const u = sudoUser((n) => `${n} ALL=(ALL:ALL) ALL\n`);
  const e = cliEnv(sshd);
  cleanups.push(() => rmSync(e.dir, { recursive: true, force: true }));
  writeFileSync(e.inventory, readFileSync(e.inventory, 'utf8').replace(`user: ${sshd.user},`, `user: ${u.name}, become: true,`));
  writeFileSync(join(e.runbooks, 'fd-root.md'), FD_BOOK);
  const r = runWithFd(e, `${u.password}\n`);
  assert.equal(r.code, 0, r.out);
  const runs = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  const out = readdirSync(runs)
    .flatMap((f) =>
      readFileSync(join(runs, f), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; data?: string }),
    )
    .flatMap((x) => (x.type === 'output' ? [x.data ?? ''] : []))
    .join('');
  assert.match(out, /^root\nstdin done\n/m, 'ran as root; the script read end of input, not the password');
  assert.match(out, /fd 3 closed/, 'the descriptor was closed before any step ran');
  assert.match(out, /env: unset/, 'the variable is not passed on');
  // From a pipe, as `3< <(vault read …)` gives it: the shell's stdin moved to descriptor 3.
  const piped = spawnSync('sh', ['-c', 'exec "$0" "$@" 3<&0 </dev/null', process.execPath, BIN, 'run', 'fd-root', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes'], {
    env: { ...e.env, MFS_TUI_SUDO_PASSWORD_FD: '3' },
    input: `${u.password}\n`,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(piped.status, 0, piped.stdout + piped.stderr);
  assertNowhere(u.password, { dirs: [e.dir], texts: [r.out, piped.stdout, piped.stderr] });
});

test('MFS_TUI_SUDO_PASSWORD_FD that cannot give a password: exit 2 naming the variable, nothing run', { skip }, () => {
  const u = sudoUser((n) => `${n} ALL=(ALL:ALL) ALL\n`);
  const e = cliEnv(sshd);
  cleanups.push(() => rmSync(e.dir, { recursive: true, force: true }));
  writeFileSync(e.inventory, readFileSync(e.inventory, 'utf8').replace(`user: ${sshd.user},`, `user: ${u.name}, become: true,`));
  writeFileSync(join(e.runbooks, 'fd-root.md'), FD_BOOK);
  const cases: [string | undefined, string, RegExp][] = [
    [undefined, '3', /MFS_TUI_SUDO_PASSWORD_FD=3: descriptor 3 is not open/],
    ['', '3', /MFS_TUI_SUDO_PASSWORD_FD=3: descriptor 3 gave an empty password/],
    [`${u.password}\nsecond\n`, '3', /MFS_TUI_SUDO_PASSWORD_FD=3: descriptor 3 gave more than one line/],
    ['x\n', 'three', /MFS_TUI_SUDO_PASSWORD_FD=three: give a file descriptor number of 3 or more/],
    ['x\n', '0', /MFS_TUI_SUDO_PASSWORD_FD=0: give a file descriptor number of 3 or more/],
  ];
  for (const [content, fd, want] of cases) {
    const r = runWithFd(e, content, fd);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, want);
    assert.doesNotMatch(r.out, /at .*\.(ts|mjs):\d+/, 'no stack trace');
  }
  assert.equal(existsSync(join(e.env.MFS_TUI_STATE_DIR!, 'runs')) ? readdirSync(join(e.env.MFS_TUI_STATE_DIR!, 'runs')).length : 0, 0, 'no run started');
  assertNowhere(u.password, { dirs: [e.dir] });
});
