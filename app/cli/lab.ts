// `mfs-tui lab ...`: the practice cluster's commands. Thin: parsing and printing only.
import { wrappedHelp } from './commander-text.ts';
import { currentLanguage, setLanguage, t } from '../../src/i18n/index.ts';
import { padCells } from '../../src/util/cells.ts';
import type { Command } from 'commander';
import { EXIT, UserError } from './errors.ts';
import { BREAK_SCENARIOS, labBreak, type BreakScenario } from '../../src/lab/break.ts';
import { labDeps } from '../../src/lab/deps.ts';
import { labDown } from '../../src/lab/down.ts';
import { MAX_CHUNKSERVERS } from '../../src/lab/layout.ts';
import { labFile, labInventoryPath } from '../../src/lab/paths.ts';
import { LabError } from '../../src/lab/proc.ts';
import type { Progress } from '../../src/lab/progress.ts';
import { sshInteractive } from '../../src/lab/ssh.ts';
import { readState } from '../../src/lab/state.ts';
import { labStatus, type LabStatusReport } from '../../src/lab/status.ts';
import { defaultLabBuild, labUp } from '../../src/lab/up.ts';
import { LAB_INITS, defaultLabInit, type LabInit } from '../../src/lab/systemd-host.ts';

let stdoutGuarded = false;
/** Prints a line; a reader that went away (`| head`) must not abort a half-done up or down. */
const out = (s: string) => {
  if (!stdoutGuarded) {
    stdoutGuarded = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  process.stdout.write(s + '\n');
};

/** Prints each phase as it starts, with the time since the command began. */
function phasePrinter(): Progress & { total: () => string } {
  const t0 = performance.now();
  const fn = ((phase: string, detail?: string) => {
    const t = ((performance.now() - t0) / 1000).toFixed(1).padStart(5);
    out(`  ${t} s  ${phase.padEnd(11)}${detail ? ` ${detail}` : ''}`);
  }) as Progress & { total: () => string };
  fn.total = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  return fn;
}

/** Lab errors are the operator's: one message, no stack. */
async function operatorErrors<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof LabError || err instanceof RangeError) throw new UserError(err.message, EXIT.failed);
    throw err;
  }
}

/** Width of the scenario names' column in `lab break --help`: the longest name and two spaces. */
const SCENARIO_COLUMN = Math.max(...BREAK_SCENARIOS.map((s) => s.name.length)) + 2;

