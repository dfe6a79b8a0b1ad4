// Chunks at risk, as the master that answers through the VIP counts them (only it knows
// them): missing, endangered, under goal; and the chunkservers it lists as disconnected.
import { t } from '../../i18n/index.ts';
import { finding, list, none, type RuleFinding, type TriageEvidence } from '../evidence.ts';
import type { Evidence } from '../types.ts';

/** The chunk classes the VIP's master counted, its disconnected chunkservers as evidence, and how to bring them back. */
export function chunkEvidence(ev: TriageEvidence) {
  const { viaVip, hosts } = ev;
  const classes = viaVip && !viaVip.noMaster ? viaVip.chunkClasses : undefined;
  const disconnected = viaVip?.disconnected ?? [];
  const hostByIp = (ip: string) => hosts.find((h) => h.address === ip)?.name;
  const csEvidence: Evidence[] = disconnected.map((d) => ({
    host: hostByIp(d.ip),
    probe: ev.viaVipProbe('-SCS'),
    saw: t('triage.saw.chunkserverDisconnected', { address: `${d.ip}:${d.port}`, id: d.id }),
  }));
  const bringBack = disconnected.length
    ? t('triage.do.bringBackDisconnected', { count: disconnected.length, hosts: list(disconnected.map((d) => hostByIp(d.ip) ?? d.ip)) })
    : t('triage.do.bringBackStopped');
  return { classes, disconnected, csEvidence, bringBack };
}

/** Missing chunks (files damaged now), then endangered ones (one copy left). */
export function chunksAtRisk(ev: TriageEvidence): RuleFinding[] {
  const { classes: c, csEvidence, bringBack } = chunkEvidence(ev);
  const out: RuleFinding[] = [];
  if (c?.missing) {
    out.push(
      finding('missing-chunks', {
        title: t('triage.title.missingChunks', { count: c.missing }),
        hosts: [],
        evidence: [{ probe: ev.viaVipProbe('-SIC'), saw: t('triage.saw.chunksMissing', { count: c.missing }) }, ...csEvidence],
        recommendation: none(t('triage.why.missingChunks'), [bringBack, t('triage.do.damagedFiles')]),
      }),
    );
  }
  if (c?.endangered) {
    out.push(
      finding('endangered-chunks', {
        title: t('triage.title.endangeredChunks', { count: c.endangered }),
        hosts: [],
        evidence: [{ probe: ev.viaVipProbe('-SIC'), saw: t('triage.saw.chunksEndangered', { count: c.endangered }) }, ...csEvidence],
        recommendation: none(t('triage.why.endangeredChunks'), [bringBack, t('triage.do.stopNothingElse')]),
      }),
    );
  }
  return out;
}

export function chunksUndergoal(ev: TriageEvidence): RuleFinding[] {
  const { classes: c, csEvidence, bringBack, disconnected } = chunkEvidence(ev);
  if (!c?.undergoal) return [];
  return [
    finding('undergoal-chunks', {
      severity: 'warning',
      title: t('triage.title.undergoalChunks', { count: c.undergoal }),
      hosts: [],
      evidence: [{ probe: ev.viaVipProbe('-SIC'), saw: t('triage.saw.chunksUndergoal', { count: c.undergoal }) }, ...csEvidence],
      recommendation: none(t('triage.why.undergoalChunks'), [disconnected.length ? bringBack : t('triage.do.waitUndergoal')]),
    }),
  ];
}
