// Colors and marks used by every screen, and the NO_COLOR policy.
import chalk from 'chalk';
import type { StepStatus } from '../src/engine/types.ts';
import type { RiskLevel } from '../src/runbook/types.ts';

/** https://no-color.org: any non-empty NO_COLOR turns colors (and every other ANSI style) off. */
export function noColorRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return typeof env.NO_COLOR === 'string' && env.NO_COLOR !== '';
}

/**
 * chalk 5 (which Ink colors with) reads FORCE_COLOR but ignores NO_COLOR, so the screens
 * turn it off themselves. Idempotent; called when this module loads.
 */
export function applyColorPolicy(env: NodeJS.ProcessEnv = process.env): void {
  if (noColorRequested(env)) chalk.level = 0;
}
applyColorPolicy();

export const riskColor: Record<RiskLevel, string> = {
  low: 'green',
  medium: 'yellow',
  high: 'red',
  critical: 'magenta',
};

export const statusMark: Record<StepStatus, string> = {
  succeeded: '✔',
  failed: '✖',
  running: '⏵',
  'in-doubt': '?',
  skipped: '↷',
  cancelled: '⊘',
  pending: '·',
};

export const statusColor: Record<StepStatus, string | undefined> = {
  succeeded: 'green',
  failed: 'red',
  running: 'cyan',
  'in-doubt': 'yellow',
  skipped: 'gray',
  cancelled: 'yellow',
  pending: 'gray',
};

export const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
