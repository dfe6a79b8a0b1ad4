// `run --dry-run`: every resolved command of a runbook per host, every variant with the
// host facts it is for, and nothing run. Nothing is asked of the hosts, so variants are
// listed instead of chosen, and the VIP holder is shown as each master candidate. Each host
// says how it is logged into and whether its commands run under sudo.
import type { Inventory, InventoryHost } from '../inventory/types.ts';
import { visible, visibleLine } from '../util/visible.ts';
import type { CommandBlock, FactCondition, Runbook, Step, TargetSpec } from '../runbook/types.ts';
import { buildVariables, renderScript, renderTemplate, shellMetacharactersIn } from '../runbook/template.ts';
// `t` names a target in this module: the catalogue's t() is tr() here.
import { t as tr } from '../i18n/index.ts';

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
      return inv.hosts.filter((h) => h.roles.includes('master-candidate')).map((h) => ({ host: h.name, note: tr('dryRun.ifVipHolder') }));
    case 'template': {
      const { text, missing } = renderTemplate(t.template, buildVariables(inv, inputs));
      return [{ host: missing.length ? t.template : text.trim() }];
    }
  }
}

/** The script's lines with one final line feed dropped, each shown with visible escapes. */
function scriptLines(text: string): string[] {
  return visible(text.endsWith('\n') ? text.slice(0, -1) : text, { tabs: false }).split('\n');
}

/** How a host is logged into and whether its commands run under sudo. */
function login(entry: InventoryHost | undefined, host: string): string {
  if (host === 'local') return tr('dryRun.local');
  if (!entry) return tr('dryRun.notInInventory');
  const via = entry.proxyJump ? tr('dryRun.via', { jump: entry.proxyJump }) : '';
  return `(ssh ${entry.user}@${entry.address}:${entry.port}${via}, ${entry.become ? tr('dryRun.underSudo') : tr('dryRun.noSudo', { user: entry.user })})`;
}

function blockLines(block: CommandBlock, inv: Inventory, inputs: Record<string, string>): string[] {
  const out: string[] = [];
  const attrs = [tr('dryRun.attr.confirm', { value: block.confirm }), tr('dryRun.attr.timeout', { seconds: block.timeoutMs / 1000 })];
  if (block.expectExit.join(',') !== '0') attrs.push(tr('dryRun.attr.expectExit', { codes: block.expectExit.join(',') }));
  if (block.expectOutput) attrs.push(tr('dryRun.attr.expectOutput', { pattern: block.expectOutput }));
  if (block.parallel > 1) attrs.push(tr('dryRun.attr.parallel', { n: block.parallel }));
  const when = block.when.length ? tr('dryRun.when', { conditions: block.when.map(conditionText).join(' ') }) : '';
  out.push(`   ${when}${tr('dryRun.attrs', { attrs: attrs.join(tr('dryRun.attr.separator')) })}`);
  if (block.risk) out.push(`   ${tr('dryRun.risk', { risk: visibleLine(renderTemplate(block.risk, buildVariables(inv, inputs)).text) })}`);
  const seen = new Set<string>();
  for (const t of block.targets) {
    for (const { host, note } of expand(t, inv, inputs)) {
      if (seen.has(host)) continue;
      seen.add(host);
      const entry = inv.hosts.find((h) => h.name === host);
      const vars = buildVariables(inv, inputs, entry);
      if (host === 'local') Object.assign(vars, { 'host.name': 'local', 'host.address': '127.0.0.1' });
      const script = renderScript(block.script, vars);
      out.push(`   [${host}]${note ? ` (${note})` : ''} ${login(entry, host)}`);
      // Every byte of the script: nothing trimmed, anything the terminal would interpret shown escaped.
      for (const l of scriptLines(script.text)) out.push(`     $ ${l}`);
      if (script.missing.length) out.push(`     ! ${tr('dryRun.undefined', { names: script.missing.map((m) => `{{${m}}}`).join(', ') })}`);
      if (script.unsafe.length)
        out.push(
          `     ! ${tr('dryRun.unsafe', { values: script.unsafe.map((m) => tr('dryRun.unsafeValue', { name: `{{{${m}}}}`, chars: shellMetacharactersIn(vars[m] ?? '').join(' ') })).join(', ') })}`,
        );
      if (block.check) {
        for (const l of scriptLines(renderScript(block.check.script, vars).text)) out.push(`     ${tr('dryRun.check', { line: l })}`);
      }
    }
  }
  return out;
}

const KIND = { command: 'dryRun.kind.command', manual: 'dryRun.kind.manual', decision: 'dryRun.kind.decision' } as const;

function stepLines(step: Step, n: number, inv: Inventory, inputs: Record<string, string>): string[] {
  const out = [`${n}. ${visibleLine(step.title)} [${step.id}] (${tr(KIND[step.kind])})`];
  if (step.requires.length) out.push(`   ${tr('dryRun.requires', { names: step.requires.join(', ') })}`);
  if (step.kind === 'command') {
    // Optional roles (`on=cgi?`) the inventory does not have: the run skips the step.
    const absent = (step.commands[0]?.targets ?? []).filter((t) => t.kind === 'role' && t.optional && !inv.hosts.some((h) => h.roles.includes(t.role)));
    if (absent.length > 0 && absent.length === step.commands[0]!.targets.length)
      out.push(`   ${tr('dryRun.skippedNoRole', { roles: absent.map((t) => (t.kind === 'role' ? t.role : '')).join(', ') })}`);
    else for (const b of step.commands) out.push(...blockLines(b, inv, inputs));
  }
  if (step.kind === 'manual') out.push(`   ${tr('dryRun.manual')}`);
  if (step.decision) {
    // The question and labels as the operator will read them, variables filled in.
    const render = (t: string) => visibleLine(renderTemplate(t, buildVariables(inv, inputs)).text);
    out.push(`   ${render(step.decision.question)}`);
    for (const c of step.decision.choices) out.push(`   - ${c.key}: ${render(c.label)} → ${c.goto ? tr('dryRun.goStep', { step: c.goto }) : tr('dryRun.goRunbook', { runbook: c.runbook ?? '' })}`);
  }
  return out;
}

export function renderDryRun(rb: Runbook, inv: Inventory, inputs: Record<string, string>): string {
  const head = [tr('dryRun.head', { id: rb.id, title: rb.title, cluster: inv.cluster })];
  const given = Object.entries(inputs);
  if (given.length) head.push(tr('dryRun.inputs', { values: visibleLine(given.map(([k, v]) => `${k}=${v}`).join(' ')) }));
  const body = rb.steps.flatMap((s, i) => ['', ...stepLines(s, i + 1, inv, inputs)]);
  return `${[...head, ...body].join('\n')}\n`;
}
