// The run journal on disk: append-only JSONL, one record per line, each written with one
// write() and fsynced before append() returns, so a record the engine acted on survives
// a crash. The file is private (0600): it holds commands, output and operator names.
import { t } from '../i18n/index.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runsDir } from '../state/paths.ts';
import { readJournal, type JournalRead } from './read.ts';
import type { JournalRecord, NewRecord } from './types.ts';

/** A journal that cannot be opened or is damaged; the message is for the operator. */
export class JournalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalError';
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** A run id that sorts by start time (UTC): `20261125-193012-health-check-ab12`. */
export function newRunId(runbookId: string, now: Date = new Date()): string {
  const day = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  const slug =
    runbookId
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'run';
  return `${day}-${time}-${slug}-${crypto.randomBytes(2).toString('hex')}`;
}

/** Where a run's journal lives. */
export function journalPath(runId: string, dir: string = runsDir()): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId)) throw new JournalError(t('journal.badRunId', { runId }));
  return path.join(dir, `${runId}.jsonl`);
}

export class JournalWriter {
  private fd: number | undefined;
  private seq: number;

  private constructor(
    readonly runId: string,
    readonly file: string,
    fd: number,
    lastSeq: number,
  ) {
    this.fd = fd;
    this.seq = lastSeq;
  }

  /** Creates a new journal; fails when one exists for this run id. */
  static create(runId: string, dir?: string): JournalWriter {
    const file = journalPath(runId, dir);
    const fd = fs.openSync(file, 'wx', 0o600);
    // The open mode is filtered by the umask; make sure it is exactly 0600.
    fs.fchmodSync(fd, 0o600);
    return new JournalWriter(runId, file, fd, 0);
  }

  /**
   * Opens an existing journal to append to, continuing its seq numbers. A torn last
   * line is cut off first (back to the end of the last whole record). A damaged journal
   * (a bad line in the middle, missing records) is refused.
   */
  static open(runId: string, dir?: string): { writer: JournalWriter; read: JournalRead } {
    const file = journalPath(runId, dir);
    let read: JournalRead;
    try {
      read = readJournal(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new JournalError(code === 'ENOENT' ? t('journal.noRunFile', { runId, file }) : t('journal.cannotRead', { file, error: (err as Error).message }));
    }
    if (read.problems.length > 0) throw new JournalError(t('journal.damaged', { problems: read.problems.join('\n') }));
    if (read.records.length === 0) throw new JournalError(t('journal.empty', { file }));
    const fd = fs.openSync(file, 'r+');
    fs.fchmodSync(fd, 0o600);
    const size = fs.fstatSync(fd).size;
    if (size > read.goodBytes) fs.ftruncateSync(fd, read.goodBytes);
    if (read.goodBytes > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, read.goodBytes - 1);
      if (last[0] !== 0x0a) fs.writeSync(fd, '\n', read.goodBytes);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    const appendFd = fs.openSync(file, 'a', 0o600);
    const lastSeq = read.records.at(-1)!.seq;
    return { writer: new JournalWriter(runId, file, appendFd, lastSeq), read };
  }

  /** Stamps seq and ts, writes the record as one line and fsyncs it. */
  append(rec: NewRecord, now: Date = new Date()): JournalRecord {
    if (this.fd === undefined) throw new JournalError(t('journal.closed', { file: this.file }));
    const full = { seq: this.seq + 1, ts: now.toISOString(), ...rec } as JournalRecord;
    const line = Buffer.from(`${JSON.stringify(full)}\n`);
    let written = 0;
    while (written < line.length) written += fs.writeSync(this.fd, line, written, line.length - written);
    fs.fsyncSync(this.fd);
    this.seq = full.seq;
    return full;
  }

  get lastSeq(): number {
    return this.seq;
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A new run's journal in the runs folder (or `dir`). */
export function createJournal(runId: string, dir?: string): JournalWriter {
  return JournalWriter.create(runId, dir);
}

/** An existing run's journal, opened to append after a resume; returns what was read too. */
export function openJournal(runId: string, dir?: string): { writer: JournalWriter; read: JournalRead } {
  return JournalWriter.open(runId, dir);
}
