// The drill debrief from journal records: runs, steps with their times, wrong turns, and the
// comparison with earlier drills and the scripted recovery.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDebrief, redactSurprise, renderDebriefMarkdown, renderDebriefText, type RunInput } from '../../../src/drill/debrief.ts';
import { builtinRunbookDir, loadRunbookDir } from '../../../src/runbook/library.ts';
import { checkInput } from '../../../src/runbook/inputs.ts';
import { formatDrillNotice } from '../../../src/drill/notice.ts';
import { pickSurprise, runbookFit, findScenario, whyNotDrillable, DRILL_SCENARIOS } from '../../../src/drill/scenarios.ts';
import type { DrillRecord } from '../../../src/drill/types.ts';
import type { JournalRecord, NewRecord } from '../../../src/journal/types.ts';
import { fromMarkdown } from 'mdast-util-from-markdown';
import type { Nodes } from 'mdast';
import { mdText } from '../../../src/util/markdown.ts';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** A journal: each record with the second it was written at. */
function journal(runId: string, runbook: string, cluster: string, recs: [number, NewRecord][]): RunInput {
  const start: [number, NewRecord] = [
    recs[0]![0],
    {
      type: 'run-started',
      runId,
      runbook: { id: runbook, title: `${runbook} title`, file: `/rb/${runbook}.md`, hash: 'h', steps: [] },
      inventory: { file: '/lab/inventory.yaml', hash: 'h', cluster },
      inputs: {},
      operator: 'trainee',
      machine: 'box',
      mode: 'non-interactive',
    },
  ];
  const records = [start, ...recs].map(([s, r], i) => ({ ...r, seq: i + 1, ts: at(s) }) as JournalRecord);
  return { runId, records };
}

function cmd(step: string, host: string, from: number, to: number, ok = true, attempt = 1, output?: string): [number, NewRecord][] {
  const recs: [number, NewRecord][] = [[from, { type: 'step-started', stepId: step, host, phase: 'command', command: 'x', attempt }]];
  if (output) recs.push([from, { type: 'output', stepId: step, host, phase: 'command', stream: 'stdout', data: output }]);
  recs.push([to, { type: 'step-finished', stepId: step, host, phase: 'command', exitCode: ok ? 0 : 1, durationMs: (to - from) * 1000, ok, reason: ok ? undefined : 'exit 1, expected 0' }]);
  return recs;
}

function drill(over: Partial<DrillRecord> = {}): DrillRecord {
  return {
    id: 'drill-20261125-100000-ab12',
    scenario: 'power-cut',
    surprise: false,
    scripted: false,
    startedAt: at(-10),
    brokeAt: at(0),
    host: 'm1',
    did: [],
    versionBefore: 100,
    dir: '/mnt/mfs/drills/x',
    files: Array.from({ length: 9 }, (_, i) => ({ name: `f${i}`, sha256: 'a'.repeat(64), size: 1 })),
    checks: [],
    ...over,
  };
}

const past = (id: string, scenario: string, recoveryMs: number | undefined, startS: number, extra: Partial<DrillRecord> = {}): DrillRecord =>
  drill({ id, scenario, startedAt: at(startS), outcome: recoveryMs === undefined ? 'abandoned' : 'recovered', recoveryMs, ...extra });

