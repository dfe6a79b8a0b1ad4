// Only valid runbooks run, whatever the path form: the real bin/mfs-tui refuses a runbook
// whose destructive step has a misspelt requires= (it would run with no precondition
// check) under --yes, from a relative --runbooks folder, by file and through a symlink,
// exit 1 with the located problem and nothing run; an absurd file is exit 2, fast.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../../support/cli-env.ts';
import { until } from '../../support/process.ts';

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
  for (const args of [
    ['validate', 'big.md'],
    ['--runbooks', 'books', 'run', 'big.md', '--yes'],
  ]) {
    const t0 = performance.now();
    const r = cli(args);
    const ms = performance.now() - t0;
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /big\.md:1:1: the file is 2\.0 MB, over the limit of 1 MB: not read/);
    assert.doesNotMatch(r.stderr, /internal error| {4}at /);
    assert.ok(ms < 10_000, `${ms} ms`);
  }
});

test('run and validate of a file that is missing or a folder: exit 2 (bad input, not a failed check), located, named as unreadable', () => {
  mkdirSync(join(dir, 'a-folder.md'), { recursive: true });
  for (const [file, why] of [
    ['missing.md', /missing\.md:1:1: cannot read the file \(ENOENT\)/],
    ['a-folder.md', /a-folder\.md:1:1: cannot read the file \(EISDIR: it is a folder\)/],
  ] as const) {
    for (const args of [
      ['validate', file],
      ['--runbooks', 'books', 'run', file, '--yes'],
    ]) {
      const r = cli(args);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, why);
    }
  }
});