export function registerLabCommands(program: Command): void {
  const lab = program
    .command('lab')
    .description(t('cli.lab.description'))
    .addHelpText('after', wrappedHelp(t('cli.lab.helpAfter')));

  lab
    .command('deps')
    .description(t('cli.lab.deps.description'))
    .action(() =>
      operatorErrors(async () => {
        const p = phasePrinter();
        const installed = await labDeps(p, (line) => out(`          ${line}`));
        out(installed.length === 0 ? t('cli.lab.deps.allInstalled') : t('cli.lab.deps.installed', { count: installed.length, time: p.total() }));
      }),
    );

  lab
    .command('up')
    .description(t('cli.lab.up.description'))
    .option('--chunkservers <n>', t('cli.lab.up.option.chunkservers', { max: MAX_CHUNKSERVERS }), (v) => Number(v), 3)
    .option('--bare', t('cli.lab.up.option.bare'))
    .option('--via-runbooks', t('cli.lab.up.option.viaRunbooks'))
    .option('--fast', t('cli.lab.up.option.fast'))
    .option('--init <kind>', t('cli.lab.up.option.init', { default: defaultLabInit() }))
    .option('--as <user>', t('cli.lab.up.option.as'))
    .option('--monitoring', t('cli.lab.up.option.monitoring'))
    .option('--firewalld', t('cli.lab.up.option.firewalld'))
    .action((opts: { chunkservers: number; bare?: boolean; viaRunbooks?: boolean; fast?: boolean; init?: string; as?: string; monitoring?: boolean; firewalld?: boolean }) =>
      operatorErrors(async () => {
        if (opts.viaRunbooks && opts.fast) throw new LabError(t('cli.lab.up.error.viaRunbooksFast'));
        if (opts.as !== undefined && opts.as !== 'root' && opts.as !== 'ops') throw new UserError(t('cli.lab.up.error.badAs', { value: opts.as }), EXIT.usage);
        if (opts.init !== undefined && !LAB_INITS.includes(opts.init as LabInit)) throw new UserError(t('cli.lab.up.error.badInit', { value: opts.init, inits: LAB_INITS.join(', ') }), EXIT.usage);
        const init = (opts.init as LabInit | undefined) ?? defaultLabInit();
        if (init === 'systemd' && opts.fast) throw new UserError(t('cli.lab.up.error.fastSystemd'), EXIT.usage);
        if (opts.firewalld && init !== 'systemd') throw new UserError(t('lab.up.error.firewalldInit'), EXIT.usage);
        const via = opts.viaRunbooks ? 'runbooks' : opts.fast ? 'scripts' : init === 'systemd' ? 'runbooks' : defaultLabBuild();
        const systemd = init === 'systemd';
        out(
          opts.bare
            ? t(systemd ? 'cli.lab.up.buildingBareSystemd' : 'cli.lab.up.buildingBare')
            : via === 'runbooks'
              ? t(systemd ? 'cli.lab.up.buildingRunbooksSystemd' : 'cli.lab.up.buildingRunbooks')
              : t(systemd ? 'cli.lab.up.buildingSystemd' : 'cli.lab.up.building'),
        );
        const p = phasePrinter();
        let r;
        try {
          r = await labUp({ chunkservers: opts.chunkservers, bare: opts.bare, via, init, operator: opts.as as 'root' | 'ops' | undefined, monitoring: opts.monitoring, firewalld: opts.firewalld }, p);
        } catch (err) {
          if (err instanceof LabError && readState()) {
            throw new LabError(t('cli.lab.up.halfBuilt', { error: err.message }));
          }
          throw err;
        }
        out(t('cli.lab.up.done', { seconds: r.totalSeconds.toFixed(1), hosts: r.hosts.map((h) => h.name).join(' ') }));
        out(t('cli.lab.up.inventory', { file: r.inventory }));
        // A lab built --as ops: its own inventory already logs in as ops, and root cannot log in.
        if (readState()?.operator === 'ops') out(t('cli.lab.up.opsLab', { passwordFile: labFile('ops-password') }));
        else out(t('cli.lab.up.asOps', { passwordFile: labFile('ops-password'), inventory: labFile('inventory-ops.yaml') }));
        for (const j of r.journals) out(t('cli.lab.up.journal', { file: j }));
        if (opts.monitoring) out(t('cli.lab.up.prometheus', { address: r.hosts.find((h) => h.name === 'mon')!.address }));
      }),
    );

  lab
    .command('status')
    .description(t('cli.lab.status.description'))
    .option('--json', t('cli.lab.status.option.json'))
    .action((opts: { json?: boolean }) =>
      operatorErrors(async () => {
        if (opts.json) {
          // Machine output stays English: the report's problems are made in English for --json.
          const language = currentLanguage();
          setLanguage('en');
          const s = await labStatus().finally(() => setLanguage(language));
          out(JSON.stringify(s, null, 2));
          if (!s.healthy) process.exitCode = EXIT.failed;
          return;
        }
        const s = await labStatus();
        printStatus(s);
        if (!s.healthy) process.exitCode = EXIT.failed;
      }),
    );

  lab
    .command('down')
    .description(t('cli.lab.down.description'))
    .action(() =>
      operatorErrors(async () => {
        out(t('cli.lab.down.removing'));
        const p = phasePrinter();
        const r = await labDown(p);
        for (const line of r.removed) out(`  - ${line}`);
        for (const line of r.problems) out(`  ! ${line}`);
        out(r.removed.length === 0 ? t('cli.lab.down.nothing', { time: p.total() }) : t('cli.lab.down.done', { time: p.total() }));
        if (r.problems.length > 0) process.exitCode = EXIT.failed;
      }),
    );

  lab
    .command('ssh')
    .description(t('cli.lab.ssh.description'))
    .argument('<host>', t('cli.lab.ssh.arg.host'))
    .argument('[command...]', t('cli.lab.ssh.arg.command'))
    .action((host: string, command: string[]) =>
      operatorErrors(async () => {
        const state = readState();
        if (!state) throw new LabError(t('cli.lab.ssh.error.notUp'));
        if (!state.hosts.some((h) => h.name === host)) throw new LabError(t('cli.lab.error.noHost', { host, hosts: state.hosts.map((h) => h.name).join(', ') }));
        process.exitCode = await sshInteractive(host, command);
      }),
    );

  lab
    .command('break')
    .description(t('cli.lab.break.description'))
    .argument('<scenario>', BREAK_SCENARIOS.map((s) => s.name).join(' | '))
    .argument('[host]', t('cli.lab.break.arg.host'))
    .addHelpText('after', wrappedHelp(t('cli.lab.break.helpScenarios') + '\n' + BREAK_SCENARIOS.map((s) => `  ${s.name.padEnd(SCENARIO_COLUMN)}${t(s.help)}`).join('\n')))
    .action((scenario: string, host: string | undefined) =>
      operatorErrors(async () => {
        if (!BREAK_SCENARIOS.some((s) => s.name === scenario)) {
          throw new LabError(t('cli.lab.break.error.unknown', { scenario, scenarios: BREAK_SCENARIOS.map((s) => s.name).join(', ') }));
        }
        const r = await labBreak(scenario as BreakScenario, host);
        for (const line of r.did) out(`  - ${line}`);
        out(r.summary);
      }),
    );
}

