// In doubt means in doubt, and nothing runs twice: a step's command is a durable job on
// its host. mfs-tui killed with SIGKILL mid-step, or its SSH connection dropped (the sshd
// processes serving it killed): the command goes on; resume shows that it still runs and
// what it printed meanwhile, refuses to run it again while it runs, and can follow it to
// its end. Real bin/mfs-tui, real sshd, real processes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** A ~30 s step that counts; each copy of it appends its pid to `writers`. It ends early when `stop` exists. */
function counterBook(e: CliEnv): void {
  const d = e.dir;
  writeFileSync(
    join(e.runbooks, 'counter.md'),
    `---\nid: counter\ntitle: Counter\nsummary: s\nwhen: tests\nrisk: low\nroles: [master-candidate]\n---\n\n` +
      `## Count for 30 s {#count}\n\n\`\`\`sh on=h1 confirm=yes timeout=120\n` +
      `echo $$ >> ${d}/writers; i=0; while [ $i -lt 150 ] && [ ! -e ${d}/stop ]; do i=$((i+1)); echo "tick $i"; echo $i > ${d}/counter; sleep 0.2; done; echo counted\n\`\`\`\n\n` +
      `## After {#after}\n\n\`\`\`sh on=h1 confirm=none\necho after\n\`\`\`\n`,
  );
}

const counter = (e: CliEnv): number => (existsSync(join(e.dir, 'counter')) ? Number(readFileSync(join(e.dir, 'counter'), 'utf8').trim() || 0) : 0);
const writers = (e: CliEnv): string[] => readFileSync(join(e.dir, 'writers'), 'utf8').trim().split('\n');

function journal(e: CliEnv): { runId: string; records: { type: string; [k: string]: unknown }[] } {
  const runs = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  const [file] = readdirSync(runs).filter((f) => f.endsWith('.jsonl'));
  const records = readFileSync(join(runs, file!), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { runId: records[0].runId, records };
}

/** The sshd processes serving connections (children of the listener): killing them drops every connection. */
function sessionProcesses(listener: number): number[] {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      parent.set(Number(name), Number(stat.slice(close + 2).split(' ')[1]));
      comm.set(Number(name), stat.slice(stat.indexOf('(') + 1, close));
    } catch {
      // gone meanwhile
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === listener) return true;
    return false;
  };
  return [...parent.keys()].filter((p) => descends(p) && comm.get(p)!.startsWith('sshd'));
}

