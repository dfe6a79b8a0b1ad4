// Resolving a command step into what runs where: its target hosts, the block chosen for
// each host by its facts, and the scripts with every {{variable}} filled in. Pure: the
// VIP holder and host facts are looked up by the caller beforehand.
import type { Inventory, InventoryHost } from '../inventory/types.ts';
import { chooseBlock } from '../runbook/conditions.ts';
import type { HostFacts } from '../runbook/facts.ts';
import { buildVariables, renderScript, renderTemplate, shellMetacharactersIn, type Variables } from '../runbook/template.ts';
import type { CommandBlock, Step, TargetSpec } from '../runbook/types.ts';
import type { PlannedCommand } from './types.ts';
// `t` names a target throughout this module: the catalogue's t() is tr() here.
import { t as tr } from '../i18n/index.ts';

/** The host name of the operator's own machine as a target. */
export const LOCAL = 'local';

export interface PlanContext {
  inventory: Inventory;
  inputs: Record<string, string>;
  /** The host holding the VIP when the step starts; needed when a block targets vip-holder. */
  vipHolder?: string;
  /** Facts of a host, when known; needed for hosts whose blocks have `when` conditions. */
  facts?: (host: string) => HostFacts | undefined;
  /** Plan for exactly these hosts (a resumed step keeps the targets its first start recorded). */
  hosts?: readonly string[];
}

/** A planned command with what the engine needs to run it. */
export interface PlannedHostCommand extends PlannedCommand {
  /** The block chosen for this host; undefined when skipped (skipReason says why). */
  block?: CommandBlock;
}

export interface StepPlan {
  commands: PlannedHostCommand[];
  /** Why the step cannot run as written, for the operator (missing variables, unknown hosts…). */
  problems: string[];
}

function describeTarget(t: TargetSpec): string {
  switch (t.kind) {
    case 'role':
      return t.optional ? tr('plan.target.roleOptional', { role: t.role }) : tr('plan.target.role', { role: t.role });
    case 'host':
      return tr('plan.target.host', { host: t.name });
    case 'template':
      return t.template;
    default:
      return t.kind;
  }
}

/** `notHosts` gets the problems of a `{{…}}` target whose value names no inventory host (preflight.ts reports those before step 1). */
function targetHosts(t: TargetSpec, ctx: PlanContext, problems: string[], notHosts: string[] = []): string[] {
  const inv = ctx.inventory;
  const known = (name: string): boolean => name === LOCAL || inv.hosts.some((h) => h.name === name);
  switch (t.kind) {
    case 'local':
      return [LOCAL];
    case 'all':
      return inv.hosts.map((h) => h.name);
    case 'role': {
      const hosts = inv.hosts.filter((h) => h.roles.includes(t.role)).map((h) => h.name);
      if (hosts.length === 0 && !t.optional) problems.push(tr('plan.noHostWithRole', { file: inv.file, role: t.role }));
      return hosts;
    }
    case 'host':
      if (!known(t.name)) {
        problems.push(tr('plan.hostNotInInventory', { host: t.name, file: inv.file }));
        return [];
      }
      return [t.name];
    case 'vip-holder':
      if (ctx.vipHolder === undefined) {
        problems.push(tr('plan.noVipHolder', { vip: inv.vip.address }));
        return [];
      }
      return [ctx.vipHolder];
    case 'template': {
      const { text, missing } = renderTemplate(t.template, buildVariables(inv, ctx.inputs));
      if (missing.length > 0) {
        problems.push(tr('plan.targetUndefined', { target: t.template, names: missing.map((m) => `{{${m}}}`).join(', ') }));
        return [];
      }
      const name = text.trim();
      // A value (an input, most often) names an inventory host, never this machine: `on=local`
      // is written in the runbook, not chosen by whoever fills in its inputs.
      if (!inv.hosts.some((h) => h.name === name)) {
        const problem = tr(name === LOCAL ? 'plan.targetIsLocal' : 'plan.targetNotAHost', { target: t.template, name, file: inv.file });
        problems.push(problem);
        notHosts.push(problem);
        return [];
      }
      return [name];
    }
  }
}

/** Whether any block of the step runs on the VIP holder (the caller must look it up first). */
export function needsVipHolder(step: Step): boolean {
  return step.commands.some((b) => b.targets.some((t) => t.kind === 'vip-holder'));
}

