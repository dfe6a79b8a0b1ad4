// The status screen at fleet size: 100 chunkservers (and their 100 hosts) on an 80×24
// terminal fit it (a scroll window over each table, the disconnected first), never a wall of
// rows. The master's answer is the real capture chunkserver-down.txt with its `chunk
// servers:` rows repeated for 98 addresses (the row format copied, values edited) and two
// disconnected rows in the real format.
process.env.NO_COLOR = '1';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeCluster, fixture, inventoryOf, simRows, type FakeHost } from './fakes.ts';

const { render } = await import('ink-testing-library');
const React = await import('react');
const { StatusScreen } = await import('../../../screens/status/StatusScreen.tsx');
const { StatusPoller } = await import('../../../src/status/poller.ts');

const N = 100;
const csAddress = (i: number) => `10.251.${9 + Math.floor(i / 200)}.${21 + (i % 200)}`;
function fleetAnswer(): string {
  const real = fixture('chunkserver-down.txt').split('\n');
  const row = real.find((l) => l.startsWith('chunk servers:'))!.split('|');
  const rows: string[] = [];
  for (let i = 0; i < N; i++) {
    if (i === 17 || i === 63) continue; // disconnected below
    const r = [...row];
    r[1] = csAddress(i);
    r[2] = '9422';
    r[3] = String(i + 1);
    if (i === 40) r[9] = String(Math.round(Number(r[10]) * 0.95)); // nearly full
    rows.push(r.join('|'));
  }
  const out: string[] = [];
  for (const l of real) {
    if (l.startsWith('chunk servers:')) out.push(...rows);
    else if (l.startsWith('Disconnected chunk servers:')) out.push(`Disconnected chunk servers:|${csAddress(17)}|9422|18|maintenance_off`, `Disconnected chunk servers:|${csAddress(63)}|9422|64|maintenance_temp_on`);
    else out.push(l);
  }
  return out.join('\n');
}

function fleetHosts(): FakeHost[] {
  const hosts: FakeHost[] = [
    { name: 'm1', address: '10.251.9.1', roles: ['master-candidate'], vip: true, daemons: ['mfsmaster', 'keepalived'], vrrp: 'MASTER' },
    { name: 'm2', address: '10.251.9.2', roles: ['master-candidate'], daemons: ['mfsmetalogger', 'keepalived'], vrrp: 'BACKUP', changelog: 1509 },
  ];
  for (let i = 0; i < N; i++) hosts.push({ name: `c${i + 1}`, address: csAddress(i), roles: ['chunkserver'], daemons: i === 17 ? [] : ['mfschunkserver'] });
  return hosts;
}

describe('status screen at 100 chunkservers', () => {
  it('fits 80×24: the disconnected chunkservers first, each table a window, every line within 80 columns', async () => {
    const hosts = fleetHosts();
    const c = fakeCluster(hosts, { viaVip: fleetAnswer(), candidates: simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]) });
    const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 5000, staleAfterMs: 5000 });
    await p.sweep();
    // The app gives the status screen the terminal less its back line.
    const r = render(React.createElement(StatusScreen, { store: p, rows: 23, columns: 80 }));
    const f = r.lastFrame()!;
    const lines = f.split('\n');
    assert.ok(lines.length <= 23, `${lines.length} lines:\n${f}`);
    assert.ok(lines.every((l) => l.length <= 80), f);
    const csRows = lines.filter((l) => /10\.251\.\d+\.\d+:9422/.test(l));
    assert.ok(csRows.length <= 10, `a window, not a wall: ${csRows.length} chunkserver rows\n${f}`);
    const hostRows = lines.filter((l) => /^\W*c\d+ /.test(l));
    assert.ok(hostRows.length <= 10, `a window, not a wall: ${hostRows.length} host rows\n${f}`);
    // The two disconnected chunkservers are named.
    assert.match(f, /c18:9422 \(id 18\) is disconnected/);
    assert.match(f, /c64:9422 \(id 64\) is disconnected/);
    // c18, whose chunkserver is not running, is among the first hosts, not scrolled out of sight among 100.
    assert.match(f, /│ c18 +ok +- +- +- /);
    r.unmount();
  });
});
