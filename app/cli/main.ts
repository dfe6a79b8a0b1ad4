// The mfs-tui command line: parses arguments and hands each command to its module.
// Command modules are imported on demand so start-up stays fast.
import { wrappedHelp } from './commander-text.ts';
import { Command, CommanderError } from 'commander';
import { EXIT, UserError } from './errors.ts';
import type { GlobalOptions } from './options.ts';
import { visible } from '../../src/util/visible.ts';
import { readRemembered } from '../../src/state/config-dir.ts';
import { chooseLanguage, languageFromEnv, languageOf, setLanguage, t, tIn } from '../../src/i18n/index.ts';

function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export function buildProgram(): Command {
  const program = new Command('mfs-tui')
    .description(t('cli.program.description'))
    .version(process.env.MFS_TUI_VERSION ?? '0.1.0', '-V, --version', t('cli.help.version'))
    .option('-i, --inventory <file>', t('cli.option.inventory'))
    .option('-c, --cluster <name>', t('cli.option.cluster'))
    .option('--lab', t('cli.option.lab'))
    .option('--runbooks <dir>', t('cli.option.runbooks'), collectList)
    .option('--practice', t('cli.option.practice'))
    .option('--lang <language>', t('cli.option.lang'))
    .showHelpAfterError(t('cli.help.afterError'))
    .action(async (_opts, cmd: Command) => {
      const { homeCommand } = await import('../tui/home.ts');
      return homeCommand(globals(cmd));
    });

  program
    .command('validate')
    .description(t('cli.validate.description'))
    .argument('[files...]', t('cli.validate.arg.files'))
    .action(async (files: string[], _opts, cmd: Command) => {
      const { validateCommand } = await import('./validate.ts');
      return validateCommand(files, globals(cmd));
    });

  program
    .command('run')
    .description(t('cli.run.description'))
    .argument('<runbook>', t('cli.run.arg.runbook'))
    .option('-y, --yes', t('cli.run.option.yes'))
    .option('--input <key=value...>', t('cli.run.option.input'), collectPairs, {})
    .option('--decide <step=choice...>', t('cli.run.option.decide'), collectPairs, {})
    .option('--json', t('cli.run.option.json'))
    .option('--dry-run', t('cli.run.option.dryRun'))
    .action(async (runbook: string, opts, cmd: Command) => {
      const { runCommand } = await import('./run.ts');
      return runCommand(runbook, { ...globals(cmd), ...opts });
    });

  program
    .command('resume')
    .description(t('cli.resume.description'))
    .argument('[run]', t('cli.resume.arg.run'))
    .option('-y, --yes', t('cli.resume.option.yes'))
    .option('--settle <action>', t('cli.resume.option.settle'))
    .option('--decide <step=choice...>', t('cli.resume.option.decide'), collectPairs, {})
    .option('--json', t('cli.resume.option.json'))
    .action(async (run: string | undefined, opts, cmd: Command) => {
      const { resumeCommand } = await import('./resume.ts');
      return resumeCommand(run, { ...globals(cmd), ...opts });
    });

  program
    .command('report')
    .description(t('cli.report.description'))
    .argument('<run>', t('cli.report.arg.run'))
    .option('-o, --output <file>', t('cli.report.option.output'))
    .action(async (run: string, opts: { output?: string }) => {
      const { reportCommand } = await import('./report.ts');
      return reportCommand(run, opts);
    });

  program
    .command('runs')
    .description(t('cli.runs.description'))
    .option('--json', t('cli.runs.option.json'))
    .action(async (opts: { json?: boolean }) => {
      const { runsCommand } = await import('./report.ts');
      return runsCommand(opts);
    });

  program
    .command('status')
    .description(t('cli.status.description'))
    .option('--json', t('cli.status.option.json'))
    .option('--watch', t('cli.status.option.watch'))
    .option('--interval <seconds>', t('cli.status.option.interval'))
    .action(async (opts, cmd: Command) => {
      const { statusCommand } = await import('./status.ts');
      return statusCommand({ ...globals(cmd), ...opts });
    });

  program
    .command('triage')
    .description(t('cli.triage.description'))
    .option('--json', t('cli.triage.option.json'))
    .option('--once', t('cli.triage.option.once'))
    .addHelpText('after', wrappedHelp(t('cli.triage.helpAfter')))
    .action(async (opts, cmd: Command) => {
      const { triageCommand } = await import('./triage.ts');
      return triageCommand({ ...globals(cmd), ...opts });
    });

  program
    .command('metrics')
    .description(t('cli.metrics.description'))
    .option('--textfile-dir <dir>', t('cli.metrics.option.textfileDir'))
    .option('--interval <seconds>', t('cli.metrics.option.interval'))
    .action(async (opts, cmd: Command) => {
      const { metricsCommand } = await import('./metrics.ts');
      return metricsCommand({ ...globals(cmd), ...opts });
    });

  const clusters = program
    .command('clusters')
    .description(t('cli.clusters.description'))
    .option('--json', t('cli.clusters.option.json'))
    .addHelpText('after', wrappedHelp(t('cli.clusters.helpAfter')))
    .action(async (opts: { json?: boolean }) => {
      const { clustersList } = await import('./clusters.ts');
      return clustersList(opts);
    });
  clusters
    .command('list')
    .description(t('cli.clusters.list.description'))
    .option('--json', t('cli.clusters.list.option.json'))
    .action(async (_opts, cmd: Command) => {
      const { clustersList } = await import('./clusters.ts');
      return clustersList(cmd.optsWithGlobals() as { json?: boolean });
    });
  clusters
    .command('add')
    .description(t('cli.clusters.add.description'))
    .argument('<name>', t('cli.clusters.add.arg.name'))
    .argument('<inventory>', t('cli.clusters.add.arg.inventory'))
    .option('--force', t('cli.clusters.add.option.force'))
    .action(async (name: string, file: string, opts: { force?: boolean }) => {
      const { clustersAdd } = await import('./clusters.ts');
      return clustersAdd(name, file, opts);
    });
  clusters
    .command('rename')
    .description(t('cli.clusters.rename.description'))
    .argument('<name>', t('cli.clusters.rename.arg.name'))
    .argument('<new-name>', t('cli.clusters.rename.arg.newName'))
    .action(async (from: string, to: string) => {
      const { clustersRename } = await import('./clusters.ts');
      return clustersRename(from, to);
    });
  clusters
    .command('remove')
    .description(t('cli.clusters.remove.description'))
    .argument('<name>', t('cli.clusters.remove.arg.name'))
    .action(async (name: string) => {
      const { clustersRemove } = await import('./clusters.ts');
      return clustersRemove(name);
    });
  clusters
    .command('import')
    .description(t('cli.clusters.import.description'))
    .argument('<name>', t('cli.clusters.import.arg.name'))
    .argument('<ansible-inventory>', t('cli.clusters.import.arg.ansibleInventory'))
    .option('--map <group=role...>', t('cli.clusters.import.option.map'), collectPairs, {})
    .option('--vip <address/prefix>', t('cli.clusters.import.option.vip'))
    .option('--vip-interface <iface>', t('cli.clusters.import.option.vipInterface'))
    .option('-o, --output <file>', t('cli.clusters.import.option.output'))
    .option('-y, --yes', t('cli.clusters.import.option.yes'))
    .option('--no-ansible', t('cli.clusters.import.option.noAnsible'))
    .addHelpText('after', wrappedHelp(t('cli.clusters.import.helpAfter')))
    .action(async (name: string, source: string, opts: { map: Record<string, string>; vip?: string; vipInterface?: string; output?: string; yes?: boolean; ansible?: boolean }) => {
      const { clustersImport } = await import('./clusters.ts');
      return clustersImport(name, source, { ...opts, noAnsible: opts.ansible === false });
    });

  const config = program
    .command('config')
    .description(t('cli.config.description'))
    .action(async () => {
      const { configShow } = await import('./config.ts');
      configShow();
    });
  const runbookFolders = config
    .command('runbooks')
    .description(t('cli.config.runbooks.description'))
    .action(async () => {
      const { configRunbooksList } = await import('./config.ts');
      configRunbooksList();
    });
  runbookFolders
    .command('add')
    .description(t('cli.config.runbooks.add.description'))
    .argument('<dir>', t('cli.config.runbooks.add.dir'))
    .action(async (dir: string) => {
      const { configRunbooksAdd } = await import('./config.ts');
      configRunbooksAdd(dir);
    });
  runbookFolders
    .command('remove')
    .description(t('cli.config.runbooks.remove.description'))
    .argument('<dir>', t('cli.config.runbooks.remove.dir'))
    .action(async (dir: string) => {
      const { configRunbooksRemove } = await import('./config.ts');
      configRunbooksRemove(dir);
    });

  program
    .command('dashboard')
    .description(t('cli.dashboard.description'))
    .option('--interval <seconds>', t('cli.dashboard.option.interval'))
    .action(async (opts, cmd: Command) => {
      const { dashboardCommand } = await import('../dashboard/dashboard.ts');
      return dashboardCommand({ ...globals(cmd), ...opts });
    });

  return program;
}

