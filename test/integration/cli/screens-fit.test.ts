// Every screen of the real bin/mfs-tui in a real terminal (tmux) at 80×24 and 200×50, on a
// cluster of 12 hosts where half are down (closed ports): no line wider than the terminal,
// box borders intact, the key facts on screen (what is wrong, the VIP, the current step and
// its question).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { cliEnv, type CliEnv } from '../../support/cli-env.ts';
import { TmuxApp, closedLocalPort } from '../../support/tmux.ts';

const app = new TmuxApp(`mfs-tui-fit-${process.pid}`);
let sshd: Sshd;
let closedPort: number;

before(async () => {
  sshd = await startSshd();
  // A port nothing listens on: the hosts there are down (connection refused).
  closedPort = await closedLocalPort();
});
after(async () => {
  app.close();
  await sshd?.stop();
});

const BOOK = `---
id: fit-tour
title: 断电后主节点恢复 (fit tour)
summary: A read-only look, then one confirmation
when: In tests
risk: low
roles: [master-candidate]
---

## Look at h1 {#look}

\`\`\`sh on=h1 confirm=none
echo looked
\`\`\`

## Confirm on h1 {#confirm}

The recovered master is first started without the VIP, so no chunkserver, metalogger
or client can reach it. The metalogger host then compares versions. A master with older
metadata than the metalogger would make chunkservers drop chunks of newer files.

\`\`\`sh on=h1 confirm=yes
echo confirmed
\`\`\`
`;

/** h1 (the sshd) a master candidate, m2 down; ten chunkservers, the odd ones down. */
function env(): CliEnv {
  const e = cliEnv(sshd);
  const up = `address: 127.0.0.1, port: ${sshd.port}, user: ${sshd.user}, identity: ${sshd.clientKey}`;
  const down = `address: 127.0.0.1, port: ${closedPort}, user: ${sshd.user}, identity: ${sshd.clientKey}`;
  const hosts = [
    `  - { name: h1, ${up}, roles: [master-candidate] }`,
    `  - { name: m2, ${down}, roles: [master-candidate] }`,
    ...Array.from({ length: 10 }, (_, i) => `  - { name: c${String(i + 1).padStart(2, '0')}, ${i % 2 ? down : up}, roles: [chunkserver] }`),
  ];
  writeFileSync(e.inventory, ['cluster: clitest', 'vip: { address: 127.0.0.100, interface: lo, prefix: 8 }', `ssh: { known_hosts: [${e.knownHosts}] }`, 'hosts:', ...hosts, ''].join('\n'));
  writeFileSync(join(e.runbooks, 'fit-tour.md'), BOOK);
  return e;
}

function start(e: CliEnv, size: { columns: number; rows: number }, lang = 'en'): void {
  const vars = Object.fromEntries(Object.entries({ ...e.env, TERM: 'xterm-256color', LANG: 'C.UTF-8' }).filter(([k]) => /^(MFS_TUI_|NO_COLOR|PATH|HOME|TERM|LANG)/.test(k)));
  app.start(vars, `--lang ${lang} --inventory ${e.inventory} --runbooks ${e.runbooks}`, size);
}

/** Lines within the width in cells, within the rows, and every ╭…╮ box closed with its │ borders in place. */
function assertLayout(screen: string, size: { columns: number; rows: number }, what: string): void {
  const lines = screen.replace(/\n+$/, '').split('\n');
  assert.ok(lines.length <= size.rows, `${what}: ${lines.length} lines on ${size.rows} rows`);
  for (const l of lines) assert.ok(stringWidth(l) <= size.columns, `${what}: ${stringWidth(l)} cells on ${size.columns} columns: ${l}`);
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i]!.indexOf('╭');
    if (at < 0) continue;
    const leftCells = stringWidth(lines[i]!.slice(0, at));
    const rightCells = stringWidth(lines[i]!.slice(0, lines[i]!.indexOf('╮')));
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.includes('╰'); j++) {
      const row = lines[j]!;
      let col = 0;
      const marks = new Map<number, string>();
      for (const ch of row) {
        marks.set(col, ch);
        col += stringWidth(ch);
      }
      assert.equal(marks.get(leftCells), '│', `${what}: row ${j} lost its left border:\n${screen}`);
      assert.equal(marks.get(rightCells), '│', `${what}: row ${j} runs over or short of its right border:\n${screen}`);
    }
    assert.ok(j < lines.length, `${what}: a box is not closed (cut at the bottom):\n${screen}`);
    i = j;
  }
}

