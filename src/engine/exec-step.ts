// Where a step runs: a command step's hosts in batches (after its preconditions and
// confirmations), each command and check executed on its host with output coalesced into
// the journal, and the end judged against the block's expectations.
import { HostError, type ExecResult } from '../exec/types.ts';
import type { Phase } from '../journal/types.ts';
import { exitExpected, expectOutputRegExp } from '../runbook/expect.ts';
import type { Step } from '../runbook/types.ts';
import { jobId } from '../ssh/remote-command.ts';
import { errorMessage } from '../util/error-message.ts';
import { OutputCoalescer } from './output.ts';
import type { PlannedHostCommand } from './plan.ts';
import { awaitingCheck } from './reduce.ts';
import { currentStep, type RunContext, type StepOutcome } from './run-context.ts';
import { askConfirmation, checkPreconditions } from './step-guards.ts';
import type { HostRunState } from './types.ts';
import { t } from '../i18n/index.ts';

/** Runs the step's remaining hosts. Returns a problem that kept it from running, if any. */
export async function runCommandStep(ctx: RunContext, step: Step): Promise<StepOutcome> {
  const plan = await ctx.plan(step);
  if (typeof plan === 'string') return plan;
  const first = currentStep(ctx).targets === undefined;
  if (first && plan.commands.every((c) => c.skipReason !== undefined)) {
    const reason = plan.commands.length === 0 ? t('engine.noTargets') : plan.commands.map((c) => c.skipReason).join('; ');
    ctx.record({ type: 'step-skipped', stepId: step.id, by: 'condition', reason });
    return undefined;
  }
  const targets = plan.commands.map((c) => c.host);
  const hostState = (h: string): HostRunState | undefined => currentStep(ctx).hosts.find((x) => x.host === h);
  const todo = plan.commands.filter((c) => {
    const s = hostState(c.host)?.status;
    return s !== 'succeeded' && s !== 'skipped';
  });
  const willRun = todo.some((c) => {
    const hs = hostState(c.host);
    return c.block !== undefined && c.skipReason === undefined && !(hs && awaitingCheck(hs));
  });
  const guarded = step.requires.length > 0 && willRun;
  let checkedAt = 0;
  if (guarded) {
    const verdict = await checkPreconditions(ctx, step, plan.commands);
    if (verdict !== undefined) return verdict;
    checkedAt = performance.now();
  }
  let confirmedStep = false;
  let targetsWritten = !first;
  const parallel = Math.max(1, todo.find((c) => c.block)?.block?.parallel ?? 1);
  for (let at = 0; at < todo.length; at += parallel) {
    const batch = todo.slice(at, at + parallel);
    const toRun: { c: PlannedHostCommand; checkOnly: boolean }[] = [];
    for (const c of batch) {
      if (c.skipReason !== undefined || !c.block) {
        ctx.record({ type: 'step-skipped', stepId: step.id, host: c.host, by: 'condition', reason: c.skipReason ?? t('engine.noCommandBlock') });
        continue;
      }
      const hs = hostState(c.host);
      if (hs && awaitingCheck(hs)) {
        // Its command succeeded before; only the check is left (after a resume).
        toRun.push({ c, checkOnly: true });
        continue;
      }
      const level = c.block.confirm;
      if (level === 'typed' || (level === 'yes' && !confirmedStep)) {
        const answer = await askConfirmation(ctx, step, c, level, plan.commands.length === 1 || level === 'typed');
        if (answer !== undefined) return answer;
        if (level === 'yes') confirmedStep = true;
      }
      toRun.push({ c, checkOnly: false });
    }
    // The state may have changed while the operator read the prompt or the last host ran.
    if (guarded && toRun.some((x) => !x.checkOnly) && performance.now() - checkedAt > (ctx.deps.preconditionMaxAgeMs ?? 2000)) {
      const verdict = await checkPreconditions(ctx, step, plan.commands);
      if (verdict !== undefined) return verdict;
      checkedAt = performance.now();
    }
    const results = await Promise.all(
      toRun.map(({ c, checkOnly }) => {
        const withTargets = !targetsWritten;
        targetsWritten = true;
        return checkOnly ? runCheckOnHost(ctx, step, c) : runOnHost(ctx, step, c, withTargets ? targets : undefined);
      }),
    );
    // A failure stops the step before the next host.
    if (results.some((ok) => !ok)) return undefined;
  }
  return undefined;
}

/** Runs the command on one host, then its check. Returns whether both succeeded. */
async function runOnHost(ctx: RunContext, step: Step, c: PlannedHostCommand, targets: string[] | undefined): Promise<boolean> {
  const block = c.block!;
  const attempt = (currentStep(ctx).hosts.find((h) => h.host === c.host)?.attempts ?? 0) + 1;
  ctx.record({ type: 'step-started', stepId: step.id, host: c.host, phase: 'command', command: c.script, attempt, targets, hasCheck: block.check !== undefined });
  const ok = await execPhase(ctx, step, c.host, 'command', c.script, block.timeoutMs, block.expectExit, block.expectOutput);
  if (!ok || !block.check) return ok;
  return runCheckOnHost(ctx, step, c);
}

