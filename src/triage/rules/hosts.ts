// Hosts as SSH sees them: other hosts that do not answer; hosts that answer SSH but not the
// probe (never guessed at: a failover in progress is slow); hosts that answered but refused
// us, or whose host key we refuse (not down, and never guessed at either).
import { t } from '../../i18n/index.ts';
import { lockedOut, loginLabel } from '../../status/model.ts';
import { accessHowTo, loginSeen } from '../access.ts';
import { finding, none, SSH, stateUnknown, unreachable, unreachableEvidence, type RuleFinding, type TriageEvidence } from '../evidence.ts';
import { LOCKED_OUT_HOST_RANK, RANK } from '../ranking.ts';

/** A host of no MooseFS role triage judges otherwise (not a candidate, chunkserver or metalogger) that does not answer. */
export function otherHostsUnreachable(ev: TriageEvidence): RuleFinding[] {
  return ev.hosts
    .filter((x) => unreachable(x) && !x.roles.some((r) => r === 'master-candidate' || r === 'chunkserver' || r === 'metalogger'))
    .map((h) =>
      finding('host-unreachable', {
        severity: 'warning',
        title: h.roles.length ? t('triage.title.hostUnreachableRoles', { host: h.name, roles: h.roles.join(', ') }) : t('triage.title.hostUnreachable', { host: h.name }),
        hosts: [h.name],
        evidence: [unreachableEvidence(h)],
        recommendation: none(t('triage.why.hostUnreachable'), [t('triage.do.checkHost', { host: h.name })]),
      }),
    );
}

export function hostsStateUnknown(ev: TriageEvidence): RuleFinding[] {
  return ev.hosts.filter(stateUnknown).map((h) => {
    const candidate = h.roles.includes('master-candidate');
    return finding('host-state-unknown', {
      severity: candidate ? 'critical' : 'warning',
      title: t(candidate ? 'triage.title.hostStateUnknownCandidate' : 'triage.title.hostStateUnknown', { host: h.name }),
      hosts: [h.name],
      evidence: [{ host: h.name, probe: SSH(), saw: h.error ?? t('triage.saw.noStatus') }],
      recommendation: none(t('triage.why.stateUnknown', { host: h.name }), [t('triage.do.againSlowHost'), t('triage.do.ifStaysUnknown', { host: h.name })]),
    });
  });
}

export function hostsLockedOut(ev: TriageEvidence): RuleFinding[] {
  return ev.hosts.filter(lockedOut).map((h) => {
    const candidate = h.roles.includes('master-candidate');
    return finding('host-locked-out', {
      severity: candidate ? 'critical' : 'warning',
      rank: candidate ? RANK['host-locked-out'] : LOCKED_OUT_HOST_RANK,
      title: t(candidate ? 'triage.title.lockedOutCandidate' : 'triage.title.lockedOut', { host: h.name, why: loginLabel(h.login) }),
      hosts: [h.name],
      evidence: [{ host: h.name, probe: SSH(), saw: `${loginSeen(h)}${h.error ? `: ${h.error}` : ''}` }, ...ev.candidateAnswers.filter((e) => e.host === h.name)],
      recommendation: none(t(candidate ? 'triage.why.lockedOutCandidate' : 'triage.why.lockedOut', { host: h.name }), [...accessHowTo(h), t('triage.do.thenTriage')]),
    });
  });
}
