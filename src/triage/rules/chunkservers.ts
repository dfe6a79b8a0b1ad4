// Chunkservers down: one finding per host, with every probe that saw it down (ps, SSH, the
// master's list of disconnected chunkservers), and one per disconnected address no host has.
import { t } from '../../i18n/index.ts';
import { finding, known, none, psEvidence, runs, unreachable, unreachableEvidence, type RuleFinding, type TriageEvidence } from '../evidence.ts';
import { chunkEvidence, stillRegistering } from './chunks.ts';

export function chunkserversDown(ev: TriageEvidence): RuleFinding[] {
  const { vip } = ev;
  const { disconnected, csEvidence } = chunkEvidence(ev);
  const registering = stillRegistering(ev);
  const out: RuleFinding[] = [];
  const reportedIps = new Set<string>();
  for (const h of ev.hosts.filter((x) => x.roles.includes('chunkserver'))) {
    const rows = disconnected.filter((d) => d.ip === h.address);
    rows.forEach((d) => reportedIps.add(d.ip));
    const dead = known(h) && !runs(h, 'mfschunkserver');
    const gone = unreachable(h);
    if (!dead && !gone && rows.length === 0) continue;
    // Running (or not seen) and not on the young master's list yet: it registers within seconds.
    if (registering && !dead && !gone) {
      out.push(
        finding('chunkserver-down', {
          severity: 'warning',
          title: t('triage.title.chunkserverRegistering', { host: h.name, seconds: ev.masterStartedS! }),
          hosts: [h.name],
          evidence: [psEvidence(h, 'mfschunkserver'), ...csEvidence.filter((e) => e.host === h.name)],
          recommendation: none(registering, [t('triage.do.againSoon'), t('triage.do.checkChunkserverPort', { host: h.name, vip })]),
        }),
      );
      continue;
    }
    out.push(
      finding('chunkserver-down', {
        title: t(gone ? 'triage.title.chunkserverUnreachable' : dead ? 'triage.title.chunkserverDown' : 'triage.title.chunkserverDisconnected', { host: h.name }),
        hosts: [h.name],
        evidence: [...(gone ? [unreachableEvidence(h)] : [psEvidence(h, 'mfschunkserver')]), ...csEvidence.filter((e) => e.host === h.name)],
        recommendation: dead
          ? ev.recommend('restart-daemon', { host: h.name, host_address: h.address, daemon: 'chunkserver' }, t('triage.why.restartChunkserver', { host: h.name }))
          : none(gone ? t('triage.why.hostUnreachable') : t('triage.why.chunkserverNotSeen'), [
              gone ? t('triage.do.reachChunkserver', { host: h.name }) : t('triage.do.checkChunkserverPort', { host: h.name, vip }),
              t('triage.do.thenTriageUndergoal'),
            ]),
      }),
    );
  }
  for (const d of disconnected.filter((x) => !reportedIps.has(x.ip))) {
    out.push(
      finding('chunkserver-down', {
        title: t('triage.title.unknownChunkserverDisconnected', { address: `${d.ip}:${d.port}`, id: d.id }),
        hosts: [],
        evidence: csEvidence.filter((e) => e.saw.includes(`${d.ip}:${d.port}`)),
        recommendation: none(t('triage.why.unknownChunkserver'), [t('triage.do.startOrRemoveChunkserver', { ip: d.ip, vip, address: `${d.ip}:${d.port}` })]),
      }),
    );
  }
  return out;
}