async function runCheckOnHost(ctx: RunContext, step: Step, c: PlannedHostCommand): Promise<boolean> {
  const check = c.block?.check;
  if (!check || c.check === undefined) return true;
  const attempt = currentStep(ctx).hosts.find((h) => h.host === c.host)?.attempts ?? 1;
  ctx.record({ type: 'step-started', stepId: step.id, host: c.host, phase: 'check', command: c.check, attempt });
  return execPhase(ctx, step, c.host, 'check', c.check, check.timeoutMs, check.expectExit, check.expectOutput);
}

/** Runs one script on one host, journaling its output and its end. */
async function execPhase(ctx: RunContext, step: Step, host: string, phase: Phase, script: string, timeoutMs: number, expectExit: number[], expectOutput: string | undefined): Promise<boolean> {
  const attempt = currentStep(ctx).hosts.find((h) => h.host === host)?.attempts ?? 1;
  // A durable job on an SSH host: it outlives a dropped connection or a killed mfs-tui, and a resume can find it.
  const job = jobId([ctx.runId, step.id, host, attempt, phase]);
  return runAndJournal(ctx, step, host, phase, expectExit, expectOutput, (req) =>
    ctx.deps.executorFor(host).exec({
      ...req,
      script,
      timeoutMs,
      job,
      onJob: (info) => ctx.record({ type: 'job-started', stepId: step.id, host, phase, job: info }),
    }),
  );
}

/**
 * Runs something that ends like a command (an exec, or following an in-doubt job) and
 * journals its output and its end: finished (judged), cancelled, in doubt when the
 * connection dropped, or failed. Returns whether it succeeded.
 */
export async function runAndJournal(
  ctx: RunContext,
  step: Step,
  host: string,
  phase: Phase,
  expectExit: number[],
  expectOutput: string | undefined,
  run: (req: { signal: AbortSignal; onStdout(d: string): void; onStderr(d: string): void }) => Promise<ExecResult>,
): Promise<boolean> {
  const ac = new AbortController();
  ctx.running.set(host, ac);
  const out = new OutputCoalescer((stream, data) => ctx.record({ type: 'output', stepId: step.id, host, phase, stream, data }), ctx.deps.outputFlushMs, ctx.deps.outputFlushChars);
  const started = performance.now();
  // stdout and stderr as they came, for expect-output.
  let combined = '';
  let result: ExecResult;
  try {
    result = await run({
      signal: ac.signal,
      onStdout: (d) => {
        combined += d;
        out.push('stdout', d);
      },
      onStderr: (d) => {
        combined += d;
        out.push('stderr', d);
      },
    });
  } catch (err) {
    out.flush();
    if (err instanceof HostError && err.kind === 'disconnected') {
      // The command may well go on (a durable job does): its effect is unknown, not failed.
      ctx.record({ type: 'connection-lost', stepId: step.id, host, phase, reason: errorMessage(err) });
      return false;
    }
    const durationMs = Math.round(performance.now() - started);
    ctx.record({ type: 'step-finished', stepId: step.id, host, phase, exitCode: null, durationMs, ok: false, reason: errorMessage(err) });
    return false;
  } finally {
    ctx.running.delete(host);
  }
  out.flush();
  const durationMs = Math.round(result.durationMs);
  if (result.cancelled || result.timedOut || ac.signal.aborted) {
    ctx.record({ type: 'step-cancelled', stepId: step.id, host, phase, reason: result.timedOut ? 'timeout' : 'operator', durationMs });
    return false;
  }
  const verdict = judgeResult(result, expectExit, expectOutput, combined || `${result.stdout}${result.stderr}`);
  ctx.record({
    type: 'step-finished',
    stepId: step.id,
    host,
    phase,
    exitCode: result.exitCode,
    signal: result.signal,
    durationMs,
    ok: verdict.ok,
    reason: verdict.reason,
  });
  return verdict.ok;
}

/** Whether a finished command met its block's expectations, and why not. */
function judgeResult(r: ExecResult, expectExit: number[], expectOutput: string | undefined, output: string): { ok: boolean; reason?: string } {
  const expected = expectExit.length > 0 ? expectExit : [0];
  if (r.exitCode === null) return { ok: false, reason: r.signal ? t('engine.killedBySignal', { signal: r.signal }) : t('engine.noExitCode') };
  if (!exitExpected(expected, r.exitCode)) return { ok: false, reason: t('engine.unexpectedExit', { code: r.exitCode, expected: expected.join(t('engine.or')) }) };
  if (expectOutput !== undefined) {
    let re: RegExp;
    try {
      re = expectOutputRegExp(expectOutput);
    } catch {
      return { ok: false, reason: t('engine.badExpectOutput', { pattern: expectOutput }) };
    }
    if (!re.test(output)) return { ok: false, reason: t('engine.outputMismatch', { pattern: expectOutput }) };
  }
  return { ok: true };
}
