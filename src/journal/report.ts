// `mfs-tui report RUN`: a markdown incident report written from a run's journal alone
// (the runbook, when given, only adds step titles and the steps never reached).
import { t } from '../i18n/index.ts';
import type { Runbook } from '../runbook/types.ts';
import type { JournalRecord, Phase } from './types.ts';
import { visible } from '../util/visible.ts';
import { mdCode as code, mdFence as fence, mdText as text } from '../util/markdown.ts';

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

// Every value from a journal record (names, inputs, reasons, host output) goes through text(),
// code() or fence() (util/markdown.ts): whatever an operator typed or a host printed, it cannot
// change the report's structure (no heading, list, table row or fence of its own, no line break).

/** The first and last lines of an output, with how many were left out between. */
export function excerpt(output: string, head = EXCERPT_HEAD, tail = EXCERPT_TAIL): string {
  const lines = output.replace(/\n$/, '').split('\n');
  if (lines.length <= head + tail + 1) return lines.join('\n');
  const omitted = lines.length - head - tail;
  return [...lines.slice(0, head), t('report.omitted', { count: omitted }), ...lines.slice(-tail)].join('\n');
}

function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return t('report.duration.seconds', { s: (ms / 1000).toFixed(1) });
  return t('report.duration.minutes', { m: Math.floor(ms / 60_000), s: Math.round((ms % 60_000) / 1000) });
}

