// Drills kept between sessions (conf, its own file `drills.json` beside mfs-tui's config,
// mode 0600): the drill under way, the history, and the scripted recovery time per scenario.
import path from 'node:path';
import Conf from 'conf';
import { ensurePrivateDir } from '../state/paths.ts';
import type { DrillRecord } from './types.ts';

interface DrillStore {
  active?: DrillRecord;
  history: DrillRecord[];
  /** Scenario id → the scripted recovery's measured time (ms) and when. */
  scripted: Record<string, { ms: number; at: string; drillId: string }>;
}

/** Kept drills; the oldest go first beyond this. */
const HISTORY_MAX = 200;

let store: Conf<DrillStore> | undefined;

function conf(): Conf<DrillStore> {
  store ??= new Conf<DrillStore>({
    projectName: 'mfs-tui',
    projectSuffix: '',
    configName: 'drills',
    cwd: process.env.MFS_TUI_CONFIG_DIR || undefined,
    configFileMode: 0o600,
    defaults: { history: [], scripted: {} },
  });
  ensurePrivateDir(path.dirname(store.path));
  return store;
}

export function activeDrill(): DrillRecord | undefined {
  return conf().get('active');
}

export function saveActive(d: DrillRecord): void {
  conf().set('active', d);
}

export function clearActive(): void {
  conf().delete('active');
}

export function drillHistory(): DrillRecord[] {
  return conf().get('history') ?? [];
}

/** Moves the drill into the history (ended) and clears the active one. */
export function finishDrill(d: DrillRecord): void {
  const history = [...drillHistory().filter((h) => h.id !== d.id), d].slice(-HISTORY_MAX);
  conf().set('history', history);
  clearActive();
}

export function scriptedTime(scenario: string): number | undefined {
  return conf().get('scripted')?.[scenario]?.ms;
}

export function recordScriptedTime(scenario: string, msValue: number, drillId: string): void {
  const all = { ...(conf().get('scripted') ?? {}) };
  all[scenario] = { ms: msValue, at: new Date().toISOString(), drillId };
  conf().set('scripted', all);
}

export function drillStorePath(): string {
  return conf().path;
}
