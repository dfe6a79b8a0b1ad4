// Which faults can be drilled, how each one is set up on the practice cluster, and which
// runbooks fit it. Pure data: the drill runner and the debrief read it.
import type { BreakScenario } from '../lab/break.ts';

/** What the scripted recovery needs to know about the break (filled in from the lab's state). */
export interface ScriptContext {
  /** The host the fault hit (the master that lost power or vanished). */
  host: string;
  hostAddress: string;
  /** The other master candidate. */
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
   *   hand, as on a cluster without keepalived.
   */
  prepare?: 'standby-no-failover' | 'no-ha';
  /** What the trainee is told (never shown for a surprise drill). */
  announce: string;
  /** Runbooks that fit this fault; the first one is the recommended recovery. */
  fits: string[];
  /** Needs keepalived running on both candidates before the drill (the standby must be able to take over). */
  needsHa: boolean;
  /** The recommended runbook's inputs and decisions for a non-interactive (`--yes`) run. */
  scripted(ctx: ScriptContext): ScriptedRecovery;
}

/** Read-only runbooks: running them during a drill is looking around, never a wrong turn. */
export const NEUTRAL_RUNBOOKS: readonly string[] = ['health-check'];

export const DRILL_SCENARIOS: readonly DrillScenario[] = [
  {
    id: 'power-cut',
    title: "Power cut on the active master (HA in place)",
    breaks: 'power-cut',
    announce:
      "The active master's host lost power and came back: its mfsmaster is gone and stored no metadata. keepalived is in place. Bring the cluster back to one healthy master with a standby, every file intact.",
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
    title: 'Power cut on the master of a cluster without HA',
    breaks: 'power-cut',
    prepare: 'no-ha',
    announce:
      "keepalived does not run on this cluster (the VIP is configured by hand). The active master's host lost power and came back: its mfsmaster is gone and stored no metadata. Recover the master without losing a change.",
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
    title: 'The active master host is lost, and nothing fails over',
    breaks: 'lose-master',
    prepare: 'standby-no-failover',
    announce:
      "The active master's host is gone (it does not boot), and keepalived on the standby did not take over. Bring up a master with the full metadata on another host.",
    fits: ['lost-master'],
    needsHa: false,
    scripted: (c) => ({
      runbook: 'lost-master',
      inputs: { old: c.host, old_address: c.hostAddress, target: c.standby, target_address: c.standbyAddress },
      decide: { fence: 'fenced', next: 'later' },
    }),
  },
];

/** Lab faults with no fitting runbook in the library: not offered as drills, and why. */
export const NOT_DRILLABLE: readonly { scenario: BreakScenario; reason: string }[] = [
  { scenario: 'chunkserver-down', reason: 'no runbook restarts a single chunkserver after a crash yet' },
  { scenario: 'metalogger-down', reason: 'no runbook restarts a metalogger after a crash yet' },
  { scenario: 'partition', reason: 'no runbook heals a network partition (it is a network fault, undone with `lab break heal`)' },
  { scenario: 'split-brain', reason: 'no runbook resolves a split brain yet' },
  { scenario: 'stale-master-returns', reason: 'no runbook fences a returning stale master yet (lost-master fences before promoting only)' },
];

export function findScenario(id: string): DrillScenario | undefined {
  return DRILL_SCENARIOS.find((s) => s.id === id);
}

/** An operator-facing reason when `id` is not a drill: unknown, or a fault with no runbook. */
export function whyNotDrillable(id: string): string {
  const known = DRILL_SCENARIOS.map((s) => s.id).join(', ');
  const nd = NOT_DRILLABLE.find((n) => n.scenario === id);
  if (nd) return `'${id}' is not offered as a drill: ${nd.reason} (drills: ${known})`;
  return `no drill '${id}' (drills: ${known})`;
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
