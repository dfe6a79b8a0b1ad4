// Trust under faults, end to end with the real bin/mfs-tui and a real sshd: Ctrl-C under
// `run --yes`, journals damaged in the middle or torn at the end, and private file modes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { alive, until } from '../../support/process.ts';
import { cliEnv, runCli, spawnCli, type CliEnv } from '../../support/cli-env.ts';

let sshd: Sshd;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
});

function book(e: CliEnv): void {
  writeFileSync(
    join(e.runbooks, 'long.md'),
    `---\nid: long\ntitle: Long\nsummary: s\nwhen: tests\nrisk: low\nroles: [master-candidate]\n---\n\n` +
      `## First {#first}\n\n\`\`\`sh on=h1 confirm=none\necho one\n\`\`\`\n\n` +
      `## Long step {#long}\n\n\`\`\`sh on=h1 confirm=yes timeout=120\necho $$ > ${join(e.dir, 'long.pid')}; echo started; sleep 60; echo never\n\`\`\`\n\n` +
      `## After {#after}\n\n\`\`\`sh on=h1 confirm=none\necho after\n\`\`\`\n`,
  );
}

function journalOf(e: CliEnv): string {
  const runs = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  const [file] = readdirSync(runs).filter((f) => f.endsWith('.jsonl'));
  assert.ok(file, 'a journal was written');
  return join(runs, file);
}

/** A run interrupted with SIGINT mid-step: its journal and run id. */
async function interruptedRun(e: CliEnv): Promise<{ file: string; runId: string; code: number | null; stdout: string }> {
  book(e);
  const child = spawnCli(e, ['run', 'long', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes']);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  await until(`the long step to start (output: ${out})`, () => /h1 \| started/.test(out));
  child.kill('SIGINT');
  const code = await closed;
  const file = journalOf(e);
  const runId = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!).runId as string;
  return { file, runId, code, stdout: out };
}

test('SIGINT under run --yes cancels the remote command, records it cancelled, leaves the run resumable, exits 130', async () => {
  const e = cliEnv(sshd);
  const r = await interruptedRun(e);
  assert.equal(r.code, 130, r.stdout);
  assert.match(r.stdout, /resume with: mfs-tui resume /);
  const remote = Number(readFileSync(join(e.dir, 'long.pid'), 'utf8'));
  await until('the remote command to be gone', () => !alive(remote), 10_000);
  const recs = readFileSync(r.file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    recs.filter((x) => x.type === 'step-cancelled').map((x) => [x.stepId, x.reason]),
    [['long', 'operator']],
  );
  assert.ok(!recs.some((x) => x.type === 'run-finished'), 'the run is not finished');
  assert.ok(!recs.some((x) => x.type === 'output' && /never/.test(x.data)));
  const list = runCli(e, ['resume']);
  assert.match(list.stdout, new RegExp(r.runId));
});

test('a corrupt line in the middle: resume and report name file:line and exit non-zero; the report is written, marked incomplete, 0600', async () => {
  const e = cliEnv(sshd);
  const r = await interruptedRun(e);
  const lines = readFileSync(r.file, 'utf8').split('\n');
  lines[2] = '{"seq":3,"ts":"2026-1 garbage';
  writeFileSync(r.file, lines.join('\n'));
  const before = readFileSync(r.file, 'utf8');

  const resume = runCli(e, ['resume', r.runId, '--yes', '--settle', 'abort']);
  assert.notEqual(resume.code, 0);
  assert.match(resume.stderr, new RegExp(`${r.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: not valid JSON`));
  assert.equal(readFileSync(r.file, 'utf8'), before, 'nothing was repaired');

  // -o over an existing world-readable file: the new report is private.
  const out = join(e.dir, 'report.md');
  writeFileSync(out, 'old');
  chmodSync(out, 0o644);
  const rep = runCli(e, ['report', r.runId, '-o', out]);
  assert.equal(rep.code, 1, rep.stderr);
  assert.match(rep.stderr, /:3: not valid JSON/);
  assert.match(rep.stderr, /INCOMPLETE/);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /INCOMPLETE REPORT/);
  assert.match(text, /:3: not valid JSON/);
  assert.match(text, /h1 \| started|started/);
  assert.equal(statSync(out).mode & 0o777, 0o600);
});