// Under the size limit but absurd for markdown: micromark took minutes and a gigabyte for
// 20,000 steps in 1 MB, seconds for 2,000 nested quotes. Each is refused before parsing.
test('run and validate of absurd markdown under 1 MB (15,000 steps, 2,000 nested quotes or lists, a line of brackets): exit 2, located, fast', () => {
  const head = '---\nid: absurd\ntitle: A\nsummary: S.\nwhen: W.\nrisk: low\n---\n\n';
  const files: [string, string, RegExp][] = [
    [
      'steps.md',
      head + Array.from({ length: 15_000 }, (_, i) => `## S${i}\n\n\`\`\`sh on=local confirm=none\necho ${i}\n\`\`\`\n\n`).join(''),
      /steps\.md:5001:1: the file has \d+ lines, over the limit of 5000: not read/,
    ],
    ['many-steps.md', head + Array.from({ length: 1_000 }, (_, i) => `## S${i}\n`).join(''), /many-steps\.md:209:1: more than 200 steps: not read/],
    ['quotes.md', `${head}## S\n\n${'>'.repeat(2000)} x\n`, /quotes\.md:11:1: quotes or lists nested more than 16 levels deep: not read/],
    ['lists.md', `${head}## S\n\n${'- '.repeat(2000)}x\n`, /lists\.md:11:1: quotes or lists nested more than 16 levels deep: not read/],
    ['indent.md', `${head}## S\n\n${Array.from({ length: 200 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n')}\n`, /indent\.md:\d+:1: indented more than 64 columns/],
    ['brackets.md', `${head}## S\n\n${'[a]('.repeat(200_000)}\n`, /brackets\.md:11:4097: a line of 800000 characters, over the limit of 4096 outside code blocks: not read/],
    ['markup.md', `${head}## S\n\n${Array.from({ length: 2000 }, () => '[a](b) *c* [d](e) *f*').join('\n\n')}\n`, /markup\.md:\d+:1: more than 10000 markup characters/],
  ];
  for (const [name, text, message] of files) {
    assert.ok(Buffer.byteLength(text) < 1024 * 1024, name);
    writeFileSync(join(dir, name), text);
    for (const args of [
      ['validate', name],
      ['--runbooks', 'books', 'run', name, '--yes'],
    ]) {
      const t0 = performance.now();
      const r = cli(args);
      const ms = performance.now() - t0;
      assert.equal(r.status, 2, `${name}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout + r.stderr, message);
      assert.doesNotMatch(r.stderr, /internal error| {4}at /);
      assert.ok(ms < 10_000, `${name}: ${ms} ms`);
    }
  }
});

// A --decide answer is checked against the runbook before anything runs: found only when the
// run reached the decision, a typo stopped the run after the steps before it had run.
test('run --yes with a --decide that names no decision step, or no choice of it: exit 2, nothing run', () => {
  const ran = join(dir, 'decide-ran');
  writeFileSync(
    join(dir, 'books', 'decide.md'),
    `---\nid: decide\ntitle: Decide\nsummary: S.\nwhen: W.\nrisk: low\n---\n\n## Work {#work}\n\n\`\`\`sh on=local confirm=yes\ntouch ${ran}\n\`\`\`\n\n` +
      `## Next {#next}\n\n\`\`\`decision\nquestion: Go on?\nchoices:\n  - key: yes\n    label: Yes\n    goto: work\n  - key: stop\n    label: Stop\n    goto: end\n\`\`\`\n\n## End {#end}\n\nDone.\n`,
  );
  assert.equal(cli(['validate', 'books/decide.md']).status, 0);
  for (const [decide, message] of [
    ['nxet=stop', /--decide nxet=stop: runbook decide has no decision step 'nxet' \(decisions: next\)/],
    ['work=stop', /--decide work=stop: runbook decide has no decision step 'work'/],
    ['next=stpo', /--decide next=stpo: 'stpo' is not a choice of next \(choices: yes, stop\)/],
  ] as const) {
    const r = cli(['--runbooks', 'books', 'run', 'decide', '--yes', '--decide', decide]);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, message);
    assert.equal(existsSync(ran), false, `${decide}: nothing ran`);
  }
});

// Like ssh's StrictModes: a runbook or inventory every user may rewrite cannot say what runs.
test('a world-writable runbook or inventory is not read: exit 2, named, nothing run', () => {
  const ran = join(dir, 'ww-ran');
  const book = `---\nid: ww\ntitle: WW\nsummary: S.\nwhen: W.\nrisk: low\n---\n\n## Work {#work}\n\n\`\`\`sh on=local confirm=none\ntouch ${ran}\n\`\`\`\n`;
  writeFileSync(join(dir, 'ww.md'), book);
  chmodSync(join(dir, 'ww.md'), 0o666);
  for (const args of [
    ['validate', 'ww.md'],
    ['--runbooks', 'books', 'run', 'ww.md', '--yes'],
  ]) {
    const r = cli(args);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /ww\.md:1:1: the file is writable by every user \(mode 0666\)/);
  }
  chmodSync(join(dir, 'ww.md'), 0o644);
  writeFileSync(join(dir, 'ww-inventory.yaml'), 'cluster: refuse\nvip: { address: 127.0.0.99, interface: lo, prefix: 32 }\nhosts:\n  - { name: m1, address: 127.0.0.1, roles: [master-candidate] }\n');
  chmodSync(join(dir, 'ww-inventory.yaml'), 0o646);
  const r = cli(['--inventory', 'ww-inventory.yaml', '--runbooks', 'books', 'run', 'ww.md', '--yes']);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /ww-inventory\.yaml:1:1: the file is writable by every user \(mode 0646\)/);
  assert.equal(existsSync(ran), false);
  chmodSync(join(dir, 'ww-inventory.yaml'), 0o644);
  assert.equal(cli(['--inventory', 'ww-inventory.yaml', '--runbooks', 'books', 'run', 'ww.md', '--yes']).status, 0);
  assert.equal(existsSync(ran), true, 'a private copy runs');
});

