// What the triage rules read: one status snapshot seen through a few predicates (is a host
// known, unreachable, of unknown state; does a daemon run), the evidence several findings
// cite (what mfscli said through the VIP and at each candidate), and how a finding and a
// recommendation are made. Pure.
import { t } from '../i18n/index.ts';
import { checkInput } from '../runbook/inputs.ts';
import { answeringMasters, metaloggerLags, vipMaster, type CandidateMaster, type ClusterStatus, type HostStatus, type MetaloggerLag } from '../status/model.ts';
import type { DaemonName } from '../status/probe.ts';
import { formatUptime } from '../status/text.ts';
import { judgeFailover, type FailoverJudgement } from './failover.ts';
import { RANK } from './ranking.ts';
import type { Evidence, Finding, FindingCode, Recommendation, TriageRunbook } from './types.ts';

export interface TriageOptions {
  /** A metalogger more than this many metadata versions behind the master lags (default 100). */
  metaloggerLagVersions?: number;
}

/** A finding as a rule makes it, with the failover judgement it was made on (for the evidence that rules out a failover). */
export interface RuleFinding extends Finding {
  judgement?: FailoverJudgement;
}

/** A triage rule: from the evidence, the findings of one kind of trouble (none when it is not there). */
export type TriageRule = (ev: TriageEvidence) => RuleFinding[];

/** Makes a runbook recommendation (only the inputs the runbook declares and accepts), or says the runbook is missing. */
export type Recommender = (id: string, given: Record<string, string | undefined>, why: string, first?: string[]) => Recommendation;

export interface TriageEvidence {
  status: ClusterStatus;
  library: readonly TriageRunbook[];
  opts: TriageOptions;
  vip: string;
  hosts: HostStatus[];
  host(name: string): HostStatus | undefined;
  candidates: HostStatus[];
  /** Master candidates seen holding the VIP now. */
  holders: HostStatus[];
  /** Master candidates that serve: answering mfscli at their own address, or an mfsmaster process seen by ps. */
  serving: HostStatus[];
  metaloggerHosts: HostStatus[];
  /** The dedicated metalogger to compare versions with: a live one first. */
  metalogger: HostStatus | undefined;
  viaVip: ClusterStatus['mfs']['viaVip'];
  /** The master row that answers through the VIP. */
  vipRow: ReturnType<typeof vipMaster>;
  mfsAnswering: CandidateMaster[];
  versionOf(name: string): number | undefined;
  lags: MetaloggerLag[];
  /** `mfscli ARGS via VIP`, as the probe of an evidence line. */
  viaVipProbe(args: string): string;
  /** What mfscli said through the VIP: one object, shared by the findings that cite it. */
  vipAnswer: Evidence;
  /** What mfscli said at each candidate's own address. */
  candidateAnswers: Evidence[];
  /**
   * A standby keepalived made MASTER is promoting itself: whatever else looks odd about the
   * VIP and the masters meanwhile (the VIP ahead of the master, the lost master's last answers) is that.
   */
  takeover: FailoverJudgement;
  promotingTo: string | undefined;
  /**
   * The serving master started this many seconds ago, less than CHUNKSERVERS_REGISTER_S: its
   * chunkservers are still registering, so its disconnected list and chunk counts are not final.
   */
  masterStartedS: number | undefined;
  recommend: Recommender;
}

/**
 * A master younger than this is still being joined by its chunkservers: each reconnects after
 * its MASTER_RECONNECTION_DELAY (5 s by default, 1 s as install-cluster writes it) and then
 * sends its whole chunk list, which takes longer the more chunks it holds.
 */
export const CHUNKSERVERS_REGISTER_S = 30;

export function gatherEvidence(status: ClusterStatus, library: readonly TriageRunbook[], opts: TriageOptions = {}): TriageEvidence {
  const vip = status.vip;
  const hosts = status.hosts;
  const candidates = hosts.filter((h) => h.roles.includes('master-candidate'));
  // Of two seen holding the VIP, one asked again and silent past its usual time has just died or
  // frozen with it (a failover under way), not a second holder. A lone holder stays one until
  // stale: with no other there is nothing to tell apart.
  const seenHolding = candidates.filter((h) => known(h) && h.probe!.holdsVip);
  const answering = seenHolding.filter((h) => !h.overdue);
  const holders = seenHolding.length > 1 && answering.length > 0 ? answering : seenHolding;
  const metaloggerHosts = hosts.filter((h) => h.roles.includes('metalogger'));
  const metalogger = metaloggerHosts.find((h) => runs(h, 'mfsmetalogger')) ?? metaloggerHosts.find(known) ?? metaloggerHosts[0];
  const viaVip = status.mfs.viaVip;
  const vipRow = vipMaster(status);
  const mfsAnswering = answeringMasters(status);

  const mfsVia = status.mfs.via ? t('triage.probe.runOn', { host: status.mfs.via }) : '';
  const viaVipProbe = (args: string) => t('triage.probe.mfscliViaVip', { args, via: mfsVia });
  const vipAnswer: Evidence = {
    probe: viaVipProbe('-SIM'),
    saw:
      status.mfs.error && !viaVip
        ? t('triage.saw.mfscliFailed', { error: status.mfs.error })
        : !viaVip
          ? t('triage.saw.noAnswerYet')
          : viaVip.noMaster || !vipRow
            ? t('triage.saw.noMasterAt', { vip })
            : t('triage.saw.masterAnswersAt', { vip, version: vipRow.metadataVersion ?? '?' }),
  };
  const candidateAnswers: Evidence[] = status.mfs.candidates.map((c) => ({
    host: c.host,
    probe: t('triage.probe.mfscliAt', { address: c.address, via: mfsVia }),
    saw: c.master?.answering ? t('triage.saw.masterAnswers', { version: c.master.metadataVersion ?? '?' }) : t('triage.saw.noMasterAnswers'),
  }));
  const takeover = judgeFailover(status, undefined);

  return {
    status,
    library,
    opts,
    vip,
    hosts,
    host: (name) => hosts.find((h) => h.name === name),
    candidates,
    holders,
    serving: candidates.filter((h) => mfsAnswering.some((c) => c.host === h.name) || runs(h, 'mfsmaster')),
    metaloggerHosts,
    metalogger,
    viaVip,
    vipRow,
    mfsAnswering,
    versionOf: (name) => status.mfs.candidates.find((c) => c.host === name)?.master?.metadataVersion,
    lags: metaloggerLags(status),
    viaVipProbe,
    vipAnswer,
    candidateAnswers,
    takeover,
    promotingTo: takeover.kind === 'under-way' ? takeover.window.to : undefined,
    masterStartedS: youngMasterS(holders, vipRow),
    recommend: recommender(library),
  };
}

