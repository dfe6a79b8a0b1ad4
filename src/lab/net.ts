// The lab's network: a bridge in the root namespace, one namespace + veth per host.
// Everything is named with the lab prefix so a crashed lab's leftovers can be found.
import { t } from '../i18n/index.ts';
import { BRIDGE, BRIDGE_ADDRESS, PREFIX_LEN, SUBNET_PREFIX, isLabObjectName, type LabHostPlan } from './layout.ts';
import fs from 'node:fs';
import { LabError, run, runChecked } from './proc.ts';

/** Lab network namespaces that exist now (by name). */
export async function listLabNetns(): Promise<string[]> {
  const r = await run('ip', ['netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '' && isLabObjectName(n));
}

/** Lab links in the root namespace (veths and the bridge). */
export async function listLabLinks(): Promise<{ name: string; kind: 'bridge' | 'veth' | 'other' }[]> {
  const r = await run('ip', ['-o', '-d', 'link', 'show']);
  const out: { name: string; kind: 'bridge' | 'veth' | 'other' }[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)[@:]/.exec(line);
    if (!m?.[1] || !isLabObjectName(m[1])) continue;
    const kind = /\bveth\b/.test(line) ? 'veth' : /\bbridge forward_delay\b/.test(line) || m[1] === BRIDGE ? 'bridge' : 'other';
    out.push({ name: m[1], kind });
  }
  return out;
}

/** Refuses to build on a machine where the lab's subnet is already routed elsewhere. */
export async function checkSubnetFree(): Promise<void> {
  const r = await run('ip', ['-4', '-o', 'route', 'show', `${SUBNET_PREFIX}.0/${PREFIX_LEN}`]);
  const line = r.stdout.trim();
  if (line !== '' && !line.includes(` dev ${BRIDGE} `) && !line.endsWith(` dev ${BRIDGE}`)) {
    throw new LabError(t('lab.net.error.subnetInUse', { subnet: `${SUBNET_PREFIX}.0/${PREFIX_LEN}`, line }));
  }
}

export async function createBridge(): Promise<void> {
  await runChecked('ip', ['-batch', '-'], {
    // english: ip -batch commands
    input: [`link add ${BRIDGE} type bridge stp_state 0 forward_delay 0`, `addr add ${BRIDGE_ADDRESS}/${PREFIX_LEN} dev ${BRIDGE}`, `link set ${BRIDGE} up`].join('\n') + '\n',
  });
}

/** A host's namespace, its veth into the bridge, and its address on eth0. */
export async function createHostNetwork(hosts: LabHostPlan[]): Promise<void> {
  const root: string[] = [];
  for (const h of hosts) {
    // english: ip -batch commands
    root.push(`netns add ${h.netns}`, `link add ${h.veth} type veth peer name eth0 netns ${h.netns}`, `link set ${h.veth} master ${BRIDGE} up`);
  }
  await runChecked('ip', ['-batch', '-'], { input: root.join('\n') + '\n' });
  await Promise.all(
    hosts.map((h) =>
      runChecked('ip', ['-n', h.netns, '-batch', '-'], {
        // english: ip -batch commands
        input: [`addr add ${h.address}/${PREFIX_LEN} dev eth0`, 'link set eth0 up', 'link set lo up'].join('\n') + '\n',
      }),
    ),
  );
}

export async function deleteLink(name: string): Promise<boolean> {
  return (await run('ip', ['link', 'del', name])).code === 0;
}

export async function deleteNetns(name: string): Promise<boolean> {
  return (await run('ip', ['netns', 'del', name])).code === 0;
}

/**
 * PIDs per named network namespace, from one pass over /proc (what `ip netns pids` does for
 * one name, without a process start per namespace: under load each start costs a second).
 */
export function netnsPidsAll(names: string[]): Map<string, number[]> {
  const byId = new Map<string, string>();
  for (const n of names) {
    try {
      const st = fs.statSync(`/run/netns/${n}`);
      byId.set(`${st.dev}:${st.ino}`, n);
    } catch {
      /* namespace file gone */
    }
  }
  const out = new Map<string, number[]>(names.map((n) => [n, []]));
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const st = fs.statSync(`/proc/${entry}/ns/net`);
      const name = byId.get(`${st.dev}:${st.ino}`);
      if (name !== undefined) out.get(name)!.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** PIDs of every process whose network namespace is this one (`ip netns pids`). */
export async function netnsPids(netns: string): Promise<number[]> {
  const r = await run('ip', ['netns', 'pids', netns]);
  return r.stdout
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

/** Addresses on a host's eth0 (e.g. to see who holds the VIP). */
export async function hostAddresses(netns: string): Promise<string[]> {
  const r = await run('ip', ['-n', netns, '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
  return [...r.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1] ?? '');
}

/** The root-side veth's state: operstate up/down, and the bridge port state (forwarding/disabled). */
export async function linkState(veth: string): Promise<{ exists: boolean; up: boolean; portState?: string }> {
  const r = await run('ip', ['-o', '-d', 'link', 'show', 'dev', veth]);
  if (r.code !== 0) return { exists: false, up: false };
  const up = /state UP/.test(r.stdout) || /<[^>]*\bUP\b[^>]*LOWER_UP/.test(r.stdout);
  const port = /bridge_slave state (\w+)/.exec(r.stdout)?.[1];
  return { exists: true, up, portState: port };
}
