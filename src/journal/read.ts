// Reading a run's journal back: one JSON record per line. A torn last line (the process
// died in the middle of writing it) is reported and ignored; a bad line anywhere else
// means the file was damaged or edited, and is an error that names the line.
import fs from 'node:fs';
import { recordShapeProblem } from './schema.ts';
import type { JournalRecord, JournalRecordType } from './types.ts';
import { t } from '../i18n/index.ts';

const RECORD_TYPES: ReadonlySet<JournalRecordType> = new Set<JournalRecordType>([
  'run-started',
  'resumed',
  'confirmed',
  'refused',
  'preconditions',
  'step-started',
  'output',
  'step-finished',
  'step-cancelled',
  'step-skipped',
  'acknowledged',
  'decided',
  'job-started',
  'connection-lost',
  'job-checked',
  'in-doubt-resolved',
  'run-finished',
]);

export interface JournalRead {
  records: JournalRecord[];
  /** The last line, when it is not a whole record (crash mid-write); it is not in `records`. */
  torn?: { line: number; text: string };
  /** Byte length of the file up to the end of the last whole record (where appending resumes). */
  goodBytes: number;
  /** Each problem as `file:line: message`. Empty when the journal is sound. */
  problems: string[];
}

/** Why a parsed line is not a journal record, or undefined when it is one. */
function recordProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return t('journal.notObject');
  const r = value as Record<string, unknown>;
  if (typeof r.type !== 'string' || !RECORD_TYPES.has(r.type as JournalRecordType)) return t('journal.unknownType', { type: JSON.stringify(r.type) });
  if (typeof r.seq !== 'number' || !Number.isInteger(r.seq)) return t('journal.noSeq');
  if (typeof r.ts !== 'string') return t('journal.noTs');
  return recordShapeProblem(r.type as JournalRecordType, r);
}

/** Parses journal text. `file` is only used in messages. */
export function parseJournal(text: string, file: string): JournalRead {
  const records: JournalRecord[] = [];
  /** The line each record came from, for messages. */
  const lines: number[] = [];
  const problems: string[] = [];
  let torn: JournalRead['torn'];
  let goodBytes = 0;
  let offset = 0;
  let bytePos = 0;
  let lineNo = 0;
  while (offset < text.length) {
    const nl = text.indexOf('\n', offset);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(offset, end);
    lineNo++;
    const isLast = nl === -1 || nl === text.length - 1;
    const next = nl === -1 ? text.length : nl + 1;
    const lineBytes = Buffer.byteLength(line);
    const lineEnd = bytePos + lineBytes + (nl === -1 ? 0 : 1);
    if (line.trim() === '') {
      if (!isLast) problems.push(t('journal.emptyLine', { file, line: lineNo }));
      offset = next;
      bytePos = lineEnd;
      continue;
    }
    let problem: string | undefined;
    let value: unknown;
    let notJson = false;
    try {
      value = JSON.parse(line);
      problem = recordProblem(value);
    } catch {
      notJson = true;
      problem = t('journal.notJson');
    }
    if (problem === undefined && nl === -1) {
      // A whole record without its newline: keep it; the writer adds the newline before appending.
      records.push(value as JournalRecord);
      lines.push(lineNo);
      goodBytes = lineEnd;
    } else if (problem === undefined) {
      records.push(value as JournalRecord);
      lines.push(lineNo);
      goodBytes = lineEnd;
    } else if (isLast && notJson) {
      torn = { line: lineNo, text: line };
    } else {
      problems.push(`${file}:${lineNo}: ${problem}: ${line.length > 80 ? `${line.slice(0, 80)}…` : line}`);
    }
    offset = next;
    bytePos = lineEnd;
  }
  let expected = 1;
  for (const [i, r] of records.entries()) {
    if (r.seq !== expected) {
      problems.push(t(r.seq > expected ? 'journal.missing' : 'journal.outOfOrder', { file, line: String(lines[i]), seq: r.seq, previous: expected - 1 }));
      break;
    }
    expected++;
  }
  if (records.length > 0 && records[0]!.type !== 'run-started') problems.push(t('journal.firstNotStarted', { file, type: records[0]!.type }));
  return { records, torn, goodBytes, problems };
}

/** Reads and parses a journal file. Throws only when the file cannot be read. */
export function readJournal(file: string): JournalRead {
  return parseJournal(fs.readFileSync(file, 'utf8'), file);
}
