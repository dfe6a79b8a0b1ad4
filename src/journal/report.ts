// `mfs-tui report RUN`: a markdown incident report written from a run's journal alone
// (the runbook, when given, only adds step titles and the steps never reached).
import type { Runbook } from '../runbook/types.ts';
import type { JournalRecord, Phase } from './types.ts';
import { visible } from '../util/visible.ts';

type Rec<T extends JournalRecord['type']> = Extract<JournalRecord, { type: T }>;

/** Lines of output shown from the start and from the end of each command. */
const EXCERPT_HEAD = 10;
const EXCERPT_TAIL = 10;

interface Execution {
  stepId: string;
  host: string;
  phase: Phase;
  command: string;
  attempt: number;
  startedAt: string;
  output: string;
  end?: Rec<'step-finished'> | Rec<'step-cancelled'>;
}

interface StepReport {
  id: string;
  /** Operator answers, events and executions of this step, in journal order. */
  items: ({ kind: 'event'; text: string } | { kind: 'exec'; exec: Execution })[];
}

/** A fenced block whose fence is longer than any backtick run inside (output may contain ```). */
function fence(text: string, lang = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(Math.max(3, longest + 1));
  return `${f}${lang}\n${text.replace(/\n$/, '')}\n${f}`;
}

function code(s: string): string {
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return longest > 0 ? `${f} ${s} ${f}` : `${f}${s}${f}`;
}

/** The first and last lines of an output, with how many were left out between. */
export function excerpt(output: string, head = EXCERPT_HEAD, tail = EXCERPT_TAIL): string {
  const lines = output.replace(/\n$/, '').split('\n');
  if (lines.length <= head + tail + 1) return lines.join('\n');
  const omitted = lines.length - head - tail;
  return [...lines.slice(0, head), `… ${omitted} lines omitted (the journal has all of them) …`, ...lines.slice(-tail)].join('\n');
}

