// Triage: what is wrong with the cluster, the evidence for it, and which runbook fits.
// Pure data: `triage()` (triage.ts) derives a report from one ClusterStatus snapshot.
import type { RiskLevel, RunbookInput } from '../runbook/types.ts';

export type FindingCode =
  | 'split-brain'
  | 'stale-master'
  | 'second-master'
  | 'master-host-unreachable'
  | 'master-down'
  | 'vip-without-master'
  | 'no-vip-holder'
  | 'missing-chunks'
  | 'endangered-chunks'
  | 'chunkserver-down'
  | 'standby-unreachable'
  | 'standby-not-ready'
  | 'metalogger-down'
  | 'metalogger-lagging'
  | 'undergoal-chunks'
  | 'host-unreachable'
  | 'host-state-unknown'
  | 'host-locked-out'
  | 'failover-under-way'
  | 'probe-problem';

export type FindingSeverity = 'critical' | 'warning';

/** One thing a probe saw that supports a finding. */
export interface Evidence {
  /** The host the probe ran on or about (absent for cluster-wide facts). */
  host?: string;
  /** Which probe: `ssh probe`, `mfscli -SIN via VIP`, `mfscli -SIM per candidate`, ... */
  probe: string;
  /** What it returned, in words: `mfsmaster not running (ps)`, `VIP 10.77.0.100 on m1 and m2`. */
  saw: string;
}

/** A runbook that fits, with the inputs triage could fill in from what it saw. */
export interface RunbookRecommendation {
  kind: 'runbook';
  runbook: string;
  title: string;
  /** Only inputs the runbook declares, each valid for its pattern/choices. */
  inputs: Record<string, string>;
  /** Why this runbook fits. */
  why: string;
  /** Things to do by hand before opening it (e.g. fence a stale master). */
  first?: string[];
  /** For high and critical runbooks: the evidence that rules out the other explanations (down, busy, locked out, failing over). */
  ruledOut?: RuledOut[];
}

/** One explanation a high-risk recommendation ruled out, and what showed it. */
export interface RuledOut {
  explanation: 'down' | 'busy' | 'locked-out' | 'failing-over';
  host?: string;
  saw: string;
}

/** No runbook fits: why, and what to do instead. */
export interface NoRunbook {
  kind: 'none';
  reason: string;
  howTo: string[];
}

export type Recommendation = RunbookRecommendation | NoRunbook;

export interface Finding {
  code: FindingCode;
  title: string;
  severity: FindingSeverity;
  /** Lower is more dangerous; findings are sorted by it. */
  rank: number;
  hosts: string[];
  evidence: Evidence[];
  recommendation: Recommendation;
  /** failover-under-way: the window keepalived should fix it in. */
  failover?: FailoverWindow;
}

export interface TriageReport {
  cluster: string;
  vip: string;
  /** Epoch ms of the status snapshot judged. */
  at: number;
  healthy: boolean;
  /** Most dangerous first. */
  findings: Finding[];
}

/** The part of a parsed runbook triage needs: its id, title and declared inputs. */
export interface TriageRunbook {
  id: string;
  title: string;
  /** high and critical runbooks are recommended only with evidence that rules out the other explanations. */
  risk?: RiskLevel;
  inputs: readonly Pick<RunbookInput, 'name' | 'pattern' | 'choices'>[];
}

export interface FailoverWindow {
  /** The candidate whose master is gone. */
  from?: string;
  /** The candidate expected to serve next. */
  to: string;
  /** detecting: the check has not released the VIP yet; vip-moving: released, the standby is taking it; promoting: the standby holds it and starts its master. */
  phase: 'detecting' | 'vip-moving' | 'promoting';
  /** The whole window N: check interval × fall + advert timing + the role script's start + slack. */
  expectedWithinS: number;
  terms: { detectS: number; takeoverS: number; roleStartS: number; slackS: number };
  /** Epoch ms the window is counted from, and the evidence for it. */
  anchorAt: number;
  anchor: string;
  /** Epoch ms by which a new master should serve. */
  deadlineAt: number;
  evidence: Evidence[];
}
