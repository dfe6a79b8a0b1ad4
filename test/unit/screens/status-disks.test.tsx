// The status screen's disk view (`d`): every chunkserver's data folders from mfscli -SHD,
// asked only while the view shows, problems first, within 80×24 to 250×60 with 3 to 60 hosts.
// The -SHD rows are the real ones captured on the practice cluster
// (test/fixtures/status/SHD-two-folders.txt), put on the fake hosts' addresses, one disk
// marked `damaged` by hand. (The fake mfscli prints the same rows whether -SHD was asked or
// not: what the poller asks is checked in the scripts it sent.)
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import stringWidth from 'string-width';
import { StatusScreen } from '../../../screens/status/StatusScreen.tsx';
import { StatusPoller } from '../../../src/status/poller.ts';
import { fakeCluster, fixture, inventoryOf, simRows } from '../../support/fake-cluster.ts';
import { manyHosts } from '../../support/fleet-sizes.ts';
import { cleanupRendered, renderScreen } from '../../support/render-screen.ts';
import { setLanguage } from '../../../src/i18n/index.ts';

afterEach(cleanupRendered);

/** Two real -SHD rows (mfs1, mfs2) per chunkserver host, on its address; chunk-01's mfs2 damaged. */
function shdRows(addresses: string[]): string {
  const real = fixture('SHD-two-folders.txt')
    .split('\n')
    .filter((l) => l.startsWith('disks:|10.77.0.21:'));
  assert.equal(real.length, 2);
  return addresses
    .flatMap((a, i) => real.map((l) => l.replace('10.77.0.21:', `${a}:`)).map((l) => (i === 0 && l.includes('/mnt/mfs2/') ? l.replace('|no errors|ok|', '|no errors|damaged|') : l)))
    .join('\n');
}

async function diskStatus(n: number) {
  const hosts = manyHosts(n);
  const cs = hosts.filter((h) => h.roles.includes('chunkserver')).map((h) => h.address);
  const c = fakeCluster(hosts, { viaVip: `${fixture('chunkserver-down.txt')}\n${shdRows(cs)}`, candidates: simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]) });
  const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 60_000, residentMfscli: false });
  await p.sweep();
  return { p, c, disks: cs.length * 2 };
}

function assertFits(frame: string, size: { columns: number; rows: number }, what: string): void {
  const lines = frame.split('\n');
  assert.ok(lines.length < size.rows, `${what}: ${lines.length} lines on ${size.rows} rows:\n${frame}`);
  for (const l of lines) assert.ok(stringWidth(l) <= size.columns, `${what}: a line is ${stringWidth(l)} cells on ${size.columns} columns: ${l}`);
}

test('d shows every disk (mfscli -SHD asked from then on, not before), problems first, fitting 80×24 to 250×60 with 3 to 60 hosts', async () => {
  for (const n of [3, 12, 60]) {
    for (const size of [
      { columns: 80, rows: 24 },
      { columns: 120, rows: 30 },
      { columns: 250, rows: 60 },
    ]) {
      const { p, c, disks } = await diskStatus(n);
      const what = `disks ${n} hosts ${size.columns}×${size.rows}`;
      const r = renderScreen(<StatusScreen store={p} rows={size.rows - 1} columns={size.columns} />, size);
      await r.waitFor('d: disks');
      assert.ok(!c.scripts.some((s) => s.script.includes('-SHD')), `${what}: -SHD is not asked before the view opens`);
      r.press('d');
      await r.waitFor('d: chunkservers');
      await p.sweep();
      const frame = await r.waitFor(/disks \d+ on \d+ chunkservers?/);
      assert.ok(
        c.scripts.some((s) => s.script.includes('-SHD')),
        `${what}: -SHD asked once the view is open`,
      );
      assertFits(frame, size, what);
      assert.match(frame, /VIP 10\.9\.0\.100 {2}held by m1/, what);
      assert.match(frame, /✖ 300 chunks are endangered/, `${what}: the critical alert stays`);
      assert.match(frame, new RegExp(`disks ${disks} on ${disks / 2} chunkservers?`), what);
      assert.match(frame, /1 with a problem \(first\)/, what);
      const rows = frame.split('\n').filter((l) => /│ (chunk-\d\d|10\.\d+\.\d+\.\d+):\/mnt\/mfs\d\/ /.test(l));
      assert.ok(rows.length > 0, `${what}: disk rows show:\n${frame}`);
      assert.match(rows[0]!, /chunk-01:\/mnt\/mfs2\/ +damaged +2 +22\.9 GiB +101 GiB +23%/, `${what}: the damaged disk first, with its numbers:\n${frame}`);
      const pos = /disks 1–(\d+) of (\d+) · problems first/.exec(frame);
      if (pos) assert.deepEqual([Number(pos[1]), Number(pos[2])], [rows.length, disks], what);
      else assert.equal(rows.length, disks, `${what}: every disk shows when no position is given:\n${frame}`);
      // d again: the chunkservers, and -SHD no longer asked.
      r.press('d');
      await r.waitFor('d: disks');
      const before = c.scripts.length;
      await p.sweep();
      assert.ok(!c.scripts.slice(before).some((s) => s.script.includes('-SHD')), `${what}: -SHD no longer asked`);
      r.unmount();
      p.stop();
    }
  }
});

test('the disk table in Chinese: headers from the catalogue (the English ones unchanged), rows aligned under them in cells', async () => {
  const size = { columns: 120, rows: 30 };
  const header = (frame: string) => frame.split('\n').find((l) => /(DISK|磁盘) {2,}/.test(l))!;
  const damaged = (frame: string) => frame.split('\n').find((l) => l.includes('chunk-01:/mnt/mfs2/'))!;
  const frames: Record<string, string> = {};
  for (const lang of ['en', 'zh'] as const) {
    setLanguage(lang);
    try {
      const { p } = await diskStatus(3);
      const r = renderScreen(<StatusScreen store={p} rows={size.rows - 1} columns={size.columns} />, size);
      await r.waitFor(lang === 'en' ? 'd: disks' : 'd：各磁盘');
      r.press('d');
      frames[lang] = await r.waitFor(lang === 'en' ? 'd: chunkservers' : 'd：chunkserver');
      r.unmount();
      p.stop();
    } finally {
      setLanguage('en');
    }
  }
  assert.match(header(frames.en!), /│ DISK +STATE +CHUNKS +USED +TOTAL +USE%/, frames.en);
  const zh = header(frames.zh!);
  assert.match(zh, /│ 磁盘 +状态 +数据块 +已用 +总量 +使用率/, frames.zh);
  assert.doesNotMatch(zh, /[A-Za-z]/, zh);
  // Each column starts at the same terminal cell in the header and in a row.
  const at = (line: string, text: string) => stringWidth(line.slice(0, line.indexOf(text)));
  const row = damaged(frames.zh!);
  assert.equal(at(row, 'damaged'), at(zh, '状态'), `${zh}\n${row}`);
  assert.equal(at(row, '22.9 GiB'), at(zh, '已用'), `${zh}\n${row}`);
});
