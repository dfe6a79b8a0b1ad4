// Settling a step that was in doubt after a resume (its command started, its end never
// journaled): the host is asked about the durable job, and the operator (or --settle)
// chooses what is allowed by what was found: follow, stop, check, rerun, mark done, abort.
import type { JobControl, JobProbe } from '../exec/types.ts';
import type { JobState, SettleAction } from '../journal/types.ts';
import type { Step } from '../runbook/types.ts';
import { jobId } from '../ssh/remote-command.ts';
import { errorMessage } from '../util/error-message.ts';
import { runAndJournal } from './exec-step.ts';
import type { StepPlan } from './plan.ts';
import { currentStep, FINISHED, type RunContext, type StepOutcome } from './run-context.ts';
import type { Prompt } from './types.ts';
import { t } from '../i18n/index.ts';

export async function settleInDoubt(ctx: RunContext, step: Step): Promise<StepOutcome> {
  const st = currentStep(ctx);
  const host = st.hosts.find((h) => h.status === 'in-doubt')!;
  let plan: StepPlan | string = 'not a command step';
  if (step.kind === 'command') plan = await ctx.plan(step);
  const planned = typeof plan === 'string' ? undefined : plan.commands.find((c) => c.host === host.host);
  let canCheck = planned?.check !== undefined;
  let jobs: JobControl | undefined;
  try {
    jobs = ctx.deps.executorFor(host.host).jobs;
  } catch {
    jobs = undefined;
  }
  let job = host.job;
  let probe: JobProbe | undefined;
  let choices: SettleAction[] | undefined;
  let found: { state: JobState; exitCode?: number; detail: string } | undefined;
  // A command step started over SSH runs as a job named after the run, step, host, attempt
  // and phase: even when its start never reached the journal (killed right then), the host
  // can be asked about it by that name.
  const phase = job?.phase ?? host.phase;
  const asked = job?.info ?? (step.kind === 'command' && host.attempts > 0 ? { id: jobId([ctx.runId, step.id, host.host, host.attempts, phase]) } : undefined);
  if (asked && jobs) {
    // Where is it now? Reconnects if need be. Its output since the journal stopped is journaled first.
    try {
      probe = await jobs.probe(asked, { stdout: job?.stdoutBytes ?? 0, stderr: job?.stderrBytes ?? 0 });
    } catch (err) {
      probe = undefined;
      found = { state: 'unknown', detail: t('engine.inDoubt.unreadable', { error: errorMessage(err) }) };
    }
    if (probe?.identity && !job) {
      ctx.record({ type: 'job-started', stepId: step.id, host: host.host, phase, job: probe.identity });
      job = currentStep(ctx).hosts.find((h) => h.host === host.host)?.job;
    }
    if (probe) {
      if (probe.stdout) ctx.record({ type: 'output', stepId: step.id, host: host.host, phase, stream: 'stdout', data: probe.stdout });
      if (probe.stderr) ctx.record({ type: 'output', stepId: step.id, host: host.host, phase, stream: 'stderr', data: probe.stderr });
      found = { state: probe.state, exitCode: probe.exitCode, detail: job ? describeProbe(job.info, probe) : t('engine.inDoubt.neverStarted') };
    }
    ctx.record({ type: 'job-checked', stepId: step.id, host: host.host, phase, ...found! });
    const state = found!.state;
    if (state === 'running') {
      canCheck = false;
      choices = job ? ['follow', 'stop', 'mark-done', 'abort'] : ['mark-done', 'abort'];
    } else if (state === 'unknown') {
      // Not reachable: whether it still runs cannot be told, so it is not run again.
      canCheck = false;
      choices = ['mark-done', 'abort'];
    } else {
      choices = [...(state === 'finished' && job ? (['follow'] as const) : []), ...(canCheck ? (['check'] as const) : []), 'rerun', 'mark-done', 'abort'];
    }
  }
  const allowed = (a: SettleAction): boolean => (choices ? choices.includes(a) : a !== 'follow' && a !== 'stop' && (a !== 'check' || canCheck));
  const key = `${step.id}\u0000${host.host}\u0000${job?.info.id ?? host.attempts}`;
  // --settle a,b: the first of them that is allowed here.
  const preferred = ctx.deps.mode === 'non-interactive' && ctx.deps.settle !== undefined ? [ctx.deps.settle].flat() : [];
  const wanted = preferred.find(allowed) ?? preferred[0];
  let refused: string | undefined;
  if (wanted && !allowed(wanted)) {
    const asked = preferred.join(',');
    refused =
      found?.state === 'running'
        ? job
          ? t('engine.inDoubt.stillRunsRefusedGroup', { asked, host: host.host, pgid: job.info.pgid })
          : t('engine.inDoubt.stillRunsRefused', { asked, host: host.host })
        : found?.state === 'unknown'
          ? t('engine.inDoubt.cannotTell', { asked, host: host.host, detail: found.detail })
          : t('engine.inDoubt.notAChoice', { asked });
  }
  let action: SettleAction | typeof FINISHED;
  if (wanted && !refused && !ctx.settledJobs.has(key)) {
    ctx.settledJobs.add(key);
    action = wanted;
  } else {
    // Non-interactive without a usable answer: ask() stops the run here, resumable later.
    const prompt: Prompt = {
      kind: 'in-doubt',
      stepId: step.id,
      host: host.host,
      canCheck,
      ...(found ? { job: found, choices } : {}),
      ...(refused ? { refused } : {}),
    };
    action = await ctx.ask(prompt, (i) => (i.type === 'settle' && allowed(i.action) ? i.action : undefined));
  }
  if (action === FINISHED) return FINISHED;
  if (action === 'abort') {
    ctx.record({ type: 'in-doubt-resolved', stepId: step.id, host: host.host, action });
    ctx.record({ type: 'run-finished', status: 'aborted', reason: t('engine.inDoubt.aborted', { step: step.id, host: host.host }) });
    return FINISHED;
  }
  ctx.record({ type: 'in-doubt-resolved', stepId: step.id, host: host.host, action });
  if ((action === 'follow' || action === 'stop') && job && jobs) {
    if (action === 'stop') {
      const startedAt = host.startedAt ? Date.parse(host.startedAt) : Date.now();
      let after: JobProbe | undefined;
      try {
        after = await jobs.stop(job.info);
      } catch {
        after = undefined;
      }
      // Not provably stopped: it stays in doubt and is asked about again.
      if (!after || after.state === 'running') return undefined;
      ctx.record({ type: 'step-cancelled', stepId: step.id, host: host.host, phase: job.phase, reason: 'operator', durationMs: Math.max(0, Date.now() - startedAt) });
      return undefined;
    }
    const block = planned?.block;
    const expect = job.phase === 'check' ? block?.check : block;
    const from = probe?.size ?? { stdout: job.stdoutBytes, stderr: job.stderrBytes };
    const elapsed = host.startedAt ? Date.now() - Date.parse(host.startedAt) : 0;
    const timeoutMs = expect ? Math.max(1000, expect.timeoutMs - elapsed) : undefined;
    await runAndJournal(ctx, step, host.host, job.phase, expect?.expectExit ?? [], expect?.expectOutput, (req) => jobs.follow(job.info, from, { ...req, timeoutMs }));
  }
  // check: the host now awaits its check, which runCommandStep runs next; rerun: it is pending again.
  return undefined;
}

/** What a probe found, in words for the operator and the report. */
function describeProbe(job: { pgid: number }, p: JobProbe): string {
  switch (p.state) {
    case 'running':
      return t('engine.job.running', { pgid: job.pgid });
    case 'finished':
      return t('engine.job.finished', { code: String(p.exitCode) });
    case 'gone':
      return t('engine.job.gone');
    case 'rebooted':
      return t('engine.job.rebooted');
  }
}
