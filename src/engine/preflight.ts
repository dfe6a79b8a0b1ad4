// Which hosts a run may touch, known before its first step: every target of every step
// (steps a decision may jump to included), so they can all be connected, their keys
// trusted and their login and sudo checked before anything changes. Pure.
import type { Inventory } from '../inventory/types.ts';
import type { Runbook } from '../runbook/types.ts';
import { LOCAL, resolveTargets } from './plan.ts';
import { t as tr } from '../i18n/index.ts';

/**
 * The inventory hosts the runbook's steps target, in inventory order. A `vip-holder`
 * target counts every master candidate (which one holds the VIP is known only when the
 * step starts). Targets that do not resolve (a missing input) are left to the step's own
 * plan, which names the problem.
 */
export function runbookHosts(runbook: Runbook, inventory: Inventory, inputs: Record<string, string>): string[] {
  const hosts = new Set<string>();
  for (const step of runbook.steps) {
    if (step.commands.some((b) => b.targets.some((t) => t.kind === 'vip-holder'))) {
      for (const h of inventory.hosts) if (h.roles.includes('master-candidate')) hosts.add(h.name);
    }
    for (const h of resolveTargets(step, { inventory, inputs }).hosts) hosts.add(h);
  }
  hosts.delete(LOCAL);
  return inventory.hosts.map((h) => h.name).filter((n) => hosts.has(n));
}

/**
 * Targets written as `{{…}}` whose value is known now but names no inventory host (or
 * `local`): found before step 1, not when their step starts after others have run.
 */
export function unknownTargetHosts(runbook: Runbook, inventory: Inventory, inputs: Record<string, string>): string[] {
  const problems = new Set<string>();
  for (const step of runbook.steps) {
    if (!step.commands.some((b) => b.targets.some((t) => t.kind === 'template'))) continue;
    for (const p of resolveTargets(step, { inventory, inputs }).notHosts) problems.add(tr('plan.inStep', { step: step.id, problem: p }));
  }
  return [...problems];
}
