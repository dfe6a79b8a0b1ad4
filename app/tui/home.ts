// The interactive app: loads the runbook library, the inventory and the unfinished runs,
// opens the cluster session lazily (first run), and renders the screens with Ink.
import { t } from '../../src/i18n/index.ts';
import { basename } from 'node:path';
import type { GlobalOptions } from '../cli/options.ts';
import { EXIT, UserError } from '../cli/errors.ts';
import { inventoryPathFor, loadInventoryFor } from '../cli/context.ts';
import type { Inventory } from '../../src/inventory/types.ts';
import { LAB_CLUSTER } from '../../src/lab/layout.ts';
import type { RunSession } from '../../src/session/open-run.ts';
import type { Runbook, RunbookProblem } from '../../src/runbook/types.ts';
import type { AppProps } from '../../screens/App.tsx';

export interface HomeOptions {
  /** Open straight into this unfinished run. */
  resume?: string;
  /** Open straight into this runbook's inputs form, filled in with these values (`mfs-tui run` at a terminal). */
  run?: { runbookId: string; inputs: Record<string, string> };
}

export async function homeCommand(g: GlobalOptions, opts: HomeOptions = {}): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError(t('cli.home.needsTerminal'));
  }
  // Ink draws nothing until exit when CI is set; an operator on a real terminal asked for the screen.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  if (g.practice) g = await ensurePracticeCluster(g);
  const opened = g;
  const choice = await inventoryPathFor(opened);
  const inventoryFile = choice.file;
  /** The full load: YAML, schema, cross-field checks, `ssh -G` per host (child processes). */
  const loadInventoryNow = () => loadInventoryFor(opened, { remember: false });
  // The inventory remembered from the last full load of this file's text (runbook cache):
  // with it the first frame needs neither the YAML reader nor `ssh -G`; the full load runs
  // right after the first frame (below) and wins. Without it, the full load (`ssh -G` per
  // host in child processes) runs while the screen's modules load.
  const [checks, { stateDir }] = await Promise.all([import('../../src/runbook/cache.ts'), import('../../src/state/paths.ts')]);
  const cache = checks.openRunbookCache(stateDir());
  const remembered = inventoryFile ? cache?.inventory(inventoryFile) : undefined;
  const early = inventoryFile && !remembered ? loadInventoryNow() : undefined;
  early?.catch(() => undefined); // handled below, once the modules are in
  // One Promise.all: the module files are read and compiled side by side, not one after another.
  const [{ render }, { default: React }, { App }, cat, { listRuns }, { PromptBroker }, homeStatus, { LiveStatus }, { openRunSession }, { buildVariables }, inputs, liveRoles] = await Promise.all([
    import('ink'),
    import('react'),
    import('../../screens/App.tsx'),
    import('../../src/runbook/catalog.ts'),
    import('../../src/journal/list.ts'),
    import('../../src/cluster/prompt-broker.ts'),
    import('./home-status.ts'),
    import('../../screens/status/LiveStatus.tsx'),
    import('../../src/session/open-run.ts'),
    import('../../src/runbook/template.ts'),
    import('../../src/runbook/inputs.ts'),
    import('../../src/status/live-roles.ts'),
  ]);

  let inventory: Inventory | undefined = remembered ?? (early ? await early : undefined);
  const drawnFromMemory = remembered !== undefined;
  if (early && inventory) cache?.rememberInventory(inventory);
  const noInventory = t('home.notice.noInventory');
  let notice: string | undefined = inventory ? undefined : noInventory;
  let drill: string | undefined;

  // The list needs only each runbook's front matter; the problems of the whole library come
  // from the runbook cache, or from checking the files right after the first frame.
  const { currentLanguage } = await import('../../src/i18n/language.ts');
  // Each runbook listed once, in the operator's language where it has a translation; the
  // operator's folders (--runbooks, runbookDirs) first, then the built-in library.
  const folders = await (await import('../cli/library-folders.ts')).libraryFolders(g);
  const catalog = await cat.catalogDirs(folders, cache, currentLanguage());
  const problemNotice = (problems: RunbookProblem[]): string | undefined =>
    problems.length > 0 ? t('home.notice.runbookProblems', { count: problems.length, first: cat.formatProblem(problems[0]!) }) : undefined;
  const known = checks.cachedLibraryProblems(catalog, inventory, cache);
  if (known) notice = problemNotice(known) ?? notice;
  const runbooks = catalog.headers;
  /** The library's problems as last known (cache or check), by file: a file with any is listed greyed and cannot start. */
  let libraryProblems: RunbookProblem[] | undefined = known;
  const listed = () => homeRunbookList(catalog, libraryProblems, cat.formatProblem);
  // Set once the full load that follows a first frame drawn from memory has ended.
  let inventoryLoaded: Promise<void> = Promise.resolve();
  let inventoryFailure: unknown;
  /** The inventory as loaded in full: nothing connects, checks or runs from the remembered one. */
  const currentInventory = async (): Promise<Inventory> => {
    await inventoryLoaded;
    if (!inventory) throw new UserError(t('home.error.noInventory'), EXIT.usage);
    return inventory;
  };
  /** The whole runbook, parsed when it is opened (the file as it is now). */
  const fullRunbook = async (id: string): Promise<Runbook> => {
    // Two files with one id: the built-in one (the other is listed greyed with the clash).
    const claims = runbooks.filter((r) => r.id === id);
    const header = claims.find((r) => cat.inBuiltinFolder(folders, r.file)) ?? claims[0];
    if (!header) throw new Error(t('home.error.noRunbook', { id }));
    await inventoryLoaded;
    // The file as it is now, parsed and validated (never a cached check): refused with its problems.
    const { runnableRunbook, RunbookRefused } = await import('../../src/runbook/runnable.ts');
    let rb: Runbook;
    try {
      rb = runnableRunbook(header.file, { folders, inventory, language: currentLanguage() });
    } catch (e) {
      if (e instanceof RunbookRefused) throw new UserError(e.message, EXIT.failed);
      throw e;
    }
    if (rb.id !== id) throw new UserError(t('home.error.runbookMoved', { file: header.file, id, now: rb.id }));
    return rb;
  };
  const unfinished = listRuns()
    .filter((r) => r.status === 'unfinished')
    .map((r) => ({ runId: r.runId, title: r.runbookTitle, started: r.started, lastActivity: r.lastRecordAt }));

  // SSH questions (unknown host key, passphrase, sudo password) are asked on the screen.
  const broker = new PromptBroker();
  let runs: RunSession | undefined;
  /** Runs open on the first inventory asked for, and its cluster session: the runner, the status and triage share it. */
  const runsOn = (inv: Inventory): RunSession => (runs ??= openRunSession(inv, { prompts: broker.prompts(), gate: status.gate }));
  // The live status (runner sidebar, status screen, `requires=` checks) on the same session.
  const status = homeStatus.appStatus(async () => runsOn(runs?.inventory ?? (await currentInventory())).cluster());
  /** How the screen drives a run: the operator answers each question; the status pauses its probes on a host while a step runs there. */
  const how = { mode: 'interactive' as const, autoConfirm: false, onRecord: status.onRecord };
  const runsFor = async (inv: Inventory): Promise<RunSession> => {
    const r = runsOn(inv);
    await r.cluster();
    await status.open().catch(() => undefined);
    return r;
  };

  const props = (): AppProps => ({
    runbooks: listed(),
    unfinished,
    cluster: inventory?.cluster,
    clusterChoice: { named: choice.named, source: choice.source, file: choice.file, asked: choice.clusterName, calledInFile: choice.calledInFile },
    notice: [notice, drill].filter(Boolean).join('\n') || undefined,
    broker,
    initialResume: opts.resume,
    initialRun: opts.run,
    inputHelp: (id, ctx) => {
      const rb = runbooks.find((r) => r.id === id);
      const inv = inventory;
      if (!rb || !inv) return undefined;
      const vars = buildVariables(inv, {});
      const live = ctx.status ? liveRoles.liveLookup(ctx.status) : undefined;
      return {
        suggest: (values) => inputs.suggestInputs(rb, { vars, inventory: inv, given: values, handedOver: ctx.handedOver, live }),
        contradictions: (values) => inputs.inputContradictions(rb, values, { inventory: inv, live }),
      };
    },
    startRun: async (id: string, inputs: Record<string, string>) => {
      const rb = await fullRunbook(id);
      return (await runsFor(await currentInventory())).start(rb, inputs, how);
    },
    resumeRun: async (runId: string) => {
      const { openRecordedRun } = await import('../cli/open-run.ts');
      const rec = await openRecordedRun(runId, g);
      return (await runsFor(rec.inventory)).resume(rec.runbook, rec.runId, how, rec.inventory);
    },
    runnerStatus: status.store,
    holdStatus: status.hold,
    statusScreen: () => React.createElement(LiveStatus, { load: status.open }),
    triageStatus: status.open,
    onExit: () => {
      exited = true;
      app.unmount();
    },
  });
  let exited = false;
  const app = render(React.createElement(App, props()), { exitOnCtrlC: false });
  // What this start remembered (front matter, an inventory loaded in full), written as soon as
  // the screen is up, before any key is read: a quick quit or a closed terminal keeps it. A
  // library check saves again when it ends.
  cache?.save();
  const redraw = () => {
    if (!exited) app.rerender(React.createElement(App, props()));
  };

  /**
   * The library's problems with the inventory as it is now: remembered, or checked one file
   * per turn of the event loop (keys still work), then shown as a full load would show them.
   */
  const showLibraryProblems = (remembered: RunbookProblem[] | undefined): void => {
    if (remembered) {
      libraryProblems = remembered;
      notice = problemNotice(remembered) ?? (inventory ? undefined : noInventory);
      return;
    }
    // english: an internal reason that stops the background check, never shown
    const pause = () => new Promise<void>((done, stop) => setImmediate(() => (exited ? stop(new Error('the screen is closed')) : done())));
    void checks.checkLibrary(catalog, inventory, cache, pause).then(
      (problems) => {
        libraryProblems = problems;
        notice = problemNotice(problems) ?? (inventory ? undefined : noInventory);
        redraw();
      },
      () => undefined,
    );
  };

  if (drawnFromMemory) {
    // The full load, now the screen is up. It wins: the screen is redrawn when it differs
    // (an ssh_config change), and a failure closes the app with the error, as at a cold start.
    inventoryLoaded = new Promise<void>((settle) => {
      setImmediate(() => {
        loadInventoryNow().then(
          (full) => {
            const changed = JSON.stringify(full) !== JSON.stringify(inventory);
            inventory = full;
            cache?.rememberInventory(full);
            cache?.save();
            if (changed) {
              showLibraryProblems(checks.cachedLibraryProblems(catalog, full, cache));
              redraw();
            } else {
              showLibraryProblems(known);
              redraw();
            }
            settle();
          },
          (err: unknown) => {
            inventoryFailure = err;
            exited = true;
            app.unmount();
            settle();
          },
        );
      });
    });
  } else showLibraryProblems(known);
  // Remembered for next time once the screen is up (conf is not needed for the first frame).
  if (inventoryFile) {
    setImmediate(() => {
      import('../../src/state/config.ts').then(({ rememberInventory }) => rememberInventory(inventoryFile)).catch(() => undefined);
    });
  }
  // On the practice cluster, a drill under way is said on top: the trainee's clock is running.
  if (inventory?.cluster === LAB_CLUSTER) {
    setImmediate(() => {
      import('../../src/drill/notice.ts')
        .then(({ drillNotice }) => {
          drill = drillNotice();
          if (drill) redraw();
        })
        .catch(() => undefined);
    });
  }
  try {
    await app.waitUntilExit();
  } finally {
    status.stop();
    await runs?.close().catch(() => undefined);
  }
  if (inventoryFailure !== undefined) throw inventoryFailure;
}

