// A failover keepalived is carrying out now: said instead of what looks wrong meanwhile, with
// the window it should be done in and what triage will recommend if it is not.
import { t } from '../../i18n/index.ts';
import { describeWindow, type FailoverWindow } from '../failover.ts';
import { finding, none, type RuleFinding, type TriageEvidence } from '../evidence.ts';

/** The failover-under-way finding for this window; `fallback` is what is recommended once the window has passed. */
export function failoverUnderWay(ev: TriageEvidence, w: FailoverWindow, fallback: string): RuleFinding {
  return finding('failover-under-way', {
    title: t('triage.title.failoverUnderWay', { window: describeWindow(w, ev.status.at) }),
    hosts: [...(w.from ? [w.from] : []), w.to],
    evidence: [{ probe: t('triage.probe.failoverWindow'), saw: t('triage.saw.countedFrom', { anchor: w.anchor }) }, ...w.evidence, ev.vipAnswer],
    failover: w,
    recommendation: none(t('triage.why.failoverUnderWay', { by: new Date(w.deadlineAt).toISOString().slice(11, 19) }), [t('triage.do.waitForWindow'), t('triage.do.thenRecommends', { fallback })]),
  });
}
