// Drills of the faults that restart-daemon and fence-master recover, end to end on the
// practice cluster through the real `mfs-tui` command. Two ways a drill is completed
// non-interactively: as a trainee would (triage's recommended command, run with --yes),
// and --scripted (the drill runs its recommended runbook itself). Each must end with a
// debrief that reports every file intact, the runbook as fitting and no wrong turn. One lab
// for the file; the drills run in an order each one's starting state allows.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { labBreak } from '../../../src/lab/index.ts';
import { skipReason, labExec } from '../../support/lab.ts';
import { drillCli, drillStore, log, spawnDrillCli, useDrillLab, type DrillEnv } from '../../support/drill-cli.ts';
import { TmuxApp } from '../../support/tmux.ts';
import type { TriageJsonFinding } from '../../../src/triage/index.ts';
import { inputsOf, recommendedRunArgs } from '../../support/triage-recommended.ts';

const skip = skipReason();

/** The lab and work folders of this file's suite (set when it starts). */
let env: () => DrillEnv = () => assert.fail('the suite has not started');
const cli = (args: string[], timeoutMs?: number) => drillCli(env(), args, timeoutMs);
const store = () => drillStore(env());
const tui = new TmuxApp(`mfs-tui-drill-${process.pid}`);

/** Triage until a finding recommends `runbook` (a failover or a promotion may still be under way). */
async function triageRecommends(runbook: string, ms = 90_000): Promise<TriageJsonFinding> {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    const r = await cli(['--lab', 'triage', '--json'], 120_000);
    last = r.out;
    const json = r.out.indexOf('{') >= 0 ? (JSON.parse(r.out.slice(r.out.indexOf('{'))) as { findings: TriageJsonFinding[] }) : { findings: [] };
    const f = json.findings.find((x) => x.recommendation.runbook === runbook);
    if (f) return f;
    await new Promise((res) => setTimeout(res, 1000));
  }
  assert.fail(`triage never recommended ${runbook}; last:\n${last}`);
}

/** Runs the command triage printed, with --yes and the decisions given. */
async function runTriageCommand(f: TriageJsonFinding, decide: string[] = []): Promise<void> {
  const r = await cli(recommendedRunArgs(f, decide));
  assert.equal(r.code, 0, r.out);
}

/**
 * Runs the command triage printed with --yes --json and kills it (SIGKILL, as a crash or a
 * closed laptop would) as soon as step `stepId` has started: the run is left midway.
 */
async function crashTriageCommandAt(f: TriageJsonFinding, stepId: string): Promise<{ runId: string; killedBeforeFinish: boolean }> {
  const child = spawnDrillCli(env(), [...recommendedRunArgs(f), '--json']);
  let buf = '';
  let runId = '';
  let finished = false;
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 120_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let rec: { type?: string; runId?: string; stepId?: string };
        try {
          rec = JSON.parse(line) as typeof rec;
        } catch {
          continue;
        }
        if (rec.type === 'run-started') runId = rec.runId!;
        if (rec.type === 'step-finished' && rec.stepId === stepId) finished = true;
        if (rec.type === 'step-started' && rec.stepId === stepId) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve(true);
        }
      }
    });
    child.on('close', () => resolve(false));
  });
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('close', r)));
  assert.ok(started && runId, `step ${stepId} never started (${f.recommendation.runbook})`);
  return { runId, killedBeforeFinish: !finished };
}

/** What every recovered drill's check says. */
function assertRecovered(out: string, runbook: string): void {
  assert.match(out, /RECOVERED in \d/);
  assert.match(out, /Files: 9 of 9 intact/);
  assert.match(out, /✔ all 9 drill files read back with their checksums/);
  assert.match(out, new RegExp(`${runbook} \\[fits\\] succeeded`));
  assert.match(out, /Wrong turns: none/);
  const s = store();
  assert.equal(s.active, undefined);
  assert.equal(s.history.at(-1)!.outcome, 'recovered');
}

function onHost(host: string, script: string): void {
  const r = labExec(env().lab, host, script);
  assert.equal(r.code, 0, `${host}: ${r.err}${r.out}`);
}

