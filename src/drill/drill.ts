// A drill from start to debrief: files written, the fault injected and the clock started;
// later the check that ends it when the cluster verifies healthy. The drill under way is
// kept in the drill store, so any later mfs-tui process (or a new session) can finish it.
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import { readJournal } from '../journal/read.ts';
import { listRuns } from '../journal/list.ts';
import { labBreak } from '../lab/break.ts';
import { LAB_CLUSTER } from '../lab/layout.ts';
import { LabError } from '../lab/proc.ts';
import { buildDebrief, type Debrief, type RunInput } from './debrief.ts';
import { DRILLS_DIR, haInPlace, hostAddress, killKeepalived, masterPair, masterVersion, observeLab, otherCandidate, pinVip, writeDrillFiles } from './probe.ts';
import { DRILL_SCENARIOS, findScenario, pickSurprise, whyNotDrillable, type DrillScenario, type ScriptedRecovery } from './scenarios.ts';
import { activeDrill, drillHistory, finishDrill, recordScriptedTime, saveActive, scriptedTime } from './store.ts';
import type { DrillRecord, TriageAtFault } from './types.ts';
import { judgeHealth, type HealthObservation, type Verdict } from './verdict.ts';
import { t } from '../i18n/index.ts';

export type Say = (line: string) => void;

/** Problems a drill refuses to start with, or cannot go on from: the operator's to fix. */
export class DrillError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrillError';
  }
}

function newDrillId(now = new Date()): string {
  const iso = now.toISOString();
  return `drill-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${crypto.randomBytes(2).toString('hex')}`;
}

const clock = (iso: string) => iso.slice(11, 19) + ' UTC';

export interface StartOptions {
  scenario?: string;
  surprise?: boolean;
  scripted?: boolean;
  random?: () => number;
  /** Triage of the broken cluster, taken right after the fault (best effort: its failure is recorded, never fatal). */
  triageAtFault?: () => Promise<TriageAtFault>;
}

/** How long a drill waits for a cluster that is not healthy yet (still reconnecting) before it refuses. */
const SETTLE_MS = 30_000;

export function chooseScenario(opts: StartOptions): DrillScenario {
  if (opts.surprise && opts.scenario) throw new DrillError(t('practice.scenarioOrSurprise'));
  if (opts.surprise) return pickSurprise(opts.random);
  if (!opts.scenario) throw new DrillError(t('practice.whichDrill', { drills: DRILL_SCENARIOS.map((s) => s.id).join(', ') }));
  const s = findScenario(opts.scenario);
  if (!s) throw new DrillError(whyNotDrillable(opts.scenario));
  return s;
}

