// Which host plays a live role now (the master, the VIP holder, the standby, the master that
// must stop), read from one status snapshot. Runbook inputs that name such a host
// (`live: master` in the front matter) default from this, never from inventory order, and a
// value that contradicts it is flagged before the first step. Pure: unit-tested on snapshots.
import { answeringMasters, type ClusterStatus, type HostStatus } from './model.ts';
import type { LiveRole } from '../runbook/types.ts';
import { t } from '../i18n/index.ts';

export interface LiveAnswer {
  /** The host, when the snapshot tells it beyond doubt. */
  host?: string;
  /** What was seen (with a host) or why it cannot be told (without). */
  saw: string;
}

const fresh = (h: HostStatus): boolean => !!h.probe && h.reachable && !h.stale;
const list = (xs: string[]) => xs.join(t('live.and'));

export function liveRole(s: ClusterStatus, role: LiveRole): LiveAnswer {
  const candidates = s.hosts.filter((h) => h.roles.includes('master-candidate'));
  const unknown = candidates.filter((h) => !fresh(h)).map((h) => h.name);
  if (candidates.length === 0) return { saw: t('live.noCandidate') };
  if (unknown.length > 0) return { saw: t('live.notFresh', { hosts: list(unknown) }) };
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
      return runsMaster(h) ? { host: h.name, saw: t('live.holdsAndRuns', { host: h.name, vip }) } : { saw: t('live.holdsNoMaster', { host: h.name, vip }) };
    }
    if (holders.length > 1) {
      const pair = byVersion();
      return pair
        ? { host: pair[0].name, saw: t('live.bothNewer', { hosts: list(holders.map((h) => h.name)), host: pair[0].name, version: version(pair[0])!, other: version(pair[1])! }) }
        : { saw: t('live.allHoldUntold', { hosts: list(holders.map((h) => h.name)) }) };
    }
    if (serving.length === 1) return { host: serving[0]!.name, saw: t('live.noHolderOneMaster', { vip, host: serving[0]!.name }) };
    return { saw: serving.length ? t('live.noHolderMasters', { vip, hosts: list(serving.map((h) => h.name)) }) : t('live.noHolderNoMaster', { vip }) };
  };

  switch (role) {
    case 'vip-holder':
      if (holders.length === 1) return { host: holders[0]!.name, saw: t('live.holds', { host: holders[0]!.name, vip }) };
      return { saw: holders.length ? t('live.allHold', { hosts: list(holders.map((h) => h.name)), vip }) : t('live.nobodyHolds', { vip }) };
    case 'master':
      return master();
    case 'standby': {
      const m = master();
      if (!m.host) return { saw: t('live.noSingleMaster', { saw: m.saw }) };
      const others = candidates.filter((h) => h.name !== m.host);
      if (others.length === 1) return { host: others[0]!.name, saw: t('live.standby', { host: others[0]!.name, master: m.host }) };
      return { saw: others.length ? t('live.severalBeside', { master: m.host, hosts: list(others.map((h) => h.name)) }) : t('live.onlyCandidate', { master: m.host }) };
    }
    case 'stale-master': {
      if (holders.length > 1) {
        const pair = byVersion();
        return pair
          ? { host: pair[1].name, saw: t('live.bothOlder', { hosts: list(holders.map((h) => h.name)), host: pair[1].name, version: version(pair[1])!, other: version(pair[0])! }) }
          : { saw: t('live.allHoldNoOlder', { hosts: list(holders.map((h) => h.name)) }) };
      }
      if (holders.length === 1 && runsMaster(holders[0]!)) {
        const others = serving.filter((h) => h.name !== holders[0]!.name);
        if (others.length === 1) return { host: others[0]!.name, saw: t('live.besideHolder', { host: others[0]!.name, holder: holders[0]!.name }) };
        return { saw: others.length ? t('live.mastersBeside', { hosts: list(others.map((h) => h.name)) }) : t('live.onlyHolder') };
      }
      return { saw: t('live.noMasterToKeep', { saw: master().saw }) };
    }
  }
}

/** A lookup for runbook inputs (src/runbook/inputs.ts) on one snapshot. */
export function liveLookup(s: ClusterStatus): (role: LiveRole) => LiveAnswer {
  return (role) => liveRole(s, role);
}
