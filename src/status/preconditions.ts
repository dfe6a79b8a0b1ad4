// Status preconditions a runbook step can state (e.g. `requires: no-split-brain`): checked
// against the poller's snapshot before the step; the runner shows unmet ones and refuses a
// dangerous step while any is unmet. Stale or missing data never counts as met.
import { answeringMasters, formatAge, vipHolders, vipMaster, type ClusterStatus } from './model.ts';
import { t, type MessageKey } from '../i18n/index.ts';

const and = () => t('precondition.and');

/** Each precondition's name and the message that says what it means. */
export const STATUS_PRECONDITIONS = {
  'no-split-brain': 'precondition.noSplitBrain',
  // The names a runbook's `requires=` uses (src/runbook/attributes.ts REQUIREMENTS):
  'vip-held': 'precondition.vipHeld',
  'master-running': 'precondition.masterRunning',
  'vip-held-by-running-master': 'precondition.vipHeldByRunningMaster',
  'master-answering': 'precondition.masterAnswering',
  'no-missing-chunks': 'precondition.noMissingChunks',
  'all-chunkservers-connected': 'precondition.allChunkserversConnected',
  'hosts-fresh': 'precondition.hostsFresh',
} as const satisfies Record<string, MessageKey>;

/** What a precondition means, in the operator's language. */
export function preconditionMeaning(name: StatusPrecondition): string {
  return t(STATUS_PRECONDITIONS[name]);
}
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
  // The last attempt failing makes a candidate unknown at once: its kept probe may be up to
  // the stale limit old, and a VIP it no longer (or newly) holds must not pass for fresh. So
  // does a host of another role whose last answer held the VIP. A spare without a role that
  // cannot be reached does not block (it is waited for when it answers: poller.freshState).
  const staleCandidates = s.hosts
    .filter((h) => h.roles.includes('master-candidate') || h.probe?.holdsVip)
    .filter((h) => h.stale || !h.probe || !h.reachable)
    .map((h) => h.name);
  const mfsUnknown = !s.mfs.viaVip || s.mfs.stale;
  switch (name) {
    case 'no-split-brain': {
      if (staleCandidates.length) return r(false, t('precondition.notFresh', { hosts: staleCandidates.join(', ') }));
      const holders = vipHolders(s).map((h) => h.name);
      if (holders.length > 1) return r(false, t('precondition.allHoldVip', { hosts: holders.join(and()) }));
      const masters = answeringMasters(s).map((c) => c.host);
      if (masters.length > 1) return r(false, t('precondition.mastersAnswerOn', { hosts: masters.join(and()) }));
      return r(true, holders.length ? t('precondition.vipOn', { host: holders[0]! }) : t('precondition.nobodyHoldsVip'));
    }
    case 'vip-held': {
      if (staleCandidates.length) return r(false, t('precondition.notFresh', { hosts: staleCandidates.join(', ') }));
      const holders = vipHolders(s).map((h) => h.name);
      if (holders.length === 1) return r(true, t('precondition.vipOn', { host: holders[0]! }));
      return r(false, holders.length ? t('precondition.allHoldVip', { hosts: holders.join(and()) }) : t('precondition.nobodyHoldsVip'));
    }
    case 'master-running':
    case 'vip-held-by-running-master': {
      if (staleCandidates.length) return r(false, t('precondition.notFresh', { hosts: staleCandidates.join(', ') }));
      const holders = vipHolders(s);
      if (holders.length !== 1) return r(false, holders.length ? t('precondition.allHoldVip', { hosts: holders.map((h) => h.name).join(and()) }) : t('precondition.nobodyHoldsVip'));
      const h = holders[0]!;
      if (h.probe!.daemons.mfsmaster.length === 0) return r(false, t('precondition.holdsVipNoMaster', { host: h.name }));
      if (mfsUnknown) return r(false, s.mfs.error ? t('precondition.noMfscliError', { error: s.mfs.error }) : t('precondition.noMfscli'));
      if (!vipMaster(s)) return r(false, t('precondition.masterSilent', { host: h.name }));
      return r(true, t('precondition.masterAnswers', { host: h.name }));
    }
    case 'master-answering':
      if (mfsUnknown) return r(false, s.mfs.ageMs !== undefined ? t('precondition.noMfscliFor', { age: formatAge(s.mfs.ageMs) }) : t('precondition.noMfscli'));
      return vipMaster(s) ? r(true, t('precondition.answersViaVip')) : r(false, t('precondition.noAnswerViaVip'));
    case 'no-missing-chunks': {
      const c = mfsUnknown ? undefined : s.mfs.viaVip!.chunkClasses;
      if (!c) return r(false, t('precondition.noChunkMatrix'));
      if (c.missing || c.endangered) return r(false, t('precondition.chunksAtRisk', { missing: c.missing, endangered: c.endangered }));
      return r(true, t('precondition.noChunksAtRisk'));
    }
    case 'all-chunkservers-connected': {
      if (mfsUnknown || s.mfs.viaVip!.noMaster) return r(false, t('precondition.noChunkserverList'));
      const d = s.mfs.viaVip!.disconnected;
      return d.length
        ? r(false, t('precondition.disconnected', { servers: d.map((x) => `${x.ip}:${x.port}`).join(', ') }))
        : r(true, t('precondition.connected', { count: s.mfs.viaVip!.chunkservers.length }));
    }
    case 'hosts-fresh': {
      const stale = s.hosts.filter((h) => h.stale || !h.probe);
      return stale.length ? r(false, t('precondition.staleHosts', { hosts: stale.map((h) => `${h.name} (${formatAge(h.ageMs)})`).join(', ') })) : r(true, t('precondition.allFresh'));
    }
  }
}

/** Every named precondition, in order; unknown names are reported as unmet with the valid ones. */
export function checkPreconditions(s: ClusterStatus, names: readonly string[]): PreconditionResult[] {
  return names.map((n) =>
    isStatusPrecondition(n)
      ? checkPrecondition(s, n)
      : { name: n as StatusPrecondition, met: false, detail: t('precondition.unknown', { name: n, known: Object.keys(STATUS_PRECONDITIONS).join(', ') }) },
  );
}