function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function time(ts: string): string {
  return ts.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function endText(e: Execution): string {
  const end = e.end;
  if (!end) return '**never finished** (the process stopped while it ran: in doubt)';
  if (end.type === 'step-cancelled') return `**cancelled** (${end.reason === 'timeout' ? 'timeout' : 'by the operator'}) after ${seconds(end.durationMs)}`;
  const exit = end.exitCode === null ? `no exit code${end.signal ? ` (signal ${end.signal})` : ''}` : `exit ${end.exitCode}`;
  return `${exit} in ${seconds(end.durationMs)}, ${end.ok ? 'ok' : `**failed**: ${end.reason ?? 'not ok'}`}`;
}

/** What is wrong with the journal the report is written from (journal/read.ts). */
export interface JournalDamage {
  /** `file:line: message` for each damaged line: the report is incomplete. */
  problems: readonly string[];
  /** A torn last line (the process died while writing it): that record is lost. */
  torn?: { line: number; text: string };
  file: string;
}

/** Renders the incident report of one run from its records (the readable ones, when the journal is damaged). */
export function renderReport(records: readonly JournalRecord[], runbook?: Runbook, damage?: JournalDamage): string {
  const startRec = records.find((r): r is Rec<'run-started'> => r.type === 'run-started');
  const finish = [...records].reverse().find((r): r is Rec<'run-finished'> => r.type === 'run-finished');
  const title = (id: string) => runbook?.steps.find((s) => s.id === id)?.title;
  const steps = new Map<string, StepReport>();
  const stepOf = (id: string): StepReport => {
    let s = steps.get(id);
    if (!s) steps.set(id, (s = { id, items: [] }));
    return s;
  };
  const event = (id: string, text: string) => stepOf(id).items.push({ kind: 'event', text });
  const running = new Map<string, Execution>();
  const key = (stepId: string, host: string, phase: Phase) => `${stepId}\u0000${host}\u0000${phase}`;
  const operatorLog: string[] = [];
  const resumes: string[] = [];
  let operator = startRec?.operator ?? 'unknown';

  for (const r of records) {
    const at = time(r.ts);
    switch (r.type) {
      case 'run-started':
        break;
      case 'resumed':
        operator = r.operator;
        resumes.push(`${at}: resumed by ${r.operator} (pid ${r.pid})${r.changedSteps.length ? `; steps changed since the run started: ${r.changedSteps.join(', ')}` : '; no step changed'}`);
        if (r.lostLine) resumes.push(`${at}: the journal's last line (${r.lostLine.line}) was torn when the run stopped and was cut off; that record is lost: ${code(r.lostLine.text.slice(0, 200))}`);
        break;
      case 'confirmed': {
        const how = r.how === 'typed' ? `typed ${code(r.typed ?? '')}` : r.how === 'auto' ? 'automatically (--yes)' : 'answered yes';
        const line = `${at}: ${operator} confirmed${r.host ? ` for ${r.host}` : ''}: ${how}`;
        event(r.stepId, line);
        operatorLog.push(`${at}: step ${r.stepId}${r.host ? ` on ${r.host}` : ''}: confirmed, ${how}`);
        break;
      }
      case 'refused': {
        const line = `${at}: refused${r.host ? ` for ${r.host}` : ''}${r.typed !== undefined ? ` (typed ${code(r.typed)})` : ''}: ${r.reason}`;
        event(r.stepId, line);
        operatorLog.push(`${at}: step ${r.stepId}: ${line.slice(at.length + 2)}`);
        break;
      }
      case 'preconditions': {
        const unmet = r.results.filter((x) => !x.met);
        const list = (r.outcome === 'met' ? r.results : unmet).map((x) => `${x.name} (${x.detail})`).join('; ');
        const what = r.outcome === 'met' ? `preconditions met: ${list}` : r.outcome === 'refused' ? `REFUSED, preconditions not met: ${list}` : `warning, preconditions not met: ${list}`;
        event(r.stepId, `${at}: ${what}`);
        if (r.outcome !== 'met') operatorLog.push(`${at}: step ${r.stepId}: ${what}`);
        break;
      }
      case 'step-started': {
        const e: Execution = { stepId: r.stepId, host: r.host, phase: r.phase, command: r.command, attempt: r.attempt, startedAt: r.ts, output: '' };
        stepOf(r.stepId).items.push({ kind: 'exec', exec: e });
        running.set(key(r.stepId, r.host, r.phase), e);
        break;
      }
      case 'output': {
        const e = running.get(key(r.stepId, r.host, r.phase));
        if (e) e.output += r.data;
        break;
      }
      case 'step-finished':
      case 'step-cancelled': {
        const e = running.get(key(r.stepId, r.host, r.phase));
        if (e) e.end = r;
        running.delete(key(r.stepId, r.host, r.phase));
        break;
      }
      case 'step-skipped': {
        const who = r.by === 'operator' ? `skipped by ${operator}` : 'skipped (no command variant fits)';
        event(r.stepId, `${at}: ${who}${r.host ? ` on ${r.host}` : ''}: ${r.reason}`);
        if (r.by === 'operator') operatorLog.push(`${at}: step ${r.stepId}: skipped by ${operator}: ${r.reason}`);
        break;
      }
      case 'acknowledged':
        event(r.stepId, `${at}: acknowledged as done by ${operator}`);
        operatorLog.push(`${at}: step ${r.stepId}: acknowledged as done`);
        break;
      case 'decided': {
        const where = r.runbook ? ` → hand off to runbook ${r.runbook}` : r.goto ? ` → go to step ${r.goto}` : '';
        event(r.stepId, `${at}: ${operator} chose ${code(r.choice)}${where}`);
        operatorLog.push(`${at}: decision ${r.stepId}: ${r.choice}${where}`);
        break;
      }
      case 'in-doubt-resolved': {
        const what = {
          check: 'run its check',
          rerun: 'run it again',
          'mark-done': 'mark it done',
          abort: 'abort the run',
          follow: 'wait for it and follow its output',
          stop: 'stop it (kill its process group)',
        }[r.action];
        event(r.stepId, `${at}: in doubt on ${r.host}; ${operator} chose to ${what}`);
        operatorLog.push(`${at}: step ${r.stepId} on ${r.host} was in doubt: ${operator} chose to ${what}`);
        break;
      }
      case 'job-started':
        break;
      case 'connection-lost':
        event(r.stepId, `${at}: the SSH connection to ${r.host} dropped while it ran (${r.reason}): in doubt`);
        break;
      case 'job-checked': {
        event(r.stepId, `${at}: on resume, the command on ${r.host} ${r.detail}`);
        // Its output after the drop follows as output records of the same execution.
        break;
      }
      case 'run-finished':
        break;
    }
  }

  const out: string[] = [];
  const bookTitle = startRec?.runbook.title ?? runbook?.title ?? 'unknown runbook';
  out.push(`# Incident report: ${bookTitle}`, '');
  if (damage && damage.problems.length > 0) {
    out.push(
      `**INCOMPLETE REPORT: the journal ${code(damage.file)} is damaged.** What follows is written from the ${records.length} records that could be read; the damaged lines are left out and what they recorded is unknown:`,
      '',
      ...damage.problems.map((p) => `- ${p}`),
      '',
    );
  }
  if (damage?.torn) {
    out.push(`**The journal's last line (${damage.torn.line}) is torn** (the process stopped while writing it); that record is lost: ${code(damage.torn.text.slice(0, 200))}`, '');
  }
  const status = finish ? finish.status : 'unfinished (no run-finished record: the run may be resumed)';
  const rows: [string, string][] = [
    ['Run', startRec ? code(startRec.runId) : 'unknown'],
    ['Operator', startRec ? `${startRec.operator} on ${startRec.machine} (${startRec.mode})` : 'unknown'],
    ['Cluster', startRec ? `${startRec.inventory.cluster} (${code(startRec.inventory.file)}, sha256 ${startRec.inventory.hash.slice(0, 12)})` : 'unknown'],
    ['Runbook', startRec ? `${startRec.runbook.title} (${code(startRec.runbook.id)}, ${code(startRec.runbook.file)}, sha256 ${startRec.runbook.hash.slice(0, 12)})` : 'unknown'],
    ['Started', startRec ? time(startRec.ts) : 'unknown'],
    ['Ended', finish ? time(finish.ts) : `not finished; last record ${records.length ? time(records.at(-1)!.ts) : 'none'}`],
    ['Status', `**${status}**${finish?.reason ? `: ${finish.reason}` : ''}${finish?.nextRunbook ? ` (next runbook: ${code(finish.nextRunbook)})` : ''}`],
  ];
  out.push('| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`), '');

  out.push('## Inputs', '');
  const inputs = Object.entries(startRec?.inputs ?? {});
  out.push(...(inputs.length ? inputs.map(([k, v]) => `- ${code(k)} = ${code(v)}`) : ['None.']), '');

  if (resumes.length) out.push('## Interruptions', '', ...resumes.map((l) => `- ${l}`), '');

  out.push('## Steps', '');
  let n = 0;
  for (const s of steps.values()) {
    n++;
    const t = title(s.id);
    out.push(`### ${n}. ${t ? `${t} (${code(s.id)})` : code(s.id)}`, '');
    s.items.forEach((item, i) => {
      if (item.kind === 'event') {
        out.push(`- ${item.text}`);
        if (s.items[i + 1]?.kind !== 'event') out.push('');
        return;
      }
      const e = item.exec;
      const what = e.phase === 'check' ? 'check' : `command, attempt ${e.attempt}`;
      out.push(`**${e.host}** — ${what}, started ${time(e.startedAt)}: ${endText(e)}`, '', fence(e.command, 'sh'), '');
      if (e.output.trim()) out.push('Output:', '', fence(excerpt(e.output)), '');
      else out.push('No output.', '');
    });
  }
  if (steps.size === 0) out.push('No step was reached.', '');
  if (runbook) {
    const notReached = runbook.steps.filter((s) => !steps.has(s.id));
    if (notReached.length) out.push('Not reached: ' + notReached.map((s) => `${s.title} (${code(s.id)})`).join(', ') + '.', '');
  }

  out.push('## Operator decisions', '');
  out.push(...(operatorLog.length ? operatorLog.map((l) => `- ${l}`) : ['None.']), '');
  out.push('## Outcome', '');
  if (finish) {
    out.push(`${time(finish.ts)}: the run ended **${finish.status}**${finish.reason ? `: ${finish.reason}` : ''}.${finish.nextRunbook ? ` The operator was handed on to runbook ${code(finish.nextRunbook)}.` : ''}`);
  } else {
    const open = [...running.values()].map((e) => `${e.stepId} on ${e.host}`);
    out.push(`The run has not finished.${open.length ? ` In doubt (started, never finished): ${open.join(', ')}.` : ''}`);
  }
  out.push('');
  // Read with cat and less as often as rendered: everything a host printed or a file held
  // (output in its fences, commands, reasons, names) is escaped, never interpreted (tabs and
  // line feeds stay).
  return visible(out.join('\n'));
}
