// Metaloggers: down, unreachable or not connected to the master; or lagging behind it.
import { t } from '../../i18n/index.ts';
import { finding, known, none, psEvidence, runs, sshPart, unreachable, unreachableEvidence, type RuleFinding, type TriageEvidence } from '../evidence.ts';

export function metaloggersDown(ev: TriageEvidence): RuleFinding[] {
  const { viaVip, vip } = ev;
  const masterAnswers = !!viaVip && !viaVip.noMaster && !!ev.vipRow;
  return ev.metaloggerHosts.flatMap((h) => {
    const gone = unreachable(h);
    const dead = known(h) && !runs(h, 'mfsmetalogger');
    const unconnected = !gone && !dead && masterAnswers && viaVip!.sections.has('IG') && !viaVip!.metaloggers.some((m) => m.ip === h.address);
    if (!gone && !dead && !unconnected) return [];
    // Running and not on a young master's list yet: it connects within seconds of the start.
    const seconds = unconnected ? ev.masterStartedS : undefined;
    return [
      finding('metalogger-down', {
        severity: 'warning',
        title:
          seconds !== undefined
            ? t('triage.title.metaloggerRegistering', { host: h.name, seconds })
            : t(gone ? 'triage.title.metaloggerUnreachable' : dead ? 'triage.title.metaloggerDown' : 'triage.title.metaloggerDisconnected', { host: h.name }),
        hosts: [h.name],
        evidence: [
          gone ? unreachableEvidence(h) : psEvidence(h, 'mfsmetalogger'),
          ...(masterAnswers && viaVip!.sections.has('IG')
            ? [
                {
                  probe: ev.viaVipProbe('-SMB'),
                  saw: viaVip!.metaloggers.length ? t('triage.saw.metaloggersConnected', { ips: viaVip!.metaloggers.map((m) => m.ip).join(', ') }) : t('triage.saw.noMetaloggerConnected'),
                },
              ]
            : []),
        ],
        recommendation: dead
          ? ev.recommend('restart-daemon', { host: h.name, host_address: h.address, daemon: 'metalogger' }, t('triage.why.restartMetalogger', { host: h.name }))
          : seconds !== undefined
            ? none(t('triage.why.metaloggerRegistering', { seconds }), [t('triage.do.againSoon'), t('triage.do.checkMetaloggerPort', { host: h.name, vip })])
            : none(gone ? t('triage.why.metaloggerUnreachable') : t('triage.why.metaloggerNotSeen'), [
                gone ? t('triage.do.reachMetalogger', { host: h.name }) : t('triage.do.checkMetaloggerPort', { host: h.name, vip }),
              ]),
      }),
    ];
  });
}

/** A metalogger more metadata versions behind the master than the options allow (default 100). */
export function metaloggersLagging(ev: TriageEvidence): RuleFinding[] {
  const lagMax = ev.opts.metaloggerLagVersions ?? 100;
  return ev.lags
    .filter((x) => x.behind > lagMax)
    .map((l) =>
      finding('metalogger-lagging', {
        severity: 'warning',
        title: t('triage.title.metaloggerLagging', { host: l.host, behind: l.behind }),
        hosts: [l.host],
        evidence: [ev.vipAnswer, { host: l.host, probe: sshPart('changelog_ml.0.mfs'), saw: t('triage.saw.lastChange', { version: l.version, age: l.changelogAgeS }) }],
        recommendation: none(t('triage.why.metaloggerLagging'), [t('triage.do.checkMetaloggerPort', { host: l.host, vip: ev.vip })]),
      }),
    );
}
