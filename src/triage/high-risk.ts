// A high- or critical-risk runbook is recommended only on evidence that rules out the other
// explanations (down, busy, locked out, failing over): while one cannot be ruled out, the
// finding says to look again (or to fix access first) instead.
import { t } from '../i18n/index.ts';
import { lockedOut, loginLabel, type HostStatus } from '../status/model.ts';
import { accessHowTo, loginSeen } from './access.ts';
import { known, list, none, runs, SSH, stateUnknown, unreachable, type RuleFinding, type TriageEvidence } from './evidence.ts';
import { PROMOTION_CAP_S, type FailoverJudgement } from './failover.ts';
import type { RuledOut, RunbookRecommendation, TriageRunbook } from './types.ts';

const HIGH_RISK = new Set(['high', 'critical']);
/** A master younger than this that does not answer yet is still starting (loading metadata). */
const MASTER_START_S = 60;

const riskOf = (library: readonly TriageRunbook[], id: string) => library.find((r) => r.id === id)?.risk;
const highRisk = (ev: TriageEvidence, f: RuleFinding): boolean => f.recommendation.kind === 'runbook' && HIGH_RISK.has(riskOf(ev.library, f.recommendation.runbook) ?? 'low');

/** The findings with their high-risk recommendations held back or backed by what rules the other explanations out. */
export function guardHighRisk(ev: TriageEvidence, findings: readonly RuleFinding[]): RuleFinding[] {
  return ruleOutOrWait(ev, fixAccessFirst(ev, findings));
}

/**
 * A master candidate we cannot log into may be serving, promoting or down: no recovery of a
 * master (nor any other high-risk runbook) until its state is known.
 */
function fixAccessFirst(ev: TriageEvidence, findings: readonly RuleFinding[]): RuleFinding[] {
  const locked = ev.candidates.filter(lockedOut);
  if (!locked.length) return [...findings];
  const names = list(locked.map((h) => h.name));
  return findings.map((f) => {
    const r = f.recommendation;
    if (r.kind !== 'runbook' || !highRisk(ev, f)) return f;
    return {
      ...f,
      recommendation: none(t('triage.why.fixAccessFirst', { hosts: names, runbook: r.runbook, why: list(locked.map((h) => loginLabel(h.login))) }), [
        ...locked.flatMap(accessHowTo),
        t('triage.do.thenTriageRecommends', { runbook: r.runbook, hosts: names }),
      ]),
      evidence: [...f.evidence, ...locked.map((h) => ({ host: h.name, probe: SSH(), saw: loginSeen(h) }))],
    };
  });
}

