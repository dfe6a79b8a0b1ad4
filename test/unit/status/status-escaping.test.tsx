// The status screens show what hosts answered (keepalived's state, error messages, alert
// text) and what the inventory names escaped, never interpreted by the terminal: fed a
// screen clear, a title-setting OSC, a carriage return and a bidi override.
process.env.NO_COLOR = '1';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from '../../support/fake-cluster.ts';
import type { ClusterStatus } from '../../../src/status/model.ts';

const { render } = await import('ink-testing-library');
const React = await import('react');
const { StatusScreen, StatusSidebar, StatusLine } = await import('../../../screens/status/StatusScreen.tsx');
const { StatusPoller } = await import('../../../src/status/poller.ts');

const nasty = 'A\u001b[2JB\u001b]0;x\u0007C\rD\u202eE';
const escaped = 'A\\x1b[2JB\\x1b]0;x\\x07C\\rD\\u{202e}E';

function assertInert(frame: string, where: string): void {
  assert.doesNotMatch(frame, /[\u001b\u0007\r\u202e]/, `${where}: a raw control character reached the frame:\n${JSON.stringify(frame)}`);
}

/** A store showing a snapshot changed by `patch` (the screens read only getState/getHistory/subscribe). */
function storeOf(p: InstanceType<typeof StatusPoller>, patch: (s: ClusterStatus) => ClusterStatus) {
  const state = patch(p.getState());
  return { getState: () => state, getHistory: () => p.getHistory(), subscribe: () => () => {} };
}

describe('status screens escape host and file text', () => {
  it("what a host answered (keepalived state), a host name, an unreachable host's error: escaped on every status view", async () => {
    const hosts: FakeHost[] = healthyHosts().map((h) => (h.name === 'm2' ? { ...h, vrrp: `BACKUP${nasty}` } : h));
    hosts.push({ name: `c9${nasty}`, address: '10.251.9.29', roles: ['chunkserver'], fail: `refused ${nasty}` });
    const c = fakeCluster(hosts, { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]) });
    const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 1 });
    await p.sweep();
    await new Promise((res) => setTimeout(res, 5));
    await p.sweep();
    for (const [name, el] of [
      ['screen', React.createElement(StatusScreen, { store: p })],
      ['sidebar', React.createElement(StatusSidebar, { store: p })],
      ['line', React.createElement(StatusLine, { store: p })],
    ] as const) {
      const r = render(el);
      const f = r.lastFrame()!;
      assertInert(f, name);
      if (name === 'screen') {
        assert.ok(f.includes(`c9${escaped}`), `the host name, escaped:\n${f}`);
        assert.ok(f.includes(escaped.slice(0, 10)), f);
      }
      r.unmount();
    }
  });

  it('the cluster name, alert messages, the VIP and an mfscli error: escaped', async () => {
    const hosts = healthyHosts();
    const c = fakeCluster(hosts, { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]) });
    const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
    await p.sweep();
    const store = storeOf(p, (s) => ({
      ...s,
      cluster: `lab${nasty}`,
      vip: `10.9.0.100${nasty}`,
      alerts: [
        { code: 'probe-problem', severity: 'warning', message: `warn ${nasty}`, hosts: [] },
        { code: 'no-master', severity: 'critical', message: `crit ${nasty}`, hosts: [] },
        { code: 'chunkserver-down', severity: 'critical', message: `down ${nasty}`, hosts: [] },
      ],
      mfs: { ...s.mfs, viaVip: undefined, error: `mfscli said ${nasty}` },
    }));
    const screen = render(React.createElement(StatusScreen, { store }));
    const f = screen.lastFrame()!;
    assertInert(f, 'screen');
    for (const want of [`lab${escaped}`, `10.9.0.100${escaped}`, `warn ${escaped}`, `crit ${escaped}`, `down ${escaped}`, `mfscli said ${escaped}`]) assert.ok(f.includes(want), `${want} in:\n${f}`);
    screen.unmount();
    const side = render(React.createElement(StatusSidebar, { store }));
    assertInert(side.lastFrame()!, 'sidebar');
    assert.ok(side.lastFrame()!.includes(`down ${escaped}`), side.lastFrame()!);
    side.unmount();
    const line = render(React.createElement(StatusLine, { store }));
    assertInert(line.lastFrame()!, 'line');
    line.unmount();
  });
});