function printStatus(s: LabStatusReport): void {
  if (!s.up && s.hosts.length === 0) {
    out(t('cli.lab.status.notUp', { dir: s.dir }));
    if (s.leftovers.length > 0) out(t('cli.lab.status.leftovers', { leftovers: s.leftovers.join(', ') }));
    return;
  }
  const title = t(s.init === 'systemd' ? 'cli.lab.status.titleSystemd' : 'cli.lab.status.title', { dir: s.dir });
  out(`${title}${s.bare ? t('cli.lab.status.bare') : ''}${s.phase === 'building' ? t('cli.lab.status.unfinished') : ''}`);
  out(s.vipHolders.length === 0 ? t('cli.lab.status.vipNobody', { vip: s.vip }) : t('cli.lab.status.vip', { vip: s.vip, holders: s.vipHolders.join(' + ') }));
  for (const h of s.hosts) {
    const state = !h.running
      ? t('cli.lab.status.host.down')
      : h.link !== 'up'
        ? t('cli.lab.status.host.link', { state: h.link })
        : h.sshd
          ? t('cli.lab.status.host.ok')
          : t('cli.lab.status.host.noSshd');
    const ha = h.haRole ? ` keepalived:${h.haRole}` : '';
    out(`  ${h.name.padEnd(6)}${h.address.padEnd(12)}${padCells(state, 10)}${(h.holdsVip ? 'VIP ' : '').padEnd(4)}${h.daemons.join(' ')}${ha}`);
  }
  if (s.master) {
    if (s.master.error) out(t('cli.lab.status.masterError', { error: s.master.error }));
    else
      out(
        t('cli.lab.status.master', {
          count: s.master.chunkservers.length,
          chunkservers: s.master.chunkservers.join(' '),
          metaloggers: s.master.metaloggers.join(' ') || t('cli.lab.status.none'),
        }),
      );
  }
  out(s.healthy ? t('cli.lab.status.healthy') : `${t('cli.lab.status.problems')}\n${s.problems.map((p) => `  - ${p}`).join('\n')}`);
  if (s.inventory) out(t('cli.lab.status.inventory', { file: labInventoryPath() }));
}
