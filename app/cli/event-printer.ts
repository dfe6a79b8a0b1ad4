// Prints a run's journal records as they are written: readable lines, or JSON lines.
import type { Writable } from 'node:stream';
import stringWidth from 'string-width';
import type { JournalRecord } from '../../src/journal/types.ts';
import type { RunState } from '../../src/engine/types.ts';
import type { Step } from '../../src/runbook/types.ts';
import { safeJson, visible, visibleLine } from '../../src/util/visible.ts';
import { t } from '../../src/i18n/index.ts';

/** A run's status word in the operator's language (the journal keeps the code). */
function statusWord(status: Extract<JournalRecord, { type: 'run-finished' }>['status']): string {
  return { succeeded: t('run.status.succeeded'), failed: t('run.status.failed'), aborted: t('run.status.aborted'), 'handed-off': t('run.status.handedOff') }[status];
}

export class EventPrinter {
  private titles = new Map<string, string>();
  /** Unfinished output lines per host and stream, so prefixes land at line starts. */
  private partial = new Map<string, string>();
  private lastStep: string | undefined;

  constructor(
    private readonly out: Writable,
    private readonly opts: { json: boolean },
  ) {}

  setSteps(steps: readonly Step[]): void {
    this.titles = new Map(steps.map((s) => [s.id, s.title]));
  }

  record(rec: JournalRecord): void {
    if (this.opts.json) {
      this.out.write(`${safeJson(rec)}\n`);
      return;
    }
    // Host output, commands and reasons shown escaped: never interpreted by the terminal.
    const line = (s: string) => this.out.write(`${visible(s)}\n`);
    switch (rec.type) {
      case 'run-started':
        line(t('run.event.started', { runId: rec.runId, title: rec.runbook.title, cluster: rec.inventory.cluster }));
        break;
      case 'resumed':
        line(rec.changedSteps.length ? t('run.event.resumedChanged', { operator: rec.operator, steps: rec.changedSteps.join(', ') }) : t('run.event.resumed', { operator: rec.operator }));
        break;
      case 'step-started': {
        this.stepHeader(rec.stepId);
        const what = rec.phase === 'check' ? t('run.event.check') : '$';
        line(
          `  [${rec.host}] ${what} ${rec.command
            .trim()
            .split('\n')
            .join('\n  ' + ' '.repeat(rec.host.length + 3 + stringWidth(what)))}`,
        );
        break;
      }
      case 'output': {
        const key = `${rec.host}\0${rec.stream}`;
        const text = (this.partial.get(key) ?? '') + rec.data;
        const lines = text.split('\n');
        this.partial.set(key, lines.pop() ?? '');
        for (const l of lines) line(`  ${rec.host} | ${l.endsWith('\r') ? l.slice(0, -1) : l}`);
        break;
      }
      case 'step-finished': {
        this.flush(rec.host);
        const mark = rec.ok ? t('run.event.ok') : t('run.event.failedMark');
        const check = rec.phase === 'check' ? t('run.event.checkPrefix') : '';
        const finished = t('run.event.finished', { check, mark, exit: String(rec.exitCode ?? rec.signal ?? '?'), ms: rec.durationMs });
        line(`  [${rec.host}] ${finished}${rec.reason ? t('run.event.reasonSuffix', { reason: rec.reason }) : ''}`);
        break;
      }
      case 'step-cancelled':
        this.flush(rec.host);
        line(`  [${rec.host}] ${t('run.event.cancelled', { reason: rec.reason === 'timeout' ? t('run.event.cancelReason.timeout') : t('run.event.cancelReason.operator'), ms: rec.durationMs })}`);
        break;
      case 'step-skipped':
        this.stepHeader(rec.stepId);
        line(`  ${rec.host ? t('run.event.skippedOn', { host: rec.host, reason: rec.reason }) : t('run.event.skipped', { reason: rec.reason })}`);
        break;
      case 'confirmed':
        this.stepHeader(rec.stepId);
        {
          const how = { yes: t('run.event.how.yes'), typed: t('run.event.how.typed'), auto: t('run.event.how.auto') }[rec.how];
          line(`  ${rec.host ? t('run.event.confirmedFor', { host: rec.host, how }) : t('run.event.confirmed', { how })}`);
        }
        break;
      case 'preconditions': {
        this.stepHeader(rec.stepId);
        const unmet = rec.results.filter((x) => !x.met);
        if (rec.outcome === 'met') line(`  ${t('run.event.preconditionsMet', { names: rec.results.map((x) => x.name).join(', ') })}`);
        else {
          line(`  ${rec.outcome === 'refused' ? t('run.event.preconditionsRefused', { count: unmet.length }) : t('run.event.preconditionsWarning')}`);
          for (const x of unmet) line(`    ${x.name}: ${x.detail}`);
        }
        break;
      }
      case 'refused':
        line(`  ${rec.host ? t('run.event.refusedFor', { host: rec.host, reason: rec.reason }) : t('run.event.refused', { reason: rec.reason })}`);
        break;
      case 'acknowledged':
        this.stepHeader(rec.stepId);
        line(`  ${t('run.event.acknowledged')}`);
        break;
      case 'decided':
        this.stepHeader(rec.stepId);
        line(
          `  ${t('run.event.chose', { choice: rec.choice })}${rec.goto ? t('run.event.choseStep', { step: rec.goto }) : ''}${rec.runbook ? t('run.event.choseRunbook', { runbook: rec.runbook }) : ''}`,
        );
        break;
      case 'in-doubt-resolved':
        line(`  ${t('run.event.inDoubtResolved', { step: rec.stepId, host: rec.host, action: rec.action })}`);
        break;
      case 'connection-lost':
        this.flush(rec.host);
        line(`  [${rec.host}] ${t('run.event.connectionLost', { reason: rec.reason })}`);
        break;
      case 'job-checked':
        this.stepHeader(rec.stepId);
        this.flush(rec.host);
        line(`  [${rec.host}] ${t('run.event.jobChecked', { detail: rec.detail })}`);
        break;
      case 'run-finished':
        line(
          `${rec.reason ? t('run.event.runFinishedReason', { status: statusWord(rec.status), reason: rec.reason }) : t('run.event.runFinished', { status: statusWord(rec.status) })}${rec.nextRunbook ? t('run.event.next', { runbook: rec.nextRunbook }) : ''}`,
        );
        break;
    }
  }

