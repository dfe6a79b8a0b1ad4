// The standby: a master candidate gone while the other serves (one master left, no standby),
// or one that cannot take over (keepalived's check fails, or keepalived is off while the
// master's runs).
import { t } from '../../i18n/index.ts';
import { changelogEvidence, finding, keepalivedEvidence, known, none, psEvidence, runs, unreachable, unreachableEvidence, type RuleFinding, type TriageEvidence } from '../evidence.ts';

export function standbyUnreachable(ev: TriageEvidence): RuleFinding[] {
  const { holders, serving, metalogger } = ev;
  // The serving master must be one we see now (ps or a fresh probe): right after a master host dies, mfscli's last rows still name it.
  const current = holders.find((h) => serving.includes(h)) ?? serving.find(known);
  if (!current) return [];
  return ev.candidates
    .filter((c) => unreachable(c) && !serving.includes(c))
    .map((h) =>
      finding('standby-unreachable', {
        severity: 'warning',
        title: t('triage.title.standbyUnreachable', { host: h.name, master: current.name }),
        hosts: [h.name],
        evidence: [unreachableEvidence(h), psEvidence(current, 'mfsmaster'), ev.vipAnswer],
        recommendation: ev.recommend(
          'rebuild-master',
          { new: h.name, new_address: h.address, current: current.name, metalogger: metalogger?.name },
          t('triage.why.rebuildMaster', { master: current.name, host: h.name }),
          [t('triage.do.fenceUntilRebuilt', { host: h.name })],
        ),
      }),
    );
}

export function standbyNotReady(ev: TriageEvidence): RuleFinding[] {
  const { serving } = ev;
  if (serving.length < 1) return [];
  const haOnServer = serving.some((h) => runs(h, 'keepalived'));
  return ev.candidates
    .filter((c) => known(c) && !serving.includes(c))
    .flatMap((h) => {
      const ka = h.probe!.keepalived?.[0]?.state;
      const fault = runs(h, 'keepalived') && ka === 'FAULT';
      const off = haOnServer && !runs(h, 'keepalived');
      if (!fault && !off) return [];
      return [
        finding('standby-not-ready', {
          severity: 'warning',
          title: t(fault ? 'triage.title.standbyFault' : 'triage.title.standbyNoKeepalived', { host: h.name }),
          hosts: [h.name],
          evidence: [keepalivedEvidence(h), psEvidence(h, 'mfsmetalogger'), changelogEvidence(h)],
          recommendation: none(t('triage.why.standbyNotReady'), [
            runs(h, 'mfsmetalogger') ? t('triage.do.restartStandbyMetalogger', { host: h.name }) : t('triage.do.startStandbyMetalogger', { host: h.name }),
            off ? t('triage.do.startKeepalived', { host: h.name }) : t('triage.do.ifStaysFault'),
          ]),
        }),
      ];
    });
}
