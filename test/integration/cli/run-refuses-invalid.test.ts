// Only valid runbooks run, whatever the path form: the real bin/mfs-tui refuses a runbook
// whose destructive step has a misspelt requires= (it would run with no precondition
// check) under --yes, from a relative --runbooks folder, by file and through a symlink,
// exit 1 with the located problem and nothing run; an absurd file is exit 2, fast.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './cli-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'mfs-refuse-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'books'));
const marker = join(dir, 'ran');
writeFileSync(
  join(dir, 'books', 'typo.md'),
  `---\nid: typo\ntitle: Typo\nsummary: S.\nwhen: W.\nrisk: low\n---\n\n## Stop {#stop}\n\n\`\`\`sh on=local confirm=typed requires=no-splitbrain\ntouch ${marker}\n\`\`\`\n`,
);
symlinkSync(join(dir, 'books', 'typo.md'), join(dir, 'link.md'));
writeFileSync(join(dir, 'inventory.yaml'), 'cluster: refuse\nvip: { address: 127.0.0.99, interface: lo, prefix: 32 }\nhosts:\n  - { name: m1, address: 127.0.0.1, roles: [master-candidate] }\n');
const env = { ...process.env, MFS_TUI_STATE_DIR: join(dir, 'state'), MFS_TUI_CONFIG_DIR: join(dir, 'config'), NO_COLOR: '1' };
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, '--inventory', 'inventory.yaml', ...args], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });

for (const [form, args] of [
  ['by id from a relative --runbooks', ['--runbooks', 'books', 'run', 'typo', '--yes']],
  ['by id from a relative ./--runbooks', ['--runbooks', './books/', 'run', 'typo', '--yes']],
  ['by relative file', ['--runbooks', 'books', 'run', 'books/typo.md', '--yes']],
  ['through a symlink', ['--runbooks', 'books', 'run', 'link.md', '--yes']],
] as const) {
  test(`run ${form}: exit 1 with the located problem, nothing run`, () => {
    const r = cli([...args]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /(typo|link)\.md:11:\d+: unknown requirement "no-splitbrain"/);
    assert.equal(existsSync(marker), false);
  });
}

test('run and validate of a file over 1 MB: exit 2, located, in well under the time a parse would take', () => {
  writeFileSync(join(dir, 'big.md'), `---\nid: big\n---\n${'x'.repeat(2 * 1024 * 1024)}`);
  for (const args of [['validate', 'big.md'], ['--runbooks', 'books', 'run', 'big.md', '--yes']]) {
    const t0 = performance.now();
    const r = cli(args);
    const ms = performance.now() - t0;
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /big\.md:1:1: the file is 2\.0 MB, over the limit of 1 MB: not read/);
    assert.doesNotMatch(r.stderr, /internal error|    at /);
    assert.ok(ms < 10_000, `${ms} ms`);
  }
});
