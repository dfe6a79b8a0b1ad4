// `mfs-tui run` and `mfs-tui resume` end to end: the real command, a real sshd, real journals.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { cliEnv, runCli, spawnCli, type CliEnv } from '../../support/cli-env.ts';
import { until } from '../../support/process.ts';

let sshd: Sshd;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
});

const TOUR = `---
id: tour
title: A small tour
summary: Runs a few read-only commands on h1
when: In tests
risk: low
roles: [master-candidate]
inputs:
  - name: word
    prompt: A word to echo
    default: hello
    pattern: '[a-z]+'
---

## Say the word {#say}

\`\`\`sh on=master-candidate confirm=none
echo "{{{inputs.word}}} from $(hostname) {{{host.name}}}"
\`\`\`

## Count to three {#count}

\`\`\`sh on=h1 confirm=yes expect-output="^3$"
for i in 1 2 3; do echo $i; done
\`\`\`

\`\`\`sh check
test -d /
\`\`\`

## Fail on purpose {#fail}

\`\`\`sh on=h1 confirm=typed risk="nothing, it is a test"
echo about to fail >&2; exit 3
\`\`\`
`;

function setup(): CliEnv {
  const e = cliEnv(sshd);
  writeFileSync(join(e.runbooks, 'tour.md'), TOUR);
  return e;
}

