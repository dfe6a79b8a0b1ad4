// Triage reports as text (for `mfs-tui triage` on a terminal) and as JSON (for scripts).
import { t } from '../i18n/index.ts';
import { shQuote } from '../ssh/remote-command.ts';
import { visibleLine } from '../util/visible.ts';
import type { Evidence, Finding, FindingCode, Recommendation, RuledOut, RunbookRecommendation, TriageReport } from './types.ts';
import type { FailoverWindow } from './failover.ts';

const safe = /^[A-Za-z0-9._:/@%+=,-]+$/;
const quote = (s: string) => (safe.test(s) ? s : shQuote(s));

/** The exact command that opens the recommended runbook with its inputs, e.g. `mfs-tui run power-cut --input host=m1`. */
export function runCommandFor(rec: Recommendation, prefix = 'mfs-tui'): string | undefined {
  return rec.kind === 'runbook' ? runbookCommand(rec, prefix) : undefined;
}

function runbookCommand(rec: RunbookRecommendation, prefix = 'mfs-tui'): string {
  const inputs = Object.entries(rec.inputs).map(([k, v]) => ` --input ${quote(`${k}=${v}`)}`);
  return `${prefix} run ${rec.runbook}${inputs.join('')}`;
}

export interface TriageTextOptions {
  /** ANSI colours (callers pass false under NO_COLOR or when not on a terminal). */
  color?: boolean;
  /** How to call mfs-tui for this cluster, e.g. `mfs-tui --inventory prod.yaml` (default `mfs-tui`). */
  command?: string;
}

/** `mfs-tui` with the global options that pick the same cluster and runbooks (the run command must open the same ones). */
export function commandPrefix(g: { inventory?: string; lab?: boolean; cluster?: string; runbooks?: string[] }, envCluster = process.env.MFS_TUI_CLUSTER?.trim()): string {
  const cluster = g.cluster ?? (envCluster ? envCluster : undefined);
  const pick = g.inventory ? ['--inventory', quote(g.inventory)] : g.lab ? ['--lab'] : cluster ? ['--cluster', quote(cluster)] : [];
  return ['mfs-tui', ...pick, ...(g.runbooks ?? []).flatMap((d) => ['--runbooks', quote(d)])].join(' ');
}

export function renderTriageText(r: TriageReport, opts: TriageTextOptions = {}): string {
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  if (r.healthy) {
    out.push(paint('32', t('triage.text.healthy', { cluster: visibleLine(r.cluster) })) + t('triage.text.healthyDetail', { vip: r.vip }));
    return out.join('\n') + '\n';
  }
  out.push(t('triage.text.findings', { cluster: visibleLine(r.cluster), count: r.findings.length }));
  r.findings.forEach((f, i) => {
    // What a host answered is shown escaped (src/util/visible.ts): only our colours reach the terminal.
    const severity = f.severity === 'critical' ? t('triage.text.critical') : t('triage.text.warning');
    out.push('', `${i + 1}. ${paint(f.severity === 'critical' ? '1;31' : '33', severity)} ${visibleLine(f.title)} [${f.code}]`);
    out.push(`   ${t('triage.text.evidence')}`);
    for (const e of f.evidence) out.push(visibleLine(`   - ${e.host ? `${e.host}: ` : ''}${e.probe}: ${e.saw}`));
    out.push(...recommendationLines(f.recommendation, opts.command).map((l) => visibleLine(`   ${l}`)));
  });
  return out.join('\n') + '\n';
}

export function recommendationLines(rec: Recommendation, command?: string): string[] {
  if (rec.kind === 'none') return [t('triage.text.noRunbook', { reason: rec.reason }), ...rec.howTo.map((h) => `- ${h}`)];
  return [
    t('triage.text.runbook', { runbook: rec.runbook, title: rec.title, why: rec.why }),
    ...(rec.first ?? []).map((h) => t('triage.text.first', { step: h })),
    t('triage.text.openIt', { command: runCommandFor(rec, command)! }),
    // Why not another explanation: after the command, so a short screen still shows the command.
    ...(rec.ruledOut ?? []).map((r) => ruledOutLine(r)),
  ];
}

function ruledOutLine(r: RuledOut): string {
  const saw = r.saw;
  switch (r.explanation) {
    case 'down':
      return t('triage.text.notDown', { saw });
    case 'busy':
      return t('triage.text.notBusy', { saw });
    case 'locked-out':
      return t('triage.text.notLockedOut', { saw });
    case 'failing-over':
      return t('triage.text.notFailingOver', { saw });
  }
}

/** A failover window in `triage --json`: times as ISO strings. */
export interface TriageJsonFailover {
  from?: string;
  to: string;
  phase: FailoverWindow['phase'];
  expectedWithinS: number;
  terms: FailoverWindow['terms'];
  anchor: string;
  anchorAt: string;
  deadline: string;
  evidence: Evidence[];
}

const failoverJson = (w: FailoverWindow): TriageJsonFailover => ({
  ...(w.from ? { from: w.from } : {}),
  to: w.to,
  phase: w.phase,
  expectedWithinS: w.expectedWithinS,
  terms: w.terms,
  anchor: w.anchor,
  anchorAt: new Date(w.anchorAt).toISOString(),
  deadline: new Date(w.deadlineAt).toISOString(),
  evidence: w.evidence,
});

/** One finding in `triage --json`: a stable shape for scripts (and the tests that run its commands). */
export interface TriageJsonFinding {
  code: FindingCode;
  severity: Finding['severity'];
  rank: number;
  title: string;
  hosts: string[];
  evidence: Evidence[];
  recommendation:
    { runbook: string; title: string; inputs: Record<string, string>; why: string; first: string[]; command: string; ruledOut: RuledOut[] } | { runbook: null; reason: string; howTo: string[] };
  /** failover-under-way: the window keepalived should fix it in. */
  failover?: TriageJsonFailover;
}

export interface TriageJson {
  cluster: string;
  vip: string;
  /** ISO time of the snapshot. */
  at: string;
  healthy: boolean;
  findings: TriageJsonFinding[];
  /** Snapshots judged: more than 1 when triage looked again while a failover was under way. */
  looks?: number;
  /** What each earlier look saw while waiting (ISO time and the failover finding's title). */
  waited?: { at: string; saw: string }[];
}

/** The report for `--json`: findings with evidence, and each recommendation's runbook id, inputs and command. */
export function triageToJson(r: TriageReport, opts: { command?: string; waited?: { at: string; saw: string }[] } = {}): TriageJson {
  return {
    ...(opts.waited ? { looks: opts.waited.length + 1, waited: opts.waited } : {}),
    cluster: r.cluster,
    vip: r.vip,
    at: new Date(r.at).toISOString(),
    healthy: r.healthy,
    findings: r.findings.map((f: Finding) => ({
      code: f.code,
      severity: f.severity,
      rank: f.rank,
      title: f.title,
      hosts: f.hosts,
      evidence: f.evidence,
      recommendation:
        f.recommendation.kind === 'runbook'
          ? {
              runbook: f.recommendation.runbook,
              title: f.recommendation.title,
              inputs: f.recommendation.inputs,
              why: f.recommendation.why,
              first: f.recommendation.first ?? [],
              command: runbookCommand(f.recommendation, opts.command),
              ruledOut: f.recommendation.ruledOut ?? [],
            }
          : { runbook: null, reason: f.recommendation.reason, howTo: f.recommendation.howTo },
      ...(f.failover ? { failover: failoverJson(f.failover) } : {}),
    })),
  };
}