describe('drills recovered with restart-daemon and fence-master', { skip, timeout: 1_500_000 }, () => {
  env = useDrillLab('mfs-drill-faults-', () => tui.close());

  it('chunkserver-down: triage recommends restart-daemon for the killed chunkserver; its command recovers the drill', async () => {
    const start = await cli(['drill', 'chunkserver-down']);
    assert.equal(start.code, 0, start.out);
    const cs = store().active!.host!;
    // The trainee opens the app on the practice cluster: the drill under way is said on top.
    tui.start(
      {
        MFS_TUI_LAB_DIR: env().lab,
        MFS_TUI_STATE_DIR: path.join(env().work, 'state'),
        MFS_TUI_CONFIG_DIR: path.join(env().work, 'config'),
        NO_COLOR: '1',
        TERM: 'xterm-256color',
        LANG: 'C.UTF-8',
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
      },
      '--lab',
      { columns: 140, rows: 40 },
    );
    await tui.waitFor(/DRILL under way: A chunkserver crashed, ([\d.]+ s|\d+ min \d+ s) since the fault/, 'the drill notice on the home screen');
    tui.keys('q');
    tui.killSession();
    const f = await triageRecommends('restart-daemon');
    assert.deepEqual(f.hosts, [cs]);
    assert.equal(inputsOf(f).daemon, 'chunkserver');
    await runTriageCommand(f);
    const check = await cli(['drill', 'check', '--wait', '150']);
    assert.equal(check.code, 0, check.out);
    assertRecovered(check.out, 'restart-daemon');
    log(`chunkserver-down on ${cs} recovered in ${(store().history.at(-1)!.recoveryMs! / 1000).toFixed(1)} s`);
  });

  it('metalogger-down --scripted: restart-daemon run by the drill on ml', async () => {
    const r = await cli(['drill', 'metalogger-down', '--scripted']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /--lab run restart-daemon --yes --input host=ml --input host_address=\S+ --input daemon=metalogger/);
    assert.match(r.out, /CONNECTED: the master lists ml/);
    assertRecovered(r.out, 'restart-daemon');
    assert.ok(store().scripted['metalogger-down']!.ms > 0);
  });

  it('split-brain --scripted: fence-master fences the standby that took the VIP; one master serves with every file', async () => {
    const r = await cli(['drill', 'split-brain', '--scripted']);
    assert.equal(r.code, 0, r.out);
    const done = store().history.at(-1)!;
    const fenced = done.host!;
    assert.match(r.out, new RegExp(`--lab run fence-master --yes --input fence=${fenced} `));
    assert.match(r.out, /FENCED: no mfsmaster, no keepalived and no VIP on/);
    assert.match(r.out, /ONE MASTER serves at 10\.77\.0\.100/);
    assertRecovered(r.out, 'fence-master');
    // At the fault the standby may still be promoting itself: triage then names the split brain
    // and waits (no runbook) rather than fence beside a master being started. Never another runbook.
    const atFault = done.triage?.findings.find((x) => x.code === 'split-brain');
    assert.ok(atFault, JSON.stringify(done.triage));
    assert.ok(atFault.runbook === undefined || atFault.runbook === 'fence-master', JSON.stringify(done.triage));
    log(`split-brain: ${fenced} fenced, recovered in ${(done.recoveryMs! / 1000).toFixed(1)} s`);
    // The cause fixed, keepalived runs on the fenced host again: HA for the next drill.
    await labBreak('heal');
    onHost(fenced, 'keepalived 9>&-; exit 0');
  });

  it('stale-master-returns: after a failover the lost host serves its old metadata; triage names fence-master; its run, killed midway and resumed, recovers the drill', async () => {
    const start = await cli(['drill', 'stale-master-returns'], 900_000);
    assert.equal(start.code, 0, start.out);
    const stale = store().active!.host!;
    assert.match(start.out, /the standby \S+ took over/);
    const early = await cli(['drill', 'check']);
    assert.equal(early.code, 1, early.out);
    assert.match(early.out, new RegExp(`✘ ${stale} runs mfsmaster without the VIP`));
    const f = await triageRecommends('fence-master');
    assert.equal(f.code, 'second-master');
    assert.equal(inputsOf(f).fence, stale);
    // The trainee's mfs-tui dies while the fence step runs; the drill shows the run unfinished.
    const crash = await crashTriageCommandAt(f, 'fence');
    const where = await cli(['drill']);
    assert.match(where.out, new RegExp(`run ${crash.runId} \\(fence-master\\): unfinished: continue it with \`mfs-tui resume ${crash.runId}\``));
    // Resumed like any run: the fence step was in doubt. Its command went on on the host after
    // the kill (or never started): followed to its end while it is known there, else run again.
    const resumed = await cli(['resume', crash.runId, '--yes', '--settle', 'follow,rerun', '--decide', 'next=later']);
    assert.equal(resumed.code, 0, resumed.out);
    assert.match(resumed.out, /ONE MASTER serves at 10\.77\.0\.100/);
    const check = await cli(['drill', 'check', '--wait', '150']);
    assert.equal(check.code, 0, check.out);
    assert.match(check.out, /RECOVERED in \d/);
    assert.match(check.out, /Files: 9 of 9 intact/);
    assert.match(check.out, /fence-master \[fits\] succeeded/);
    const done = store().history.at(-1)!;
    assert.equal(done.outcome, 'recovered');
    assert.deepEqual(
      done.debrief!.runs.map((r) => r.runId),
      [crash.runId],
      'one run, resumed, not two',
    );
    if (crash.killedBeforeFinish) {
      const how = new RegExp(`in-doubt step fence on ${stale}: (rerun|follow)`).exec(resumed.out)?.[1];
      assert.ok(how, resumed.out);
      if (how === 'rerun')
        assert.ok(
          done.debrief!.wrongTurns.some((w) => w.kind === 're-run' && /in doubt after an interruption/.test(w.detail)),
          JSON.stringify(done.debrief!.wrongTurns),
        );
    }
    log(
      `stale-master-returns: ${stale} fenced (run killed at the fence step${crash.killedBeforeFinish ? ', in doubt' : ', after it finished'}, then resumed), recovered in ${(done.recoveryMs! / 1000).toFixed(1)} s`,
    );
  });
});
