// The drill and the practice cluster in Chinese through the real binary (no lab needed: a
// drill is refused before it touches one, and the drill store is a file in the config
// folder): a drill refused, the drill list, the history table and the drill under way,
// `lab --help`, and a practice-cluster file refused as a real cluster's. English unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../../support/cli-env.ts';
import { englishPhrase } from '../../support/english-phrase.ts';
import { cells } from '../../../src/util/cells.ts';

/** A scratch config, state and lab folder; the lab folder holds an inventory, as while a lab is up. */
function world(): { config: string; lab: string } {
  const config = mkdtempSync(join(tmpdir(), 'mfs-drill-zh-'));
  const lab = join(config, 'lab');
  mkdirSync(lab);
  writeFileSync(join(lab, 'inventory.yaml'), 'cluster: lab\n');
  return { config, lab };
}

function cli(w: { config: string; lab: string }, args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LC_ALL|LC_MESSAGES|LANG|LANGUAGE|MFS_TUI_.*)$/.test(k)));
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...env, HOME: w.config, MFS_TUI_CONFIG_DIR: w.config, MFS_TUI_STATE_DIR: join(w.config, 'state'), MFS_TUI_LAB_DIR: w.lab, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a drill refused (a fault with no runbook, an unknown name): said in Chinese, exit 1, no stack; English under --lang en', () => {
  const w = world();
  const part = cli(w, ['--lang', 'zh', 'drill', 'partition']);
  assert.equal(part.code, 1, part.stderr);
  assert.match(part.stderr, /^mfs-tui: 'partition' 不提供演练：没有能修复网络分区的 runbook（这是网络故障，用 `lab break heal` 撤销）（可用的演练：power-cut, .*stale-master-returns）\n$/);
  const unknown = cli(w, ['--lang', 'zh', 'drill', 'meteor']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^mfs-tui: 没有名为 'meteor' 的演练（可用的演练：power-cut, /);
  assert.doesNotMatch(part.stderr + unknown.stderr, /\n\s+at /);
  const en = cli(w, ['--lang', 'en', 'drill', 'partition']);
  assert.equal(en.code, 1);
  assert.match(en.stderr, /^mfs-tui: 'partition' is not offered as a drill: no runbook heals a network partition/);
});

test('drill --list in Chinese: every title and reason without an English phrase; ids and runbook names as they are', () => {
  const w = world();
  const zh = cli(w, ['--lang', 'zh', 'drill', '--list']);
  assert.equal(zh.code, 0, zh.stderr);
  const lines = zh.stdout.trimEnd().split('\n');
  assert.equal(lines[0], '演练（mfs-tui drill SCENARIO）：');
  assert.ok(lines.includes('  power-cut             活动 master 断电（已部署 HA）  [runbook：power-cut]'), zh.stdout);
  assert.match(zh.stdout, /\n {2}partition {13}没有能修复网络分区的 runbook/);
  assert.deepEqual(
    lines.filter((l) => englishPhrase(l)),
    [],
  );
  assert.match(cli(w, ['--lang', 'en', 'drill', '--list']).stdout, /power-cut {13}Power cut on the active master \(HA in place\) {2}\[runbook: power-cut\]/);
});

const DRILLS = {
  history: [
    {
      id: 'drill-20261125-100000-ab12',
      scenario: 'power-cut',
      surprise: false,
      scripted: true,
      startedAt: '2026-11-25T10:00:00.000Z',
      brokeAt: '2026-11-25T10:00:05.000Z',
      did: [],
      versionBefore: 5,
      dir: '/mnt/mfs/drills/a',
      files: [],
      checks: [],
      endedAt: '2026-11-25T10:02:00.000Z',
      outcome: 'recovered',
      recoveryMs: 115_000,
    },
    {
      id: 'drill-20261125-110000-cd34',
      scenario: 'split-brain',
      surprise: true,
      scripted: false,
      startedAt: '2026-11-25T11:00:00.000Z',
      did: [],
      versionBefore: 5,
      dir: '/mnt/mfs/drills/b',
      files: [],
      checks: [],
      endedAt: '2026-11-25T11:02:00.000Z',
      outcome: 'abandoned',
    },
  ],
  active: {
    id: 'drill-20261125-120000-ef56',
    scenario: 'chunkserver-down',
    surprise: false,
    scripted: false,
    startedAt: '2026-11-25T12:00:00.000Z',
    brokeAt: '2026-11-25T12:00:05.000Z',
    did: [],
    versionBefore: 5,
    dir: '/mnt/mfs/drills/c',
    files: [],
    checks: [],
  },
  scripted: {},
};

