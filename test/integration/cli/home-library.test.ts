// The home screen lists runbooks from their front matter and takes the library's problems
// from the runbook cache (or checks the files right after the first frame): the real
// bin/mfs-tui under tmux must still show a broken runbook as `mfs-tui validate` reports
// it, on a first start and on a start with the cache, and run a runbook parsed when picked.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../../support/cli-env.ts';
import { TmuxApp } from '../../support/tmux.ts';
import { until } from '../../support/process.ts';

const app = new TmuxApp(`mfs-tui-home-${process.pid}`);
const { screen, waitFor } = app;
const dir = mkdtempSync(join(tmpdir(), 'mfs-home-'));
const runbooks = join(dir, 'runbooks');
const state = join(dir, 'state');
mkdirSync(runbooks);
const inventory = join(dir, 'inventory.yaml');
writeFileSync(
  inventory,
  'cluster: hometest\nvip: { address: 127.0.0.99, interface: lo, prefix: 32 }\nhosts:\n  - { name: m1, address: 127.0.0.1, roles: [master-candidate] }\n  - { name: l1, address: 127.0.0.1, roles: [metalogger] }\n  - { name: c1, address: 127.0.0.1, roles: [chunkserver] }\n',
);
const env = { MFS_TUI_STATE_DIR: state, MFS_TUI_CONFIG_DIR: join(dir, 'config'), NO_COLOR: '1', TERM: 'xterm-256color', LANG: 'C.UTF-8', PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

after(() => {
  app.close();
  rmSync(dir, { recursive: true, force: true });
});

const book = (id: string, title: string, script: string) => `---
id: ${id}
title: ${title}
summary: Summary of ${id}.
when: In tests.
risk: low
---

## Echo {#echo}

\`\`\`sh on=local confirm=none
${script}
\`\`\`
`;

const start = () => app.start(env, `--inventory ${inventory} --runbooks ${runbooks}`, { columns: 140, rows: 40 });
function stop(): void {
  app.keys('q');
  try {
    app.killSession();
  } catch {
    // already gone
  }
}
/** How many file checks (parse + validate results) the runbook cache holds. */
function checksCached(): number {
  try {
    const { entries } = JSON.parse(readFileSync(join(state, 'runbook-cache.json'), 'utf8')) as { entries: Record<string, { value: unknown }> };
    return Object.values(entries).filter((e) => typeof e.value === 'object' && e.value !== null && 'validation' in e.value).length;
  } catch {
    return 0; // not written yet, or being replaced
  }
}

/** The screen as one line: Ink wraps long lines at a space. */
const flat = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** What `mfs-tui validate` says about the folder: the first problem and how many. */
function validate(): { first: string; count: number } {
  const r = spawnSync(process.execPath, [BIN, 'validate', '--inventory', inventory, '--runbooks', runbooks], { env, encoding: 'utf8', timeout: 60_000 });
  const lines = r.stdout.split('\n').filter((l) => /^\/.*:\d+:\d+: /.test(l));
  return { first: lines[0] ?? '', count: lines.length };
}

test('a broken runbook is shown as validate reports it, without and with the cache; a picked runbook runs', async () => {
  writeFileSync(join(runbooks, 'good.md'), book('good', 'Say hello here', 'echo hello-from-home-test'));
  writeFileSync(join(runbooks, 'broken.md'), book('broken', 'Broken on purpose', 'echo {{nope}}'));
  const expected = validate();
  assert.equal(expected.count, 1);
  assert.match(expected.first, /broken\.md:12:6: unknown variable \{\{nope\}\}/);
  const notice = `1 runbook problem(s); run \`mfs-tui validate\`. First: ${expected.first}`;

  // First start: no cache yet. The list is there, the problem once the files are checked.
  start();
  await waitFor(/Say hello here/, 'the runbook list');
  let s = await waitFor(/runbook problem\(s\)/, 'the problem notice after the check');
  assert.ok(flat(s).includes(notice), `expected the notice:\n${notice}\nscreen:\n${s}`);
  stop();
  assert.equal(statSync(join(state, 'runbook-cache.json')).mode & 0o777, 0o600);

  // Second start: from the cache, the same notice.
  start();
  s = await waitFor(/runbook problem\(s\)/, 'the problem notice from the cache');
  assert.ok(flat(s).includes(notice), `expected the notice:\n${notice}\nscreen:\n${s}`);
  assert.match(s, /Broken on purpose/);
  stop();

  // The broken runbook fixed and the good one retitled: the cache does not hide either change.
  writeFileSync(join(runbooks, 'broken.md'), book('broken', 'Broken on purpose', 'echo fixed'));
  writeFileSync(join(runbooks, 'good.md'), book('good', 'Say hello again', 'echo hello-from-home-test'));
  assert.equal(validate().count, 0);
  const checked = checksCached();
  start();
  s = await waitFor(/Say hello again/, 'the new title');
  // The check of the two changed files has ended (each is saved to the cache as it is
  // checked, before the screen is told); no notice may appear.
  await until('the changed files checked', () => checksCached() >= checked + 2, 30_000, 50);
  assert.doesNotMatch(screen(), /runbook problem/);

  // Picking a runbook parses it in full and runs it.
  // Triage and the status come first on Home: the runbook is found by typing its name.
  app.keys('hello again');
  assert.doesNotMatch(await waitFor(/❯ Say hello again/, 'the runbook focused by the typed filter'), /runbook problem/);
  app.keys('Enter');
  s = await waitFor(/succeeded/i, 'the run finished');
  assert.match(s, /hello-from-home-test/);
  stop();
});

test('the inventory remembered from the last start draws the first frame; the full load after it wins', async () => {
  const key = join(dir, 'id_test');
  writeFileSync(key, 'not really a key, only has to exist\n', { mode: 0o600 });
  const keyed = join(dir, 'keyed.yaml');
  writeFileSync(
    keyed,
    `cluster: remembered-test\nvip: { address: 127.0.0.99, interface: lo, prefix: 32 }\nhosts:\n  - { name: m1, address: 127.0.0.1, identity: ${key}, roles: [master-candidate] }\n`,
  );
  // The shell line of the tmux session: the app's exit code shows once it ends.
  const args = `--inventory ${keyed} --runbooks ${runbooks}; echo "mfs-tui exited with $?"`;
  app.start(env, args, { columns: 140, rows: 40 });
  await waitFor(/cluster remembered-test/, 'the home screen');
  // Written as soon as the screen was up, while it still runs; stop() closes the terminal (SIGHUP) at once.
  const cache = () => readFileSync(join(state, 'runbook-cache.json'), 'utf8');
  await until('the inventory in the cache', () => /"cluster":"remembered-test"/.test(cache()), 5000, 50);
  stop();
  assert.match(cache(), /"cluster":"remembered-test"/);

  // The key file gone: the remembered inventory still draws the screen, the full load that
  // follows finds the problem and the app stops with it, as a cold start would.
  rmSync(key);
  app.start(env, args, { columns: 140, rows: 40 });
  const s = await waitFor(/mfs-tui exited with \d+/, 'the app to stop');
  // The first frame was drawn (from memory) before the full load failed: it stays above the error.
  assert.match(s, /cluster remembered-test/);
  assert.match(flat(s), new RegExp(`identity file ${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist`));
  assert.match(s, /mfs-tui exited with 2/);
  stop();
});