test('SIGKILL of mfs-tui during a 30 s step: never a second copy; resume shows it still runs and its output since, refuses to re-run it, follows it to its end', async () => {
  const e = cliEnv(sshd);
  counterBook(e);
  const child = spawnCli(e, ['run', 'counter', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes']);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const closed = new Promise((r) => child.once('close', r));
  await until(`the step to tick (output: ${out})`, () => /h1 \| tick 3\n/.test(out));
  child.kill('SIGKILL');
  await closed;
  const atKill = counter(e);
  // It goes on after the kill: output mfs-tui never saw.
  await until('the step to count on after the kill', () => counter(e) >= atKill + 5);

  const { runId } = journal(e);
  const again = runCli(e, ['resume', runId, '--settle', 'rerun', '--inventory', e.inventory, '--runbooks', e.runbooks]);
  assert.equal(again.code, 1, again.stdout + again.stderr);
  assert.match(again.stdout, /the command still runs \(process group \d+\)/);
  assert.match(again.stdout, /--settle rerun refused: the command still runs on h1/);
  assert.match(again.stdout, /settle it with --settle follow\|stop\|mark-done\|abort/);
  const shown = [...again.stdout.matchAll(/h1 \| tick (\d+)/g)].map((m) => Number(m[1]));
  assert.ok(
    shown.some((n) => n >= atKill + 5),
    `output printed after the kill is shown on resume: ${shown.join(',')} (killed at ${atKill})`,
  );
  assert.deepEqual(writers(e).length, 1, 'one copy only');

  writeFileSync(join(e.dir, 'stop'), '');
  const follow = runCli(e, ['resume', runId, '--settle', 'follow', '--inventory', e.inventory, '--runbooks', e.runbooks]);
  assert.equal(follow.code, 0, follow.stdout + follow.stderr);
  assert.match(follow.stdout, /h1 \| counted/);
  assert.match(follow.stdout, /h1 \| after/);
  assert.equal(writers(e).length, 1, 'never a second copy');
  const { records } = journal(e);
  const starts = records.filter((r) => r.type === 'step-started' && r.phase === 'command').map((r) => r.stepId);
  assert.deepEqual(starts, ['count', 'after']);
  const job = records.find((r) => r.type === 'job-started')!.job as { pgid: number; bootId: string; dir: string };
  assert.ok(job.pgid > 0 && /^[0-9a-f-]{36}$/.test(job.bootId), JSON.stringify(job));
  const finished = records.find((r) => r.type === 'step-finished' && r.stepId === 'count')!;
  assert.equal(finished.exitCode, 0);
  assert.equal(finished.ok, true);
  const report = runCli(e, ['report', runId]);
  assert.match(report.stdout, /on resume, the command on h1 still runs/);
  assert.match(report.stdout, /chose to wait for it and follow its output/);
});

test('the SSH connection drops mid-step: the step is in doubt, not failed, and the run resumable; stop kills it', async () => {
  const e = cliEnv(sshd);
  counterBook(e);
  const child = spawnCli(e, ['run', 'counter', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes']);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  await until(`the step to tick (output: ${out})`, () => /h1 \| tick 3\n/.test(out));
  const served = sessionProcesses(sshd.pid);
  assert.ok(served.length > 0, 'sshd serves the connection');
  for (const p of served) process.kill(p, 'SIGKILL');
  const code = await closed;
  assert.equal(code, 1, out);
  assert.match(out, /\[h1\] IN DOUBT: h1: SSH connection lost/);
  assert.match(out, /the command still runs/);
  assert.match(out, /resume with: mfs-tui resume /);
  assert.doesNotMatch(out, /FAILED/);
  const { runId, records } = journal(e);
  assert.ok(!records.some((r) => r.type === 'run-finished'), 'the run is resumable');
  assert.ok(records.some((r) => r.type === 'connection-lost'));

  const before = counter(e);
  await until('it counts on after the drop', () => counter(e) > before);
  const stop = runCli(e, ['resume', runId, '--settle', 'stop', '--inventory', e.inventory, '--runbooks', e.runbooks]);
  assert.match(stop.stdout, /in-doubt step count on h1: stop/);
  assert.match(stop.stdout, /CANCELLED \(operator\)/);
  const stopped = counter(e);
  // Stopped for good: the counting shell is gone (its pid is the one line of `writers`), and the counter did not move since.
  await until('the counting loop gone', () => !alive(Number(writers(e)[0])));
  assert.equal(counter(e), stopped);
  assert.equal(writers(e).length, 1);
  assert.doesNotMatch(readFileSync(join(e.dir, 'counter'), 'utf8'), /150/);
});

test("killed before the job's start reached the journal: the job is found on the host by its name, and still not run twice", async () => {
  const e = cliEnv(sshd);
  counterBook(e);
  const child = spawnCli(e, ['run', 'counter', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes']);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const closed = new Promise((r) => child.once('close', r));
  await until(`the step to tick (output: ${out})`, () => /h1 \| tick 3\n/.test(out));
  child.kill('SIGKILL');
  await closed;
  // As if mfs-tui died between sending the command and reading its marker: no job-started, no output.
  const runs = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  const [file] = readdirSync(runs).filter((f) => f.endsWith('.jsonl'));
  const kept = journal(e).records.filter((r) => r.type !== 'job-started' && !(r.type === 'output' && r.stepId === 'count'));
  writeFileSync(join(runs, file!), kept.map((r, i) => JSON.stringify({ ...r, seq: i + 1 }) + '\n').join(''));

  const { runId } = journal(e);
  const again = runCli(e, ['resume', runId, '--settle', 'rerun', '--inventory', e.inventory, '--runbooks', e.runbooks]);
  assert.equal(again.code, 1, again.stdout + again.stderr);
  assert.match(again.stdout, /the command still runs \(process group \d+\)/);
  assert.match(again.stdout, /h1 \| tick 1\n/, 'its whole output, read from the host');
  assert.match(again.stdout, /--settle rerun refused/);
  writeFileSync(join(e.dir, 'stop'), '');
  const follow = runCli(e, ['resume', runId, '--settle', 'follow,rerun', '--inventory', e.inventory, '--runbooks', e.runbooks]);
  assert.equal(follow.code, 0, follow.stdout + follow.stderr);
  assert.match(follow.stdout, /in-doubt step count on h1: follow/);
  assert.match(follow.stdout, /h1 \| counted/);
  assert.equal(writers(e).length, 1, 'never a second copy');
});