test('run --yes streams output, records every step, and exits 1 on a failed step', () => {
  const e = setup();
  const r = runCli(e, ['run', 'tour', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes', '--input', 'word=moose']);
  assert.equal(r.code, 1, r.stderr + r.stdout);
  assert.match(r.stdout, /h1 \| moose from \S+ h1/);
  assert.match(r.stdout, /h1 \| 3/);
  assert.match(r.stdout, /\[h1\] check ok/);
  assert.match(r.stdout, /h1 \| about to fail/);
  assert.match(r.stdout, /FAILED: exit 3/);
  // The journal is private and holds the exact command and the typed confirmation by --yes.
  const runs = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  const [file] = readdirSync(runs).filter((f) => f.endsWith('.jsonl'));
  assert.ok(file, 'a journal was written');
  assert.equal(statSync(join(runs, file)).mode & 0o777, 0o600);
  const recs = readFileSync(join(runs, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const started = recs.filter((x) => x.type === 'step-started');
  assert.deepEqual(
    started.map((x) => `${x.stepId}/${x.phase}`),
    ['say/command', 'count/command', 'count/check', 'fail/command'],
  );
  assert.match(started[0].command, /echo "moose from \$\(hostname\) h1"/);
  assert.equal(recs.at(-1).type, 'run-finished');
  assert.equal(recs.at(-1).status, 'failed');
});

test('run --json prints one journal record per line', () => {
  const e = setup();
  const r = runCli(e, ['run', 'tour', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes', '--json']);
  const events = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(events[0].type, 'run-started');
  assert.equal(events[0].inputs.word, 'hello');
  assert.ok(events.some((x) => x.type === 'output' && /hello from/.test(x.data)));
  assert.deepEqual(
    events.map((x) => x.seq),
    events.map((_, i) => i + 1),
  );
});

test('run without --yes and without a terminal refuses up front: runs nothing, lists what it would ask, names --yes only for automation', () => {
  const e = setup();
  const r = runCli(e, ['run', 'tour', '--runbooks', e.runbooks, '--inventory', e.inventory]);
  assert.equal(r.code, 2, r.stderr + r.stdout);
  assert.doesNotMatch(r.stdout, /hello from/, 'not even the read-only step ran');
  assert.match(r.stderr, /nothing was run\. This is not a terminal/);
  assert.match(r.stderr, /step 2 \(count\): confirm \(y\/n\), on h1/);
  assert.match(r.stderr, /step 3 \(fail\): type the host name to confirm, on h1 — risk: nothing, it is a test/);
  assert.match(r.stderr, /In a terminal, the same command opens the runner screen/);
  assert.match(r.stderr, /--yes is for automation only: it answers these 2 confirmations \(1 of them a typed host name\) without showing them to anyone/);
  assert.doesNotMatch(r.stderr, /pass --yes/);
  assert.throws(() => readdirSync(join(e.env.MFS_TUI_STATE_DIR!, 'runs')), 'no journal: no run was started');
});

test('a run that hands over prints the next command with the values it hands over (from:), safe to type as printed', () => {
  const e = setup();
  writeFileSync(
    join(e.runbooks, 'give.md'),
    `---\nid: give\ntitle: Give\nsummary: s\nwhen: w\nrisk: low\ninputs:\n  - name: gone\n    prompt: Which host?\n    default: h1\n---\n\n## Next {#next}\n\n\`\`\`decision\nquestion: Go on?\nchoices:\n  - key: on\n    label: Take it\n    runbook: take\n\`\`\`\n`,
  );
  writeFileSync(
    join(e.runbooks, 'take.md'),
    `---\nid: take\ntitle: Take\nsummary: s\nwhen: w\nrisk: low\ninputs:\n  - name: back\n    prompt: Which host comes back?\n    from: [give.gone]\n  - name: back_address\n    prompt: Its address\n    address-of: back\n---\n\n## Say {#say}\n\n\`\`\`sh on=h1 confirm=none\necho {{back}} {{back_address}}\n\`\`\`\n`.replace(
      '{{back}} {{back_address}}',
      '{{inputs.back}} {{inputs.back_address}}',
    ),
  );
  const r = runCli(e, ['run', 'give', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes', '--decide', 'next=on']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const m = /go on with: (.*) run take --input back=h1 --input back_address=(\S+)\n/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.match(m[1]!, /--inventory .* --runbooks /, 'the same cluster and runbooks');
});

test('--dry-run prints resolved commands per host and runs nothing', () => {
  const e = setup();
  const r = runCli(e, ['run', 'tour', '--runbooks', e.runbooks, '--inventory', e.inventory, '--dry-run', '--input', 'word=dry']);
  assert.equal(r.code, 0, r.stderr);
  // Each host says how it is logged into and whether its commands run under sudo.
  assert.match(r.stdout, /\[h1\] \(ssh \S+@127\.0\.0\.1:\d+, as \S+, no sudo\)\n\s+\$ echo "dry from \$\(hostname\) h1"/);
  assert.match(r.stdout, /RISK: nothing, it is a test/);
  assert.throws(() => readdirSync(join(e.env.MFS_TUI_STATE_DIR!, 'runs')));
});

test('an unknown host key is refused without an operator, naming the fingerprint', () => {
  const e = cliEnv(sshd, { trust: false });
  writeFileSync(join(e.runbooks, 'tour.md'), TOUR);
  const r = runCli(e, ['run', 'tour', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown ssh-ed25519 host key SHA256:[A-Za-z0-9+/]{43}/);
  assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /, 'no stack trace');
});

test('a bad inventory names the field and exits 2', () => {
  const e = setup();
  writeFileSync(e.inventory, 'cluster: x\nvip: { address: 10.0.0.1, interface: eth0 }\nhosts:\n  - { name: m1, address: 10.0.0.2, roles: [chunk-server] }\n');
  const r = runCli(e, ['run', 'tour', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /inventory\.yaml:4:\d+: .*hosts\[0\]\.roles\[0\].*chunk-server/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('validate reports a broken runbook as file:line:col and exits 1', () => {
  const e = setup();
  writeFileSync(join(e.runbooks, 'broken.md'), TOUR.replace('id: tour', 'id: broken').replace('confirm=yes', 'confirm=maybe'));
  const r = runCli(e, ['validate', '--runbooks', e.runbooks]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /broken\.md:23:21: bad confirm "maybe"/);
  const ok = runCli(e, ['validate', join(e.runbooks, 'tour.md')]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
});

test('kill -9 mid-step, then resume: the step is in doubt, its output kept, settled by re-running', async () => {
  const e = setup();
  writeFileSync(
    join(e.runbooks, 'slow.md'),
    `---\nid: slow\ntitle: Slow\nsummary: s\nwhen: tests\nrisk: low\nroles: [master-candidate]\n---\n\n## Slow step {#slow}\n\n\`\`\`sh on=h1 confirm=none timeout=60\necho started; while [ ! -e ${join(e.dir, 'go')} ]; do sleep 0.1; done; echo finished\n\`\`\`\n\n## After {#after}\n\n\`\`\`sh on=h1 confirm=none\necho after\n\`\`\`\n`,
  );
  const child = spawnCli(e, ['run', 'slow', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes']);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const deadline = Date.now() + 60_000;
  while (!/h1 \| started/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.match(out, /h1 \| started/);
  // The kill comes once the output is in the journal (records are fsynced as they are written).
  const runsDir = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  const journaled = () =>
    readdirSync(runsDir).some((f) =>
      readFileSync(join(runsDir, f), 'utf8')
        .split('\n')
        .some((l) => l.includes('"type":"output"') && l.includes('started')),
    );
  await until('the output in the journal', () => existsSync(runsDir) && journaled());
  child.kill('SIGKILL');
  await new Promise((r) => child.once('close', r));

  writeFileSync(join(e.dir, 'go'), '');
  // The command went on after the kill (a durable job on h1): wait until it has ended there.
  const jobRec = readdirSync(runsDir)
    .flatMap((f) => readFileSync(join(runsDir, f), 'utf8').trim().split('\n'))
    .map((l) => JSON.parse(l))
    .find((x) => x.type === 'job-started');
  assert.ok(jobRec, 'the job was journaled');
  const deadlineEnd = Date.now() + 60_000;
  while (!existsSync(join(jobRec.job.dir, `${jobRec.job.id}.rc`)) && Date.now() < deadlineEnd) await new Promise((r) => setTimeout(r, 50));
  const list = runCli(e, ['resume']);
  const runId = /^(\S+)\s+Slow/m.exec(list.stdout)?.[1];
  assert.ok(runId, list.stdout);
  // Without a decision, the in-doubt step stops a non-interactive resume.
  const stop = runCli(e, ['resume', runId, '--yes', '--inventory', e.inventory, '--runbooks', e.runbooks]);
  assert.equal(stop.code, 1);
  assert.match(stop.stdout, /step slow on h1 is in doubt/);
  assert.match(stop.stdout, /h1 \| started/);
  // What it printed after the kill, and how it ended, are shown; it no longer runs, so it may be run again.
  assert.match(stop.stdout, /h1 \| finished/);
  assert.match(stop.stdout, /the command has ended with exit code 0/);
  assert.match(stop.stdout, /--settle follow\|rerun\|mark-done\|abort/);
  const done = runCli(e, ['resume', runId, '--settle', 'rerun', '--inventory', e.inventory, '--runbooks', e.runbooks]);
  assert.equal(done.code, 0, done.stdout + done.stderr);
  assert.match(done.stdout, /in-doubt step slow on h1: rerun/);
  assert.match(done.stdout, /h1 \| after/);
  const report = runCli(e, ['report', runId]);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /started/);
  assert.match(report.stdout, /in doubt on h1; root chose to run it again/);
  assert.match(report.stdout, /### 1\. Slow step/);
});
