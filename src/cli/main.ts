// The mfs-tui command line: parses arguments and hands each command to its module.
// Command modules are imported on demand so start-up stays fast.
import { Command, CommanderError } from 'commander';
import { EXIT, UserError } from './errors.ts';
import { visible } from '../util/visible.ts';
import { readRemembered } from '../state/config-dir.ts';
import { chooseLanguage, languageFromEnv, languageOf, setLanguage, t, tIn } from '../i18n/index.ts';

export interface GlobalOptions {
  inventory?: string;
  /** A cluster added with `mfs-tui clusters add` (or $MFS_TUI_CLUSTER). */
  cluster?: string;
  lab?: boolean;
  runbooks?: string;
  practice?: boolean;
  /** Checked and applied before the commands are built (chooseCommandLanguage). */
  lang?: string;
}

function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export function buildProgram(): Command {
  const program = new Command('mfs-tui')
    .description(t('cli.program.description'))
    .version(process.env.MFS_TUI_VERSION ?? '0.1.0')
    .option('-i, --inventory <file>', 'cluster inventory (YAML); remembered for next time')
    .option('-c, --cluster <name>', 'a named cluster (see `mfs-tui clusters`; or set MFS_TUI_CLUSTER)')
    .option('--lab', 'use the practice cluster (mfs-tui lab up)')
    .option('--runbooks <dir>', 'folder of runbooks (default: the built-in library)')
    .option('--practice', 'open on the practice cluster, installing and starting it first when needed (what `npm start` does)')
    .option('--lang <language>', t('cli.option.lang'))
    .showHelpAfterError('(run with --help for usage)')
    .action(async (_opts, cmd: Command) => {
      const { homeCommand } = await import('./home.ts');
      return homeCommand(globals(cmd));
    });

  program
    .command('validate')
    .description('check runbooks; prints each problem as file:line:col: message; exit 1 when any')
    .argument('[files...]', 'runbook files (default: every runbook in the library)')
    .action(async (files: string[], _opts, cmd: Command) => {
      const { validateCommand } = await import('./validate.ts');
      return validateCommand(files, globals(cmd));
    });

  program
    .command('run')
    .description('run a runbook: on the runner screen in a terminal; without one (automation) with --yes')
    .argument('<runbook>', 'runbook id or file')
    .option('-y, --yes', 'automation only: confirm every step without asking, typed confirmations and manual steps included')
    .option('--input <key=value...>', 'runbook input values', collectPairs, {})
    .option('--decide <step=choice...>', 'answers for decision steps', collectPairs, {})
    .option('--json', 'print JSON lines of events on stdout')
    .option('--dry-run', 'print every resolved command per host; run nothing')
    .action(async (runbook: string, opts, cmd: Command) => {
      const { runCommand } = await import('./run.ts');
      return runCommand(runbook, { ...globals(cmd), ...opts });
    });

  program
    .command('resume')
    .description('list unfinished runs, or resume one')
    .argument('[run]', 'run id (or a unique prefix)')
    .option('-y, --yes', 'continue without the interactive screen (in-doubt steps still stop it)')
    .option('--settle <action>', 'for an in-doubt step: check, rerun, mark-done, abort, follow (wait for a command that still runs and judge its end) or stop (kill it); rerun only when it provably no longer runs; several, comma-separated: the first allowed')
    .option('--decide <step=choice...>', 'answers for decision steps still ahead (with --yes)', collectPairs, {})
    .option('--json', 'print JSON lines of events on stdout')
    .action(async (run: string | undefined, opts, cmd: Command) => {
      const { resumeCommand } = await import('./resume.ts');
      return resumeCommand(run, { ...globals(cmd), ...opts });
    });

  program
    .command('report')
    .description('write a markdown incident report of a run from its journal')
    .argument('<run>', 'run id (or a unique prefix)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (run: string, opts: { output?: string }) => {
      const { reportCommand } = await import('./report.ts');
      return reportCommand(run, opts);
    });

  program
    .command('runs')
    .description('list recorded runs, newest first')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) => {
      const { runsCommand } = await import('./report.ts');
      return runsCommand(opts);
    });

  program
    .command('status')
    .description('cluster status: VIP holder, daemons per host, chunks, alerts (exit 1 on a critical alert, 3 when a host cannot be reached or logged into)')
    .option('--json', 'print the status as JSON (one line per tick with --watch)')
    .option('--watch', 'keep printing every interval until Ctrl-C')
    .option('--interval <seconds>', 'seconds between probes (default 1)')
    .action(async (opts, cmd: Command) => {
      const { statusCommand } = await import('./status.ts');
      return statusCommand({ ...globals(cmd), ...opts });
    });

  program
    .command('triage')
    .description('what is wrong with the cluster, the evidence, and the runbook that fits (exit 0 healthy, 1 not, 3 when a host cannot be reached or logged into)')
    .option('--json', 'print findings, evidence and recommended runbooks with their inputs as JSON')
    .option('--once', 'judge one snapshot, also while a failover is under way (default: look again until it has settled)')
    .addHelpText('after', '\nEach finding names the probe that saw it and either a runbook with the command that opens it\n(mfs-tui run ID --input k=v ...) or why no runbook fits and what to do by hand. Most dangerous first.\nWhile keepalived fails over (a dead master, a ready standby), triage says so and looks again\nuntil the failover window from the deployed keepalived.conf has passed.')
    .action(async (opts, cmd: Command) => {
      const { triageCommand } = await import('./triage.ts');
      return triageCommand({ ...globals(cmd), ...opts });
    });

  program
    .command('metrics')
    .description('Prometheus text: printed once, or rewritten atomically in DIR/mfs-tui.prom every interval')
    .option('--textfile-dir <dir>', "node_exporter's textfile collector folder")
    .option('--interval <seconds>', 'seconds between writes (default 10)')
    .action(async (opts, cmd: Command) => {
      const { metricsCommand } = await import('./metrics.ts');
      return metricsCommand({ ...globals(cmd), ...opts });
    });

  const clusters = program
    .command('clusters')
    .description('the named clusters of this laptop (name → inventory file): list, add, rename, remove, import')
    .option('--json', 'JSON output')
    .addHelpText('after', `\nPick a cluster for any command with --cluster NAME or MFS_TUI_CLUSTER=NAME. A high- or\ncritical-risk runbook under --yes runs only on a cluster named that way (or by --inventory/--lab).`)
    .action(async (opts: { json?: boolean }) => {
      const { clustersList } = await import('./clusters.ts');
      return clustersList(opts);
    });
  clusters
    .command('list')
    .description('list the named clusters')
    .option('--json', 'JSON output')
    .action(async (_opts, cmd: Command) => {
      const { clustersList } = await import('./clusters.ts');
      return clustersList(cmd.optsWithGlobals() as { json?: boolean });
    });
  clusters
    .command('add')
    .description('name an inventory file (it is checked first)')
    .argument('<name>', 'cluster name')
    .argument('<inventory>', 'inventory YAML file')
    .option('--force', 'replace the file of an existing name')
    .action(async (name: string, file: string, opts: { force?: boolean }) => {
      const { clustersAdd } = await import('./clusters.ts');
      return clustersAdd(name, file, opts);
    });
  clusters
    .command('rename')
    .description('rename a cluster (its inventory file stays where it is)')
    .argument('<name>', 'current name')
    .argument('<new-name>', 'new name')
    .action(async (from: string, to: string) => {
      const { clustersRename } = await import('./clusters.ts');
      return clustersRename(from, to);
    });
  clusters
    .command('remove')
    .description('forget a cluster name (its inventory file is not deleted)')
    .argument('<name>', 'cluster name')
    .action(async (name: string) => {
      const { clustersRemove } = await import('./clusters.ts');
      return clustersRemove(name);
    });
  clusters
    .command('import')
    .description('make an mfs-tui inventory from an Ansible inventory (INI or YAML), show it, and save it as a named cluster')
    .argument('<name>', 'cluster name')
    .argument('<ansible-inventory>', 'Ansible inventory file')
    .option('--map <group=role...>', 'Ansible group to MooseFS role (master-candidate, metalogger, chunkserver, client, cgi)', collectPairs, {})
    .option('--vip <address/prefix>', 'the master VIP, e.g. 192.0.2.100/24 (else the mfs_vip var)')
    .option('--vip-interface <iface>', 'interface the VIP lives on (default eth0, or the mfs_vip_interface var)')
    .option('-o, --output <file>', 'where to write the inventory (default: beside the config, clusters/NAME.yaml)')
    .option('-y, --yes', 'save without asking (after review, for scripts)')
    .option('--no-ansible', 'read the file with mfs-tui even when ansible-inventory is installed')
    .addHelpText('after', `\nWith Ansible installed, \`ansible-inventory --list\` reads the file (plugins, vaults, group_vars as\nyour Ansible sees them); otherwise mfs-tui reads static INI and YAML inventories itself. Groups\nnamed like the roles (masters, metaloggers, chunkservers, clients, cgi, mfs*) map by default.\nPasswords in the inventory are never imported.`)
    .action(async (name: string, source: string, opts: { map: Record<string, string>; vip?: string; vipInterface?: string; output?: string; yes?: boolean; ansible?: boolean }) => {
      const { clustersImport } = await import('./clusters.ts');
      return clustersImport(name, source, { ...opts, noAnsible: opts.ansible === false });
    });

  program
    .command('dashboard')
    .description('full-screen wall dashboard (q or Ctrl-C quits)')
    .option('--interval <seconds>', 'seconds between probes (default 1)')
    .action(async (opts, cmd: Command) => {
      const { dashboardCommand } = await import('./dashboard.ts');
      return dashboardCommand({ ...globals(cmd), ...opts });
    });

  return program;
}