export async function startDrill(opts: StartOptions, say: Say): Promise<DrillRecord> {
  const under = activeDrill();
  if (under) {
    throw new DrillError(t('practice.underWay', { id: under.id, started: clock(under.startedAt) }));
  }
  const scenario = chooseScenario(opts);
  say(opts.surprise ? t('practice.surpriseChecking') : t('practice.checking', { title: scenario.title }));
  let before = judgeHealth(await observeLab({ versionBefore: 0 }));
  // Right after a recovery (an earlier drill) a metalogger or chunkserver may still be
  // reconnecting: give the cluster a short while to settle before refusing.
  const settleUntil = Date.now() + SETTLE_MS;
  if (!before.healthy) say(t('practice.settling', { problem: before.problems[0] ?? '', seconds: SETTLE_MS / 1000 }));
  while (!before.healthy && Date.now() < settleUntil) {
    await new Promise((r) => setTimeout(r, 2000));
    before = judgeHealth(await observeLab({ versionBefore: 0 }));
  }
  if (!before.healthy) {
    throw new DrillError(t('practice.notHealthy', { problems: before.problems.map((p) => `  - ${p}`).join('\n') }));
  }
  if (scenario.needsHa) {
    const ha = await haInPlace();
    if (!ha.ok) throw new DrillError(t('practice.needsHa', { hosts: ha.missing.join(', ') }));
  }
  // Who is active and who stands by: checked here, and the preparation below acts on it.
  const pair = await masterPair();
  if (scenario.prepare === 'standby-no-failover' || scenario.prepare === 'lost-then-failover' || scenario.breaks === 'lose-master' || scenario.breaks === 'split-brain') {
    if (!pair.standby) throw new DrillError(t('practice.needsStandby', { host: pair.active.name }));
  }
  const id = newDrillId();
  const drill: DrillRecord = {
    id,
    scenario: scenario.id,
    surprise: !!opts.surprise,
    scripted: !!opts.scripted,
    startedAt: new Date().toISOString(),
    did: [],
    versionBefore: 0,
    dir: `${DRILLS_DIR}/${id}`,
    files: [],
    checks: [],
  };
  say(t('practice.writing', { dir: drill.dir }));
  drill.files = await writeDrillFiles(drill.dir);
  drill.versionBefore = (await masterVersion(15_000)) ?? 0;
  if (drill.versionBefore === 0) throw new DrillError(t('practice.noVersion'));
  saveActive(drill);
  try {
    if (scenario.prepare === 'standby-no-failover' && pair.standby) {
      await killKeepalived(pair.standby.name);
      drill.did.push(t('practice.did.standbyKeepalivedKilled', { host: pair.standby.name }));
    }
    if (scenario.prepare === 'no-ha') {
      // The standby first: it is the one that would take over if the active side's went first.
      for (const h of [pair.standby, pair.active]) if (h) await killKeepalived(h.name);
      await pinVip(pair.active.name);
      drill.did.push(
        t('practice.did.noHa', {
          hosts: [pair.active, pair.standby]
            .filter(Boolean)
            .map((h) => h!.name)
            .join(t('practice.and')),
          host: pair.active.name,
        }),
      );
    }
    if (scenario.prepare === 'lost-then-failover') {
      const lost = await labBreak('lose-master');
      drill.did.push(...lost.did);
      if ((await masterVersion(90_000)) === undefined) throw new LabError(t('practice.noTakeover', { host: lost.host ?? '?' }));
      drill.did.push(t('practice.did.tookOver', { host: pair.standby?.name ?? '?' }));
    }
    const broken = await labBreak(scenario.breaks);
    // A split brain hits both candidates; the standby is the one that took the VIP as well.
    drill.host = broken.host ?? (scenario.breaks === 'split-brain' ? pair.standby?.name : undefined);
    drill.did.push(...broken.did);
    drill.brokeAt = new Date().toISOString();
  } catch (err) {
    // The fault did not go in as planned: no drill to recover from. Kept in the history as abandoned.
    drill.endedAt = new Date().toISOString();
    drill.outcome = 'abandoned';
    drill.did.push(t('practice.did.failed', { error: (err as Error).message }));
    finishDrill(drill);
    throw new DrillError(t('practice.notInjected', { error: (err as Error).message }));
  }
  saveActive(drill);
  if (opts.triageAtFault) {
    try {
      drill.triage = await opts.triageAtFault();
    } catch (err) {
      drill.triage = { at: new Date().toISOString(), findings: [], error: (err as Error).message.split('\n')[0] || t('practice.triageFailed') };
    }
    saveActive(drill);
  }
  say('');
  if (drill.surprise) {
    say(t('practice.surprise', { id: drill.id, time: clock(drill.brokeAt!) }));
    say(t('practice.findOut'));
  } else {
    say(t('practice.drill', { id: drill.id, title: scenario.title }));
    say(scenario.announce);
    for (const d of drill.did) say(`  · ${d}`);
  }
  say('');
  say(t('practice.clockRuns', { time: clock(drill.brokeAt!) }));
  say(`  mfs-tui --lab status            ${t('practice.help.status')}`);
  say(`  mfs-tui --lab triage            ${t('practice.help.triage')}`);
  say(`  mfs-tui --lab                   ${t('practice.help.runbooks')}`);
  say(`  mfs-tui resume                  ${t('practice.help.resume')}`);
  say(`  mfs-tui drill check             ${t('practice.help.check')}`);
  say(`  mfs-tui drill                   ${t('practice.help.drill')}`);
  return drill;
}

/** Journals of the runs started between `from` and `to` (ISO times). */
export function runsBetween(from: string, to: string): RunInput[] {
  const out: RunInput[] = [];
  for (const r of listRuns()) {
    if (r.started < from || r.started > to) continue;
    try {
      out.push({ runId: r.runId, records: readJournal(r.file).records });
    } catch {
      /* unreadable journal: left out */
    }
  }
  return out;
}