/** The uptime of the master that serves through the VIP (its one holder's mfsmaster), when it is young. */
function youngMasterS(holders: HostStatus[], vipRow: ReturnType<typeof vipMaster>): number | undefined {
  if (!vipRow || holders.length !== 1 || !runs(holders[0]!, 'mfsmaster')) return undefined;
  const up = Math.min(...holders[0]!.probe!.daemons.mfsmaster.map((p) => p.uptimeS));
  return up < CHUNKSERVERS_REGISTER_S ? up : undefined;
}

/** A finding of this code, ranked by its danger (ranking.ts) unless the rule says otherwise; critical unless said. */
export function finding(code: FindingCode, { rank, severity, ...f }: Omit<RuleFinding, 'code' | 'rank' | 'severity'> & { severity?: Finding['severity']; rank?: number }): RuleFinding {
  return { code, rank: rank ?? RANK[code], severity: severity ?? 'critical', ...f };
}

export const SSH = (): string => t('triage.probe.ssh');
/** `ssh probe (ps)`: the SSH probe's part that saw it (a command or a file, never translated). */
export const sshPart = (part: string): string => t('triage.probe.sshPart', { part });
export const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : t('triage.list', { items: xs.slice(0, -1).join(t('triage.listSeparator')), last: xs.at(-1)! }));

/** Reached by this snapshot's probe (fresh data). */
export const known = (h: HostStatus): boolean => !!h.probe && h.reachable && !h.stale;
/**
 * Probed and no SSH session (an unprobed host is neither known nor unreachable). A host that
 * answered SSH but whose probe failed is neither: its state is unknown (stateUnknown).
 */
export const unreachable = (h: HostStatus): boolean => !h.reachable && h.failure !== 'probe' && h.failure !== 'login' && (h.stale || h.error !== undefined);
export const stateUnknown = (h: HostStatus): boolean => !h.reachable && h.failure === 'probe';
export const runs = (h: HostStatus, d: DaemonName): boolean => known(h) && h.probe!.daemons[d].length > 0;

export function psEvidence(h: HostStatus, d: DaemonName): Evidence {
  const p = h.probe?.daemons[d][0];
  return { host: h.name, probe: sshPart('ps'), saw: p ? t('triage.saw.running', { daemon: d, pid: p.pid, uptime: formatUptime(p.uptimeS) }) : t('triage.saw.notRunning', { daemon: d }) };
}

export function unreachableEvidence(h: HostStatus): Evidence {
  return { host: h.name, probe: SSH(), saw: h.error ? t('triage.saw.noAnswerFromError', { address: h.address, error: h.error }) : t('triage.saw.noAnswerFrom', { address: h.address }) };
}

export function keepalivedEvidence(h: HostStatus): Evidence {
  if (!runs(h, 'keepalived')) return { host: h.name, probe: sshPart('ps'), saw: t('triage.saw.notRunning', { daemon: 'keepalived' }) };
  const st = h.probe!.keepalived?.[0]?.state;
  const age = h.probe!.keepalivedDumpAgeS;
  // An old dump may show a state keepalived has left since: say how old it is.
  return {
    host: h.name,
    probe: t('triage.probe.keepalivedDump'),
    saw: st ? (age !== undefined && age > 5 ? t('triage.saw.keepalivedStateAsOf', { state: st, age }) : t('triage.saw.keepalivedState', { state: st })) : t('triage.saw.keepalivedStateUnknown'),
  };
}

export function changelogEvidence(h: HostStatus): Evidence {
  const cl = h.probe?.metaloggerChangelog;
  return { host: h.name, probe: sshPart('changelog_ml.0.mfs'), saw: cl ? t('triage.saw.changelog', { version: cl.version, age: cl.ageS }) : t('triage.saw.noChangelog') };
}

export function none(reason: string, howTo: string[]): Recommendation {
  return { kind: 'none', reason, howTo };
}

/**
 * A runbook recommendation with only the inputs the runbook declares and accepts; a runbook
 * missing from the library is said so rather than recommended.
 */
function recommender(library: readonly TriageRunbook[]): Recommender {
  return (id, given, why, first) => {
    const rb = library.find((r) => r.id === id);
    if (!rb) return none(t('triage.why.notInLibrary', { runbook: id, why }), first ?? []);
    const inputs: Record<string, string> = {};
    for (const input of rb.inputs) {
      const value = given[input.name];
      if (value !== undefined && checkInput(input, value) === undefined) inputs[input.name] = value;
    }
    return { kind: 'runbook', runbook: rb.id, title: rb.title, inputs, why, ...(first?.length ? { first } : {}) };
  };
}
