// What a runbook may ask of an operator (confirmations, typed host names, manual steps,
// decisions), read from the runbook alone before anything runs. `mfs-tui run` without a
// terminal and without --yes refuses up front with this list, instead of running the
// read-only steps and stopping at the first confirmation with a hint to add --yes.
import type { Runbook, Step, TargetSpec } from '../runbook/types.ts';

export interface OperatorNeed {
  step: Step;
  /** 1-based position in the runbook. */
  n: number;
  kind: 'confirm' | 'typed' | 'manual' | 'decision';
  /** Where it runs, in words (command steps). */
  where?: string;
  risk?: string;
  /** Decision steps: the keys --decide takes. */
  choices?: string[];
}

function targetWords(t: TargetSpec): string {
  switch (t.kind) {
    case 'role':
      return `every ${t.role}${t.optional ? ' (if any)' : ''}`;
    case 'host':
      return t.name;
    case 'vip-holder':
      return 'the VIP holder';
    case 'local':
      return 'this machine';
    case 'all':
      return 'every host';
    case 'template':
      return t.template;
  }
}

/**
 * Why `--decide` answers do not fit the runbook: a step that is not one of its decisions, or
 * a choice that is not one of the step's keys. Checked before anything runs: found only when
 * the run reached the decision, a typo would stop it after the steps before had run.
 */
export function decideProblems(rb: Runbook, decided: Record<string, string>): string[] {
  const decisions = rb.steps.filter((s) => s.decision);
  const ids = decisions.map((s) => s.id).join(', ') || 'none';
  return Object.entries(decided).flatMap(([stepId, key]) => {
    const step = decisions.find((s) => s.id === stepId);
    if (!step) return [`--decide ${stepId}=${key}: runbook ${rb.id} has no decision step '${stepId}' (decisions: ${ids})`];
    const keys = step.decision!.choices.map((c) => c.key);
    return keys.includes(key) ? [] : [`--decide ${stepId}=${key}: '${key}' is not a choice of ${stepId} (choices: ${keys.join(', ')})`];
  });
}

/** Every step that needs an operator's answer, in runbook order (decisions answered by `decided` are left out). */
export function operatorNeeds(rb: Runbook, decided: Record<string, string> = {}, render: (text: string) => string = (t) => t): OperatorNeed[] {
  const needs: OperatorNeed[] = [];
  rb.steps.forEach((step, i) => {
    const n = i + 1;
    if (step.kind === 'manual') needs.push({ step, n, kind: 'manual' });
    else if (step.kind === 'decision') {
      if (decided[step.id] === undefined) needs.push({ step, n, kind: 'decision', choices: step.decision?.choices.map((c) => c.key) ?? [] });
    } else {
      const asking = step.commands.filter((b) => b.confirm !== 'none');
      if (asking.length === 0) return;
      const typed = asking.some((b) => b.confirm === 'typed');
      const where = [...new Set(step.commands.flatMap((b) => b.targets.map((t) => render(targetWords(t)))))].join(', ');
      const risk = asking.find((b) => b.risk)?.risk;
      needs.push({ step, n, kind: typed ? 'typed' : 'confirm', where, ...(risk ? { risk: render(risk) } : {}) });
    }
  });
  return needs;
}

/** One line per need, e.g. `step 4 (stop-master): type the host name to confirm, on m1 — risk: …`. */
export function needLine(need: OperatorNeed, render: (text: string) => string = (t) => t): string {
  const head = `step ${need.n} (${need.step.id})`;
  switch (need.kind) {
    case 'confirm':
      return `${head}: confirm (y/n), on ${need.where}`;
    case 'typed':
      return `${head}: type the host name to confirm, on ${need.where}${need.risk ? ` — risk: ${need.risk}` : ''}`;
    case 'manual':
      return `${head}: done by hand, acknowledged by the operator ("${render(need.step.title)}")`;
    case 'decision':
      return `${head}: a decision ("${render(need.step.decision?.question ?? need.step.title)}"; --decide ${need.step.id}=${need.choices?.join('|')})`;
  }
}

/**
 * Why `mfs-tui run` will not start without a terminal and without --yes: what it would ask,
 * how to run it with an operator, and what --yes (automation only) would skip.
 */
export function refusalText(rb: Runbook, needs: readonly OperatorNeed[], render: (text: string) => string = (t) => t): string {
  const answered = needs.filter((n) => n.kind !== 'decision');
  const typed = answered.filter((n) => n.kind === 'typed').length;
  const manual = answered.filter((n) => n.kind === 'manual').length;
  const confirms = answered.length - manual;
  const what = [
    ...(confirms ? [`${confirms} confirmation${confirms === 1 ? '' : 's'}${typed ? ` (${typed} of them a typed host name)` : ''}`] : []),
    ...(manual ? [`${manual} manual step${manual === 1 ? '' : 's'}`] : []),
  ].join(' and ');
  return [
    `run ${rb.id}: nothing was run. This is not a terminal (stdin or stdout is not a TTY), so nobody can confirm its steps.`,
    `In a terminal, the same command opens the runner screen and asks each confirmation there.`,
    `It asks an operator:`,
    ...needs.map((n) => `  ${needLine(n, render)}`),
    `--yes is for automation only: it answers these ${what} without showing them to anyone. Status preconditions (requires=) still stop a dangerous step.`,
  ].join('\n');
}