  /** After the run stopped: when it stopped at a prompt nobody could answer, says which and how to go on. */
  finish(state: RunState, runId: string): void {
    if (this.opts.json || state.status !== 'running') return;
    const p = state.prompt;
    let why = t('run.stopped.needsOperator');
    if (p?.kind === 'in-doubt') {
      const host = state.steps.find((s) => s.id === p.stepId)?.hosts.find((h) => h.host === p.host);
      const tail = host?.output
        .trimEnd()
        .split('\n')
        .slice(-5)
        .map((l) => `  ${p.host} | ${l}`)
        .join('\n');
      const choices = p.choices ?? [...(p.canCheck ? ['check' as const] : []), 'rerun', 'mark-done', 'abort'];
      why =
        t('run.stopped.inDoubt', { step: p.stepId, host: p.host }) +
        (p.job ? `\n${t('run.stopped.job', { host: p.host, detail: p.job.detail })}` : '') +
        (tail ? `\n${t('run.stopped.lastOutput')}\n${tail}` : '') +
        (p.refused ? `\n${p.refused}` : '') +
        `\n${t('run.stopped.settle', { choices: choices.join('|') })}`;
    } else if (p?.kind === 'failed' && p.cancelled) {
      why = `${t('run.stopped.cancelled', { step: p.stepId, host: p.host ?? '-', reason: p.reason ?? '' })}\n${t('run.stopped.settle', { choices: 'rerun|mark-done|abort' })}`;
    } else if (state.reason) {
      why = state.reason;
    }
    this.out.write(`${visible(t('run.stopped', { why }))}\n${t('run.stopped.resume', { runId })}\n`);
  }

  private stepHeader(stepId: string): void {
    if (this.lastStep === stepId) return;
    this.lastStep = stepId;
    this.out.write(`\n== ${visibleLine(this.titles.get(stepId) ?? stepId)} [${stepId}]\n`);
  }

  private flush(host: string): void {
    for (const stream of ['stdout', 'stderr']) {
      const key = `${host}\0${stream}`;
      const rest = this.partial.get(key);
      if (rest) this.out.write(`  ${host} | ${visibleLine(rest)}\n`);
      this.partial.delete(key);
    }
  }
}
