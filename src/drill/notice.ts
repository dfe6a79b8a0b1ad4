// The line the home screen shows while a drill is under way on the practice cluster: the
// clock is running, and how the drill ends. A surprise drill's fault is not named.
import { durationWithUnits } from './debrief.ts';
import { findScenario } from './scenarios.ts';
import { activeDrill } from './store.ts';
import type { DrillRecord } from './types.ts';
import { t } from '../i18n/index.ts';

export function formatDrillNotice(d: DrillRecord, now: number): string {
  const what = d.surprise ? t('drill.notice.surprise') : (findScenario(d.scenario)?.title ?? d.scenario);
  if (!d.brokeAt) return t('drill.notice.neverBroken', { id: d.id, what });
  const clock = durationWithUnits(Math.max(0, now - Date.parse(d.brokeAt)));
  return t('drill.notice.underWay', { what, clock });
}

/** The notice for the drill under way, if any (the drill store is read once, when asked). */
export function drillNotice(now = Date.now()): string | undefined {
  const d = activeDrill();
  return d ? formatDrillNotice(d, now) : undefined;
}
