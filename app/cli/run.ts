// `mfs-tui run RUNBOOK`: at a terminal, the runner screen (each confirmation asked there);
// without one, a run for automation (--yes) whose events go to stdout as text, or as JSON
// lines (the journal records) with --json. Without a terminal and without --yes it refuses
// up front, listing what it would ask.
import { t } from '../../src/i18n/index.ts';
import path from 'node:path';
import type { GlobalOptions } from './options.ts';
import { EXIT, UserError } from './errors.ts';
import { loadChosenInventory, whyNotNamed } from './context.ts';
import type { Inventory } from '../../src/inventory/types.ts';
import type { Runbook } from '../../src/runbook/types.ts';
import type { EngineController, SettleAction } from '../../src/engine/run.ts';
import type { RunState } from '../../src/engine/types.ts';
import { nonInteractivePrompts } from '../../src/cluster/non-interactive-prompts.ts';
import { EventPrinter } from './event-printer.ts';
import { findRunbook } from './open-run.ts';
import type { RunHow, RunSession } from '../../src/session/open-run.ts';

export interface RunOptions extends GlobalOptions {
  yes?: boolean;
  input: Record<string, string>;
  decide: Record<string, string>;
  json?: boolean;
  dryRun?: boolean;
  settle?: string;
}

export async function runCommand(ref: string, opts: RunOptions): Promise<void> {
  // The runbook first: a broken or absurd file is refused at once, before any ssh -G.
  const runbook = await findRunbook(ref, opts);
  const { inventory, choice } = await loadChosenInventory(opts, { remember: true });
  // Dangerous work never lands on a cluster chosen silently (remembered from last time, or
  // the practice cluster as a fallback): under --yes nobody would see which one it was.
  if (opts.yes && !opts.dryRun && !choice.named && (runbook.risk === 'high' || runbook.risk === 'critical')) {
    throw new UserError(t('cli.run.refuseUnnamed', { runbook: runbook.id, risk: runbook.risk, why: whyNotNamed(choice, inventory) }), EXIT.usage);
  }
  if (opts.dryRun) {
    const { renderDryRun } = await import('../../src/engine/dry-run.ts');
    const { buildVariables } = await import('../../src/runbook/template.ts');
    const { resolveInputs, suggestInputs } = await import('../../src/runbook/inputs.ts');
    const vars = buildVariables(inventory, {});
    // Nothing asks the hosts in a dry run: a live role's host must be given (--input).
    const suggested = suggestInputs(runbook, { vars, inventory, given: opts.input });
    for (const i of runbook.inputs) if (i.live !== undefined) suggested[i.name] = { source: t('cli.run.dryRunLiveInput', { live: i.live, name: i.name }) };
    const inputs = resolveInputs(runbook, opts.input, vars, suggested);
    if (inputs.problems.length > 0) throw new UserError(inputs.problems.map((p) => t('run.inputProblem', { problem: p.message })).join('\n'));
    process.stdout.write(renderDryRun(runbook, inventory, inputs.values));
    return;
  }
  // Only names the runbook declares: a mistyped --input is an error, on the screen or not.
  const declared = new Set(runbook.inputs.map((i) => i.name));
  const unknown = Object.keys(opts.input ?? {}).filter((k) => !declared.has(k));
  if (unknown.length > 0) {
    const known = runbook.inputs.map((i) => i.name).join(', ') || t('cli.run.noInputs');
    throw new UserError(unknown.map((k) => t('cli.run.unknownInput', { input: k, runbook: runbook.id, known })).join('\n'));
  }
  const { decideProblems } = await import('../../src/engine/operator-needs.ts');
  const badDecide = decideProblems(runbook, opts.decide ?? {});
  if (badDecide.length > 0) throw new UserError(badDecide.join('\n'), EXIT.usage);
  if (runsOnScreen(opts)) {
    // An operator at a terminal: the runner screen, which asks each confirmation (the
    // inputs form first, filled in with the given values), never a silent --yes.
    const { homeCommand } = await import('../tui/home.ts');
    const g: GlobalOptions = ref.endsWith('.md') ? { ...opts, runbooks: [path.dirname(path.resolve(ref)), ...(opts.runbooks ?? [])] } : opts;
    // The cluster chosen as the operator chose it (--cluster, --lab, the environment, or unnamed):
    // an --inventory added here would clash with --cluster/--lab and pass an unnamed cluster off as named.
    return homeCommand(g, { run: { runbookId: runbook.id, inputs: opts.input ?? {} } });
  }
  if (!opts.yes) {
    const { operatorNeeds, refusalText } = await import('../../src/engine/operator-needs.ts');
    const needs = operatorNeeds(runbook, opts.decide ?? {});
    if (needs.some((n) => n.kind !== 'decision')) throw new UserError(refusalText(runbook, needs), EXIT.usage);
  }
  await drive(opts, inventory, async (runs, how) => runs.start(runbook, await liveInputs(runbook, opts.input ?? {}, inventory, runs.status), how));
}

/** How long `run` waits for the live status that input defaults and checks read. */
const LIVE_STATUS_WAIT_MS = 5000;

/**
 * The given inputs plus defaults, for a runbook whose inputs name live roles read from a
 * fresh status snapshot (waited for at most a few seconds: an unknown role gives no default
 * and no warning). A given value that contradicts the live status is printed as a warning
 * before the first step.
 */
