// Triage of one status snapshot: what is wrong, the evidence, and the runbook that fits.
// Pure: the same snapshot and library always give the same report (unit-tested on captures).
// Each kind of trouble is one rule (rules/*.ts, from the evidence to its findings); the
// high-risk guard and the ranking are applied to what they found together.
import type { ClusterStatus } from '../status/model.ts';
import { gatherEvidence, type RuleFinding, type TriageOptions, type TriageRule } from './evidence.ts';
import { guardHighRisk } from './high-risk.ts';
import { byDanger } from './ranking.ts';
import { chunksAtRisk, chunksUndergoal } from './rules/chunks.ts';
import { chunkserversDown } from './rules/chunkservers.ts';
import { hostsLockedOut, hostsStateUnknown, otherHostsUnreachable } from './rules/hosts.ts';
import { metaloggersDown, metaloggersLagging } from './rules/metaloggers.ts';
import { noMaster } from './rules/no-master.ts';
import { probeProblem } from './rules/probe-problem.ts';
import { staleMaster } from './rules/stale-master.ts';
import { standbyNotReady, standbyUnreachable } from './rules/standby.ts';
import { twoMasters } from './rules/two-masters.ts';
import { vipAstray } from './rules/vip-astray.ts';
import type { Finding, TriageReport, TriageRunbook } from './types.ts';

export type { TriageOptions } from './evidence.ts';

/** The rules, in the order their findings are listed within one rank. */
const RULES: readonly TriageRule[] = [
  twoMasters,
  staleMaster,
  noMaster,
  vipAstray,
  standbyUnreachable,
  standbyNotReady,
  chunksAtRisk,
  chunkserversDown,
  metaloggersDown,
  metaloggersLagging,
  chunksUndergoal,
  otherHostsUnreachable,
  hostsStateUnknown,
  hostsLockedOut,
];

export function triage(status: ClusterStatus, library: readonly TriageRunbook[], opts: TriageOptions = {}): TriageReport {
  const ev = gatherEvidence(status, library, opts);
  const guarded = guardHighRisk(ev, onceFailover(RULES.flatMap((rule) => rule(ev))));
  const findings = byDanger([...guarded, ...probeProblem(ev, guarded)].map(published));
  return { cluster: status.cluster, vip: status.vip, at: status.at, healthy: findings.length === 0, findings };
}

/** One failover under way is said once, by the first rule that saw it. */
function onceFailover(found: RuleFinding[]): RuleFinding[] {
  const first = found.find((f) => f.code === 'failover-under-way');
  return found.filter((f) => f.code !== 'failover-under-way' || f === first);
}

/** The finding as the report carries it (without the judgement the guard used). */
function published({ judgement: _judgement, ...f }: RuleFinding): Finding {
  return f;
}
