// The order triage reports findings in: the most dangerous first.
import type { Finding, FindingCode } from './types.ts';

/** Lower is more dangerous: split brain and stale masters first, then no master, data at risk, redundancy, noise. */
export const RANK: Record<FindingCode, number> = {
  'split-brain': 10,
  'stale-master': 20,
  'second-master': 25,
  'master-host-unreachable': 30,
  'master-down': 31,
  'vip-without-master': 32,
  'no-vip-holder': 33,
  'host-state-unknown': 34,
  'host-locked-out': 29,
  'failover-under-way': 30,
  'missing-chunks': 40,
  'endangered-chunks': 41,
  'chunkserver-down': 45,
  'standby-unreachable': 50,
  'standby-not-ready': 52,
  'metalogger-down': 55,
  'metalogger-lagging': 56,
  'undergoal-chunks': 60,
  'host-unreachable': 65,
  'probe-problem': 70,
};

/** A host we cannot log into that is no master candidate: after the chunks and the standby, before plain noise. */
export const LOCKED_OUT_HOST_RANK = 64;

/** The findings most dangerous first; findings of one rank keep the order they were found in. */
export function byDanger<F extends Finding>(findings: readonly F[]): F[] {
  return [...findings].sort((a, b) => a.rank - b.rank);
}