describe('drill debrief', () => {
  it('a clean recovery: the fitting runbook, steps with their times, no wrong turn, compared with earlier drills and the scripted time', () => {
    const run = journal('r1', 'power-cut', 'lab', [
      [5, { type: 'decided', stepId: 'host-boots', choice: 'yes', goto: 'local-state' }],
      ...cmd('local-state', 'm1', 6, 8),
      [20, { type: 'decided', stepId: 'choose', choice: 'rejoin', goto: 'rejoin-check' }],
      [21, { type: 'confirmed', stepId: 'move-stale', host: 'm1', how: 'auto' }],
      ...cmd('move-stale', 'm1', 21, 24),
      [25, { type: 'step-skipped', stepId: 'standby-start', host: 'm1', by: 'condition', reason: 'init=systemd' }],
      [40, { type: 'run-finished', status: 'succeeded' }],
    ]);
    const history = [
      past('d-old1', 'power-cut', 90_000, -5000),
      past('d-old2', 'power-cut', 60_000, -3000),
      past('d-other', 'lose-master', 10_000, -2000),
      past('d-scripted', 'power-cut', 5_000, -1000, { scripted: true }),
      past('d-abandoned', 'power-cut', undefined, -500),
    ];
    const d = buildDebrief({
      drill: drill(),
      endedAt: at(75),
      recovered: true,
      problems: [],
      verified: ['no missing chunks'],
      warnings: ['the standby m2 has no metalogger connected'],
      filesIntact: 9,
      runs: [run],
      labCluster: 'lab',
      history,
      scriptedMs: 45_000,
    });
    assert.equal(d.recovered, true);
    assert.equal(d.recoveryMs, 75_000);
    assert.deepEqual(d.files, { total: 9, intact: 9 });
    assert.equal(d.runs.length, 1);
    const r = d.runs[0]!;
    assert.equal(r.fit, 'fits');
    assert.equal(r.status, 'succeeded');
    assert.equal(r.durationMs, 35_000);
    assert.deepEqual(
      r.steps.map((s) => [s.stepId, s.kind, s.wallMs, s.ok ?? null, s.choice ?? null]),
      [
        ['host-boots', 'decision', 0, null, 'yes'],
        ['local-state', 'command', 2000, true, null],
        ['choose', 'decision', 12_000, null, 'rejoin'],
        ['move-stale', 'command', 3000, true, null],
      ],
    );
    assert.deepEqual(d.wrongTurns, []);
    assert.deepEqual(d.comparison, { earlier: 2, bestMs: 60_000, lastMs: 60_000, averageMs: 75_000, scriptedMs: 45_000 });
    const text = renderDebriefText(d);
    assert.match(text, /RECOVERED in 1 min 15 s/);
    assert.match(text, /power-cut \[fits\] succeeded, 35\.0 s/);
    assert.match(text, /✔ move-stale on m1 {2}3\.0 s/);
    assert.match(text, /\? choose → rejoin {2}12\.0 s/);
    assert.match(text, /scripted recovery: 45\.0 s \(you: \+30\.0 s\)/);
    assert.match(text, /2 earlier drills of power-cut: best 1 min 00 s \(you: \+15\.0 s\), last 1 min 00 s \(you: \+15\.0 s\), average 1 min 15 s/);
    assert.match(text, /Wrong turns: none/);
    assert.match(text, /⚠ the standby m2 has no metalogger connected/);
    const md = renderDebriefMarkdown(d);
    assert.match(md, /## Worth fixing \(not part of the recovery\)\n\n- the standby m2 has no metalogger connected/);
    assert.match(md, /^# Drill debrief: Power cut on the active master/);
    assert.match(md, /\| `move-stale` \| command \| m1 \| 1 \| 3\.0 s \| ok \|/);
    assert.match(md, /\| `choose` \| decision \| - \| 1 \| 12\.0 s \| chose rejoin \|/);
  });

  it('wrong turns: a runbook that does not fit, a refused precondition, a failed step, a re-run (attempt and across runs), another cluster', () => {
    const unfit = journal('r1', 'lost-master', 'lab', [
      [3, { type: 'preconditions', stepId: 'restore', results: [{ name: 'no-master', met: false, detail: 'a master answers at the VIP' }], outcome: 'refused', dangerous: true }],
      [4, { type: 'run-finished', status: 'aborted', reason: 'operator stopped' }],
    ]);
    const first = journal('r2', 'power-cut', 'lab', [
      [10, { type: 'confirmed', stepId: 'move-stale', host: 'm1', how: 'typed', typed: 'm1' }],
      ...cmd('move-stale', 'm1', 10, 12),
      ...cmd('compare-metalogger', 'ml', 13, 14, false, 1, 'metalogger ml: last change 9\nREFUSED: the master is behind the metalogger by 3 changes\n'),
      ...cmd('verify', 'ml', 15, 16, false, 1, 'not healthy after 90 s\n'),
      ...cmd('verify', 'ml', 17, 19, true, 2),
      [20, { type: 'refused', stepId: 'vip-back', host: 'm1', typed: 'm2', reason: 'typed m2, not m1' }],
      [21, { type: 'run-finished', status: 'failed', reason: 'step compare-metalogger failed' }],
    ]);
    const again = journal('r3', 'power-cut', 'lab', [
      [30, { type: 'confirmed', stepId: 'move-stale', host: 'm1', how: 'typed', typed: 'm1' }],
      ...cmd('move-stale', 'm1', 30, 31),
      [32, { type: 'run-finished', status: 'succeeded' }],
    ]);
    const look = journal('r4', 'health-check', 'lab', [...cmd('vip-holder', 'm1', 40, 41), [42, { type: 'run-finished', status: 'succeeded' }]]);
    const prod = journal('r5', 'health-check', 'prod-a', [[50, { type: 'run-finished', status: 'succeeded' }]]);
    // Given out of order: the debrief sorts runs by start.
    const d = buildDebrief({ drill: drill(), endedAt: at(60), recovered: true, problems: [], verified: [], filesIntact: 9, runs: [again, prod, look, first, unfit], labCluster: 'lab', history: [] });
    assert.deepEqual(
      d.runs.map((r) => [r.runId, r.fit, r.status]),
      [
        ['r1', 'unfit', 'aborted'],
        ['r2', 'fits', 'failed'],
        ['r3', 'fits', 'succeeded'],
        ['r4', 'neutral', 'succeeded'],
        ['r5', 'other-cluster', 'succeeded'],
      ],
    );
    assert.deepEqual(
      d.wrongTurns.map((w) => [w.kind, w.runId, w.stepId ?? null]),
      [
        ['unfit-runbook', 'r1', null],
        ['refused-precondition', 'r1', 'restore'],
        ['failed-run', 'r1', null],
        ['refused-precondition', 'r2', 'compare-metalogger'],
        ['failed-step', 'r2', 'verify'],
        ['re-run', 'r2', 'verify'],
        ['refused-confirmation', 'r2', 'vip-back'],
        ['failed-run', 'r2', null],
        ['re-run', 'r3', 'move-stale'],
        ['other-cluster', 'r5', null],
      ],
    );
    const detail = (k: string) => d.wrongTurns.filter((w) => w.kind === k).map((w) => w.detail);
    assert.deepEqual(detail('unfit-runbook'), ['ran lost-master (lost-master title): it does not fit "Power cut on the active master (HA in place)"; power-cut does']);
    assert.ok(detail('refused-precondition').includes('step compare-metalogger of power-cut on ml refused: REFUSED: the master is behind the metalogger by 3 changes'));
    assert.ok(detail('refused-precondition').includes('step restore of lost-master was refused: no-master: a master answers at the VIP'));
    assert.deepEqual(detail('failed-step'), ['step verify of power-cut failed on ml (command): exit 1, expected 0 — not healthy after 90 s']);
    assert.ok(detail('re-run').includes('step move-stale of power-cut ran again in run r3 (it had succeeded in r2)'));
    assert.deepEqual(detail('other-cluster'), ["ran health-check against the cluster 'prod-a', not the practice cluster, during the drill"]);
    const text = renderDebriefText(d);
    assert.match(text, /lost-master \[DID NOT FIT\] aborted/);
    assert.match(text, /✘ compare-metalogger on ml/);
    assert.match(text, /✔ verify on ml ×2/);
    assert.match(text, /Wrong turns \(10\):/);
  });

  it('not recovered: no recovery time, what is still wrong, files counted', () => {
    const d = buildDebrief({
      drill: drill({ surprise: true }),
      endedAt: at(30),
      recovered: false,
      problems: ['nobody holds the VIP 10.77.0.100', 'drill files not readable: the mount does not answer'],
      verified: [],
      filesIntact: 0,
      runs: [],
      labCluster: 'lab',
      history: [past('d-old', 'power-cut', 50_000, -100)],
      scriptedMs: 40_000,
    });
    assert.equal(d.recovered, false);
    assert.equal(d.recoveryMs, undefined);
    const text = renderDebriefText(d);
    assert.match(text, /NOT RECOVERED/);
    assert.doesNotMatch(text, /RECOVERED in/);
    assert.match(text, /✘ nobody holds the VIP 10\.77\.0\.100/);
    assert.match(text, /Files: 0 of 9 intact/);
    assert.match(text, /Runbook runs: none/);
    assert.doesNotMatch(text, /Compared:/);
    const md = renderDebriefMarkdown(d);
    assert.match(md, /\*\*not recovered\*\*/);
    assert.match(md, /## Still wrong\n\n- nobody holds the VIP/);
  });

  it('a runbook triage recommended at the fault fits (following triage is no wrong turn); the debrief shows what triage said', () => {
    const run = journal('r1', 'lost-master', 'lab', [...cmd('fence-probe', 'm2', 2, 3), [4, { type: 'run-finished', status: 'succeeded' }]]);
    const triage = {
      at: at(1),
      findings: [
        { code: 'master-host-unreachable', title: 'm1 unreachable', runbook: 'lost-master' },
        { code: 'chunkserver-down', title: 'c3 down' },
      ],
    };
    const d = buildDebrief({ drill: drill({ triage }), endedAt: at(10), recovered: true, problems: [], verified: [], filesIntact: 9, runs: [run], labCluster: 'lab', history: [] });
    assert.equal(d.runs[0]!.fit, 'fits');
    assert.deepEqual(d.wrongTurns, []);
    assert.match(renderDebriefText(d), /Triage at the fault: master-host-unreachable → lost-master, chunkserver-down/);
    assert.match(renderDebriefMarkdown(d), /\| Triage \| master-host-unreachable → lost-master, chunkserver-down \|/);
    const failed = buildDebrief({
      drill: drill({ triage: { at: at(1), findings: [], error: 'no host reachable' } }),
      endedAt: at(10),
      recovered: true,
      problems: [],
      verified: [],
      filesIntact: 9,
      runs: [run],
      labCluster: 'lab',
      history: [],
    });
    assert.equal(failed.runs[0]!.fit, 'unfit');
    assert.match(renderDebriefText(failed), /Triage at the fault: not taken \(no host reachable\)/);
  });

  it('a surprise drill not yet recovered does not give away the fault, its host or what fits; once recovered it does', () => {
    const run = journal('r1', 'lost-master', 'lab', [[4, { type: 'run-finished', status: 'succeeded' }]]);
    const input = {
      drill: drill({ surprise: true }),
      endedAt: at(10),
      recovered: false,
      problems: ['nobody holds the VIP 10.77.0.100'],
      verified: [],
      filesIntact: 0,
      runs: [run],
      labCluster: 'lab',
      history: [],
    };
    const open = redactSurprise(buildDebrief(input));
    const text = renderDebriefText(open) + renderDebriefMarkdown(open) + JSON.stringify(open);
    assert.doesNotMatch(text, /power-cut|Power cut|m1|DID NOT FIT|does not fit/);
    assert.match(renderDebriefText(open), /lost-master \[fit shown after recovery\] succeeded/);
    const done = redactSurprise(buildDebrief({ ...input, recovered: true, problems: [] }));
    assert.match(renderDebriefText(done), /Power cut on the active master .*\(surprise\)/);
    assert.match(renderDebriefText(done), /lost-master \[DID NOT FIT\]/);
  });

  it('a run still going (unfinished) and a step in doubt settled by re-running it', () => {
    const run = journal('r1', 'power-cut', 'lab', [
      ...cmd('restore', 'm1', 5, 9),
      [10, { type: 'resumed', pid: 1, changedSteps: [], operator: 'trainee' }],
      [11, { type: 'in-doubt-resolved', stepId: 'start-master', host: 'm1', action: 'rerun' }],
      ...cmd('start-master', 'm1', 11, 12),
    ]);
    const d = buildDebrief({ drill: drill(), endedAt: at(20), recovered: false, problems: ['x'], verified: [], filesIntact: 9, runs: [run], labCluster: 'lab', history: [] });
    assert.equal(d.runs[0]!.status, 'unfinished');
    assert.deepEqual(
      d.wrongTurns.map((w) => w.kind),
      ['re-run'],
    );
    assert.match(d.wrongTurns[0]!.detail, /was in doubt after an interruption and was run again on m1/);
  });
});

describe('drill scenarios', () => {
  it('each drill names an existing fault and a fitting runbook first; fit of other runbooks', () => {
    for (const s of DRILL_SCENARIOS) assert.ok(s.fits.length > 0, s.id);
    const pc = findScenario('power-cut')!;
    assert.equal(runbookFit(pc, 'power-cut'), 'fits');
    assert.equal(runbookFit(pc, 'health-check'), 'neutral');
    assert.equal(runbookFit(pc, 'lost-master'), 'unfit');
    assert.equal(findScenario('lose-master')!.fits[0], 'lost-master');
  });

  it('a fault without a runbook is refused with the reason; an unknown name lists the drills', () => {
    assert.match(whyNotDrillable('partition'), /^'partition' is not offered as a drill: no runbook heals a network partition/);
    assert.match(whyNotDrillable('nope'), /^no drill 'nope' \(drills: power-cut, power-cut-no-ha, lose-master, chunkserver-down, metalogger-down, split-brain, stale-master-returns\)$/);
  });

  it('--surprise picks any drill', () => {
    assert.equal(pickSurprise(() => 0).id, DRILL_SCENARIOS[0]!.id);
    assert.equal(pickSurprise(() => 0.9999).id, DRILL_SCENARIOS.at(-1)!.id);
  });

  it('scripted recovery arguments follow who serves', () => {
    const ctx = { host: 'm1', hostAddress: '10.77.0.11', standby: 'm2', standbyAddress: '10.77.0.12', masterAnswers: true };
    assert.deepEqual(findScenario('power-cut')!.scripted(ctx).decide, { 'host-boots': 'yes', choose: 'rejoin' });
    assert.deepEqual(findScenario('power-cut')!.scripted({ ...ctx, masterAnswers: false }).decide, { 'host-boots': 'yes', choose: 'recover', 'master-back': 'yes' });
    assert.deepEqual(findScenario('lose-master')!.scripted(ctx).inputs, { old: 'm1', old_address: '10.77.0.11', target: 'm2', target_address: '10.77.0.12' });
    assert.deepEqual(findScenario('split-brain')!.scripted(ctx).inputs, { fence: 'm1', fence_address: '10.77.0.11', keep: 'm2', keep_address: '10.77.0.12' });
  });

  it("every drill's scripted recovery is its first fitting runbook, with declared inputs that pass validation and decisions that exist", () => {
    const { runbooks, problems } = loadRunbookDir(builtinRunbookDir());
    assert.deepEqual(problems, []);
    const ctx = { host: 'c3', hostAddress: '10.77.0.23', standby: 'm2', standbyAddress: '10.77.0.12', masterAnswers: false };
    for (const s of DRILL_SCENARIOS) {
      for (const id of s.fits)
        assert.ok(
          runbooks.some((r) => r.id === id),
          `${s.id}: runbook ${id} exists`,
        );
      const rec = s.scripted(ctx);
      assert.equal(rec.runbook, s.fits[0], s.id);
      const rb = runbooks.find((r) => r.id === rec.runbook)!;
      for (const [name, value] of Object.entries(rec.inputs)) {
        const input = rb.inputs.find((i) => i.name === name);
        assert.ok(input, `${s.id}: ${rb.id} declares ${name}`);
        assert.equal(checkInput(input, value), undefined, `${s.id}: ${name}=${value}`);
      }
      const missing = rb.inputs.filter((i) => i.default === undefined && !(i.name in rec.inputs)).map((i) => i.name);
      assert.deepEqual(missing, [], `${s.id}: every input without a default is given`);
      for (const [step, key] of Object.entries(rec.decide)) {
        const d = rb.steps.find((x) => x.id === step)?.decision;
        assert.ok(d, `${s.id}: ${rb.id} has a decision step ${step}`);
        assert.ok(
          d.choices.some((c) => c.key === key),
          `${s.id}: ${rb.id}#${step} has the choice ${key}`,
        );
      }
    }
  });
});

describe('the home screen notice of a drill under way', () => {
  it('names the drill and the clock since the fault; a surprise stays unnamed; a drill without its fault says how to start again', () => {
    const now = Date.parse(at(0)) + 95_000;
    assert.equal(
      formatDrillNotice(drill(), now),
      'DRILL under way: Power cut on the active master (HA in place), 1 min 35 s since the fault. Recover the cluster, then `mfs-tui drill check` stops the clock.',
    );
    const surprise = formatDrillNotice(drill({ surprise: true }), now);
    assert.match(surprise, /^DRILL under way: a surprise drill, 1 min 35 s since the fault/);
    assert.doesNotMatch(surprise, /[Pp]ower|m1/);
    assert.match(formatDrillNotice(drill({ brokeAt: undefined }), now), /never got its fault in place: `mfs-tui drill abandon`/);
  });
});

describe('the debrief in Chinese', () => {
  it('the frame, times and words in Chinese; run ids, runbook ids, step ids and codes as in English', async () => {
    const { setLanguage } = await import('../../../src/i18n/index.ts');
    const run = journal('r1', 'power-cut', 'lab', [...cmd('move-stale', 'm1', 10, 13), [40, { type: 'run-finished', status: 'succeeded' }]]);
    const d = buildDebrief({
      drill: drill(),
      endedAt: at(75),
      recovered: true,
      problems: [],
      verified: ['no missing chunks'],
      warnings: [],
      filesIntact: 9,
      runs: [run],
      labCluster: 'lab',
      history: [],
    });
    setLanguage('zh');
    try {
      const text = renderDebriefText(d);
      assert.match(text, /已恢复，用时 1 分 15 秒（故障发生于 /);
      assert.match(text, /文件：9 个中 9 个完好/);
      assert.match(text, /执行过的 runbook（1 次）：\n {2}r1 {2}power-cut \[对症\] 成功，用时 30\.0 秒/);
      assert.match(text, /✔ move-stale，在 m1 上 {2}3\.0 秒/);
      assert.match(text, /走过的弯路：无/);
      const md = renderDebriefMarkdown(d);
      assert.match(md, /^# 演练复盘：/);
      assert.match(md, /\| 步骤 \| 类型 \| 主机 \| 次数 \| 用时 \| 结果 \|/);
      assert.match(md, /\| `move-stale` \| 命令 \| m1 \| 1 \| 3\.0 秒 \| 成功 \|/);
    } finally {
      setLanguage('en');
    }
    assert.match(renderDebriefText(d), /Files: 9 of 9 intact/);
  });
});

describe('the drill report keeps its structure whatever hosts and the operator put in it', () => {
  /** Block structure only: node types and heading depths, not the text. */
  const skeleton = (node: Nodes): unknown =>
    node.type === 'text' || node.type === 'inlineCode' || node.type === 'code'
      ? 'leaf'
      : {
          type: node.type,
          ...(node.type === 'heading' ? { depth: node.depth } : {}),
          children: ('children' in node ? (node.children as Nodes[]) : []).map(skeleton).filter((c, i, all) => !(c === 'leaf' && all[i - 1] === 'leaf')),
        };
  const HOSTILE = 'v`a``l\n\n# Heading\n- item\n```\n| x | y |\n<details>\n[l](http://e.x) *em* _u_';
  const render = (v: (s: string) => string) => {
    const run = journal('r1', 'power-cut', 'lab', [
      [5, { type: 'decided', stepId: 'choose', choice: v('choice'), goto: 'x' }],
      ...cmd('local-state', v('m1'), 6, 8, false),
      [40, { type: 'run-finished', status: 'failed', reason: v('reason') }],
    ]);
    (run.records[0] as { runbook: { title: string } }).runbook.title = v('title');
    const d = buildDebrief({
      drill: drill({ host: v('host') }),
      endedAt: at(60),
      recovered: false,
      problems: [v('problem')],
      verified: [v('verified')],
      filesIntact: 9,
      runs: [run],
      labCluster: 'lab',
      history: [],
    });
    d.warnings.push(v('warning'));
    return renderDebriefMarkdown(d);
  };
  it('the same markdown tree with plain and with hostile values', () => {
    const plain = render((s) => `x${s}`);
    const hostile = render((s) => `${s} ${HOSTILE}`);
    assert.deepEqual(skeleton(fromMarkdown(hostile)), skeleton(fromMarkdown(plain)), hostile);
    assert.ok(hostile.includes(`- ${mdText(`problem ${HOSTILE}`)}`), 'the value is still there, escaped');
  });
});

describe('drill debrief in Chinese', () => {
  it("under zh the debrief, its wrong turns and the health verdict's problems read in Chinese; the ids, hosts and numbers stay", async () => {
    const { setLanguage } = await import('../../../src/i18n/index.ts');
    const { judgeHealth } = await import('../../../src/drill/verdict.ts');
    setLanguage('zh');
    try {
      const run = journal('r1', 'power-cut', 'lab', [...cmd('move-stale', 'm1', 5, 7, false, 1, 'mv: cannot stat\n'), [8, { type: 'run-finished', status: 'failed' }]]);
      const verdict = judgeHealth({
        vip: '10.77.0.100',
        vipHolders: [],
        candidates: [],
        master: { error: 'connection refused' },
        versionBefore: 100,
        metalogger: { name: 'ml', address: '10.77.0.13' },
        chunkservers: [],
      } as unknown as Parameters<typeof judgeHealth>[0]);
      assert.deepEqual(verdict.problems, ['没有主机持有 VIP 10.77.0.100', 'VIP 10.77.0.100 上没有 master 应答：connection refused']);
      const d = buildDebrief({ drill: drill(), endedAt: at(30), recovered: false, problems: verdict.problems, verified: [], filesIntact: 9, runs: [run], labCluster: 'lab', history: [] });
      assert.deepEqual(
        d.wrongTurns.map((w) => w.detail),
        ['power-cut 的步骤 move-stale 在 m1 上失败（command）：exit 1, expected 0 — mv: cannot stat', 'power-cut 的运行结束：失败'],
      );
      const text = renderDebriefText(d);
      assert.match(text, /演练 drill-20261125-100000-ab12：/);
      assert.match(text, /没有主机持有 VIP 10\.77\.0\.100/);
      assert.match(text, /power-cut 的步骤 move-stale 在 m1 上失败/);
      assert.doesNotMatch(text, /nobody holds|step move-stale of|run of power-cut/);
    } finally {
      setLanguage('en');
    }
  });
});