function collectPairs(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UserError(`expected key=value, got '${value}'`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** Help lists every command; `lab ...` needs the practice cluster's commands. */
function mayNeedLab(argv: string[]): boolean {
  return argv.slice(2).some((w) => w === 'lab' || w === 'help' || w === '-h' || w === '--help');
}

async function registerOptionalCommands(program: Command, argv: string[]): Promise<void> {
  // The practice cluster lives in its own module tree (~60 kB): loaded only when the
  // command line may use it, so the home screen and the other commands start without it.
  if (mayNeedLab(argv)) {
    const { registerLabCommands } = await import('../lab/cli.ts');
    registerLabCommands(program);
  }
  // Drills on the practice cluster: the command's own module loads src/drill/ on demand.
  const { registerDrillCommand } = await import('./drill.ts');
  registerDrillCommand(program);
}

/** The `--lang` value on the command line (`--lang zh`, `--lang=zh`), if any. */
function langArgument(argv: string[]): string | undefined {
  const args = argv.slice(2);
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a === '--lang') found = args[++i] ?? '';
    else if (a.startsWith('--lang=')) found = a.slice('--lang='.length);
  }
  return found;
}

/**
 * Chooses the language of this process before any message is made (`--help` included):
 * --lang (remembered for next time), else the remembered one, else the locale.
 */
