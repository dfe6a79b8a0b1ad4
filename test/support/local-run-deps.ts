// What createRun/resumeRun need to run a runbook on this machine through the real
// LocalExecutor: the engine tests' inventory, Debian facts, no VIP holder, an interactive
// run by `tester`; `over` replaces any of it.
import type { RunDeps } from '../../src/engine/run.ts';
import { LocalExecutor } from '../../src/exec/local.ts';
import type { Runbook } from '../../src/runbook/types.ts';
import { inventory } from './engine-fixtures.ts';

export function localRunDeps(runbook: Runbook, journalDir: string, over: Partial<RunDeps> = {}): RunDeps {
  const local = new LocalExecutor();
  return {
    runbook,
    inventory: inventory(),
    inputs: {},
    journalDir,
    executorFor: () => local,
    factsFor: async () => ({ os: 'debian', osId: 'debian', osVersion: '12', init: 'none', hostname: 'test' }),
    vipHolder: async () => undefined,
    mode: 'interactive',
    autoConfirm: false,
    operator: 'tester',
    ...over,
  };
}
