// The line the home screen shows while a drill is under way on the practice cluster: the
// clock is running, and how the drill ends. A surprise drill's fault is not named.
import { durationWithUnits } from './debrief.ts';
import { findScenario } from './scenarios.ts';
import { activeDrill } from './store.ts';
import type { DrillRecord } from './types.ts';

export function formatDrillNotice(d: DrillRecord, now: number): string {
  const what = d.surprise ? 'a surprise drill' : (findScenario(d.scenario)?.title ?? d.scenario);
  if (!d.brokeAt) return `Drill ${d.id} (${what}) never got its fault in place: \`mfs-tui drill abandon\`, then start again.`;
  const clock = durationWithUnits(Math.max(0, now - Date.parse(d.brokeAt)));
  return `DRILL under way: ${what}, ${clock} since the fault. Recover the cluster, then \`mfs-tui drill check\` stops the clock.`;
}

/** The notice for the drill under way, if any (the drill store is read once, when asked). */
export function drillNotice(now = Date.now()): string | undefined {
  const d = activeDrill();
  return d ? formatDrillNotice(d, now) : undefined;
}