export interface CheckResult {
  drill: DrillRecord;
  verdict: Verdict;
  debrief: Debrief;
}

/**
 * Verifies the cluster; when healthy the drill ends (history, debrief). `waitS` keeps
 * checking until healthy or that many seconds passed (reconnects take a few seconds).
 */
export async function checkDrill(opts: { waitS?: number }, say: Say): Promise<CheckResult> {
  const drill = activeDrill();
  if (!drill) throw new DrillError(t('practice.noDrill'));
  if (!drill.brokeAt) throw new DrillError(t('practice.noFault', { id: drill.id }));
  const end = Date.now() + (opts.waitS ?? 0) * 1000;
  let verdict: Verdict;
  let obs: HealthObservation;
  for (let n = 1; ; n++) {
    obs = await observeLab({ versionBefore: drill.versionBefore, dir: drill.dir, files: drill.files });
    verdict = judgeHealth(obs);
    if (verdict.healthy || Date.now() >= end) break;
    if (n === 1) say(t('practice.checkingAgain', { problem: verdict.problems[0] ?? '', time: clock(new Date(end).toISOString()) }));
    await new Promise((r) => setTimeout(r, 3000));
  }
  const at = new Date().toISOString();
  drill.checks.push({ at, healthy: verdict.healthy, problems: verdict.problems });
  const history = drillHistory();
  const debrief = buildDebrief({
    drill,
    endedAt: at,
    recovered: verdict.healthy,
    problems: verdict.problems,
    verified: verdict.verified,
    warnings: verdict.warnings,
    filesIntact: obs.files?.filter((f) => f.actual === f.expected).length ?? 0,
    runs: runsBetween(drill.startedAt, at),
    labCluster: LAB_CLUSTER,
    history,
    scriptedMs: scriptedTime(drill.scenario),
  });
  if (verdict.healthy) {
    drill.endedAt = at;
    drill.outcome = 'recovered';
    drill.recoveryMs = debrief.recoveryMs;
    drill.debrief = debrief;
    finishDrill(drill);
    if (drill.scripted && drill.recoveryMs !== undefined) recordScriptedTime(drill.scenario, drill.recoveryMs, drill.id);
  } else {
    saveActive(drill);
  }
  return { drill, verdict, debrief };
}

export function abandonDrill(): DrillRecord {
  const drill = activeDrill();
  if (!drill) throw new DrillError(t('practice.noDrillUnderWay'));
  drill.endedAt = new Date().toISOString();
  drill.outcome = 'abandoned';
  finishDrill(drill);
  return drill;
}

/** The recommended runbook's non-interactive arguments for the drill's fault. */
export async function scriptedRecovery(drill: DrillRecord, say: Say): Promise<ScriptedRecovery> {
  const scenario = findScenario(drill.scenario);
  if (!scenario || !drill.host) throw new DrillError(t('practice.noScripted', { id: drill.id }));
  const standby = otherCandidate(drill.host);
  if (!standby) throw new LabError(t('practice.noOtherCandidate', { host: drill.host }));
  // With HA the standby may take over by itself: the scripted recovery waits for that as an operator would look.
  let masterAnswers = false;
  if (scenario.needsHa) {
    say(t('practice.waitTakeover'));
    masterAnswers = (await masterVersion(60_000)) !== undefined;
  } else {
    masterAnswers = (await masterVersion(2000)) !== undefined;
  }
  return scenario.scripted({ host: drill.host, hostAddress: hostAddress(drill.host), standby: standby.name, standbyAddress: standby.address, masterAnswers });
}

/** Runs `mfs-tui --lab run RUNBOOK --yes ...` as a child process (its output is shown); resolves with its exit code. */
export function runRunbookChild(rec: ScriptedRecovery): Promise<number> {
  const args = [...process.execArgv, process.argv[1]!, '--lab', 'run', rec.runbook, '--yes'];
  for (const [k, v] of Object.entries(rec.inputs)) args.push('--input', `${k}=${v}`);
  for (const [k, v] of Object.entries(rec.decide)) args.push('--decide', `${k}=${v}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', () => resolve(70));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 70)));
  });
}
