// Prints a run's journal records as they are written: readable lines, or JSON lines.
import type { Writable } from 'node:stream';
import type { JournalRecord } from '../../src/journal/types.ts';
import type { RunState } from '../../src/engine/types.ts';
import type { Step } from '../../src/runbook/types.ts';
import { safeJson, visible, visibleLine } from '../../src/util/visible.ts';

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
        line(`run ${rec.runId}: ${rec.runbook.title} on ${rec.inventory.cluster}`);
        break;
      case 'resumed':
        line(`resumed by ${rec.operator}${rec.changedSteps.length ? `; changed since the run started: ${rec.changedSteps.join(', ')}` : ''}`);
        break;
      case 'step-started': {
        this.stepHeader(rec.stepId);
        const what = rec.phase === 'check' ? 'check' : '$';
        line(
          `  [${rec.host}] ${what} ${rec.command
            .trim()
            .split('\n')
            .join('\n  ' + ' '.repeat(rec.host.length + 3 + what.length))}`,
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
        const mark = rec.ok ? 'ok' : 'FAILED';
        line(`  [${rec.host}] ${rec.phase === 'check' ? 'check ' : ''}${mark}: exit ${rec.exitCode ?? rec.signal ?? '?'} in ${rec.durationMs} ms${rec.reason ? ` (${rec.reason})` : ''}`);
        break;
      }
      case 'step-cancelled':
        this.flush(rec.host);
        line(`  [${rec.host}] CANCELLED (${rec.reason}) after ${rec.durationMs} ms`);
        break;
      case 'step-skipped':
        this.stepHeader(rec.stepId);
        line(`  skipped${rec.host ? ` on ${rec.host}` : ''}: ${rec.reason}`);
        break;
      case 'confirmed':
        this.stepHeader(rec.stepId);
        line(`  confirmed${rec.host ? ` for ${rec.host}` : ''} (${rec.how})`);
        break;
      case 'preconditions': {
        this.stepHeader(rec.stepId);
        const unmet = rec.results.filter((x) => !x.met);
        if (rec.outcome === 'met') line(`  preconditions met: ${rec.results.map((x) => x.name).join(', ')}`);
        else {
          line(
            rec.outcome === 'refused'
              ? `  REFUSED: this step is dangerous and ${unmet.length === 1 ? 'a precondition does' : 'preconditions do'} not hold:`
              : '  warning: preconditions do not hold (the step is not dangerous, so it runs):',
          );
          for (const x of unmet) line(`    ${x.name}: ${x.detail}`);
        }
        break;
      }
      case 'refused':
        line(`  refused${rec.host ? ` for ${rec.host}` : ''}: ${rec.reason}`);
        break;
      case 'acknowledged':
        this.stepHeader(rec.stepId);
        line('  acknowledged');
        break;
      case 'decided':
        this.stepHeader(rec.stepId);
        line(`  chose ${rec.choice}${rec.goto ? ` → step ${rec.goto}` : ''}${rec.runbook ? ` → runbook ${rec.runbook}` : ''}`);
        break;
      case 'in-doubt-resolved':
        line(`  in-doubt step ${rec.stepId} on ${rec.host}: ${rec.action}`);
        break;
      case 'connection-lost':
        this.flush(rec.host);
        line(`  [${rec.host}] IN DOUBT: ${rec.reason}; the command may still run there`);
        break;
      case 'job-checked':
        this.stepHeader(rec.stepId);
        this.flush(rec.host);
        line(`  [${rec.host}] the command ${rec.detail}`);
        break;
      case 'run-finished':
        line(`run ${rec.status}${rec.reason ? `: ${rec.reason}` : ''}${rec.nextRunbook ? `; next: mfs-tui run ${rec.nextRunbook}` : ''}`);
        break;
    }
  }

  /** After the run stopped: when it stopped at a prompt nobody could answer, says which and how to go on. */
  finish(state: RunState, runId: string): void {
    if (this.opts.json || state.status !== 'running') return;
    const p = state.prompt;
    let why = 'a step needs an operator';
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
        `step ${p.stepId} on ${p.host} is in doubt: it was running when mfs-tui stopped (or lost its connection), and may or may not have done its work` +
        (p.job ? `\non ${p.host} now, the command ${p.job.detail}` : '') +
        (tail ? `\nits last recorded output:\n${tail}` : '') +
        (p.refused ? `\n${p.refused}` : '') +
        `\nsettle it with --settle ${choices.join('|')}`;
    } else if (state.reason) {
      why = state.reason;
    }
    this.out.write(`${visible(`stopped: ${why}`)}\nresume with: mfs-tui resume ${runId}\n`);
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
