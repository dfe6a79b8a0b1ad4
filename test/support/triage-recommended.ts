// The command triage printed for a finding, as mfs-tui arguments for an unattended run: the
// lab tests run exactly what an operator would copy, with --yes and the decisions ahead.
import assert from 'node:assert/strict';
import type { TriageJsonFinding } from '../../src/triage/index.ts';

export function recommendedRunArgs(f: TriageJsonFinding, decide: string[] = []): string[] {
  const rec = f.recommendation;
  if (rec.runbook === null) assert.fail(`${f.code} recommends no runbook: ${rec.reason}`);
  // Plain words only: the test splits on spaces where a shell would unquote.
  assert.ok(!/['"]/.test(rec.command), `a plain command to open the runbook: ${rec.command}`);
  return [...rec.command.split(' ').slice(1), '--yes', ...decide.flatMap((d) => ['--decide', d])];
}

/** The inputs triage filled in (none when no runbook fits). */
export const inputsOf = (f: TriageJsonFinding): Record<string, string> => (f.recommendation.runbook === null ? {} : f.recommendation.inputs);
