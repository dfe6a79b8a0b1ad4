// A triage report judged in Chinese shows no English prose: every title, evidence line, reason,
// step and ruled-out line is checked, after taking out what the hosts themselves said (their SSH
// errors, mfscli's error), which is shown as it came.
import { setLanguage } from '../../src/i18n/index.ts';
import type { ClusterStatus } from '../../src/status/model.ts';
import { triage, type TriageReport, type TriageRunbook } from '../../src/triage/index.ts';
import { englishPhrase } from './english-phrase.ts';

function visibleTexts(r: TriageReport): string[] {
  return r.findings.flatMap((f) => {
    const rec = f.recommendation;
    return [
      f.title,
      ...f.evidence.flatMap((e) => [e.probe, e.saw]),
      ...(f.failover ? [f.failover.anchor, ...f.failover.evidence.flatMap((e) => [e.probe, e.saw])] : []),
      // A runbook's title is the runbook's own (the library of the operator's language).
      ...(rec.kind === 'none' ? [rec.reason, ...rec.howTo] : [rec.why, ...(rec.first ?? []), ...(rec.ruledOut ?? []).map((o) => o.saw)]),
    ];
  });
}

/** `text: phrase` for each English phrase in the Chinese report of `status` (none when all is translated). */
export function untranslatedTriage(status: ClusterStatus, library: readonly TriageRunbook[]): string[] {
  const hostSaid = [...status.hosts.map((h) => h.error), status.mfs.error].filter((e): e is string => !!e);
  setLanguage('zh');
  try {
    return visibleTexts(triage(status, library)).flatMap((text) => {
      let own = text;
      for (const e of hostSaid) own = own.split(e).join(' ');
      const phrase = englishPhrase(own);
      return phrase ? [`${text}: ${phrase}`] : [];
    });
  } finally {
    setLanguage('en');
  }
}
