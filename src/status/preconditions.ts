// Status preconditions a runbook step can state (e.g. `requires: no-split-brain`): checked
// against the poller's snapshot before the step; the runner shows unmet ones and refuses a
// dangerous step while any is unmet. Stale or missing data never counts as met.
import { answeringMasters, formatAge, vipHolders, vipMaster, type ClusterStatus } from './model.ts';

export const STATUS_PRECONDITIONS = {
  'no-split-brain': 'no two hosts hold the VIP and no two masters answer',
  // The names a runbook's `requires=` uses (src/runbook/attributes.ts REQUIREMENTS):
  'vip-held': 'exactly one master candidate holds the VIP',
  'master-running': 'the VIP holder runs mfsmaster and it answers through the VIP',
  'vip-held-by-running-master': 'exactly one host holds the VIP and an mfsmaster runs there and answers',
  'master-answering': 'a master answers mfscli through the VIP',
  'no-missing-chunks': 'no chunk is missing or endangered',
  'all-chunkservers-connected': 'the master lists no disconnected chunkserver',
  'hosts-fresh': 'every host answered the status probe recently',
} as const;
export type StatusPrecondition = keyof typeof STATUS_PRECONDITIONS;

export interface PreconditionResult {
  name: StatusPrecondition;
  met: boolean;
  /** Why it is not met (or what was seen), for the operator. */
  detail: string;
}

export function isStatusPrecondition(name: string): name is StatusPrecondition {
  return Object.hasOwn(STATUS_PRECONDITIONS, name);
}

export function checkPrecondition(s: ClusterStatus, name: StatusPrecondition): PreconditionResult {
  const r = (met: boolean, detail: string): PreconditionResult => ({ name, met, detail });
  const candidates = s.hosts.filter((h) => h.roles.includes('master-candidate'));
  // The last attempt failing makes a candidate unknown at once: its kept probe may be up to
  // the stale limit old, and a VIP it no longer (or newly) holds must not pass for fresh.
  const staleCandidates = candidates.filter((h) => h.stale || !h.probe || !h.reachable).map((h) => h.name);
  const mfsUnknown = !s.mfs.viaVip || s.mfs.stale;
  switch (name) {
    case 'no-split-brain': {
      if (staleCandidates.length) return r(false, `not known: no fresh status from ${staleCandidates.join(', ')}`);
      const holders = vipHolders(s).map((h) => h.name);
      if (holders.length > 1) return r(false, `${holders.join(' and ')} all hold the VIP`);
      const masters = answeringMasters(s).map((c) => c.host);
      if (masters.length > 1) return r(false, `masters answer on ${masters.join(' and ')}`);
      return r(true, holders.length ? `VIP on ${holders[0]}` : 'nobody holds the VIP');
    }
    case 'vip-held': {
      if (staleCandidates.length) return r(false, `not known: no fresh status from ${staleCandidates.join(', ')}`);
      const holders = vipHolders(s).map((h) => h.name);
      if (holders.length === 1) return r(true, `VIP on ${holders[0]}`);
      return r(false, holders.length ? `${holders.join(' and ')} all hold the VIP` : 'nobody holds the VIP');
    }
    case 'master-running':
    case 'vip-held-by-running-master': {
      if (staleCandidates.length) return r(false, `not known: no fresh status from ${staleCandidates.join(', ')}`);
      const holders = vipHolders(s);
      if (holders.length !== 1) return r(false, holders.length ? `${holders.map((h) => h.name).join(' and ')} all hold the VIP` : 'nobody holds the VIP');
      const h = holders[0]!;
      if (h.probe!.daemons.mfsmaster.length === 0) return r(false, `${h.name} holds the VIP but runs no mfsmaster`);
      if (mfsUnknown) return r(false, `not known: no fresh mfscli answer${s.mfs.error ? ` (${s.mfs.error})` : ''}`);
      if (!vipMaster(s)) return r(false, `${h.name} runs mfsmaster but it does not answer on the VIP`);
      return r(true, `${h.name} holds the VIP and its master answers`);
    }
    case 'master-answering':
      if (mfsUnknown) return r(false, `not known: no fresh mfscli answer${s.mfs.ageMs !== undefined ? ` for ${formatAge(s.mfs.ageMs)}` : ''}`);
      return vipMaster(s) ? r(true, 'the master answers through the VIP') : r(false, 'no master answers through the VIP');
    case 'no-missing-chunks': {
      const c = mfsUnknown ? undefined : s.mfs.viaVip!.chunkClasses;
      if (!c) return r(false, 'not known: no chunk matrix from the master');
      if (c.missing || c.endangered) return r(false, `${c.missing} missing and ${c.endangered} endangered chunks`);
      return r(true, 'no missing or endangered chunks');
    }
    case 'all-chunkservers-connected': {
      if (mfsUnknown || s.mfs.viaVip!.noMaster) return r(false, 'not known: no chunkserver list from the master');
      const d = s.mfs.viaVip!.disconnected;
      return d.length ? r(false, `disconnected: ${d.map((x) => `${x.ip}:${x.port}`).join(', ')}`) : r(true, `${s.mfs.viaVip!.chunkservers.length} chunkservers connected`);
    }
    case 'hosts-fresh': {
      const stale = s.hosts.filter((h) => h.stale || !h.probe);
      return stale.length ? r(false, `no fresh status from ${stale.map((h) => `${h.name} (${formatAge(h.ageMs)})`).join(', ')}`) : r(true, 'every host answered');
    }
  }
}

/** Every named precondition, in order; unknown names are reported as unmet with the valid ones. */
export function checkPreconditions(s: ClusterStatus, names: readonly string[]): PreconditionResult[] {
  return names.map((n) =>
    isStatusPrecondition(n)
      ? checkPrecondition(s, n)
      : { name: n as StatusPrecondition, met: false, detail: `unknown status precondition '${n}' (known: ${Object.keys(STATUS_PRECONDITIONS).join(', ')})` },
  );
}
