// The shape of each journal record, checked when a journal is read back. A journal is
// replayed into the engine and its values reach remote commands on resume (a job's id,
// folder and process group): a line edited into another shape is damage, reported at its
// line like any other, never trusted. Extra fields are allowed (an older or newer mfs-tui).
import { currentLanguage, isMessageKey, t } from '../i18n/index.ts';
import { yamlErrorMap } from '../util/yaml-zod-errors.ts';
import { z } from 'zod';
import { JOB_ID } from '../exec/types.ts';
import type { JournalRecordType } from './types.ts';

const str = z.string();
const int = z.number().int();
const phase = z.enum(['command', 'check']);

/**
 * A durable job's identity. Its fields go into the commands that probe, follow and kill it:
 * the id as a file name, the group as `kill -SIG -PGID` (0 or 1 would be the caller's group
 * or every process), the folder as an absolute path.
 */
export const remoteJob = z.object({
  id: str.regex(JOB_ID, 'journal.shape.jobId'),
  pgid: int.min(2, 'journal.shape.pgid'),
  startTime: str.regex(/^\d+$/, 'journal.shape.startTime'),
  bootId: str.regex(/^[A-Za-z0-9-]+$/, 'journal.shape.bootId'),
  recorder: int.min(0),
  dir: str.regex(/^\/[^\0\n\r]*$/, 'journal.shape.absolute'),
});

const precondition = z.object({ name: str, met: z.boolean(), detail: str });

const shapes: Record<JournalRecordType, z.ZodTypeAny> = {
  'run-started': z.object({
    runId: str,
    runbook: z.object({ id: str, title: str, file: str, hash: str, steps: z.array(z.object({ id: str, hash: str })) }),
    inventory: z.object({ file: str, hash: str, cluster: str }),
    inputs: z.record(str),
    operator: str,
    machine: str,
    mode: z.enum(['interactive', 'non-interactive']),
  }),
  resumed: z.object({
    pid: int,
    changedSteps: z.array(str),
    operator: str,
    lostLine: z.object({ line: int, text: str }).optional(),
  }),
  confirmed: z.object({ stepId: str, host: str.optional(), how: z.enum(['yes', 'typed', 'auto']), typed: str.optional() }),
  refused: z.object({ stepId: str, host: str.optional(), typed: str.optional(), reason: str }),
  preconditions: z.object({
    stepId: str,
    results: z.array(precondition),
    outcome: z.enum(['met', 'warned', 'refused']),
    dangerous: z.boolean(),
  }),
  'step-started': z.object({
    stepId: str,
    host: str,
    phase,
    command: str,
    attempt: int.min(1),
    targets: z.array(str).optional(),
    hasCheck: z.boolean().optional(),
  }),
  output: z.object({ stepId: str, host: str, phase, stream: z.enum(['stdout', 'stderr']), data: str }),
  'step-finished': z.object({
    stepId: str,
    host: str,
    phase,
    exitCode: int.nullable(),
    signal: str.optional(),
    durationMs: z.number().min(0),
    ok: z.boolean(),
    reason: str.optional(),
  }),
  'step-cancelled': z.object({ stepId: str, host: str, phase, reason: z.enum(['timeout', 'operator']), durationMs: z.number().min(0) }),
  'step-skipped': z.object({ stepId: str, host: str.optional(), by: z.enum(['operator', 'condition']), reason: str }),
  acknowledged: z.object({ stepId: str }),
  decided: z.object({ stepId: str, choice: str, goto: str.optional(), runbook: str.optional() }),
  'job-started': z.object({ stepId: str, host: str, phase, job: remoteJob }),
  'connection-lost': z.object({ stepId: str, host: str, phase, reason: str }),
  'job-checked': z.object({
    stepId: str,
    host: str,
    phase,
    state: z.enum(['running', 'finished', 'gone', 'rebooted', 'unknown']),
    exitCode: int.optional(),
    detail: str,
  }),
  'in-doubt-resolved': z.object({ stepId: str, host: str, action: z.enum(['check', 'rerun', 'mark-done', 'abort', 'follow', 'stop']) }),
  'run-finished': z.object({
    status: z.enum(['succeeded', 'failed', 'aborted', 'handed-off']),
    nextRunbook: str.optional(),
    reason: str.optional(),
  }),
};

/** Why a record of a known type does not have that type's shape (`job.pgid: …`), or undefined. */
export function recordShapeProblem(type: JournalRecordType, value: unknown): string | undefined {
  const shape = Object.hasOwn(shapes, type) ? shapes[type] : undefined;
  if (!shape) return t('journal.unknownType', { type: JSON.stringify(type) });
  // zod's own words in English (as before); in another language what each issue means.
  const r = shape.safeParse(value, currentLanguage() === 'en' ? {} : { errorMap: yamlErrorMap });
  if (r.success) return undefined;
  const issue = r.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  // A schema's own message is a catalogue key (fixed when the module loads, before the language is chosen).
  const message = isMessageKey(issue.message) ? (t as (key: string) => string)(issue.message) : issue.message;
  return t('journal.badRecord', { type, where, message });
}
