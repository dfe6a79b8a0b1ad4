// `mfs-tui run RUNBOOK`: a runbook without the screen, for automation and tests.
// Events go to stdout as text, or as JSON lines (the journal records) with --json.
import os from 'node:os';
import type { GlobalOptions } from './main.ts';
import { EXIT, UserError } from './errors.ts';
import { howToNameCluster, loadChosenInventory } from './context.ts';
import type { Inventory } from '../inventory/types.ts';
import type { Runbook } from '../runbook/types.ts';
import type { JournalRecord } from '../journal/types.ts';
import type { EngineController, SettleAction } from '../engine/run.ts';
import type { RunState } from '../engine/types.ts';
import { nonInteractivePrompts } from './prompts.ts';
import { EventPrinter } from './event-printer.ts';

export interface RunOptions extends GlobalOptions {
  yes?: boolean;
  input: Record<string, string>;
  decide: Record<string, string>;
  json?: boolean;
  dryRun?: boolean;
  settle?: string;
}

/** Finds a runbook by id in the library (or --runbooks), or by file path. */
export async function findRunbook(ref: string, g: GlobalOptions): Promise<Runbook> {
  const lib = await import('../runbook/library.ts');
  const dir = g.runbooks ?? lib.builtinRunbookDir();
  const byFile = ref.endsWith('.md');
  const library = lib.loadRunbookDir(dir);
  const result = byFile ? lib.loadRunbookFiles([ref], { knownRunbookIds: new Set(library.runbooks.map((r) => r.id)) }) : library;
  const rb = byFile ? result.runbooks[0] : result.runbooks.find((r) => r.id === ref);
  if (!rb) {
    if (byFile && result.problems.length > 0) throw new UserError(result.problems.map(lib.formatProblem).join('\n'), EXIT.failed);
    const ids = library.runbooks.map((r) => r.id).join(', ');
    throw new UserError(`no runbook '${ref}' in ${dir} (runbooks: ${ids || 'none'})`);
  }
  const own = result.problems.filter((p) => p.file === rb.file);
  if (own.length > 0) {
    throw new UserError(`runbook ${rb.id} has problems; fix them first:\n${own.map(lib.formatProblem).join('\n')}`, EXIT.failed);
  }
  return rb;
}

export async function runCommand(ref: string, opts: RunOptions): Promise<void> {
  const { inventory, choice } = await loadChosenInventory(opts, { remember: true });
  const runbook = await findRunbook(ref, opts);
  // Dangerous work never lands on a cluster chosen silently (remembered from last time, or
  // the practice cluster as a fallback): under --yes nobody would see which one it was.
  if (opts.yes && !opts.dryRun && !choice.named && (runbook.risk === 'high' || runbook.risk === 'critical')) {
    throw new UserError(`refusing to run ${runbook.id} (risk ${runbook.risk}) with --yes on a cluster nobody named for this command (${choice.source}): ${howToNameCluster(inventory)}`, EXIT.usage);
  }
  if (opts.dryRun) {
    const { renderDryRun } = await import('../engine/dry-run.ts');
    const { buildVariables } = await import('../runbook/template.ts');
    const { resolveInputs } = await import('../runbook/inputs.ts');
    const inputs = resolveInputs(runbook, opts.input, buildVariables(inventory, {}));
    if (inputs.problems.length > 0) throw new UserError(inputs.problems.map((p) => `input ${p.message}`).join('\n'));
    process.stdout.write(renderDryRun(runbook, inventory, inputs.values));
    return;
  }
  const { createRun } = await import('../engine/run.ts');
  await drive(opts, inventory, (deps) => createRun({ ...deps, runbook, inputs: opts.input }));
}

export interface DriveDeps {
  inventory: Inventory;
  executorFor: import('../engine/run.ts').RunDeps['executorFor'];
  factsFor: import('../engine/run.ts').RunDeps['factsFor'];
  vipHolder: import('../engine/run.ts').RunDeps['vipHolder'];
  preflight: import('../engine/run.ts').RunDeps['preflight'];
  gate: import('../engine/types.ts').PreconditionGate;
  mode: 'non-interactive';
  autoConfirm: boolean;
  decisions: Record<string, string>;
  settle?: SettleAction;
  operator: string;
  onRecord(rec: JournalRecord): void;
}

/** Opens the cluster, runs the controller to its end (or a prompt only an operator can answer), sets the exit code. */
export async function drive(
  opts: RunOptions,
  inventory: Inventory,
  make: (deps: DriveDeps) => EngineController,
): Promise<void> {
  const { openClusterSession } = await import('../cluster/session.ts');
  const session = await openClusterSession(inventory, nonInteractivePrompts());
  const printer = new EventPrinter(process.stdout, { json: Boolean(opts.json) });
  // The status poller only starts when a step states preconditions (`requires=`): one sweep per check.
  let poller: import('../status/poller.ts').StatusPoller | undefined;
  const { statusGate } = await import('../status/gate.ts');
  const gate = statusGate(async () => {
    const { StatusPoller } = await import('../status/poller.ts');
    poller = new StatusPoller(session);
    return poller;
  });
  let ctrl: EngineController | undefined;
  // A host the run needs cannot be reached, logged into or sudo'ed on: exit 3, nothing ran.
  let preflightFailed = false;
  const preflight = async (hosts: readonly string[]) => {
    try {
      await session.preflight?.(hosts);
    } catch (err) {
      preflightFailed = true;
      throw err;
    }
  };
  try {
    const { RunSetupError } = await import('../engine/run.ts');
    try {
      ctrl = make({
        inventory,
        executorFor: session.executorFor,
        factsFor: session.factsFor,
        vipHolder: session.vipHolder,
        preflight,
        gate,
        mode: 'non-interactive',
        autoConfirm: Boolean(opts.yes),
        decisions: opts.decide ?? {},
        settle: opts.settle as SettleAction | undefined,
        operator: operatorName(),
        onRecord: (rec) => printer.record(rec),
      });
    } catch (err) {
      if (err instanceof RunSetupError) throw new UserError(err.message);
      throw err;
    }
    printer.setSteps(ctrl.steps);
    // Ctrl-C: the running command is cancelled (its remote process group killed) and recorded, the run stays resumable.
    const interrupt = () => ctrl?.interrupt();
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    const state = await ctrl.settled();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    printer.finish(state, ctrl.runId);
    process.exitCode = preflightFailed ? EXIT.host : exitCodeFor(state);
  } finally {
    ctrl?.close();
    poller?.stop();
    await session.close();
  }
}

function exitCodeFor(state: RunState): number {
  if (state.interrupted) return EXIT.interrupted;
  if (state.status === 'succeeded' || state.status === 'handed-off') return EXIT.ok;
  if (state.status === 'running') return EXIT.failed; // stopped at a prompt nobody can answer
  return EXIT.failed;
}

export function operatorName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