function time(ts: string): string {
  return text(ts.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
}

function endText(e: Execution): string {
  const end = e.end;
  if (!end) return t('report.neverFinished');
  if (end.type === 'step-cancelled') return t(end.reason === 'timeout' ? 'report.cancelledTimeout' : 'report.cancelledByOperator', { duration: seconds(end.durationMs) });
  const exit = end.exitCode === null ? (end.signal ? t('report.noExitCodeSignal', { signal: text(end.signal) }) : t('report.noExitCode')) : t('report.exitCode', { code: end.exitCode });
  const result = end.ok ? t('report.ok') : t('report.failed', { reason: end.reason !== undefined ? text(end.reason) : t('report.notOk') });
  return t('report.ended', { exit, duration: seconds(end.durationMs), result });
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
  let operator = text(startRec?.operator ?? 'unknown');

  for (const r of records) {
    const at = time(r.ts);
    switch (r.type) {
      case 'run-started':
        break;
      case 'resumed':
        operator = text(r.operator);
        resumes.push(
          r.changedSteps.length
            ? t('report.resumed', { at, operator, pid: text(String(r.pid)), steps: r.changedSteps.map(code).join(', ') })
            : t('report.resumedUnchanged', { at, operator, pid: text(String(r.pid)) }),
        );
        if (r.lostLine) resumes.push(t('report.lostLine', { at, line: text(String(r.lostLine.line)), text: code(r.lostLine.text.slice(0, 200)) }));
        break;
      case 'confirmed': {
        const host = r.host !== undefined ? text(r.host) : undefined;
        const step = text(r.stepId);
        const how = r.how === 'typed' ? t('report.how.typed', { typed: code(r.typed ?? '') }) : r.how === 'auto' ? t('report.how.auto') : t('report.how.yes');
        event(r.stepId, `${at}: ${host ? t('report.confirmedFor', { operator, host, how }) : t('report.confirmed', { operator, how })}`);
        operatorLog.push(`${at}: ${host ? t('report.log.confirmedOn', { step, host, how }) : t('report.log.confirmed', { step, how })}`);
        break;
      }
      case 'refused': {
        const what = t('report.refused', {
          forHost: r.host ? t('report.refusedFor', { host: text(r.host) }) : '',
          typed: r.typed !== undefined ? t('report.refusedTyped', { typed: code(r.typed) }) : '',
          reason: text(r.reason),
        });
        event(r.stepId, `${at}: ${what}`);
        operatorLog.push(`${at}: ${t('report.log.step', { step: text(r.stepId), what })}`);
        break;
      }
      case 'preconditions': {
        const unmet = r.results.filter((x) => !x.met);
        const list = (r.outcome === 'met' ? r.results : unmet).map((x) => `${text(x.name)} (${text(x.detail)})`).join('; ');
        const what = t(r.outcome === 'met' ? 'report.preconditionsMet' : r.outcome === 'refused' ? 'report.preconditionsRefused' : 'report.preconditionsWarning', { list });
        event(r.stepId, `${at}: ${what}`);
        if (r.outcome !== 'met') operatorLog.push(`${at}: ${t('report.log.step', { step: text(r.stepId), what })}`);
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
        const who = r.by === 'operator' ? t('report.skippedBy', { operator }) : t('report.skippedNoVariant');
        const reason = text(r.reason);
        event(r.stepId, `${at}: ${r.host ? t('report.skippedOn', { who, host: text(r.host), reason }) : t('report.skipped', { who, reason })}`);
        if (r.by === 'operator') operatorLog.push(`${at}: ${t('report.log.step', { step: text(r.stepId), what: t('report.skipped', { who, reason }) })}`);
        break;
      }
      case 'acknowledged':
        event(r.stepId, `${at}: ${t('report.acknowledgedBy', { operator })}`);
        operatorLog.push(`${at}: ${t('report.log.acknowledged', { step: text(r.stepId) })}`);
        break;
      case 'decided': {
        const where = r.runbook ? t('report.handOff', { runbook: code(r.runbook) }) : r.goto ? t('report.goTo', { step: code(r.goto) }) : '';
        event(r.stepId, `${at}: ${t('report.chose', { operator, choice: code(r.choice), where })}`);
        operatorLog.push(`${at}: ${t('report.log.decision', { step: text(r.stepId), choice: code(r.choice), where })}`);
        break;
      }
      case 'in-doubt-resolved': {
        const what = {
          check: t('report.settle.check'),
          rerun: t('report.settle.rerun'),
          'mark-done': t('report.settle.markDone'),
          abort: t('report.settle.abort'),
          follow: t('report.settle.follow'),
          stop: t('report.settle.stop'),
        }[r.action];
        event(r.stepId, `${at}: ${t('report.inDoubtChose', { host: text(r.host), operator, what })}`);
        operatorLog.push(`${at}: ${t('report.log.inDoubtChose', { step: text(r.stepId), host: text(r.host), operator, what })}`);
        break;
      }
      case 'job-started':
        break;
      case 'connection-lost':
        event(r.stepId, `${at}: ${t('report.connectionLost', { host: text(r.host), reason: text(r.reason) })}`);
        break;
      case 'job-checked': {
        event(r.stepId, `${at}: ${t('report.jobChecked', { host: text(r.host), detail: text(r.detail) })}`);
        // Its output after the drop follows as output records of the same execution.
        break;
      }
      case 'run-finished':
        break;
    }
  }

  const out: string[] = [];
  const bookTitle = startRec?.runbook.title ?? runbook?.title ?? t('report.unknownRunbook');
  out.push(`# ${t('report.heading', { title: text(bookTitle) })}`, '');
  if (damage && damage.problems.length > 0) {
    out.push(t('report.incomplete', { file: code(damage.file), count: records.length }), '', ...damage.problems.map((p) => `- ${text(p)}`), '');
  }
  if (damage?.torn) {
    out.push(t('report.tornLast', { line: text(String(damage.torn.line)), text: code(damage.torn.text.slice(0, 200)) }), '');
  }
  // The status word itself (succeeded, failed, ...) is the journal's code, the same in every language.
  const status = finish ? text(finish.status) : t('report.statusUnfinished');
  const unknown = t('report.unknown');
  const rows: [string, string][] = [
    [t('report.row.run'), startRec ? code(startRec.runId) : unknown],
    [t('report.row.operator'), startRec ? t('report.operatorOn', { operator: text(startRec.operator), machine: text(startRec.machine), mode: text(startRec.mode) }) : unknown],
    [t('report.row.cluster'), startRec ? `${text(startRec.inventory.cluster)} (${code(startRec.inventory.file)}, sha256 ${text(startRec.inventory.hash.slice(0, 12))})` : unknown],
    [
      t('report.row.runbook'),
      startRec
        ? `${text(startRec.runbook.title)} (${code(startRec.runbook.id)}, ${code(startRec.runbook.file)}${startRec.runbook.language ? `, ${code(startRec.runbook.language)}` : ''}, sha256 ${text(startRec.runbook.hash.slice(0, 12))})`
        : unknown,
    ],
    [t('report.row.started'), startRec ? time(startRec.ts) : unknown],
    [t('report.row.ended'), finish ? time(finish.ts) : t('report.notFinishedLast', { last: records.length ? time(records.at(-1)!.ts) : t('report.none') })],
    [t('report.row.status'), `**${status}**${finish?.reason ? `: ${text(finish.reason)}` : ''}${finish?.nextRunbook ? t('report.nextRunbook', { runbook: code(finish.nextRunbook) }) : ''}`],
  ];
  out.push('| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`), '');

  out.push(`## ${t('report.section.inputs')}`, '');
  const inputs = Object.entries(startRec?.inputs ?? {});
  out.push(...(inputs.length ? inputs.map(([k, v]) => `- ${code(k)} = ${code(v)}`) : [t('report.noneSentence')]), '');

  if (resumes.length) out.push(`## ${t('report.section.interruptions')}`, '', ...resumes.map((l) => `- ${l}`), '');

  out.push(`## ${t('report.section.steps')}`, '');
  let n = 0;
  for (const s of steps.values()) {
    n++;
    const rawTitle = title(s.id);
    const stepTitle = rawTitle !== undefined ? text(rawTitle) : undefined;
    out.push(`### ${n}. ${stepTitle ? `${stepTitle} (${code(s.id)})` : code(s.id)}`, '');
    s.items.forEach((item, i) => {
      if (item.kind === 'event') {
        out.push(`- ${item.text}`);
        if (s.items[i + 1]?.kind !== 'event') out.push('');
        return;
      }
      const e = item.exec;
      const what = e.phase === 'check' ? t('report.check') : t('report.commandAttempt', { attempt: e.attempt });
      out.push(t('report.execution', { host: text(e.host), what, started: time(e.startedAt), end: endText(e) }), '', fence(e.command, 'sh'), '');
      if (e.output.trim()) out.push(t('report.output'), '', fence(excerpt(e.output)), '');
      else out.push(t('report.noOutput'), '');
    });
  }
  if (steps.size === 0) out.push(t('report.noStep'), '');
  if (runbook) {
    const notReached = runbook.steps.filter((s) => !steps.has(s.id));
    if (notReached.length) out.push(t('report.notReached', { steps: notReached.map((s) => `${text(s.title)} (${code(s.id)})`).join(t('report.listSeparator')) }), '');
  }

  out.push(`## ${t('report.section.decisions')}`, '');
  out.push(...(operatorLog.length ? operatorLog.map((l) => `- ${l}`) : [t('report.noneSentence')]), '');
  out.push(`## ${t('report.section.outcome')}`, '');
  if (finish) {
    const ended = t('report.runEnded', { at: time(finish.ts), status: text(finish.status), reason: finish.reason ? `: ${text(finish.reason)}` : '' });
    out.push(`${ended}${finish.nextRunbook ? t('report.handedOn', { runbook: code(finish.nextRunbook) }) : ''}`);
  } else {
    const open = [...running.values()].map((e) => t('report.stepOnHost', { step: text(e.stepId), host: text(e.host) }));
    out.push(`${t('report.notFinished')}${open.length ? t('report.inDoubt', { steps: open.join(t('report.listSeparator')) }) : ''}`);
  }
  out.push('');
  // Read with cat and less as often as rendered: everything a host printed or a file held
  // (output in its fences, commands, reasons, names) is escaped, never interpreted (tabs and
  // line feeds stay).
  return visible(out.join('\n'));
}
