// The runs on disk, for `mfs-tui resume` and `mfs-tui runs`: reads each journal's first
// line (run-started) and its last whole line only, not the whole file.
import fs from 'node:fs';
import path from 'node:path';
import { runsDir } from '../state/paths.ts';
import { recordShapeProblem } from './schema.ts';
import type { JournalRecord } from './types.ts';
import { JournalError } from './writer.ts';
import { t } from '../i18n/index.ts';

export interface RunSummary {
  runId: string;
  runbookId: string;
  runbookTitle: string;
  cluster: string;
  operator: string;
  /** ISO time of run-started. */
  started: string;
  /** ISO time of the last whole record. */
  lastRecordAt: string;
  /**
   * `damaged`: the journal's first line is not a readable run-started record, so nothing
   * about the run can be trusted (it is listed, never resumed, never left out silently).
   */
  status: 'unfinished' | 'finished' | 'damaged';
  /** How it finished, when it did (unknown when its run-finished record is torn). */
  outcome?: 'succeeded' | 'failed' | 'aborted' | 'handed-off';
  /** The type of a torn last line (the process died while writing it), when it can be read. */
  tornLast?: string;
  /** What is wrong with a damaged journal, for the operator. */
  damage?: string;
  file: string;
}

const HEAD_BYTES = 64 * 1024;
const TAIL_BYTES = 64 * 1024;

function readRange(fd: number, start: number, length: number): string {
  const buf = Buffer.alloc(length);
  const n = fs.readSync(fd, buf, 0, length, start);
  return buf.subarray(0, n).toString('utf8');
}

function parseLine(line: string): JournalRecord | undefined {
  try {
    const v = JSON.parse(line) as JournalRecord;
    return typeof v === 'object' && v !== null && typeof v.type === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Why the first record cannot name this run (read from the file `runId` names), or undefined. */
function firstRecordProblem(first: JournalRecord | undefined, runId: string): string | undefined {
  if (!first) return t('journal.firstUnreadable');
  if (first.type !== 'run-started') return t('journal.firstIs', { type: first.type });
  const shape = recordShapeProblem('run-started', first);
  if (shape) return shape;
  // Resume and report open the file by this id: a record naming another run would send them elsewhere.
  if (first.runId !== runId) return t('journal.otherRun', { runId: String(first.runId) });
  if (typeof first.ts !== 'string') return t('journal.noTime');
  return undefined;
}

/** The record type a torn line was writing, when its text got that far (records start {"seq":…,"ts":…,"type":…). */
function tornType(line: string): string {
  return /^\{"seq":\d+,"ts":"[^"]*","type":"([a-z-]+)"/.exec(line)?.[1] ?? 'unknown';
}

/** The first record and the last whole record of a journal, reading its ends only. */
function ends(file: string): { first?: JournalRecord; last?: JournalRecord; tornLast?: string; firstLine?: string } {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return {};
    const head = readRange(fd, 0, Math.min(size, HEAD_BYTES));
    const firstNl = head.indexOf('\n');
    const first = parseLine(firstNl === -1 ? head : head.slice(0, firstNl));
    const tailStart = Math.max(0, size - TAIL_BYTES);
    const lines = readRange(fd, tailStart, size - tailStart).split('\n');
    // The tail's first piece may be a partial line; a torn last line does not parse.
    if (tailStart > 0) lines.shift();
    let last: JournalRecord | undefined;
    let torn: string | undefined;
    let seenLine = false;
    for (let i = lines.length - 1; i >= 0 && !last; i--) {
      const line = lines[i]!;
      if (!line.trim()) continue;
      last = parseLine(line);
      // Only the very last line can be torn (a crash mid-write); an older bad line is damage `report` names.
      if (!last && !seenLine) torn = tornType(line);
      seenLine = true;
    }
    return { first, last: last ?? first, tornLast: torn, firstLine: firstNl === -1 ? head : head.slice(0, firstNl) };
  } finally {
    fs.closeSync(fd);
  }
}

/** The runs folder cannot be made or read: the operator's to fix, never a stack trace nor an empty list. */
function runsFolderError(err: unknown, dir?: string): JournalError {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === 'ENOTDIR' || e.code === 'EEXIST' ? t('journal.runsNotFolder') : (e.code ?? e.message);
  return new JournalError(t('journal.runsUnreadable', { dir: e.path ?? dir ?? '?', why }));
}

/** Every run in the runs folder (or `dir`), newest first. Unreadable journals are left out. */
export function listRuns(dir?: string): RunSummary[] {
  let names: string[];
  try {
    dir ??= runsDir();
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch (err) {
    throw runsFolderError(err, dir);
  }
  const runs: RunSummary[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let e: ReturnType<typeof ends>;
    try {
      e = ends(file);
    } catch {
      continue;
    }
    const first = e.first;
    const runId = name.slice(0, -'.jsonl'.length);
    const problem = firstRecordProblem(first, runId);
    if (problem || !first || first.type !== 'run-started') {
      if (e.firstLine === undefined) continue; // empty file: nothing was ever recorded
      const at = fs.statSync(file).mtime.toISOString();
      runs.push({
        runId,
        runbookId: '?',
        runbookTitle: '?',
        cluster: '?',
        operator: '?',
        started: '',
        lastRecordAt: at,
        status: 'damaged',
        damage: `${file}:1: ${problem}`,
        file,
      });
      continue;
    }
    // A last record of the wrong shape says nothing (the full read names it as damage).
    const last = e.last && typeof e.last.ts === 'string' && !recordShapeProblem(e.last.type, e.last) ? e.last : first;
    // A torn run-finished still says the run ended: never offered for resume (an aborted run
    // would otherwise go on with the steps its operator chose not to run).
    const finished = last.type === 'run-finished' || e.tornLast === 'run-finished';
    runs.push({
      runId: first.runId,
      runbookId: first.runbook.id,
      runbookTitle: first.runbook.title,
      cluster: first.inventory.cluster,
      operator: first.operator,
      started: first.ts,
      lastRecordAt: last.ts,
      status: finished ? 'finished' : 'unfinished',
      outcome: last.type === 'run-finished' ? last.status : undefined,
      ...(e.tornLast ? { tornLast: e.tornLast } : {}),
      file,
    });
  }
  return runs.sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
}

/** The run whose id is `idOrPrefix` or starts with it; an operator-facing error otherwise. */
export function findRun(idOrPrefix: string, dir?: string): RunSummary {
  const runs = listRuns(dir);
  const exact = runs.find((r) => r.runId === idOrPrefix);
  if (exact) return exact;
  const matches = runs.filter((r) => r.runId.startsWith(idOrPrefix));
  if (matches.length === 1) return matches[0]!;
  // listRuns made the folder already: runsDir() does not fail here.
  if (matches.length === 0) throw new JournalError(t('journal.noRun', { run: idOrPrefix, dir: dir ?? runsDir() }));
  const ids = `${matches
    .slice(0, 5)
    .map((r) => r.runId)
    .join(', ')}${matches.length > 5 ? ', …' : ''}`;
  throw new JournalError(t('journal.ambiguousRun', { run: idOrPrefix, n: matches.length, ids }));
}