test('a torn last line: report and resume say what was lost; the resumed journal keeps a note of it', async () => {
  const e = cliEnv(sshd);
  const r = await interruptedRun(e);
  appendFileSync(r.file, '{"seq":99,"ts":"2026-11-25T19:00:00Z","type":"output","stepId":"long","host":"h1","data":"lost wor');
  const rep = runCli(e, ['report', r.runId]);
  assert.equal(rep.code, 0, rep.stderr);
  assert.match(rep.stderr, /the last line is torn.*lost wor/);
  assert.match(rep.stdout, /last line \(\d+\) is torn.*lost wor/);

  const resume = runCli(e, ['resume', r.runId, '--yes', '--settle', 'abort']);
  assert.match(resume.stderr, /the last line was torn .* that record is lost: .*lost wor/);
  const after = runCli(e, ['report', r.runId]);
  assert.equal(after.code, 0, after.stderr);
  assert.match(after.stdout, /was torn when the run stopped and was cut off; that record is lost: .*lost wor/);
});

test('state and config folders are 0700 and journals 0600, also when the folders existed wider', () => {
  const e = cliEnv(sshd);
  mkdirSync(e.env.MFS_TUI_STATE_DIR!, { mode: 0o755 });
  mkdirSync(e.env.MFS_TUI_CONFIG_DIR!, { mode: 0o755 });
  chmodSync(e.env.MFS_TUI_STATE_DIR!, 0o755);
  chmodSync(e.env.MFS_TUI_CONFIG_DIR!, 0o755);
  writeFileSync(
    join(e.runbooks, 'one.md'),
    `---\nid: one\ntitle: One\nsummary: s\nwhen: tests\nrisk: low\nroles: [master-candidate]\n---\n\n## Only {#only}\n\n\`\`\`sh on=h1 confirm=none\necho hi\n\`\`\`\n`,
  );
  const r = runCli(e, ['run', 'one', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(statSync(e.env.MFS_TUI_STATE_DIR!).mode & 0o777, 0o700);
  assert.equal(statSync(join(e.env.MFS_TUI_STATE_DIR!, 'runs')).mode & 0o777, 0o700);
  assert.equal(statSync(e.env.MFS_TUI_CONFIG_DIR!).mode & 0o777, 0o700);
  assert.equal(statSync(journalOf(e)).mode & 0o777, 0o600);
});

// A journal is replayed on resume and a job's id, folder and process group reach the commands
// that probe, follow and stop it on the host: a record edited into another shape is damage,
// refused before any host is asked, never a command.
test('a job-started record edited to carry shell (or a group of 1) is damage: resume refuses it and nothing runs on the host', async () => {
  const e = cliEnv(sshd);
  const r = await interruptedRun(e);
  const lines = readFileSync(r.file, 'utf8').trim().split('\n');
  const at = lines.findIndex((l) => JSON.parse(l).type === 'job-started');
  assert.ok(at > 0, 'the long step ran as a job');
  const pwned = join(e.dir, 'pwned');
  const forgeries: [string, (job: Record<string, unknown>) => void, RegExp][] = [
    ['id', (job) => (job.id = `x"; touch ${pwned}; echo "`), /bad job-started record: job\.id/],
    ['pgid', (job) => (job.pgid = 1), /bad job-started record: job\.pgid/],
    ['pgid as text', (job) => (job.pgid = `1; touch ${pwned}`), /bad job-started record: job\.pgid/],
  ];
  for (const [what, forge, message] of forgeries) {
    const rec = JSON.parse(lines[at]!);
    forge(rec.job);
    // Cut after the job started, as a SIGKILL would: the step is in doubt and resume would probe it.
    writeFileSync(r.file, [...lines.slice(0, at), JSON.stringify(rec)].join('\n') + '\n');
    for (const settle of ['stop', 'abort']) {
      const resume = runCli(e, ['resume', r.runId, '--yes', '--settle', settle]);
      assert.notEqual(resume.code, 0, `${what}: ${resume.stdout}${resume.stderr}`);
      assert.match(resume.stderr, new RegExp(`:${at + 1}: `), what);
      assert.match(resume.stderr, message, what);
    }
    const report = runCli(e, ['report', r.runId]);
    assert.notEqual(report.code, 0, what);
    assert.match(report.stdout, /INCOMPLETE REPORT/, what);
  }
  assert.ok(!existsSync(pwned), 'no forged job id ran on the host');
});
