// What stands between a step and its hosts: the step's preconditions (`requires=`, checked
// against the cluster status) and the operator's confirmation (yes, or typed host@cluster).
import type { Step } from '../runbook/types.ts';
import { errorMessage } from '../util/error-message.ts';
import type { PlannedHostCommand } from './plan.ts';
import { FINISHED, type RunContext, type StepOutcome } from './run-context.ts';
import { typedConfirmationText } from './typed-confirmation.ts';
import type { Intent, PreconditionCheck, PreconditionOutcome } from './types.ts';
import { t } from '../i18n/index.ts';

/** Evaluates the step's `requires=` through the gate; unknown (no gate, or it failed) is unmet. */
async function evaluatePreconditions(ctx: RunContext, step: Step): Promise<PreconditionCheck[]> {
  const gate = ctx.deps.gate;
  if (!gate) return step.requires.map((name) => ({ name, met: false, detail: t('engine.precondition.noStatus') }));
  // The screen says what is being checked while the gate sweeps (a fresh status can take seconds).
  ctx.setChecking({ stepId: step.id, names: [...step.requires] });
  try {
    const results = await gate.check(step.requires);
    // Whatever the gate left out is unknown, hence unmet.
    return step.requires.map((name) => results.find((r) => r.name === name) ?? { name, met: false, detail: t('engine.precondition.noAnswer') });
  } catch (err) {
    return step.requires.map((name) => ({ name, met: false, detail: t('engine.precondition.failed', { error: errorMessage(err) }) }));
  } finally {
    ctx.setChecking(undefined);
  }
}

/**
 * Before a step with `requires=` runs: checks its preconditions and journals what was
 * seen. A dangerous step (confirm=typed or risk=) is refused while any is unmet: the
 * operator may re-check or leave; a non-interactive run stops with the reason. Other
 * steps run with a warning. Returns a problem, FINISHED, or undefined to go on.
 */
export async function checkPreconditions(ctx: RunContext, step: Step, commands: readonly PlannedHostCommand[]): Promise<StepOutcome> {
  const blocks = commands.flatMap((c) => (c.block && c.skipReason === undefined ? [c.block] : []));
  const dangerous = blocks.some((b) => b.confirm === 'typed' || b.risk !== undefined);
  for (;;) {
    const results = await evaluatePreconditions(ctx, step);
    const unmet = results.filter((r) => !r.met);
    const outcome: PreconditionOutcome = unmet.length === 0 ? 'met' : dangerous ? 'refused' : 'warned';
    ctx.record({ type: 'preconditions', stepId: step.id, results, outcome, dangerous });
    if (outcome !== 'refused') return undefined;
    if (ctx.deps.mode === 'non-interactive') {
      const why = blocks.some((b) => b.confirm === 'typed') ? 'confirm=typed' : 'risk=';
      return t('engine.precondition.refused', { unmet: unmet.map((r) => t('engine.precondition.unmet', { name: r.name, detail: r.detail })).join('; '), why });
    }
    const answer = await ctx.ask({ kind: 'preconditions', stepId: step.id, results }, (i) => (i.type === 'recheck' ? i.type : undefined));
    if (answer === FINISHED) return FINISHED;
  }
}

/** Asks for (or auto-gives) confirmation. Returns a problem or FINISHED when not confirmed. */
export async function askConfirmation(ctx: RunContext, step: Step, c: PlannedHostCommand, level: 'yes' | 'typed', perHost: boolean): Promise<StepOutcome> {
  const host = perHost ? c.host : undefined;
  if (ctx.deps.autoConfirm) {
    ctx.record({ type: 'confirmed', stepId: step.id, host, how: 'auto' });
    return undefined;
  }
  if (ctx.deps.mode === 'non-interactive') return host ? t('engine.confirm.needsOperatorFor', { host }) : t('engine.confirm.needsOperator');
  let message: string | undefined;
  const expect = level === 'typed' ? typedConfirmationText(c.host, ctx.deps.runbook.risk, ctx.deps.inventory.cluster) : undefined;
  for (;;) {
    const answer = await ctx.ask({ kind: 'confirm', stepId: step.id, host, level, risk: c.block?.risk, message, ...(expect !== undefined ? { expect } : {}) }, (i): Intent | undefined =>
      i.type === 'confirm' || i.type === 'refuse' ? i : undefined,
    );
    if (answer === FINISHED) return FINISHED;
    if (answer.type === 'refuse') {
      ctx.record({ type: 'refused', stepId: step.id, host, reason: t('engine.confirm.saidNo') });
      return t('engine.confirm.notConfirmed');
    }
    if (level === 'yes') {
      ctx.record({ type: 'confirmed', stepId: step.id, host, how: 'yes' });
      return undefined;
    }
    const typed = answer.type === 'confirm' ? (answer.typed ?? '') : '';
    if (typed === expect) {
      ctx.record({ type: 'confirmed', stepId: step.id, host: c.host, how: 'typed', typed });
      return undefined;
    }
    const reason = expect === c.host ? t('engine.confirm.typedHost', { typed, host: c.host }) : t('engine.confirm.typedExpect', { typed, expect: String(expect) });
    ctx.record({ type: 'refused', stepId: step.id, host: c.host, typed, reason });
    message = t('engine.confirm.typeExactly', { reason });
  }
}