function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function collectPairs(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UserError(t('cli.error.expectedKeyValue', { value }));
  const key = value.slice(0, eq);
  const given = value.slice(eq + 1);
  // Two different values for one input: which one runs must never be a guess.
  if (Object.hasOwn(previous, key) && previous[key] !== given) throw new UserError(t('cli.error.inputTwice', { key, first: previous[key]!, second: given }));
  return { ...previous, [key]: given };
}

/** Help lists every command; `lab ...` needs the practice cluster's commands. */
function mayNeedLab(argv: string[]): boolean {
  return argv.slice(2).some((w) => w === 'lab' || w === 'help' || w === '-h' || w === '--help');
}

async function registerOptionalCommands(program: Command, argv: string[]): Promise<void> {
  // The practice cluster lives in its own module tree (~60 kB): loaded only when the
  // command line may use it, so the home screen and the other commands start without it.
  if (mayNeedLab(argv)) {
    const { registerLabCommands } = await import('./lab.ts');
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
      const { rememberLanguage } = await import('../../src/state/config.ts');
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
  const { localizeHelp, localizeCommanderError } = await import('./commander-text.ts');
  for (const cmd of [program, ...allSubcommands(program)]) {
    cmd.exitOverride();
    localizeHelp(cmd);
    cmd.configureOutput({ outputError: (str, write) => write(localizeCommanderError(str)) });
  }
  try {
    // Read (and its descriptor closed) before anything else runs: see sudo-password.ts.
    const { takeSudoPasswordFromFd } = await import('../../src/cluster/sudo-password-fd.ts');
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
