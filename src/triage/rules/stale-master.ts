// A stale master: the VIP's master serves older metadata than a metalogger holds.
import { t } from '../../i18n/index.ts';
import { finding, sshPart, type RuleFinding, type TriageEvidence } from '../evidence.ts';

export function staleMaster(ev: TriageEvidence): RuleFinding[] {
  const { vipRow, holders, metalogger } = ev;
  if (!ev.status.alerts.some((a) => a.code === 'stale-master') || vipRow?.metadataVersion === undefined) return [];
  const ahead = ev.lags.filter((l) => l.behind < 0).sort((a, b) => b.version - a.version);
  const holder = holders[0];
  const targets = ahead.map((l) => ev.host(l.host)!).filter((h) => h.name !== holder?.name);
  const target = targets.find((h) => h.roles.includes('master-candidate')) ?? targets[0];
  return [
    finding('stale-master', {
      title: t(holder ? 'triage.title.staleMasterOn' : 'triage.title.staleMaster', { host: holder?.name ?? '', version: vipRow.metadataVersion, newer: ahead[0]?.version ?? t('triage.newer') }),
      hosts: holder ? [holder.name] : [],
      evidence: [ev.vipAnswer, ...ahead.map((l) => ({ host: l.host, probe: sshPart('changelog_ml.0.mfs'), saw: t('triage.saw.lastChange', { version: l.version, age: l.changelogAgeS }) }))],
      recommendation: ev.recommend(
        'lost-master',
        {
          old: holder?.name,
          old_address: holder?.address,
          target: target?.name,
          target_address: target?.address,
          metalogger: metalogger && metalogger.name !== target?.name ? metalogger.name : target?.name,
        },
        t('triage.why.staleMaster', { target: target?.name ?? t('triage.word.theMetalogger'), holder: holder?.name ?? t('triage.word.theVipHolder') }),
        [t('triage.do.fenceStaleFirst', { holder: holder?.name ?? t('triage.word.theVipHolder') })],
      ),
    }),
  ];
}
