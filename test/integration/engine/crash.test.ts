// kill -9 of a process in the middle of a step, then resume from its journal: the step
// is in doubt with the output it had printed, and settling it runs nothing twice.
// Real processes: a child node process running the engine with the real LocalExecutor.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { resumeRun } from '../../../src/engine/run.ts';
import { readJournal } from '../../../src/journal/read.ts';
import { parseRunbook } from '../../../src/runbook/parse.ts';
import { waitPrompt } from '../../support/engine-fixtures.ts';
import { alive, until } from '../../support/process.ts';
import { localRunDeps } from '../../support/local-run-deps.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const bookFile = path.join(here, 'crash-book.md');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-crash-'));
const cleanups: (() => void)[] = [];
after(() => {
  for (const c of cleanups) {
    try {
      c();
    } catch {
      // Already gone.
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 mid-step, then resume', () => {
  it('shows the step in doubt with its output so far; check settles it; nothing runs twice', async () => {
    const pidfile = path.join(dir, 'sleeper.pid');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'crash-child.ts'), bookFile, dir, pidfile], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => child.exitCode === null && child.signalCode === null && child.pid && process.kill(child.pid, 'SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

    const runId = await until(`RUN line from the child (stderr: ${stderr})`, () => /^RUN (\S+)$/m.exec(stdout)?.[1]);
    const file = path.join(dir, `${runId}.jsonl`);
    // Wait until the sleeping step's first output is in the journal (fsynced).
    await until('the step output in the journal', () =>
      readJournal(file).records.some((r) => r.type === 'output' && r.stepId === 'sleepy' && r.data.includes('started sleeping')) ? true : undefined,
    );
    const sleeper = await until('the sleeper pid', () => {
      const t = fs.existsSync(pidfile) ? fs.readFileSync(pidfile, 'utf8').trim() : '';
      return t ? Number(t) : undefined;
    });
    cleanups.push(() => alive(sleeper) && process.kill(sleeper, 'SIGKILL'));

    process.kill(child.pid!, 'SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.doesNotMatch(stdout, /^END/m, 'the child never finished the run');
    // The orphaned sleep would go on; this test started it, so it ends it, by pid.
    if (alive(sleeper)) process.kill(sleeper, 'SIGKILL');
    // A crash in the middle of a write leaves a torn line; simulate that too.
    fs.appendFileSync(file, '{"seq":999,"ts":"2026-11-25T19:');

    const { runbook, problems } = parseRunbook(fs.readFileSync(bookFile, 'utf8'), bookFile);
    assert.deepEqual(problems, []);
    const run = resumeRun(localRunDeps(runbook!, dir), runId);
    assert.equal(run.tornLine?.text, '{"seq":999,"ts":"2026-11-25T19:');
    const s = await waitPrompt(run, 'in-doubt');
    assert.deepEqual(s.prompt, { kind: 'in-doubt', stepId: 'sleepy', host: 'local', canCheck: true });
    assert.equal(s.steps[0]!.status, 'succeeded');
    assert.equal(s.steps[1]!.status, 'in-doubt');
    assert.equal(s.steps[1]!.hosts[0]!.output, 'started sleeping\n');
    assert.match(s.steps[1]!.hosts[0]!.command!, /exec sleep 30/);

    run.send({ type: 'settle', action: 'check' });
    const end = await run.settled();
    assert.equal(end.status, 'succeeded', end.reason);
    assert.equal(end.steps[1]!.hosts[0]!.check?.output, 'checked\n');
    assert.equal(end.steps[2]!.hosts[0]!.output, 'after\n');

    const recs = readJournal(file);
    assert.deepEqual(recs.problems, []);
    assert.equal(recs.torn, undefined);
    const commandStarts = recs.records.filter((r) => r.type === 'step-started' && r.phase === 'command').map((r) => (r as { stepId: string }).stepId);
    assert.deepEqual(commandStarts, ['before', 'sleepy', 'after'], 'no command ran twice');
    assert.deepEqual(
      recs.records.filter((r) => r.type === 'resumed' || r.type === 'in-doubt-resolved').map((r) => r.type),
      ['resumed', 'in-doubt-resolved'],
    );
  });
});
