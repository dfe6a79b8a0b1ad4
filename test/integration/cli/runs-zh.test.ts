// `mfs-tui runs` in Chinese through the real binary: the journal list with its status words in
// Chinese, columns lined up in terminal cells (a Chinese word is two cells a character), no
// English prose of its own; a runs folder it cannot read is said in Chinese, exit 2, no stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cells } from '../../../src/util/cells.ts';
import { BIN } from '../../support/cli-env.ts';
import { englishPhrase, englishWords } from '../../support/english-phrase.ts';

/** A state folder (its runs folder made by `runs`) and a config folder of its own, so --lang is remembered nowhere else. */
function world(): { state: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-runs-zh-'));
  const env: NodeJS.ProcessEnv = { ...process.env, MFS_TUI_STATE_DIR: join(dir, 'state'), MFS_TUI_CONFIG_DIR: join(dir, 'config'), NO_COLOR: '1' };
  for (const k of ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE']) delete env[k];
  return { state: join(dir, 'state'), env };
}

function cli(env: NodeJS.ProcessEnv, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const started = (runId: string, title: string, cluster: string, operator: string, ts: string) =>
  JSON.stringify({
    seq: 1,
    ts,
    type: 'run-started',
    runId,
    runbook: { id: runId.split('-').slice(2, -1).join('-'), title, file: '/runbooks/x.md', hash: 'h', steps: [{ id: 'a', hash: 'h' }] },
    inventory: { file: '/inventory.yaml', hash: 'h', cluster },
    inputs: {},
    operator,
    machine: 'ops-box',
    mode: 'interactive',
  });

const RUNS = {
  ok: '20261207-101500-power-cut-ab12',
  open: '20261207-111500-health-check-cd34',
  torn: '20261207-121500-lost-master-ef56',
  bad: '20261207-131500-x-0a0b',
};

/** Four journals as the writer leaves them: succeeded, unfinished, run-finished torn by a crash, a first line that is not a record. */
function journals(state: string): void {
  const runs = join(state, 'runs');
  mkdirSync(runs, { recursive: true, mode: 0o700 });
  const write = (id: string, lines: string[]) => writeFileSync(join(runs, `${id}.jsonl`), lines.join('\n'), { mode: 0o600 });
  write(RUNS.ok, [started(RUNS.ok, '断电恢复', '生产', '张三', '2026-12-07T10:15:00.000Z'), '{"seq":2,"ts":"2026-12-07T10:20:00.000Z","type":"run-finished","status":"succeeded"}', '']);
  write(RUNS.open, [started(RUNS.open, 'Health check', 'prod', 'ops', '2026-12-07T11:15:00.000Z'), '']);
  write(RUNS.torn, [started(RUNS.torn, '主控丢失', '生产', '李四', '2026-12-07T12:15:00.000Z'), '{"seq":2,"ts":"2026-12-07T12:20:00.000Z","type":"run-finished","sta']);
  write(RUNS.bad, ['garbage', '']);
}

/** The terminal cell where each of `words` starts on `line`, and where the next column starts after the last. */
function columnStarts(line: string, words: string[]): number[] {
  const at = words.map((w) => cells(line.slice(0, line.indexOf(w))));
  const last = words.at(-1)!;
  const after = line.indexOf(last) + last.length;
  return [...at, cells(line.slice(0, after)) + (line.slice(after).length - line.slice(after).trimStart().length)];
}

test('runs in Chinese: status words in Chinese, columns aligned in cells, nothing English of its own; English keeps its words', () => {
  const { state, env } = world();
  journals(state);
  const zh = cli(env, ['--lang', 'zh', 'runs']);
  assert.equal(zh.code, 0, zh.stdout + zh.stderr);
  assert.equal(zh.stderr, '');
  const lines = zh.stdout.trimEnd().split('\n');
  // Newest first, one row a journal, the damaged one listed too.
  assert.deepEqual(
    lines.map((l) => l.split(' ')[0]),
    [RUNS.bad, RUNS.torn, RUNS.open, RUNS.ok],
  );
  const states = ['已损坏', '已结束（最后一条记录不完整）', '未完成', '成功'];
  lines.forEach((l, i) => assert.ok(l.includes(`  ${states[i]}  `), l));
  assert.match(lines[2]!, /Health check {2}（prod，ops，最后记录于 2026-12-07T11:15:00\.000Z）$/);
  assert.match(lines[3]!, /断电恢复 {2}（生产，张三，最后记录于 2026-12-07T10:20:00\.000Z）$/);
  assert.match(lines[0]!, /\/runs\/20261207-131500-x-0a0b\.jsonl:1: 第一行不是可读的 run-started 记录$/);
  // The state and the column after it start at the same cell on every row, the widest
  // state (28 cells) included.
  const starts = lines.map((l, i) => columnStarts(l, [states[i]!]));
  for (const s of starts) assert.deepEqual(s, starts[0], `${starts.join(' | ')}\n${zh.stdout}`);
  const idW = Math.max(...Object.values(RUNS).map((id) => id.length));
  assert.equal(starts[0]![0], idW + 2);
  // What is left once the journal's own data (ids, paths, titles, names) is taken out is Chinese.
  const data = [...Object.values(RUNS), 'Health check', 'prod', 'ops', 'run-started'];
  for (const l of lines) {
    let own = l.replace(/\/\S+\.jsonl:1:/, ' ').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, ' ');
    for (const d of data) own = own.split(d).join(' ');
    assert.equal(englishPhrase(own), undefined, l);
    assert.deepEqual(englishWords(own), [], l);
  }

  const en = cli(env, ['--lang', 'en', 'runs']);
  assert.equal(en.code, 0, en.stderr);
  const enLines = en.stdout.trimEnd().split('\n');
  const pad = (s: string, n: number) => s + ' '.repeat(n - s.length);
  assert.equal(enLines[3], `${pad(RUNS.ok, idW)}  ${pad('succeeded', 27)}  断电恢复  (生产, 张三, last 2026-12-07T10:20:00.000Z)`);
  assert.equal(enLines[1], `${pad(RUNS.torn, idW)}  finished (last record torn)  主控丢失  (生产, 李四, last 2026-12-07T12:15:00.000Z)`);
  assert.match(enLines[2]!, / {2}UNFINISHED {19}Health check/);
  assert.match(enLines[0]!, / {2}DAMAGED {22}\/\S+: the first line is not a readable run-started record$/);

  // A prefix that names several runs is said in Chinese too.
  const ambiguous = cli(env, ['--lang', 'zh', 'report', '20261207']);
  assert.equal(ambiguous.code, 2, ambiguous.stderr);
  assert.match(ambiguous.stderr, /^mfs-tui: '20261207' 匹配到 4 个运行：20261207-131500-x-0a0b, /);
});

test('runs with a runs folder it cannot read: a Chinese sentence naming it, exit 2, no stack trace; no journal means no runs', () => {
  const { state, env } = world();
  mkdirSync(state, { recursive: true });
  const zhEmpty = cli(env, ['--lang', 'zh', 'runs']);
  assert.equal(zhEmpty.code, 0, zhEmpty.stderr);
  assert.equal(zhEmpty.stdout, '还没有任何运行记录\n');

  const { state: broken, env: brokenEnv } = world();
  mkdirSync(broken, { recursive: true });
  // A file where the runs folder should be (as root, a mode cannot make a folder unreadable).
  writeFileSync(join(broken, 'runs'), 'not a folder\n');
  const zh = cli(brokenEnv, ['--lang', 'zh', 'runs']);
  assert.equal(zh.code, 2, zh.stdout + zh.stderr);
  assert.equal(zh.stdout, '');
  assert.equal(zh.stderr, `mfs-tui: 无法读取运行记录目录 ${join(broken, 'runs')}（它不是目录）\n`);
  assert.doesNotMatch(zh.stderr, /internal error|\n\s+at /);
  const en = cli(brokenEnv, ['--lang', 'en', 'runs']);
  assert.equal(en.code, 2);
  assert.equal(en.stderr, `mfs-tui: cannot read the runs folder ${join(broken, 'runs')} (it is not a folder)\n`);
});

test('resume lists the unfinished runs in Chinese, titles aligned in cells; English keeps its words', () => {
  const { state, env } = world();
  const runs = join(state, 'runs');
  mkdirSync(runs, { recursive: true, mode: 0o700 });
  const long = '20261207-111500-health-check-cd34';
  const short = '20261207-101500-x-ab12';
  writeFileSync(join(runs, `${long}.jsonl`), `${started(long, '健康检查', '生产', '张三', '2026-12-07T11:15:00.000Z')}\n`, { mode: 0o600 });
  writeFileSync(join(runs, `${short}.jsonl`), `${started(short, '主控丢失', 'prod', 'ops', '2026-12-07T10:15:00.000Z')}\n`, { mode: 0o600 });
  const zh = cli(env, ['--lang', 'zh', 'resume']);
  assert.equal(zh.code, 0, zh.stdout + zh.stderr);
  assert.deepEqual(zh.stdout.trimEnd().split('\n'), [
    `${long}  健康检查  （生产；开始于 2026-12-07T11:15:00.000Z，最后记录于 2026-12-07T11:15:00.000Z）`,
    `${short}${' '.repeat(long.length - short.length)}  主控丢失  （prod；开始于 2026-12-07T10:15:00.000Z，最后记录于 2026-12-07T10:15:00.000Z）`,
    '续跑其中一个：mfs-tui resume RUN',
  ]);
  const en = cli(env, ['--lang', 'en', 'resume']);
  assert.equal(en.code, 0, en.stderr);
  assert.equal(en.stdout.split('\n')[0], `${long}  健康检查  (生产; started 2026-12-07T11:15:00.000Z, last 2026-12-07T11:15:00.000Z)`);
});
