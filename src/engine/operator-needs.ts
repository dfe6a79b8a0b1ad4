// What a runbook may ask of an operator (confirmations, typed host names, manual steps,
// decisions), read from the runbook alone before anything runs. `mfs-tui run` without a
// terminal and without --yes refuses up front with this list, instead of running the
// read-only steps and stopping at the first confirmation with a hint to add --yes.
import type { Runbook, Step, TargetSpec } from '../runbook/types.ts';
// `t` names a target in this module: the catalogue's t() is tr() here.
import { t as tr } from '../i18n/index.ts';

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
      return tr(t.optional ? 'needs.target.roleOptional' : 'needs.target.role', { role: t.role });
    case 'host':
      return t.name;
    case 'vip-holder':
      return tr('needs.target.vipHolder');
    case 'local':
      return tr('needs.target.local');
    case 'all':
      return tr('needs.target.all');
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
  const ids = decisions.map((s) => s.id).join(', ') || tr('needs.decisions.none');
  return Object.entries(decided).flatMap(([stepId, key]) => {
    const step = decisions.find((s) => s.id === stepId);
    if (!step) return [tr('needs.decide.noStep', { step: stepId, key, runbook: rb.id, ids })];
    const keys = step.decision!.choices.map((c) => c.key);
    return keys.includes(key) ? [] : [tr('needs.decide.notChoice', { step: stepId, key, keys: keys.join(', ') })];
  });
}

/**
 * The steps of a resumed run that may still ask an operator: every step not yet succeeded
 * or skipped. A step in doubt is not one of them: how it is settled (--settle, or the
 * settle question) is the operator's answer for it.
 */
export function stepsAhead(done: ReadonlyMap<string, string>): (step: Step) => boolean {
  return (step) => !['succeeded', 'skipped', 'in-doubt'].includes(done.get(step.id) ?? 'pending');
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
  const head = tr('needs.head', { n: need.n, id: need.step.id });
  const where = need.where ?? '';
  switch (need.kind) {
    case 'confirm':
      return tr('needs.confirm', { head, where });
    case 'typed':
      return need.risk ? tr('needs.typedRisk', { head, where, risk: need.risk }) : tr('needs.typed', { head, where });
    case 'manual':
      return tr('needs.manual', { head, title: render(need.step.title) });
    case 'decision':
      return tr('needs.decision', { head, question: render(need.step.decision?.question ?? need.step.title), id: need.step.id, choices: need.choices?.join('|') ?? '' });
  }
}

/**
 * Why `mfs-tui run` will not start without a terminal and without --yes: what it would ask,
 * how to run it with an operator, and what --yes (automation only) would skip.
 */
export function refusalText(rb: Runbook, needs: readonly OperatorNeed[], render: (text: string) => string = (t) => t, resumedRun?: string): string {
  const answered = needs.filter((n) => n.kind !== 'decision');
  const typed = answered.filter((n) => n.kind === 'typed').length;
  const manual = answered.filter((n) => n.kind === 'manual').length;
  const confirms = answered.length - manual;
  const what = [
    ...(confirms ? [`${tr('needs.confirmations', { count: confirms })}${typed ? tr('needs.typedCount', { count: typed }) : ''}`] : []),
    ...(manual ? [tr('needs.manualSteps', { count: manual })] : []),
  ].join(tr('needs.and'));
  return [
    resumedRun ? tr('needs.refusal.resumeHead', { run: resumedRun }) : tr('needs.refusal.head', { runbook: rb.id }),
    tr('needs.refusal.terminal'),
    tr('needs.refusal.asks'),
    ...needs.map((n) => `  ${needLine(n, render)}`),
    tr('needs.refusal.yes', { what }),
  ].join('\n');
}
