// Drills end to end on the practice cluster, through the real `mfs-tui` command: a drill
// starts (files written on cl, fault injected), the recommended runbook runs with --yes as
// a trainee would, and `drill check` ends the drill with a debrief that reports every file
// intact and a recovery time. A drill checked before it is recovered is reported NOT
// recovered, with what is still wrong. One lab for the whole file; the drills run in an
// order each one's starting state allows (power-cut with HA, without HA, then lose-master).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readState } from '../../../src/lab/state.ts';
import { skipReason } from '../../support/lab.ts';
import { waitUntil } from '../../support/netns-cluster.ts';
import { drillCli, drillStore, log, masterAnswers, useDrillLab } from '../../support/drill-cli.ts';

const skip = skipReason();
const address = (host: string) => readState()!.hosts.find((h) => h.name === host)!.address;

describe('drills on the practice cluster through mfs-tui', { skip, timeout: 1_200_000 }, () => {
  // `lab up --fast`: the same HA design (keepalived-ha's own files, src/lab/ha-design.ts) in a
  // third of the time; the runbook build itself is proved by lab-cluster and the runbook lab tests.
  const env = useDrillLab('mfs-drill-', () => {}, { via: 'scripts' });
  const cli = (args: string[], timeoutMs?: number) => drillCli(env(), args, timeoutMs);
  const store = () => drillStore(env());
  const work = () => env().work;

  it('refuses any inventory but the practice cluster', async () => {
    const r = await cli(['--inventory', '/etc/hosts', 'drill', 'power-cut']);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /drills run on the practice cluster only/);
    assert.equal(store().active, undefined);
  });

  it('power-cut: the trainee runs the power-cut runbook (standby took over, old master rejoins); the debrief shows every file intact', async () => {
    const start = await cli(['drill', 'power-cut']);
    assert.equal(start.code, 0, start.out);
    assert.match(start.out, /DRILL drill-\S+: Power cut on the active master/);
    assert.match(start.out, /mfs-tui drill check/);
    const drill = store().active!;
    assert.equal(drill.files.length, 9);
    assert.ok(drill.versionBefore > 0 && drill.brokeAt && drill.host);
    log(`power-cut drill started in ${start.seconds.toFixed(1)} s, fault on ${drill.host}`);
    // As the trainee would see in status: a master answers again once the standby took over.
    assert.ok((await waitUntil(90_000, masterAnswers)) !== undefined, 'the standby took over');
    const run = await cli([
      '--lab',
      'run',
      'power-cut',
      '--yes',
      '--input',
      `host=${drill.host}`,
      '--input',
      `host_address=${address(drill.host!)}`,
      '--decide',
      'host-boots=yes',
      '--decide',
      'choose=rejoin',
    ]);
    assert.equal(run.code, 0, run.out);
    const report = path.join(work(), 'power-cut.md');
    const check = await cli(['drill', 'check', '--wait', '150', '--report', report]);
    assert.equal(check.code, 0, check.out);
    assert.match(check.out, /RECOVERED in \d/);
    assert.match(check.out, /Files: 9 of 9 intact/);
    assert.match(check.out, /✔ all 9 drill files read back with their checksums/);
    assert.match(check.out, /power-cut \[fits\] succeeded/);
    assert.match(check.out, /Wrong turns: none/);
    assert.match(check.out, /first recovered drill of power-cut/);
    const s = store();
    assert.equal(s.active, undefined);
    const done = s.history.at(-1)!;
    assert.equal(done.outcome, 'recovered');
    assert.ok(done.recoveryMs! > 0);
    assert.equal(done.debrief!.runs.length, 1);
    assert.ok(done.debrief!.runs[0]!.steps.some((st) => st.stepId === 'move-stale' && st.ok === true && st.wallMs >= 0));
    const md = fs.readFileSync(report, 'utf8');
    assert.match(md, /^# Drill debrief: Power cut on the active master/);
    assert.match(md, /\*\*recovered in /);
    assert.equal(fs.statSync(report).mode & 0o777, 0o600);
    log(`power-cut drill recovered in ${(done.recoveryMs! / 1000).toFixed(1)} s (runbook ${run.seconds.toFixed(1)} s)`);
  });

  it('power-cut-no-ha --scripted: the recommended runbook run by the drill itself; its time becomes the reference', async () => {
    const r = await cli(['drill', 'power-cut-no-ha', '--scripted']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Scripted recovery/);
    assert.match(r.out, /OK: the master has every change the metalogger logged/);
    assert.match(r.out, /RECOVERED in \d/);
    assert.match(r.out, /Files: 9 of 9 intact/);
    const s = store();
    assert.equal(s.active, undefined);
    assert.ok(s.scripted['power-cut-no-ha']!.ms > 0);
    assert.equal(s.history.at(-1)!.scripted, true);
    log(`power-cut-no-ha scripted recovery: ${(s.scripted['power-cut-no-ha']!.ms / 1000).toFixed(1)} s (whole command ${r.seconds.toFixed(1)} s)`);
  });

  it('lose-master: checked before recovery it is NOT recovered (and says why); a runbook that does not fit is a wrong turn; lost-master recovers it', async () => {
    const start = await cli(['drill', 'lose-master']);
    assert.equal(start.code, 0, start.out);
    const drill = store().active!;
    const lost = drill.host!;
    const target = readState()!.hosts.find((h) => h.roles.includes('master-candidate') && h.name !== lost)!;

    const early = await cli(['drill', 'check']);
    assert.equal(early.code, 1, early.out);
    assert.match(early.out, /is NOT recovered/);
    assert.match(early.out, /✘ (nobody holds the VIP|no master answers at the VIP)/);
    assert.doesNotMatch(early.out, /RECOVERED in/);
    assert.ok(store().active, 'the drill goes on');
    assert.equal(store().active!.checks.length, 1);

    // A wrong turn: the power-cut runbook for a host that does not come back.
    const wrong = await cli(['--lab', 'run', 'power-cut', '--yes', '--input', `host=${lost}`, '--input', `host_address=${address(lost)}`, '--decide', 'host-boots=yes'], 120_000);
    assert.notEqual(wrong.code, 0, wrong.out);

    const run = await cli([
      '--lab',
      'run',
      'lost-master',
      '--yes',
      '--input',
      `old=${lost}`,
      '--input',
      `old_address=${address(lost)}`,
      '--input',
      `target=${target.name}`,
      '--input',
      `target_address=${target.address}`,
      '--decide',
      'fence=fenced',
      '--decide',
      'next=later',
    ]);
    assert.equal(run.code, 0, run.out);
    const check = await cli(['drill', 'check', '--wait', '150']);
    assert.equal(check.code, 0, check.out);
    assert.match(check.out, /RECOVERED in \d/);
    assert.match(check.out, /Files: 9 of 9 intact/);
    assert.match(check.out, /lost-master \[fits\] succeeded/);
    assert.match(check.out, /power-cut \[DID NOT FIT\]/);
    assert.match(check.out, /ran power-cut \(.*\): it does not fit "The active master host is lost/);
    const done = store().history.at(-1)!;
    assert.equal(done.outcome, 'recovered');
    assert.equal(done.checks.length, 2);
    assert.ok(done.debrief!.wrongTurns.some((w) => w.kind === 'unfit-runbook'));
    log(`lose-master drill recovered in ${(done.recoveryMs! / 1000).toFixed(1)} s; wrong turns: ${done.debrief!.wrongTurns.map((w) => w.kind).join(', ')}`);
  });

  it('history and the markdown report of the last drill', async () => {
    const list = await cli(['drill', 'list']);
    assert.equal(list.code, 0, list.out);
    assert.match(list.out, /power-cut +recovered/);
    assert.match(list.out, /power-cut-no-ha +recovered .* scripted/);
    assert.match(list.out, /lose-master +recovered/);
    const md = await cli(['drill', '--report']);
    assert.equal(md.code, 0, md.out);
    assert.match(md.out, /^# Drill debrief: The active master host is lost/);
    assert.match(md.out, /## Wrong turns/);
  });
});
