// `run --dry-run`: every resolved command of a runbook per host, every variant with the
// host facts it is for, and nothing run. Nothing is asked of the hosts, so variants are
// listed instead of chosen, and the VIP holder is shown as each master candidate.
import type { Inventory } from '../inventory/types.ts';
import type { CommandBlock, FactCondition, Runbook, Step, TargetSpec } from '../runbook/types.ts';
import { buildVariables, renderScript, renderTemplate } from '../runbook/template.ts';

function conditionText(c: FactCondition): string {
  return `${c.fact}${c.op}${c.value}`;
}

/** Hosts a target could mean, with a note where that is decided only at run time. */
function expand(t: TargetSpec, inv: Inventory, inputs: Record<string, string>): { host: string; note?: string }[] {
  switch (t.kind) {
    case 'local':
      return [{ host: 'local' }];
    case 'all':
      return inv.hosts.map((h) => ({ host: h.name }));
    case 'role':
      return inv.hosts.filter((h) => h.roles.includes(t.role)).map((h) => ({ host: h.name }));
    case 'host':
      return [{ host: t.name }];
    case 'vip-holder':
      return inv.hosts
        .filter((h) => h.roles.includes('master-candidate'))
        .map((h) => ({ host: h.name, note: 'if it holds the VIP when the step starts' }));
    case 'template': {
      const { text, missing } = renderTemplate(t.template, buildVariables(inv, inputs));
      return [{ host: missing.length ? t.template : text.trim() }];
    }
  }
}

function blockLines(block: CommandBlock, inv: Inventory, inputs: Record<string, string>): string[] {
  const out: string[] = [];
  const attrs = [`confirm ${block.confirm}`, `timeout ${block.timeoutMs / 1000}s`];
  if (block.expectExit.join(',') !== '0') attrs.push(`expect exit ${block.expectExit.join(',')}`);
  if (block.expectOutput) attrs.push(`expect output /${block.expectOutput}/`);
  if (block.parallel > 1) attrs.push(`parallel ${block.parallel}`);
  const when = block.when.length ? `when ${block.when.map(conditionText).join(' ')}: ` : '';
  out.push(`   ${when}(${attrs.join(', ')})`);
  if (block.risk) out.push(`   RISK: ${block.risk}`);
  const seen = new Set<string>();
  for (const t of block.targets) {
    for (const { host, note } of expand(t, inv, inputs)) {
      if (seen.has(host)) continue;
      seen.add(host);
      const entry = inv.hosts.find((h) => h.name === host);
      const vars = buildVariables(inv, inputs, entry);
      if (host === 'local') Object.assign(vars, { 'host.name': 'local', 'host.address': '127.0.0.1' });
      const script = renderScript(block.script, vars);
      out.push(`   [${host}]${note ? ` (${note})` : ''}`);
      for (const l of script.text.trimEnd().split('\n')) out.push(`     $ ${l}`);
      if (script.missing.length) out.push(`     ! undefined: ${script.missing.map((m) => `{{${m}}}`).join(', ')}`);
      if (block.check) {
        for (const l of renderScript(block.check.script, vars).text.trimEnd().split('\n')) out.push(`     check $ ${l}`);
      }
    }
  }
  return out;
}

function stepLines(step: Step, n: number, inv: Inventory, inputs: Record<string, string>): string[] {
  const out = [`${n}. ${step.title} [${step.id}] (${step.kind})`];
  if (step.requires.length) out.push(`   requires: ${step.requires.join(', ')}`);
  if (step.kind === 'command') for (const b of step.commands) out.push(...blockLines(b, inv, inputs));
  if (step.kind === 'manual') out.push('   the operator does this and acknowledges it');
  if (step.decision) {
    out.push(`   ${step.decision.question}`);
    for (const c of step.decision.choices) out.push(`   - ${c.key}: ${c.label} → ${c.goto ? `step ${c.goto}` : `runbook ${c.runbook}`}`);
  }
  return out;
}

export function renderDryRun(rb: Runbook, inv: Inventory, inputs: Record<string, string>): string {
  const head = [`${rb.id}: ${rb.title} — dry run on ${inv.cluster} (nothing is run)`];
  const given = Object.entries(inputs);
  if (given.length) head.push(`inputs: ${given.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const body = rb.steps.flatMap((s, i) => ['', ...stepLines(s, i + 1, inv, inputs)]);
  return `${[...head, ...body].join('\n')}\n`;
}