for (const size of [
  { columns: 80, rows: 24 },
  { columns: 200, rows: 50 },
]) {
  const tag = `${size.columns}×${size.rows}`;

  test(`${tag}: Home, the status screen, triage and the runner fit with half the hosts down`, async () => {
    const e = env();
    start(e, size);
    try {
      const home = await app.waitFor(/❯ Triage/, 'Home, triage focused first');
      assertLayout(home, size, `${tag} home`);
      assert.match(home, /断电后主节点恢复 \(fit tour\) +low risk/);

      // The status screen: the VIP line, the down hosts (problems first), boxes intact.
      app.keys('Down');
      await app.waitFor(/❯ Cluster status/, 'the status entry focused');
      app.keys('Enter');
      // Problem hosts first: the down ones fill the first rows of the table.
      await app.waitFor(/│ m2 +DOWN/, 'm2 shown down');
      const s = await app.waitFor(/│ c02 +DOWN/, 'a down chunkserver shown');
      assertLayout(s, size, `${tag} status`);
      assert.match(s, /VIP 127\.0\.0\.100/);
      assert.match(s, /HOST +STATE +master +mlog +chunk/, 'the table header is on screen');
      if (size.rows < 30) assert.match(s, /hosts 1–\d+ of 12/, 'the host table says where it is');
      app.keys('Escape');
      await app.waitFor(/❯ Triage/, 'Home again');

      // Triage: what is wrong, in the terminal's width.
      app.keys('Enter');
      const triage = await app.waitFor(/Triage · cluster clitest.*finding/, 'triage findings');
      assertLayout(triage, size, `${tag} triage`);
      assert.match(triage, /m2|c02/, 'a down host is named');
      app.keys('Escape');
      await app.waitFor(/❯ Triage/, 'Home again');

      // The runner: the step, its prose re-flowed to the width, the question with its keys.
      app.keys('tour');
      await app.waitFor(/❯ 断电后主节点恢复/, 'the runbook found by the filter');
      app.keys('Enter');
      const confirm = await app.waitFor(/Run this on h1\? \(y\/n\)/, 'the confirmation of step 2');
      assertLayout(confirm, size, `${tag} runner`);
      assert.match(confirm, /Step 2\/2: Confirm on h1/);
      assert.match(confirm.replace(/\s+/g, ' '), /reach it\. The metalogger host then compares versions/, 'the paragraph flows on');
      if (size.columns >= 200) assert.match(confirm, /metalogger or client can reach it\. The metalogger host then compares versions\./, 'the source line breaks are gone when wide');
      app.keys('y');
      const done = await app.waitFor(/every step succeeded/, 'the run finished');
      assertLayout(done, size, `${tag} runner done`);
      app.keys('q');
    } finally {
      app.killSession();
    }
  });
}

for (const size of [
  { columns: 80, rows: 24 },
  { columns: 200, rows: 50 },
]) {
  const tag = `${size.columns}×${size.rows} zh`;

  test(`${tag}: Home, the status screen, triage and the runner in Chinese fit with half the hosts down`, async () => {
    const e = env();
    start(e, size, 'zh');
    try {
      const home = await app.waitFor(/❯ 分诊/, 'Home in Chinese, triage focused first');
      assertLayout(home, size, `${tag} home`);
      assert.match(home, /断电后主节点恢复 \(fit tour\) +低风险/, 'CJK title and the risk column lined up in cells');
      assert.match(home, /先看情况/);

      // The status screen: the VIP line, the down hosts first, headers and states in Chinese.
      app.keys('Down');
      await app.waitFor(/❯ 集群状态/, 'the status entry focused');
      app.keys('Enter');
      await app.waitFor(/│ m2 +宕机/, 'm2 shown down');
      const s = await app.waitFor(/│ c02 +宕机/, 'a down chunkserver shown');
      assertLayout(s, size, `${tag} status`);
      assert.match(s, /VIP 127\.0\.0\.100/);
      assert.match(s, /主机 +状态 +master +mlog +chunk/, 'the table header is on screen');
      assert.match(s, /clitest 集群状态，每 1 秒刷新/);
      if (size.rows < 30) assert.match(s, /主机 1–\d+，共 12 台/, 'the host table says where it is');
      assert.doesNotMatch(s, /\bhosts \d|no holder|held by|STATE|without an answer|no answer yet|esc: back/, 'no English left on the status screen');
      app.keys('Escape');
      await app.waitFor(/❯ 分诊/, 'Home again');

      // Triage: what is wrong, in Chinese, in the terminal's width; the list says where it is when it scrolls.
      app.keys('Enter');
      const triage = await app.waitFor(/分诊 · 集群 clitest · \d+ 个问题，最危险的在前/, 'triage findings');
      assertLayout(triage, size, `${tag} triage`);
      assert.match(triage, /m2|c02/, 'a down host is named');
      assert.match(triage, /证据/);
      assert.match(triage, /↑↓ 移动 · enter 打开手册 · esc 返回/);
      const count = Number(/(\d+) 个问题/.exec(triage)![1]);
      if (count > Math.max(3, Math.min(8, Math.floor(size.rows / 3)))) assert.match(triage, /问题 1–\d+，共 \d+ 个/, 'a scrolled findings list shows its position');
      app.keys('Escape');
      await app.waitFor(/❯ 分诊/, 'Home again');

      // The runner: the step header, the question and its keys in Chinese; the host to confirm on as it is.
      app.keys('tour');
      await app.waitFor(/❯ 断电后主节点恢复/, 'the runbook found by the filter');
      app.keys('Enter');
      const confirm = await app.waitFor(/在 h1 上执行？ \(y\/n\)/, 'the confirmation of step 2');
      assertLayout(confirm, size, `${tag} runner`);
      assert.match(confirm, /第 2\/2 步：Confirm on h1/);
      assert.match(confirm, /在 h1 上：/);
      assert.match(confirm, /\$ echo confirmed/, 'the command exactly as it runs');
      assert.match(confirm, /y 执行 · n 不执行 · \? 按键 · q 离开/);
      app.keys('y');
      const done = await app.waitFor(/运行结束：所有步骤均成功。/, 'the run finished');
      assertLayout(done, size, `${tag} runner done`);
      assert.match(done, /共 2 步：成功 2/);
      app.keys('q');
    } finally {
      app.killSession();
    }
  });
}