/** The hosts of each block, in order. */
function blockHosts(step: Step, ctx: PlanContext, problems: string[], notHosts: string[] = []): string[][] {
  return step.commands.map((b) => {
    const hosts: string[] = [];
    for (const t of b.targets) for (const h of targetHosts(t, ctx, problems, notHosts)) if (!hosts.includes(h)) hosts.push(h);
    return hosts;
  });
}

/** Every host the step targets (all blocks together, first appearance first), and problems. */
export function resolveTargets(step: Step, ctx: PlanContext): { hosts: string[]; problems: string[]; notHosts: string[] } {
  const problems: string[] = [];
  const notHosts: string[] = [];
  const hosts: string[] = [];
  for (const list of blockHosts(step, ctx, problems, notHosts)) for (const h of list) if (!hosts.includes(h)) hosts.push(h);
  return { hosts, problems: [...new Set(problems)], notHosts: [...new Set(notHosts)] };
}

/** Hosts among `hosts` whose block choice depends on facts (a candidate block has `when`). */
export function hostsNeedingFacts(step: Step, ctx: PlanContext, hosts: readonly string[]): string[] {
  const perBlock = blockHosts(step, ctx, []);
  return hosts.filter((h) => candidateBlocks(step, perBlock, h).some((b) => b.when.length > 0));
}

/** The blocks that target `host`; all blocks when none does (a recorded target the runbook no longer resolves to). */
function candidateBlocks(step: Step, perBlock: string[][], host: string): CommandBlock[] {
  const targeting = step.commands.filter((_, i) => perBlock[i]!.includes(host));
  return targeting.length > 0 ? targeting : step.commands;
}

function hostVariables(ctx: PlanContext, host: string): Variables {
  const inv = ctx.inventory;
  const entry: InventoryHost | undefined = inv.hosts.find((h) => h.name === host);
  const vars = buildVariables(inv, ctx.inputs, entry);
  if (!entry) {
    vars['host.name'] = host;
    vars['host.address'] = '127.0.0.1';
  }
  return vars;
}

/**
 * What the step runs on each host: for each target host the first block that targets it
 * and whose `when` holds for its facts, rendered with that host's variables.
 */
export function planStep(step: Step, ctx: PlanContext): StepPlan {
  const problems: string[] = [];
  // With the hosts given, how targets resolve today does not matter.
  const perBlock = blockHosts(step, ctx, ctx.hosts ? [] : problems);
  const hosts: string[] = [];
  for (const list of ctx.hosts ? [ctx.hosts] : perBlock) for (const h of list) if (!hosts.includes(h)) hosts.push(h);
  const commands: PlannedHostCommand[] = [];
  for (const host of hosts) {
    const candidates = candidateBlocks(step, perBlock, host);
    let block: CommandBlock | undefined;
    if (candidates.every((b) => b.when.length === 0)) {
      block = candidates[0];
    } else {
      const facts = ctx.facts?.(host);
      if (!facts) {
        problems.push(tr('plan.factsUnknown', { host }));
        continue;
      }
      block = chooseBlock({ ...step, commands: candidates }, facts);
      if (!block) {
        const seen = `os=${facts.os} (${facts.osId}), init=${facts.init}, mfs=${facts.mfs ?? 'none'}`;
        commands.push({ stepId: step.id, host, script: '', skipReason: tr('plan.noVariant', { host, seen }) });
        continue;
      }
    }
    if (!block) continue;
    const vars = hostVariables(ctx, host);
    const script = renderScript(block.script, vars);
    const check = block.check ? renderScript(block.check.script, vars) : undefined;
    const missing = [...new Set([...script.missing, ...(check?.missing ?? [])])];
    if (missing.length > 0) problems.push(tr('plan.commandUndefined', { host, names: missing.map((m) => `{{${m}}}`).join(', '), step: step.id }));
    for (const name of new Set([...script.unsafe, ...(check?.unsafe ?? [])]))
      problems.push(tr('plan.unsafeValue', { host, name: `{{{${name}}}}`, chars: shellMetacharactersIn(vars[name] ?? '').join(' '), step: step.id }));
    commands.push({ stepId: step.id, host, script: script.text, check: check?.text, block });
  }
  return { commands, problems: [...new Set(problems)] };
}

/** The targets of a step as written, for messages (`role chunkserver, vip-holder`). */
export function describeTargets(step: Step): string {
  return [...new Set(step.commands.flatMap((b) => b.targets.map(describeTarget)))].join(', ');
}