/** A candidate busy, promoting or with a master still starting: look again; else say what rules the others out. */
function ruleOutOrWait(ev: TriageEvidence, findings: RuleFinding[]): RuleFinding[] {
  const { candidates, mfsAnswering } = ev;
  const busy = candidates.filter(stateUnknown);
  const promoting = candidates.filter((h) => known(h) && h.probe!.haRole?.role === 'PROMOTING' && h.probe!.haRole.ageS <= PROMOTION_CAP_S);
  // keepalived-ha starts no master while another candidate's master answers: a promotion that
  // waits on one that answers now starts nothing, so fencing that very host (keeping the one it
  // waits on) cannot act beside a master being started. Anything else still waits for it.
  // The master it waits on must be seen now: a fresh mfscli answer and its own process on a host
  // that answered this probe, not last answers of a host that has just frozen or died.
  const heldBy = (h: HostStatus) => {
    const on = h.probe!.promotionWaitingOn;
    const keep = on === undefined || ev.status.mfs.stale ? undefined : mfsAnswering.find((c) => c.address === on && c.host !== h.name);
    const keepHost = keep && ev.host(keep.host);
    return keepHost && runs(keepHost, 'mfsmaster') && !keepHost.overdue ? keep : undefined;
  };
  const fencesHeld = (r: RunbookRecommendation) => r.runbook === 'fence-master' && promoting.length > 0 && promoting.every((h) => r.inputs.fence === h.name && heldBy(h)?.host === r.inputs.keep);
  // A master that started moments ago and does not answer through the VIP yet is finishing a takeover.
  const starting = ev.vipRow ? [] : candidates.filter((h) => known(h) && !mfsAnswering.some((c) => c.host === h.name) && h.probe!.daemons.mfsmaster.some((p) => p.uptimeS < MASTER_START_S));
  return findings.map((f) => {
    const r = f.recommendation;
    if (r.kind !== 'runbook' || !highRisk(ev, f)) return f;
    const held = fencesHeld(r);
    if (busy.length || (promoting.length && !held) || starting.length) {
      const who = busy.length ? busy : promoting.length ? promoting : starting;
      const hostsWho = list(who.map((h) => h.name));
      const reason = busy.length
        ? t('triage.why.notYetBusy', { hosts: hostsWho, runbook: r.runbook })
        : promoting.length
          ? t('triage.why.notYetPromoting', { hosts: hostsWho, runbook: r.runbook })
          : t('triage.why.notYetStarting', { hosts: hostsWho, runbook: r.runbook, seconds: Math.min(...who[0]!.probe!.daemons.mfsmaster.map((p) => p.uptimeS)) });
      return { ...f, recommendation: none(reason, [t('triage.do.againSoon'), t('triage.do.lookByHandBefore', { host: who[0]!.name, runbook: r.runbook })]) };
    }
    const ruledOut = ruledOutFor(candidates, f.judgement, ev.status.at);
    return {
      ...f,
      recommendation: {
        ...r,
        ruledOut: held
          ? [
              ...ruledOut.filter((o) => o.explanation !== 'failing-over'),
              ...promoting.map((h) => ({
                explanation: 'failing-over' as const,
                host: h.name,
                saw: t('triage.ruledOut.promotionHeld', { host: h.name, keep: heldBy(h)!.host, address: h.probe!.promotionWaitingOn! }),
              })),
            ]
          : ruledOut,
      },
    };
  });
}

/** The evidence that rules out the other explanations for the master candidates (none locked out or busy: checked before). */
function ruledOutFor(candidates: HostStatus[], fo: FailoverJudgement | undefined, at: number): RuledOut[] {
  const up = candidates.filter(known);
  const down = candidates.filter(unreachable);
  const names = (hs: HostStatus[]) => list(hs.map((h) => h.name));
  const out: RuledOut[] = [];
  for (const h of down) out.push({ explanation: 'down', host: h.name, saw: t('triage.ruledOut.down', { host: h.name, error: h.error ?? t('triage.ruledOut.noSession') }) });
  for (const h of up)
    out.push({
      explanation: 'down',
      host: h.name,
      saw: h.ageMs === undefined ? t('triage.ruledOut.up', { host: h.name }) : t('triage.ruledOut.upAgo', { host: h.name, seconds: Math.round(h.ageMs / 1000) }),
    });
  if (up.length) out.push({ explanation: 'busy', saw: t('triage.ruledOut.notBusy', { hosts: names(up) }) });
  out.push({
    explanation: 'locked-out',
    saw: up.length
      ? down.length
        ? t('triage.ruledOut.loggedIntoNoAnswer', { hosts: names(up), down: names(down) })
        : t('triage.ruledOut.loggedInto', { hosts: names(up) })
      : t('triage.ruledOut.noRefusal'),
  });
  const iso = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const states = up
    .map((h) => `${h.name} ${h.probe!.daemons.keepalived.length ? (h.probe!.keepalived?.[0]?.state ?? t('triage.ruledOut.keepalivedStateUnknown')) : t('triage.ruledOut.noKeepalived')}`)
    .join(t('triage.listSeparator'));
  if (fo?.kind === 'overdue') {
    out.push({
      explanation: 'failing-over',
      saw: t('triage.ruledOut.overdue', { to: fo.window.to, within: fo.window.expectedWithinS, anchor: fo.window.anchor, by: iso(fo.window.deadlineAt), at: iso(at), states }),
    });
  } else if (fo?.kind === 'not-expected') {
    out.push({ explanation: 'failing-over', saw: t('triage.ruledOut.notExpected', { why: fo.why.map((e) => e.saw).join(t('triage.ruledOut.separator')) }) });
  } else {
    out.push({ explanation: 'failing-over', saw: t('triage.ruledOut.noPromotion', { states: states || t('triage.ruledOut.notSeen') }) });
  }
  return out;
}