test('the drill history and the drill under way in Chinese: columns aligned in terminal cells; English unchanged', () => {
  const w = world();
  writeFileSync(join(w.config, 'drills.json'), JSON.stringify(DRILLS));
  chmodSync(join(w.config, 'drills.json'), 0o600);
  const zh = cli(w, ['--lang', 'zh', 'drill', '--history']);
  assert.equal(zh.code, 0, zh.stderr);
  const [head, recovered, abandoned, under] = zh.stdout.split('\n');
  assert.match(head!, /^演练 +场景 +结果 +恢复用时 +运行 {2}弯路$/);
  assert.match(recovered!, /^drill-20261125-100000-ab12 +power-cut +已恢复 +1 分 55 秒 +0 +0 {2}脚本化$/);
  assert.match(abandoned!, /^drill-20261125-110000-cd34 +split-brain +已放弃 +- +0 +0 {2}突击$/);
  assert.match(under!, /^drill-20261125-120000-ef56 +chunkserver-down 进行中$/);
  // Each header starts where its column starts, counted in cells (a Chinese character is two).
  const at = (line: string, text: string) => cells(line.slice(0, line.indexOf(text)));
  assert.equal(at(head!, '结果'), at(recovered!, '已恢复'));
  assert.equal(at(head!, '恢复用时'), at(recovered!, '1 分'));
  assert.equal(cells(head!), cells(recovered!.replace(/ {2}脚本化$/, '')), 'the wrong-turn count ends under its header');
  const en = cli(w, ['--lang', 'en', 'drill', '--history']).stdout;
  assert.match(en, /^drill {26}scenario {9}outcome {4}recovery {5}runs {2}wrong turns\n/);
  assert.match(en, /\ndrill-20261125-100000-ab12 {5}power-cut {8}recovered {2}1 min 55 s {6}0 {12}0 {2}scripted\n/);

  const now = cli(w, ['--lang', 'zh', 'drill']);
  assert.equal(now.code, 0, now.stderr);
  assert.match(now.stdout, /^进行中的演练：drill-20261125-120000-ef56，一个 chunkserver 崩溃了\n计时：故障发生后 \d+ 分 \d\d 秒（2026-11-25T12:00:05.000Z）。\n还没有运行过 runbook。\n/);
});

test("lab --help in Chinese; the practice cluster's inventory refused as a real cluster's, in Chinese (exit 2)", () => {
  const w = world();
  const help = cli(w, ['--lang', 'zh', 'lab', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^用法： mfs-tui lab /);
  assert.match(help.stdout, /\n {2}down +拆除练习集群/);
  const labInventory = join(w.lab, 'inventory.yaml');
  writeFileSync(join(w.config, 'known_hosts'), '');
  writeFileSync(
    labInventory,
    `cluster: lab\nvip: { address: 127.0.0.200, interface: lo, prefix: 32 }\nssh: { known_hosts: [${join(w.config, 'known_hosts')}] }\nhosts:\n` +
      '  - { name: m1, address: 127.0.0.1, port: 1, user: root, roles: [master-candidate, metalogger, chunkserver] }\n',
  );
  const add = cli(w, ['--lang', 'zh', 'clusters', 'add', 'prod2', labInventory]);
  assert.equal(add.code, 2, add.stdout + add.stderr);
  assert.match(add.stderr, /是练习集群的 inventory（请用 --lab 或 --cluster lab），绝不能当作真实集群 'prod2' 使用/);
  assert.doesNotMatch(add.stderr, /practice cluster's inventory/);
  const en = cli(w, ['--lang', 'en', 'clusters', 'add', 'prod2', labInventory]);
  assert.equal(en.code, 2);
  assert.match(en.stderr, /is the practice cluster's inventory \(use --lab or --cluster lab\), never a real cluster's as 'prod2'/);
});

test('a drill on a lab built --as ops (root cannot log in, its unattended triage would need a password) is refused before it breaks anything, in both languages', () => {
  const w = world();
  writeFileSync(
    join(w.lab, 'state.json'),
    JSON.stringify({ version: 1, startedAt: '2026-12-07T00:00:00Z', phase: 'up', chunkservers: 3, bare: false, operator: 'ops', bridge: 'mfslab-br', hosts: [] }),
    { mode: 0o600 },
  );
  const en = cli(w, ['--lang', 'en', 'drill', 'power-cut']);
  assert.equal(en.code, 2, en.stderr);
  assert.match(en.stderr, /^mfs-tui: this practice cluster was built with `lab up --as ops`, where root cannot log in: .*`mfs-tui lab up`/);
  const zh = cli(w, ['--lang', 'zh', 'drill', 'power-cut']);
  assert.equal(zh.code, 2, zh.stderr);
  assert.match(zh.stderr, /^mfs-tui: 这个练习集群是用 `lab up --as ops` 搭建的/);
  assert.doesNotMatch(en.stderr + zh.stderr, /\n\s+at /, 'no stack trace');
});