async function chooseCommandLanguage(argv: string[]): Promise<void> {
  const asked = langArgument(argv);
  if (asked !== undefined) {
    const language = languageOf(asked);
    if (!language) throw new UserError(tIn(languageFromEnv(), 'cli.error.badLanguage', { value: asked }), EXIT.usage);
    setLanguage(language);
    try {
      const { rememberLanguage } = await import('../state/config.ts');
      rememberLanguage(language);
    } catch {
      // Remembering is a convenience: a config folder we cannot write never stops a command.
    }
    return;
  }
  const remembered = readRemembered('language');
  setLanguage(chooseLanguage(undefined, typeof remembered === 'string' ? languageOf(remembered) : undefined, process.env).language);
}

export async function main(argv: string[]): Promise<number> {
  try {
    await chooseCommandLanguage(argv);
  } catch (err) {
    return reportError(err);
  }
  const program = buildProgram();
  await registerOptionalCommands(program, argv);
  // Subcommands made before this call do not inherit it: without theirs, commander exits 1 on a bad option (usage is 2).
  for (const cmd of [program, ...allSubcommands(program)]) cmd.exitOverride();
  program.configureOutput({ outputError: (str, write) => write(str) });
  try {
    // Read (and its descriptor closed) before anything else runs: see sudo-password.ts.
    const { takeSudoPasswordFromFd } = await import('./sudo-password.ts');
    const fdProblem = takeSudoPasswordFromFd();
    if (fdProblem) throw new UserError(fdProblem);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    return reportError(err);
  }
}

function allSubcommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allSubcommands(c)]);
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version arrive here too, with exit code 0.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof UserError) {
    process.stderr.write(`mfs-tui: ${visible(err.message)}\n`);
    return err.exitCode;
  }
  const e = err as { name?: string; message?: string; problems?: unknown };
  if (e?.name === 'HostError' || e?.name === 'InventoryError' || e?.name === 'JournalError') {
    process.stderr.write(`mfs-tui: ${visible(e.message ?? '')}\n`);
    return e.name === 'HostError' ? EXIT.host : EXIT.usage;
  }
  // A bug, not an operator mistake: keep the stack for the report.
  process.stderr.write(`mfs-tui: internal error: ${visible((err as Error)?.stack ?? String(err))}\n`);
  return 70;
}