// `resume` without a terminal and without --yes refuses up front, as `run` does, when a step
// still ahead asks a confirmation: before, it ran up to that step and stopped there (exit 1).
// Steps already done do not count, and nothing is run twice.
test('resume without a terminal and without --yes: exit 2 naming the confirmation still ahead, nothing run; --yes goes on', async () => {
  const first = join(dir, 'later-first');
  const go = join(dir, 'later-go');
  const work = join(dir, 'later-work');
  writeFileSync(
    join(dir, 'books', 'later.md'),
    `---\nid: later\ntitle: Later\nsummary: S.\nwhen: W.\nrisk: low\n---\n\n## Look {#look}\n\n\`\`\`sh on=local confirm=yes\necho once >> ${first}\n\`\`\`\n\n` +
      `## Wait {#wait}\n\n\`\`\`sh on=local confirm=none timeout=60\necho waiting; while [ ! -e ${go} ]; do sleep 0.1; done\n\`\`\`\n\n` +
      `## Work {#work}\n\n\`\`\`sh on=local confirm=typed risk="a test"\ntouch ${work}\n\`\`\`\n`,
  );
  // Started with --yes and killed (kill -9) in its second step: resumable, that step in doubt.
  const child = spawn(process.execPath, [BIN, '--inventory', 'inventory.yaml', '--runbooks', 'books', 'run', 'later', '--yes'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await until('the second step to run', () => out.includes('local | waiting'), 90_000);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('close', r));
  const runId = /^run (\S+): Later/m.exec(out)?.[1];
  assert.ok(runId, out);

  const refused = cli(['--runbooks', 'books', 'resume', runId]);
  assert.equal(refused.status, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, new RegExp(`resume ${runId}: nothing more was run`));
  assert.match(refused.stderr, /step 3 \(work\): type the host name/);
  assert.doesNotMatch(refused.stderr, /step 1 \(look\)/, 'a step already done asks nothing');
  assert.doesNotMatch(refused.stderr, /internal error| {4}at /);
  assert.equal(existsSync(work), false, 'nothing ran');

  const zh = cli(['--lang', 'zh', '--runbooks', 'books', 'resume', runId]);
  assert.equal(zh.status, 2, zh.stderr);
  assert.match(zh.stderr, new RegExp(`继续 ${runId}：没有再执行任何步骤`));

  writeFileSync(go, '');
  // (--lang is remembered: English again.)
  const done = cli(['--lang', 'en', '--runbooks', 'books', 'resume', runId, '--yes', '--settle', 'follow,rerun']);
  assert.equal(done.status, 0, done.stdout + done.stderr);
  assert.equal(existsSync(work), true);
  assert.equal(readFileSync(first, 'utf8'), 'once\n', 'the first step ran once');
});

// Ctrl-C cancels the running step and says the run can be resumed. A resume without an
// operator that meets that step must not fail the run for them (it did: the run was then
// finished and could not be resumed): --settle says what becomes of it, or it stops there.
test('resume --yes after Ctrl-C: the cancelled step is not failed; it waits for --settle rerun|mark-done|abort, then rerun goes on', async () => {
  const go = join(dir, 'cancel-go');
  const work = join(dir, 'cancel-work');
  writeFileSync(
    join(dir, 'books', 'cancel.md'),
    `---\nid: cancel\ntitle: Cancel\nsummary: S.\nwhen: W.\nrisk: low\n---\n\n## Wait {#wait}\n\n\`\`\`sh on=local confirm=yes timeout=60\necho waiting; while [ ! -e ${go} ]; do sleep 0.1; done; echo went\n\`\`\`\n\n` +
      `## Work {#work}\n\n\`\`\`sh on=local confirm=none\ntouch ${work}\n\`\`\`\n`,
  );
  const child = spawn(process.execPath, [BIN, '--inventory', 'inventory.yaml', '--runbooks', 'books', 'run', 'cancel', '--yes'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await until('the step to run', () => out.includes('local | waiting'), 90_000);
  child.kill('SIGINT');
  assert.equal(await new Promise((r) => child.once('close', r)), 130, out);
  const runId = /resume with: mfs-tui resume (\S+)/.exec(out)?.[1];
  assert.ok(runId, out);

  const stopped = cli(['--lang', 'en', '--runbooks', 'books', 'resume', runId, '--yes']);
  assert.equal(stopped.status, 1, stopped.stdout + stopped.stderr);
  assert.match(stopped.stdout, /step wait on local was cancelled \(.*\) before this resume/);
  assert.match(stopped.stdout, /--settle rerun\|mark-done\|abort/);
  assert.doesNotMatch(stopped.stdout, /run failed/);
  assert.match(cli(['resume']).stdout, new RegExp(runId), 'still resumable');
  assert.equal(existsSync(work), false);

  writeFileSync(go, '');
  const done = cli(['--lang', 'en', '--runbooks', 'books', 'resume', runId, '--yes', '--settle', 'rerun']);
  assert.equal(done.status, 0, done.stdout + done.stderr);
  assert.match(done.stdout, /local \| went/);
  assert.equal(existsSync(work), true);
});
