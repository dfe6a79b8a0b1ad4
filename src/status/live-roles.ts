// Which host plays a live role now (the master, the VIP holder, the standby, the master that
// must stop), read from one status snapshot. Runbook inputs that name such a host
// (`live: master` in the front matter) default from this, never from inventory order, and a
// value that contradicts it is flagged before the first step. Pure: unit-tested on snapshots.
import { answeringMasters, type ClusterStatus, type HostStatus } from './model.ts';
import type { LiveRole } from '../runbook/types.ts';

export const LIVE_ROLE_TEXT: Record<LiveRole, string> = {
  master: 'the master that serves now: the VIP holder running mfsmaster (of two VIP holders, the one with the newer metadata)',
  'vip-holder': 'the master candidate holding the VIP',
  standby: 'the master candidate that is not the serving master',
  'stale-master': 'the master that must stop: the older of two VIP holders, or a master serving beside the VIP holder',
};

export interface LiveAnswer {
  /** The host, when the snapshot tells it beyond doubt. */
  host?: string;
  /** What was seen (with a host) or why it cannot be told (without). */
  saw: string;
}

const fresh = (h: HostStatus): boolean => !!h.probe && h.reachable && !h.stale;
const list = (xs: string[]) => xs.join(' and ');

export function liveRole(s: ClusterStatus, role: LiveRole): LiveAnswer {
  const candidates = s.hosts.filter((h) => h.roles.includes('master-candidate'));
  const unknown = candidates.filter((h) => !fresh(h)).map((h) => h.name);
  if (candidates.length === 0) return { saw: 'the inventory has no master candidate' };
  if (unknown.length > 0) return { saw: `not known: no fresh status from ${list(unknown)}` };
  const holders = candidates.filter((h) => h.probe!.holdsVip);
  const runsMaster = (h: HostStatus) => h.probe!.daemons.mfsmaster.length > 0;
  const answering = new Set(answeringMasters(s).map((c) => c.host));
  const serving = candidates.filter((h) => runsMaster(h) || answering.has(h.name));
  const version = (h: HostStatus) => s.mfs.candidates.find((c) => c.host === h.name)?.master?.metadataVersion;
  const vip = s.vip;

  /** Of two VIP holders: [newer, older] when both versions are known and differ. */
  const byVersion = (): [HostStatus, HostStatus] | undefined => {
    if (holders.length !== 2) return undefined;
    const [a, b] = holders as [HostStatus, HostStatus];
    const [va, vb] = [version(a), version(b)];
    if (va === undefined || vb === undefined || va === vb) return undefined;
    return va > vb ? [a, b] : [b, a];
  };

  const master = (): LiveAnswer => {
    if (holders.length === 1) {
      const h = holders[0]!;
      return runsMaster(h) ? { host: h.name, saw: `${h.name} holds the VIP ${vip} and runs mfsmaster` } : { saw: `${h.name} holds the VIP ${vip} but runs no mfsmaster` };
    }
    if (holders.length > 1) {
      const pair = byVersion();
      return pair
        ? { host: pair[0].name, saw: `${list(holders.map((h) => h.name))} both hold the VIP; ${pair[0].name} has the newer metadata (version ${version(pair[0])} > ${version(pair[1])})` }
        : { saw: `${list(holders.map((h) => h.name))} all hold the VIP, and their metadata versions do not tell them apart` };
    }
    if (serving.length === 1) return { host: serving[0]!.name, saw: `nobody holds the VIP ${vip}; only ${serving[0]!.name} runs a master` };
    return { saw: serving.length ? `nobody holds the VIP ${vip}; masters run on ${list(serving.map((h) => h.name))}` : `nobody holds the VIP ${vip} and no master runs` };
  };

  switch (role) {
    case 'vip-holder':
      if (holders.length === 1) return { host: holders[0]!.name, saw: `${holders[0]!.name} holds the VIP ${vip}` };
      return { saw: holders.length ? `${list(holders.map((h) => h.name))} all hold the VIP ${vip}` : `nobody holds the VIP ${vip}` };
    case 'master':
      return master();
    case 'standby': {
      const m = master();
      if (!m.host) return { saw: `no single serving master to tell the standby from (${m.saw})` };
      const others = candidates.filter((h) => h.name !== m.host);
      if (others.length === 1) return { host: others[0]!.name, saw: `${others[0]!.name} is the master candidate beside the serving master ${m.host}` };
      return { saw: others.length ? `several master candidates beside ${m.host}: ${list(others.map((h) => h.name))}` : `${m.host} is the only master candidate` };
    }
    case 'stale-master': {
      if (holders.length > 1) {
        const pair = byVersion();
        return pair
          ? { host: pair[1].name, saw: `${list(holders.map((h) => h.name))} both hold the VIP; ${pair[1].name} has the older metadata (version ${version(pair[1])} < ${version(pair[0])})` }
          : { saw: `${list(holders.map((h) => h.name))} all hold the VIP, and their metadata versions do not tell which is older` };
      }
      if (holders.length === 1 && runsMaster(holders[0]!)) {
        const others = serving.filter((h) => h.name !== holders[0]!.name);
        if (others.length === 1) return { host: others[0]!.name, saw: `${others[0]!.name} runs a master beside the VIP holder ${holders[0]!.name}` };
        return { saw: others.length ? `masters run on ${list(others.map((h) => h.name))} beside the VIP holder` : 'only the VIP holder runs a master' };
      }
      return { saw: `no master to keep: ${master().saw}` };
    }
  }
}

/** A lookup for runbook inputs (src/runbook/inputs.ts) on one snapshot. */
export function liveLookup(s: ClusterStatus): (role: LiveRole) => LiveAnswer {
  return (role) => liveRole(s, role);
}
