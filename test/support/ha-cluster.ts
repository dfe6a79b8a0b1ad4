// The two-candidate HA cluster the runbook tests build (m1, m2, c1..c3 with c1 as client)
// and what they read from it from outside: VIP holders, master state, metadata version.
import assert from 'node:assert/strict';
import { NsCluster, VIP } from './netns-cluster.ts';

export const CHUNKSERVERS = ['c1', 'c2', 'c3'];
export const CANDIDATES = ['m1', 'm2'];

export function haCluster(): NsCluster {
  return new NsCluster([
    { name: 'm1', octet: 11, roles: ['master-candidate'] },
    { name: 'm2', octet: 12, roles: ['master-candidate'] },
    { name: 'c1', octet: 21, roles: ['chunkserver', 'client'] },
    { name: 'c2', octet: 22, roles: ['chunkserver'] },
    { name: 'c3', octet: 23, roles: ['chunkserver'] },
  ]);
}

/** Metadata version (next change) the master behind the VIP reports, asked from c1; undefined when none answers. */
export function masterVersion(cluster: NsCluster): number | undefined {
  const r = cluster.exec('c1', `mfscli -ns '|' -SIM -H ${VIP} 2>/dev/null`, 10_000);
  const row = r.out.split('\n').find((l) => l.startsWith('metadata servers:|'));
  const v = row?.split('|')[5]?.replace(/ /g, '');
  return v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
}

export function vipHolders(cluster: NsCluster): string[] {
  return CANDIDATES.filter((h) => cluster.exec(h, `ip -o addr show | grep -qF ' ${VIP}/'`).code === 0);
}

export function masterRuns(cluster: NsCluster, host: string): boolean {
  return cluster.exec(host, 'mfsmaster -c /etc/mfs/mfsmaster.cfg test').code === 0;
}

/** Writes n files of random size through c1's mount, each fsynced, and records their checksums. */
export function writeFiles(cluster: NsCluster, prefix: string, n: number): void {
  const r = cluster.exec(
    'c1',
    `set -e; mkdir -p /tmp/mnt/t; cd /tmp/mnt/t
for i in $(seq ${n}); do head -c $((i * 7919 + 100000)) /dev/urandom > ${prefix}$i.bin; sync ${prefix}$i.bin 2>/dev/null || sync; done
sha256sum ${prefix}*.bin >> /tmp/sums`,
    120_000,
  );
  assert.equal(r.code, 0, r.out);
}
