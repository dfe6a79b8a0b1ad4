// Status screen frame time at 24 hosts: every tick the poller publishes a new snapshot and the
// screen draws it. Measures a full frame (React render + Ink layout + string) with
// renderToString and a live ink-testing-library re-render driven by the store.
// Run: NO_COLOR=1 node --import tsx bench/status/frame.bench.ts [hosts]
import React from 'react';
import { renderToString } from 'ink';
import { render } from 'ink-testing-library';
import { StatusScreen } from '../../screens/status/StatusScreen.tsx';
import { StatusPoller } from '../../src/status/poller.ts';
import { fakeCluster, fixture, inventoryOf, simRows, type FakeHost } from '../../test/support/fake-cluster.ts';

const n = Number(process.argv[2] ?? 24);
const hosts: FakeHost[] = [
  { name: 'm1', address: '10.251.9.1', roles: ['master-candidate'], vip: true, daemons: ['mfsmaster', 'keepalived'], vrrp: 'MASTER' },
  { name: 'm2', address: '10.251.9.2', roles: ['master-candidate'], daemons: ['mfsmetalogger', 'keepalived'], vrrp: 'BACKUP', changelog: 1509 },
  ...Array.from({ length: n - 2 }, (_, i): FakeHost => ({ name: `c${i + 1}`, address: `10.251.9.${21 + i}`, roles: ['chunkserver'], daemons: ['mfschunkserver'] })),
];
const cluster = fakeCluster(hosts, { viaVip: fixture('chunkserver-down.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]) });
const poller = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => cluster.executorFor(h) }, { intervalMs: 1000, concurrency: n });
for (let i = 0; i < 60; i++) await poller.sweep(); // a filled history ring

const times: number[] = [];
for (let i = 0; i < 50; i++) {
  const t0 = performance.now();
  renderToString(React.createElement(StatusScreen, { store: poller }), { columns: 160 });
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(`renderToString, ${n} hosts: median ${times[25]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`);

// Live: a store that swaps between real snapshots; time the notify, which renders synchronously.
const snapshots = [];
for (let i = 0; i < 10; i++) {
  await poller.sweep();
  snapshots.push(poller.getState());
}
let current = snapshots[0]!;
const listeners = new Set<() => void>();
const store = { getState: () => current, getHistory: poller.getHistory, subscribe: (l: () => void) => (listeners.add(l), () => listeners.delete(l)) };
const live = render(React.createElement(StatusScreen, { store }));
const lat: number[] = [];
for (let i = 0; i < 60; i++) {
  const before = live.frames.length;
  current = { ...snapshots[i % snapshots.length]!, at: Date.now() + i * 1000 };
  const t0 = performance.now();
  for (const l of listeners) l();
  while (live.frames.length === before) await new Promise((r) => setImmediate(r));
  lat.push(performance.now() - t0);
}
live.unmount();
lat.sort((a, b) => a - b);
console.log(`live redraw per snapshot, ${n} hosts: median ${lat[30]!.toFixed(1)} ms, p90 ${lat[54]!.toFixed(1)} ms, max ${lat.at(-1)!.toFixed(1)} ms`);
