// A critical step on a named cluster, end to end: the real bin/mfs-tui in tmux, the real
// engine over SSH to a test sshd. The typed confirmation names the cluster (`h1@prod`): the
// host name alone (every cluster has an h1) does not confirm; the cluster is in the runner's
// header and in the run's journal. The first frames wait up to 90 s: a fresh state folder
// builds the runbook library's cache, slow on a loaded machine.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { cliEnv, runCli } from '../../support/cli-env.ts';
import { TmuxApp } from '../../support/tmux.ts';

const app = new TmuxApp(`mfs-tui-cluster-${process.pid}`);
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
id: wipe-test
title: Wipe test
summary: One critical step on h1
when: In tests
risk: critical
roles: [master-candidate]
---

## Wipe {#wipe}

\`\`\`sh on=h1 confirm=typed risk="only a test"
echo wiped-$((6 * 7))
\`\`\`
`;

test('a critical step on the cluster named prod asks for h1@prod: h1 alone does not confirm, h1@prod does; prod is in the header and the journal', async () => {
  const e = cliEnv(sshd);
  writeFileSync(e.inventory, readFileSync(e.inventory, 'utf8').replace(/^cluster: .*$/m, 'cluster: prod'));
  writeFileSync(join(e.runbooks, 'wipe-test.md'), BOOK);
  const added = runCli(e, ['clusters', 'add', 'prod', e.inventory]);
  assert.equal(added.code, 0, added.stderr);
  const env = Object.fromEntries(Object.entries({ ...e.env, TERM: 'xterm-256color', LANG: 'C.UTF-8' }).filter(([k]) => /^(MFS_TUI_|NO_COLOR|PATH|HOME|TERM|LANG)/.test(k)));
  app.start(env, `--cluster prod --runbooks ${e.runbooks} run wipe-test`, { columns: 110, rows: 40 });
  try {
    const asked = await waitFor(/Type h1@prod to confirm/, 'the typed confirmation naming host and cluster', 90_000);
    assert.match(asked, /cluster prod/, `the cluster in the runner's header:\n${asked}`);
    assert.match(asked, /echo wiped-\$\(\(6 \* 7\)\)/, 'the exact command shown before confirming');
    keys('h1', 'Enter');
    await waitFor(/that is not h1@prod/, 'the host name alone refused');
    assert.doesNotMatch(screen(), /wiped-42/, 'nothing ran on the host name alone');
    keys('C-u', 'h1@prod', 'Enter');
    const done = await waitFor(/succeeded/i, 'the run finished');
    assert.match(done, /wiped-42/);
    keys('q');
  } finally {
    app.killSession();
  }
  const runs = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  const file = readdirSync(runs).find((f) => f.endsWith('.jsonl'))!;
  const recs = readFileSync(join(runs, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(recs[0].inventory.cluster, 'prod', 'the journal names the cluster');
  assert.deepEqual(
    recs.filter((r) => r.type === 'confirmed' || r.type === 'refused').map((r) => `${r.type}:${r.how ?? ''}:${r.typed ?? ''}`),
    ['refused::h1', 'confirmed:typed:h1@prod'],
  );
  assert.equal(recs.filter((r) => r.type === 'step-started').length, 1, 'the step ran once, after h1@prod');
  assert.equal(recs.at(-1).status, 'succeeded');
});

test('a run left at its typed confirmation on cluster prod resumes on the screen with --cluster prod, and asks for h1@prod again', async () => {
  const e = cliEnv(sshd);
  writeFileSync(e.inventory, readFileSync(e.inventory, 'utf8').replace(/^cluster: .*$/m, 'cluster: prod'));
  writeFileSync(join(e.runbooks, 'wipe-test.md'), BOOK);
  assert.equal(runCli(e, ['clusters', 'add', 'prod', e.inventory]).code, 0);
  const env = Object.fromEntries(Object.entries({ ...e.env, TERM: 'xterm-256color', LANG: 'C.UTF-8' }).filter(([k]) => /^(MFS_TUI_|NO_COLOR|PATH|HOME|TERM|LANG)/.test(k)));
  app.start(env, `--cluster prod --runbooks ${e.runbooks} run wipe-test`, { columns: 110, rows: 40 });
  try {
    await waitFor(/Type h1@prod to confirm/, 'the typed confirmation', 90_000);
    keys('C-c');
    await waitFor(/Leave\?/, 'the leave question');
    keys('y');
    await waitFor(/resume|\$ *$/m, 'the app left');
  } finally {
    app.killSession();
  }
  const runs = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  const runId = readdirSync(runs)
    .find((f) => f.endsWith('.jsonl'))!
    .replace(/\.jsonl$/, '');
  // Before: `resume --cluster prod` at a terminal refused ("--inventory and --cluster both choose a cluster").
  app.start(env, `--cluster prod --runbooks ${e.runbooks} resume ${runId}`, { columns: 110, rows: 40 });
  try {
    const asked = await waitFor(/Type h1@prod to confirm/, 'the typed confirmation of the resumed run', 90_000);
    assert.match(asked, /cluster prod/);
    keys('h1@prod', 'Enter');
    assert.match(await waitFor(/succeeded/i, 'the resumed run finished'), /wiped-42/);
    keys('q');
  } finally {
    app.killSession();
  }
});
