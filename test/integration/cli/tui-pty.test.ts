// The real bin/mfs-tui under a real terminal (tmux): keystrokes in, screen text out.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { cliEnv, type CliEnv } from '../../support/cli-env.ts';
import { TmuxApp } from '../../support/tmux.ts';

const app = new TmuxApp(`mfs-tui-test-${process.pid}`);
const { screen, keys, waitFor } = app;
let sshd: Sshd;

before(async () => {
  sshd = await startSshd();
});
after(async () => {
  app.close();
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
echo said {{inputs.word}}
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

function start(e: CliEnv, args = ''): void {
  const env = Object.fromEntries(Object.entries({ ...e.env, TERM: 'xterm-256color', LANG: 'C.UTF-8' }).filter(([k]) => /^(MFS_TUI_|NO_COLOR|PATH|HOME|TERM|LANG)/.test(k)));
  app.start(env, `--inventory ${e.inventory} --runbooks ${e.runbooks}${args ? ` ${args}` : ''}`, { columns: 110, rows: 45 });
}

test('pick a runbook, confirm, type the host name, see output, finish', async () => {
  const e = cliEnv(sshd);
  writeFileSync(join(e.runbooks, 'pty-tour.md'), BOOK);
  start(e);
  await waitFor(/Terminal tour/, 'the runbook on the home screen');
  // Triage and the status come first on Home: the runbook is found by typing its name.
  keys('Terminal tour');
  await waitFor(/❯ Terminal tour/, 'the runbook focused by the typed filter');
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
  app.killSession();
  const runs = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  const file = readdirSync(runs).find((f) => f.endsWith('.jsonl'))!;
  const recs = readFileSync(join(runs, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    recs.filter((r) => r.type === 'confirmed' || r.type === 'refused').map((r) => `${r.type}:${r.how ?? ''}:${r.typed ?? ''}`),
    ['confirmed:yes:', 'refused::h2', 'confirmed:typed:h1'],
  );
  assert.equal(recs.at(-1).status, 'succeeded');
});

test('`run RUNBOOK` typed in a terminal opens the runner screen: its inputs filled in, each confirmation asked there', async () => {
  const e = cliEnv(sshd);
  writeFileSync(join(e.runbooks, 'pty-tour.md'), BOOK);
  start(e, 'run pty-tour --input word=literal');
  const form = await waitFor(/A word to echo/, 'the input form of the runbook named on the command line');
  assert.match(form, /Filled in by the command line: word=literal/);
  keys('Enter');
  await waitFor(/Run this on h1\?/, 'the yes/no confirmation on the runner screen (not a refusal asking for --yes)');
  assert.match(screen(), /said literal/, 'the read-only step ran with the given input');
  assert.doesNotMatch(screen(), /--yes/);
  keys('n');
  await waitFor(/Failed|not confirmed|abort/i, 'the refusal recorded, the run stopped there');
  keys('a');
  await waitFor(/Run aborted/, 'the run aborted by the operator');
  keys('q');
  app.killSession();
  const runs = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  const file = readdirSync(runs).find((f) => f.endsWith('.jsonl'))!;
  const recs = readFileSync(join(runs, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(recs[0].mode, 'interactive');
  assert.ok(
    recs.some((r) => r.type === 'refused' && r.stepId === 'count'),
    'the operator said no to step 2',
  );
  assert.ok(!recs.some((r) => r.type === 'step-started' && r.stepId === 'count'), 'nothing ran that was not confirmed');
});

test('Home → Cluster status over the real SSH session; Esc goes back to Home', async () => {
  const e = cliEnv(sshd);
  writeFileSync(join(e.runbooks, 'pty-tour.md'), BOOK);
  start(e);
  try {
    await waitFor(/Terminal tour/, 'the runbook on the home screen');
    // Home starts at triage, what is wrong; the cluster status is right under it.
    await waitFor(/❯ Triage/, 'triage focused first');
    keys('Down');
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
    app.killSession();
  }
});

test("an unknown host key is shown with its fingerprint and trusted only on the operator's typed yes", async () => {
  const e = cliEnv(sshd, { trust: false });
  writeFileSync(join(e.runbooks, 'pty-tour.md'), BOOK);
  start(e);
  await waitFor(/Terminal tour/, 'the runbook on the home screen');
  // Triage and the status come first on Home: the runbook is found by typing its name.
  keys('Terminal tour');
  await waitFor(/❯ Terminal tour/, 'the runbook focused by the typed filter');
  keys('Enter');
  await waitFor(/A word to echo/, 'the input form');
  keys('Enter');
  const q = await waitFor(/Unknown host key for h1/, 'the host key question');
  const fp = execFileSync('ssh-keygen', ['-l', '-f', '-'], { input: sshd.hostPubKey, encoding: 'utf8' }).split(' ')[1]!;
  assert.ok(q.includes(fp), `the screen shows the fingerprint ${fp}`);
  assert.equal(readFileSync(e.knownHosts, 'utf8'), '', 'nothing trusted before the answer');
  await waitFor(/yes \+ enter trust/, 'the question listening');
  keys('y');
  await waitFor(/to trust it: y/, 'a y typed into the answer');
  assert.equal(readFileSync(e.knownHosts, 'utf8'), '', 'a y alone trusts nothing');
  keys('e', 's', 'Enter');
  await waitFor(/Run this on h1\?/, 'the run going on after the key was trusted by a typed yes');
  assert.match(readFileSync(e.knownHosts, 'utf8'), /^\|1\|\S+ ssh-ed25519 /m, 'the key was added, hashed');
  keys('q');
  await waitFor(/leave|resume/i, 'the leave question');
  app.killSession();
});
