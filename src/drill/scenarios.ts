// Which faults can be drilled, how each one is set up on the practice cluster, and which
// runbooks fit it. Pure data: the drill runner and the debrief read it.
import { t } from '../i18n/index.ts';
import type { BreakScenario } from '../lab/break.ts';

/** What the scripted recovery needs to know about the break (filled in from the lab's state). */
export interface ScriptContext {
  /**
   * The host the fault hit: the master that lost power or vanished, the chunkserver or
   * metalogger that was killed, the stale master that came back, or in a split brain the
   * standby that took the VIP as well.
   */
  host: string;
  hostAddress: string;
  /** The other master candidate (for a master candidate `host`), else the first one. */
  standby: string;
  standbyAddress: string;
  /** A master answers at the VIP (the standby took over by itself). */
  masterAnswers: boolean;
}

export interface ScriptedRecovery {
  runbook: string;
  inputs: Record<string, string>;
  decide: Record<string, string>;
}

export interface DrillScenario {
  /** The name the trainee types: `mfs-tui drill power-cut`. */
  id: string;
  title: string;
  /** The lab fault applied (`mfs-tui lab break ...`). */
  breaks: BreakScenario;
  /**
   * Applied before the fault, from outside the hosts:
   * - `standby-no-failover`: keepalived on the standby candidate is killed (no notify), so
   *   nothing fails over by itself;
   * - `no-ha`: keepalived is killed on both candidates and the VIP kept on the active one by
   *   hand, as on a cluster without keepalived;
   * - `lost-then-failover`: the active master's host is lost (`lab break lose-master`) and the
   *   standby takes over, so that the fault (`stale-master-returns`) can bring it back.
   */
  prepare?: 'standby-no-failover' | 'no-ha' | 'lost-then-failover';
  /** What the trainee is told (never shown for a surprise drill). */
  announce: string;
  /** Runbooks that fit this fault; the first one is the recommended recovery. */
  fits: string[];
  /** Needs keepalived running on both candidates before the drill (the standby must be able to take over). */
  needsHa: boolean;
  /** The recommended runbook's inputs and decisions for a non-interactive (`--yes`) run. */
  scripted(ctx: ScriptContext): ScriptedRecovery;
}

/** fence-master on the host the fault hit, keeping the other candidate (the VIP holder). */
function fenceTheHost(c: ScriptContext): ScriptedRecovery {
  return {
    runbook: 'fence-master',
    inputs: { fence: c.host, fence_address: c.hostAddress, keep: c.standby, keep_address: c.standbyAddress },
    decide: { next: 'later' },
  };
}

/** Read-only runbooks: running them during a drill is looking around, never a wrong turn. */
export const NEUTRAL_RUNBOOKS: readonly string[] = ['health-check'];

