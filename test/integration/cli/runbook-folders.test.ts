// The real bin/mfs-tui with the operator's runbook folders: --runbooks (repeatable) and the
// config's runbookDirs ADD to the built-in library; a missing folder is bad input (exit 2,
// named with where it was given); a file taking a built-in runbook's id is a located problem
// and never what runs under that id.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../../support/cli-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'mfs-folders-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const mine = join(dir, 'mine');
const more = join(dir, 'more');
mkdirSync(mine);
mkdirSync(more);
const marker = join(dir, 'ran');
const book = (id: string, risk: string, line: string) =>
  `---\nid: ${id}\ntitle: T ${id}\nsummary: S.\nwhen: W.\nrisk: ${risk}\n---\n\n## Do {#do}\n\n\`\`\`sh on=local confirm=none\n${line}\n\`\`\`\n`;
writeFileSync(join(mine, 'say-hi.md'), book('say-hi', 'low', `echo hi >> ${marker}`));
writeFileSync(join(more, 'say-bye.md'), book('say-bye', 'low', `echo bye >> ${marker}`));
writeFileSync(
  join(dir, 'inventory.yaml'),
  'cluster: folders\nvip: { address: 127.0.0.99, interface: lo, prefix: 32 }\nhosts:\n  - { name: m1, address: 127.0.0.1, roles: [master-candidate] }\n  - { name: l1, address: 127.0.0.1, roles: [metalogger] }\n  - { name: c1, address: 127.0.0.1, roles: [chunkserver] }\n',
);
const env = { ...process.env, MFS_TUI_STATE_DIR: join(dir, 'state'), MFS_TUI_CONFIG_DIR: join(dir, 'config'), NO_COLOR: '1' };
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, '--inventory', 'inventory.yaml', ...args], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });

test('--runbooks adds folders (repeatable): their runbooks and the built-in ones validate, run and dry-run', () => {
  const v = cli(['--runbooks', 'mine', '--runbooks', more, 'validate']);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  const builtin = spawnSync(process.execPath, [BIN, 'validate'], { cwd: dir, env, encoding: 'utf8' });
  const count = (s: string) => Number(/(\d+) runbooks? valid/.exec(s)?.[1]);
  assert.equal(count(v.stderr), count(builtin.stderr) + 2, v.stderr);
  const r = cli(['--runbooks', 'mine', '--runbooks', more, 'run', 'say-hi', '--yes']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const b = cli(['--runbooks', 'mine', '--runbooks', more, 'run', 'say-bye', '--yes']);
  assert.equal(b.status, 0, b.stdout + b.stderr);
  assert.equal(readFileSync(marker, 'utf8'), 'hi\nbye\n');
  // A built-in runbook is still there with the operator's folder added.
  const dry = cli(['--runbooks', 'mine', 'run', 'health-check', '--dry-run']);
  assert.equal(dry.status, 0, dry.stdout + dry.stderr);
  assert.match(dry.stdout, /dry run on folders/);
});

test('a missing --runbooks folder or a file given as one: exit 2, named, nothing run', () => {
  const r = cli(['--runbooks', 'nope', 'run', 'say-hi', '--yes']);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`--runbooks: runbook folder ${join(dir, 'nope')} does not exist`));
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  const f = cli(['--runbooks', 'inventory.yaml', 'validate']);
  assert.equal(f.status, 2, f.stdout + f.stderr);
  assert.match(f.stderr, /inventory\.yaml is not a folder/);
});

test('an operator file with a built-in id: validate names it (exit 1); run by that id refuses and runs neither', () => {
  const clash = join(dir, 'clash');
  mkdirSync(clash);
  // health-check is built in: a look-alike must never run in its place.
  writeFileSync(join(clash, 'my-health.md'), book('health-check', 'low', `touch ${join(dir, 'shadow-ran')}`));
  const v = cli(['--runbooks', clash, 'validate']);
  assert.equal(v.status, 1, v.stdout + v.stderr);
  assert.match(v.stdout, /my-health\.md:2:\d+: runbook id "health-check" is the built-in runbook .*runbooks\/health-check\.md's: an added runbook folder never replaces a built-in runbook/);
  const r = cli(['--runbooks', clash, 'run', 'health-check', '--yes']);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /runbook id 'health-check' is claimed by 2 files/);
  assert.equal(existsSync(join(dir, 'shadow-ran')), false);
});

test('config runbooks add/remove: the folder joins every command like --runbooks; a folder gone later is named with the config', () => {
  const add = cli(['config', 'runbooks', 'add', 'mine']);
  assert.equal(add.status, 0, add.stdout + add.stderr);
  const list = cli(['config', 'runbooks']);
  assert.match(list.stdout, new RegExp(`\\n  ${mine}\\n`));
  assert.equal(cli(['run', 'say-hi', '--dry-run']).status, 0);
  const bad = cli(['config', 'runbooks', 'add', 'nope']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /runbook folder .*nope does not exist/);
  // The folder goes away: every command says where it was configured.
  const moved = join(dir, 'mine-moved');
  spawnSync('mv', [mine, moved]);
  const r = cli(['run', 'say-hi', '--dry-run']);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /runbookDirs in .*config\.json.*: runbook folder .*mine does not exist/);
  const rm = cli(['config', 'runbooks', 'remove', mine]);
  assert.equal(rm.status, 0, rm.stdout + rm.stderr);
  assert.equal(cli(['validate']).status, 0);
  spawnSync('mv', [moved, mine]);
});
