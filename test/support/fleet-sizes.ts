// Clusters and runbook entries of every size for the layout tests: 3 to 60 hosts with some
// down or locked out, CJK and emoji in names and titles.
import { StatusPoller } from '../../src/status/poller.ts';
import { fakeCluster, fixture, inventoryOf, simRows, type FakeHost } from './fake-cluster.ts';

/** n hosts: m1 (VIP, master), m2 (standby), then chunkservers; every 7th chunkserver down, every 11th locked out. */
export function manyHosts(n: number): FakeHost[] {
  const hosts: FakeHost[] = [
    { name: 'm1', address: '10.251.9.1', roles: ['master-candidate'], vip: true, daemons: ['mfsmaster', 'keepalived'], vrrp: 'MASTER' },
    { name: 'm2', address: '10.251.9.2', roles: ['master-candidate'], daemons: ['mfsmetalogger', 'keepalived'], vrrp: 'BACKUP', changelog: 1509 },
  ];
  for (let i = 1; hosts.length < n; i++) {
    const h: FakeHost = { name: `chunk-${String(i).padStart(2, '0')}`, address: `10.251.9.${20 + i}`, roles: ['chunkserver'], daemons: ['mfschunkserver'] };
    if (i % 7 === 3) Object.assign(h, { fail: `${h.name}: no SSH answer from ${h.address}:22` });
    else if (i % 11 === 5) Object.assign(h, { fail: `${h.name}: our key was refused`, failKind: 'auth-refused' });
    hosts.push(h);
  }
  return hosts;
}

/** A poller over n fake hosts (some down), one sweep done; mfscli answers with a chunkserver disconnected. */
export async function statusOf(n: number): Promise<StatusPoller> {
  const hosts = manyHosts(n);
  const c = fakeCluster(hosts, { viaVip: fixture('chunkserver-down.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]) });
  const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 60_000 });
  await p.sweep();
  return p;
}
