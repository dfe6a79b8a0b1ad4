// The real bin/mfs-tui under a real terminal (tmux): keystrokes in, screen text out.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../../helpers/sshd.ts';
import { BIN, cliEnv, type CliEnv } from './cli-env.ts';

const SOCKET = `mfs-tui-test-${process.pid}`;
let sshd: Sshd;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

before(async () => {
  sshd = await startSshd();
});
after(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
  await sshd?.stop();
});

const BOOK = `---
id: pty-tour
title: Terminal tour
summary: A few steps driven by keystrokes
when: In tests
risk: medium
roles: [master-candidate]
inputs:
  - name: word
    prompt: A word to echo
    default: hello
---

## Say the word {#say}

Prints the word on every master candidate.

\`\`\`sh on=master-candidate confirm=none
echo "said {{inputs.word}}"
\`\`\`

## Count {#count}

\`\`\`sh on=h1 confirm=yes
echo counted-$((40 + 2))
\`\`\`

## Dangerous {#danger}

\`\`\`sh on=h1 confirm=typed risk="only a test"
echo danger-done
\`\`\`
`;

function screen(): string {
  return tmux('capture-pane', '-p', '-t', 'app');
}

async function waitFor(re: RegExp, what: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = screen();
    if (re.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`waited for ${what} (${re}); the screen shows:\n${last}`);
}

function keys(...k: string[]): void {
  tmux('send-keys', '-t', 'app', ...k);
}

function start(e: CliEnv): void {
  const env = Object.entries({ ...e.env, TERM: 'xterm-256color', LANG: 'C.UTF-8' })
    .filter(([k]) => /^(MFS_TUI_|NO_COLOR|PATH|HOME|TERM|LANG)/.test(k))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  tmux('new-session', '-d', '-s', 'app', '-x', '110', '-y', '45', `env ${env} ${process.execPath} ${BIN} --inventory ${e.inventory} --runbooks ${e.runbooks}; sleep 30`);
}

test('pick a runbook, confirm, type the host name, see output, finish', async () => {
  const e = cliEnv(sshd);
  writeFileSync(join(e.runbooks, 'pty-tour.md'), BOOK);
  start(e);
  await waitFor(/Terminal tour/, 'the runbook on the home screen');
  keys('Enter');
  await waitFor(/A word to echo/, 'the input form');
  keys('C-u', 'moose', 'Enter');
  await waitFor(/Run this on h1\?/, 'the yes/no confirmation of step 2');
  // The live cluster status beside the runner (110 columns), from probes over the same SSH session.
  await waitFor(/mfs-tui · Terminal tour.*VIP 127\.0\.0\.100/, 'the status sidebar beside the runner');
  const s1 = screen();
  assert.match(s1, /said moose/, 'output of the read-only step is on screen');
  assert.match(s1, /\$ echo counted-\$\(\(40 \+ 2\)\)/, 'the exact command is shown before confirming');
  keys('y');
  await waitFor(/Type h1 to confirm|type the host name/i, 'the typed confirmation');
  assert.match(screen(), /only a test/, 'the risk is shown');
  keys('h2', 'Enter');
  await waitFor(/that is not h1/, 'a wrong host name refused');
  keys('C-u', 'h1', 'Enter');
  await waitFor(/succeeded/i, 'the run finished');
  const done = screen();
  assert.match(done, /danger-done/);
  keys('q');
  tmux('kill-session', '-t', 'app');
  const runs = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  const file = readdirSync(runs).find((f) => f.endsWith('.jsonl'))!;
  const recs = readFileSync(join(runs, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(
    recs.filter((r) => r.type === 'confirmed' || r.type === 'refused').map((r) => `${r.type}:${r.how ?? ''}:${r.typed ?? ''}`),
    ['confirmed:yes:', 'refused::h2', 'confirmed:typed:h1'],
  );
  assert.equal(recs.at(-1).status, 'succeeded');
});

test('Home → Cluster status over the real SSH session; Esc goes back to Home', async () => {
  const e = cliEnv(sshd);
  writeFileSync(join(e.runbooks, 'pty-tour.md'), BOOK);
  start(e);
  try {
    await waitFor(/Terminal tour/, 'the runbook on the home screen');
    // Down to the status entry, wherever it is in the list.
    for (let i = 0; i < 6 && !/❯ Cluster status/.test(screen()); i++) {
      keys('Down');
      await new Promise((r) => setTimeout(r, 150));
    }
    await waitFor(/Daemons, VIP holder and chunk health/, 'the status entry focused');
    keys('Enter');
    const s = await waitFor(/│ h1 +ok +/, 'the status screen with h1 probed over SSH');
    assert.match(s, /HOST +STATE +master +mlog +chunk/);
    assert.match(s, /status, every 1 s/);
    assert.match(s, /VIP 127\.0\.0\.100 +no holder/);
    keys('Escape');
    await waitFor(/Terminal tour/, 'the home screen again');
    assert.doesNotMatch(screen(), /status, every 1 s/);
    keys('q');
  } finally {
    tmux('kill-session', '-t', 'app');
  }
});

test('an unknown host key is shown with its fingerprint and trusted only on the operator\'s yes', async () => {
  const e = cliEnv(sshd, { trust: false });
  writeFileSync(join(e.runbooks, 'pty-tour.md'), BOOK);
  start(e);
  await waitFor(/Terminal tour/, 'the runbook on the home screen');
  keys('Enter');
  await waitFor(/A word to echo/, 'the input form');
  keys('Enter');
  const q = await waitFor(/Unknown host key for h1/, 'the host key question');
  const fp = execFileSync('ssh-keygen', ['-l', '-f', '-'], { input: sshd.hostPubKey, encoding: 'utf8' }).split(' ')[1]!;
  assert.ok(q.includes(fp), `the screen shows the fingerprint ${fp}`);
  assert.equal(readFileSync(e.knownHosts, 'utf8'), '', 'nothing trusted before the answer');
  keys('y');
  await waitFor(/Run this on h1\?/, 'the run going on after the key was trusted');
  assert.match(readFileSync(e.knownHosts, 'utf8'), /^\|1\|\S+ ssh-ed25519 /m, 'the key was added, hashed');
  keys('q');
  await waitFor(/leave|resume/i, 'the leave question');
  tmux('kill-session', '-t', 'app');
});