export const DRILL_SCENARIOS: readonly DrillScenario[] = [
  {
    id: 'power-cut',
    get title() {
      return t('drill.scenario.powerCut');
    },
    breaks: 'power-cut',
    get announce() {
      return t('drill.announce.powerCut');
    },
    fits: ['power-cut'],
    needsHa: true,
    scripted: (c) => ({
      runbook: 'power-cut',
      inputs: { host: c.host, host_address: c.hostAddress },
      decide: c.masterAnswers ? { 'host-boots': 'yes', choose: 'rejoin' } : ({ 'host-boots': 'yes', choose: 'recover', 'master-back': 'yes' } as Record<string, string>),
    }),
  },
  {
    id: 'power-cut-no-ha',
    get title() {
      return t('drill.scenario.powerCutNoHa');
    },
    breaks: 'power-cut',
    prepare: 'no-ha',
    get announce() {
      return t('drill.announce.powerCutNoHa');
    },
    fits: ['power-cut'],
    needsHa: false,
    scripted: (c) => ({
      runbook: 'power-cut',
      inputs: { host: c.host, host_address: c.hostAddress },
      decide: { 'host-boots': 'yes', choose: 'recover', 'master-back': 'yes' },
    }),
  },
  {
    id: 'lose-master',
    get title() {
      return t('drill.scenario.lostMaster');
    },
    breaks: 'lose-master',
    prepare: 'standby-no-failover',
    get announce() {
      return t('drill.announce.lostMaster');
    },
    fits: ['lost-master'],
    needsHa: false,
    scripted: (c) => ({
      runbook: 'lost-master',
      inputs: { old: c.host, old_address: c.hostAddress, target: c.standby, target_address: c.standbyAddress },
      decide: { fence: 'fenced', next: 'later' },
    }),
  },
  {
    id: 'chunkserver-down',
    get title() {
      return t('drill.scenario.chunkserverDown');
    },
    breaks: 'chunkserver-down',
    get announce() {
      return t('drill.announce.chunkserverDown');
    },
    fits: ['restart-daemon'],
    needsHa: false,
    scripted: (c) => ({ runbook: 'restart-daemon', inputs: { host: c.host, host_address: c.hostAddress, daemon: 'chunkserver' }, decide: {} }),
  },
  {
    id: 'metalogger-down',
    get title() {
      return t('drill.scenario.metaloggerDown');
    },
    breaks: 'metalogger-down',
    get announce() {
      return t('drill.announce.metaloggerDown');
    },
    fits: ['restart-daemon'],
    needsHa: false,
    scripted: (c) => ({ runbook: 'restart-daemon', inputs: { host: c.host, host_address: c.hostAddress, daemon: 'metalogger' }, decide: {} }),
  },
  {
    id: 'split-brain',
    get title() {
      return t('drill.scenario.splitBrain');
    },
    breaks: 'split-brain',
    get announce() {
      return t('drill.announce.splitBrain');
    },
    // rebuild-master is what fence-master offers next (the fenced host back as the standby).
    fits: ['fence-master', 'rebuild-master'],
    needsHa: true,
    // `host` is the standby that took the VIP as well: its master was promoted from its metalogger's copy, so it is the one to fence.
    scripted: fenceTheHost,
  },
  {
    id: 'stale-master-returns',
    get title() {
      return t('drill.scenario.staleMaster');
    },
    breaks: 'stale-master-returns',
    prepare: 'lost-then-failover',
    get announce() {
      return t('drill.announce.staleMaster');
    },
    fits: ['fence-master', 'rebuild-master'],
    needsHa: true,
    scripted: fenceTheHost,
  },
];

/** Lab faults with no fitting runbook in the library: not offered as drills, and why. */
export const NOT_DRILLABLE: readonly { scenario: BreakScenario; reason: string }[] = [
  {
    scenario: 'partition',
    get reason() {
      return t('drill.notDrillable.partition');
    },
  },
];

export function findScenario(id: string): DrillScenario | undefined {
  return DRILL_SCENARIOS.find((s) => s.id === id);
}

/** An operator-facing reason when `id` is not a drill: unknown, or a fault with no runbook. */
export function whyNotDrillable(id: string): string {
  const known = DRILL_SCENARIOS.map((s) => s.id).join(', ');
  const nd = NOT_DRILLABLE.find((n) => n.scenario === id);
  if (nd) return t('drill.notOffered', { id, reason: nd.reason, drills: known });
  return t('drill.noSuchDrill', { id, drills: known });
}

export type RunbookFit = 'fits' | 'neutral' | 'unfit';

/** `triaged`: runbooks triage recommended at the fault; following triage is not a wrong turn. */
export function runbookFit(scenario: DrillScenario, runbookId: string, triaged: readonly string[] = []): RunbookFit {
  if (scenario.fits.includes(runbookId) || triaged.includes(runbookId)) return 'fits';
  if (NEUTRAL_RUNBOOKS.includes(runbookId)) return 'neutral';
  return 'unfit';
}

/** A random drill for --surprise; `random` is injectable for tests. */
export function pickSurprise(random: () => number = Math.random): DrillScenario {
  const i = Math.min(DRILL_SCENARIOS.length - 1, Math.floor(random() * DRILL_SCENARIOS.length));
  return DRILL_SCENARIOS[i]!;
}
