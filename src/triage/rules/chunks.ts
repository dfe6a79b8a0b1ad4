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

/**
 * The master started moments ago and not every chunkserver has registered yet (a failover
 * just ended, a restart): what it counts and lists as disconnected is not final. Why no runbook yet, or undefined.
 */
export function stillRegistering(ev: TriageEvidence): string | undefined {
  const seconds = ev.masterStartedS;
  if (seconds === undefined) return undefined;
  const total = ev.hosts.filter((h) => h.roles.includes('chunkserver')).length;
  const registered = ev.viaVip?.chunkservers.length ?? 0;
  return registered < total ? t('triage.why.chunkserversRegistering', { seconds, registered, total }) : undefined;
}

/** Missing chunks (files damaged now), then endangered ones (one copy left); a warning while the chunkservers still register. */
export function chunksAtRisk(ev: TriageEvidence): RuleFinding[] {
  const { classes: c, csEvidence, bringBack } = chunkEvidence(ev);
  const registering = stillRegistering(ev);
  const out: RuleFinding[] = [];
  if (c?.missing) {
    out.push(
      finding('missing-chunks', {
        ...(registering ? { severity: 'warning' as const } : {}),
        title: t('triage.title.missingChunks', { count: c.missing }),
        hosts: [],
        evidence: [{ probe: ev.viaVipProbe('-SIC'), saw: t('triage.saw.chunksMissing', { count: c.missing }) }, ...csEvidence],
        recommendation: registering ? none(registering, [t('triage.do.againSoon'), bringBack]) : none(t('triage.why.missingChunks'), [bringBack, t('triage.do.damagedFiles')]),
      }),
    );
  }
  if (c?.endangered) {
    out.push(
      finding('endangered-chunks', {
        ...(registering ? { severity: 'warning' as const } : {}),
        title: t('triage.title.endangeredChunks', { count: c.endangered }),
        hosts: [],
        evidence: [{ probe: ev.viaVipProbe('-SIC'), saw: t('triage.saw.chunksEndangered', { count: c.endangered }) }, ...csEvidence],
        recommendation: registering ? none(registering, [t('triage.do.againSoon'), bringBack]) : none(t('triage.why.endangeredChunks'), [bringBack, t('triage.do.stopNothingElse')]),
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