async function liveInputs(
  runbook: Runbook,
  given: Record<string, string>,
  inventory: Inventory,
  status: () => Promise<import('../../src/status/poller.ts').StatusPoller>,
): Promise<Record<string, string>> {
  const { suggestInputs, inputContradictions } = await import('../../src/runbook/inputs.ts');
  const { buildVariables } = await import('../../src/runbook/template.ts');
  let live: import('../../src/runbook/inputs.ts').LiveLookup | undefined;
  if (runbook.inputs.some((i) => i.live !== undefined)) {
    const { liveLookup } = await import('../../src/status/live-roles.ts');
    const poller = await status();
    const { setTimeout: sleep } = await import('node:timers/promises');
    const waited = new AbortController();
    const snapshot = await Promise.race([poller.freshState().catch(() => poller.getState()), sleep(LIVE_STATUS_WAIT_MS, undefined, { signal: waited.signal }).catch(() => undefined)]);
    waited.abort();
    live = liveLookup(snapshot ?? poller.getState());
  }
  const suggested = suggestInputs(runbook, { vars: buildVariables(inventory, {}), inventory, given, live });
  const values: Record<string, string> = { ...given };
  for (const input of runbook.inputs) {
    const v = given[input.name] ?? suggested[input.name]?.value;
    if (v !== undefined) values[input.name] = v;
  }
  const unknown = runbook.inputs.filter((i) => i.live !== undefined && values[i.name] === undefined);
  if (unknown.length > 0) {
    throw new UserError(unknown.map((i) => t('cli.run.error.liveInputMissing', { name: i.name, prompt: i.prompt, why: suggested[i.name]?.source ?? t('cli.run.error.noLiveStatus') })).join('\n'));
  }
  for (const line of inputContradictions(runbook, values, { inventory, live })) process.stderr.write(`${t('cli.run.inputWarning', { line })}\n`);
  return values;
}

/**
 * `run` opens the runner screen when an operator is at a terminal (stdin and stdout are
 * TTYs) and neither --yes nor --json asks for a run without one.
 */
export function runsOnScreen(opts: Pick<RunOptions, 'yes' | 'json'>, tty = { stdin: process.stdin.isTTY, stdout: process.stdout.isTTY }): boolean {
  return Boolean(tty.stdin && tty.stdout) && !opts.yes && !opts.json;
}

/** Opens the cluster, runs the controller to its end (or a prompt only an operator can answer), sets the exit code. */
export async function drive(opts: RunOptions, inventory: Inventory, make: (runs: RunSession, how: RunHow) => Promise<EngineController>): Promise<void> {
  const { openRunSession } = await import('../../src/session/open-run.ts');
  // Nobody answers SSH questions here: an unknown host key is refused, a secret not asked for.
  const runs = openRunSession(inventory, { prompts: nonInteractivePrompts() });
  const printer = new EventPrinter(process.stdout, { json: Boolean(opts.json) });
  let ctrl: EngineController | undefined;
  try {
    const { RunSetupError } = await import('../../src/engine/run.ts');
    try {
      ctrl = await make(runs, {
        mode: 'non-interactive',
        autoConfirm: Boolean(opts.yes),
        decisions: opts.decide ?? {},
        settle: opts.settle ? (opts.settle.split(',') as SettleAction[]) : undefined,
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
    if (state.status === 'handed-off' && state.nextRunbook && !opts.json) await printHandover(opts, inventory, state.runbookId, ctrl, state.nextRunbook);
    // A host the run needs cannot be reached, logged into or sudo'ed on: exit 3, nothing ran.
    process.exitCode = runs.hostUnusable() ? EXIT.host : exitCodeFor(state);
  } finally {
    ctrl?.close();
    await runs.close();
  }
}

function exitCodeFor(state: RunState): number {
  if (state.interrupted) return EXIT.interrupted;
  if (state.status === 'succeeded' || state.status === 'handed-off') return EXIT.ok;
  if (state.status === 'running') return EXIT.failed; // stopped at a prompt nobody can answer
  return EXIT.failed;
}

/** After a handover: the exact command that opens the next runbook with the values this run hands it. */
async function printHandover(opts: RunOptions, inventory: Inventory, from: string, ctrl: EngineController, next: string): Promise<void> {
  try {
    const [{ handedOverInputs }, { commandPrefix }, { shQuote }] = await Promise.all([
      import('../../src/runbook/inputs.ts'),
      import('../../src/triage/format.ts'),
      import('../../src/ssh/remote-command.ts'),
    ]);
    const rb = await findRunbook(next, opts);
    const carried = handedOverInputs(rb, { runbook: from, runId: ctrl.runId, inputs: ctrl.inputValues?.() ?? {} }, inventory);
    const args = Object.entries(carried).map(([k, v]) => ` --input ${/^[A-Za-z0-9._:/@%+=,-]+$/.test(`${k}=${v}`) ? `${k}=${v}` : shQuote(`${k}=${v}`)}`);
    process.stdout.write(`${t('cli.run.goOnWith', { command: `${commandPrefix(opts)} run ${next}${args.join('')}` })}\n`);
  } catch {
    // The next runbook cannot be loaded: the run-finished line already names it.
  }
}
