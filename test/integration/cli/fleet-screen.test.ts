// The status screen of the real bin/mfs-tui in a real terminal (tmux) at 80×24 on a fleet of
// 100 chunkservers and 2 master candidates: 90 hosts answer (one real sshd), 12 are down
// (a closed port). Summarised, never a wall of rows: the hosts counted by state (worst first),
// the down hosts first in a table that scrolls with its position shown, the VIP line and the
// alerts (folded: one line for the down hosts) on screen while it scrolls.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import stringWidth from 'string-width';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { cliEnv } from '../../support/cli-env.ts';
import { TmuxApp, closedLocalPort } from '../../support/tmux.ts';

const SIZE = { columns: 80, rows: 24 };
const app = new TmuxApp(`mfs-tui-fleet-${process.pid}`);
let sshd: Sshd;
let closedPort: number;

before(async () => {
  sshd = await startSshd();
  closedPort = await closedLocalPort();
});
after(async () => {
  app.close();
  await sshd?.stop();
});

/** Chunkservers c001..c100, every 9th down (c009, c018, ... c099: 11 of them); m2 down too. */
const down = (i: number) => i % 9 === 0;

test('80×24, 102 hosts, 12 down: counts by state worst first, the down hosts first, scrolling with its position, VIP and alerts kept', async () => {
  const e = cliEnv(sshd);
  const up = `address: 127.0.0.1, port: ${sshd.port}, user: ${sshd.user}, identity: ${sshd.clientKey}`;
  const off = `address: 127.0.0.1, port: ${closedPort}, user: ${sshd.user}, identity: ${sshd.clientKey}`;
  const hosts = [
    `  - { name: m1, ${up}, roles: [master-candidate] }`,
    `  - { name: m2, ${off}, roles: [master-candidate] }`,
    ...Array.from({ length: 100 }, (_, k) => `  - { name: c${String(k + 1).padStart(3, '0')}, ${down(k + 1) ? off : up}, roles: [chunkserver] }`),
  ];
  writeFileSync(e.inventory, ['cluster: fleet', 'vip: { address: 127.0.0.100, interface: lo, prefix: 8 }', `ssh: { known_hosts: [${e.knownHosts}] }`, 'hosts:', ...hosts, ''].join('\n'));
  const vars = Object.fromEntries(Object.entries({ ...e.env, TERM: 'xterm-256color', LANG: 'C.UTF-8' }).filter(([k]) => /^(MFS_TUI_|NO_COLOR|PATH|HOME|TERM|LANG)/.test(k)));
  app.start(vars, `--lang en --inventory ${e.inventory} --runbooks ${e.runbooks}`, SIZE);
  try {
    await app.waitFor(/❯ Triage/, 'Home');
    app.keys('Down');
    await app.waitFor(/❯ Cluster status/, 'the status entry focused');
    app.keys('Enter');
    // Every host answered or failed once: the counts add up to 102, worst first. The hosts are
    // this machine's sshd, so their `ps` sees this machine's processes: while the practice
    // cluster's tests run beside this one (npm test's two chains), a chunkserver runs and the
    // 89 are ok rather than "chunk stopped".
    const s = await app.waitFor(/102 hosts: +12 DOWN +(89 chunk stopped +1 ok|90 ok)/, 'the hosts counted by state, DOWN first', 90_000);
    assertFits(s);
    // The VIP line and the alerts (this sshd is no MooseFS host: no VIP holder, the down hosts folded into one line).
    assert.match(s, /VIP 127\.0\.0\.100 +no holder/);
    assert.match(s, /1[12] hosts without an answer: (m2|c009), /, `the down hosts in one alert line:\n${s}`);
    // The table: a window, the down hosts first, its position shown.
    const rows = s.split('\n').filter((l) => /│ (m\d|c\d{3}) /.test(l));
    assert.ok(rows.length >= 3 && rows.length <= 12, `a window of rows, not a wall: ${rows.length}\n${s}`);
    assert.ok(
      rows.every((l) => /DOWN/.test(l)),
      `the first rows are the down hosts:\n${s}`,
    );
    const pos = /hosts 1–(\d+) of 102/.exec(s);
    assert.ok(pos, `the position is shown:\n${s}`);
    assert.equal(Number(pos[1]), rows.length, 'the position says how many rows show');

    // Scroll to the end: the position follows; VIP, alerts and counts stay on screen.
    app.keys('End');
    // (The page may be shorter by now: the alerts above it can change between sweeps.)
    const end = await app.waitFor(/hosts \d+–102 of 102/, 'the last page');
    assertFits(end);
    const endRows = end.split('\n').filter((l) => /│ (m\d|c\d{3}) /.test(l)).length;
    assert.equal(Number(/hosts (\d+)–102 of 102/.exec(end)![1]), 102 - endRows + 1, `the position says which rows show:\n${end}`);
    assert.match(end, /VIP 127\.0\.0\.100 +no holder/);
    assert.match(end, /hosts without an answer/);
    assert.match(end, /102 hosts: +12 DOWN/);
    assert.match(end, /│ c100 /, 'the last host on the last page');
    app.keys('q');
  } finally {
    app.killSession();
  }
});

/** Every line within 80 cells and 24 rows. */
function assertFits(screen: string): void {
  const lines = screen.replace(/\n+$/, '').split('\n');
  assert.ok(lines.length <= SIZE.rows, `${lines.length} lines:\n${screen}`);
  for (const l of lines) assert.ok(stringWidth(l) <= SIZE.columns, `${stringWidth(l)} cells: ${l}`);
}