/**
 * The home screen's list: every runbook file of the folder, in file order. A file whose
 * front matter cannot be read is listed by its file name; a file with any problem (front
 * matter, parse, validation, a duplicate id) carries them and is shown greyed, not startable.
 * Until the library's check has ended (`problems` undefined) only front matter problems are known.
 */
export function homeRunbookList(catalog: import('../../src/runbook/catalog.ts').Catalog, problems: readonly RunbookProblem[] | undefined, format: (p: RunbookProblem) => string): AppProps['runbooks'] {
  const byFile = new Map<string, string[]>();
  for (const p of [...(problems ?? []), ...(problems ? [] : catalog.files.flatMap((f) => f.problems))]) {
    const list = byFile.get(p.file) ?? [];
    list.push(format(p));
    byFile.set(p.file, list);
  }
  return catalog.files.map((f) => {
    const own = byFile.get(f.path) ?? [];
    if (f.header) return { ...f.header, ...(own.length > 0 ? { problems: own } : {}) };
    const name = basename(f.path);
    return {
      id: `file:${f.path}`,
      title: name,
      summary: '',
      when: '',
      risk: 'low' as const,
      inputs: [],
      problems: own.length > 0 ? own : f.problems.map(format),
    };
  });
}

/**
 * `npm start`: on Linux as root, the practice cluster's packages are installed and the
 * cluster brought up when needed, with progress, before the screen opens on it.
 * Elsewhere the app opens without it and says how to point it at a real cluster.
 */
async function ensurePracticeCluster(g: GlobalOptions): Promise<GlobalOptions> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    say(t('home.lab.needsRoot'));
    return g;
  }
  const lab = await import('../../src/lab/index.ts');
  const t0 = performance.now();
  const progress = (phase: string, detail?: string) => say(`  ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s  ${phase}${detail ? ` ${detail}` : ''}`);
  try {
    if ((await lab.missingPackages()).length > 0) {
      say(t('home.lab.installing'));
      await lab.labDeps(progress, (line) => say(`          ${line}`));
    }
    if (!(await lab.labStatus()).up) {
      say(t('home.lab.bringingUp'));
      await lab.labUp({}, progress);
    }
  } catch (err) {
    if (err instanceof lab.LabError) throw new UserError(t('home.lab.couldNotStart', { error: err.message }), EXIT.failed);
    throw err;
  }
  return { ...g, lab: true };
}
