// `mfs-tui lab ...`: the practice cluster's commands. Thin: parsing and printing only.
import { t } from '../../src/i18n/index.ts';
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

export function registerLabCommands(program: Command): void {
  const lab = program.command('lab').description(t('cli.lab.description')).addHelpText('after', t('cli.lab.helpAfter'));

  lab
    .command('deps')
    .description(t('cli.lab.deps.description'))
    .action(() =>
      operatorErrors(async () => {
        const p = phasePrinter();
        const installed = await labDeps(p, (line) => out(`          ${line}`));
        out(installed.length === 0 ? 'All packages the practice cluster needs are installed.' : `Installed ${installed.length} packages in ${p.total()}.`);
      }),
    );

  lab
    .command('up')
    .description(t('cli.lab.up.description'))
    .option('--chunkservers <n>', `number of chunkservers (1-${MAX_CHUNKSERVERS})`, (v) => Number(v), 3)
    .option('--bare', t('cli.lab.up.option.bare'))
    .option('--via-runbooks', t('cli.lab.up.option.viaRunbooks'))
    .option('--fast', t('cli.lab.up.option.fast'))
    .option('--init <kind>', t('cli.lab.up.option.init', { default: defaultLabInit() }))
    .option('--as <user>', t('cli.lab.up.option.as'))
    .option('--monitoring', t('cli.lab.up.option.monitoring'))
    .action((opts: { chunkservers: number; bare?: boolean; viaRunbooks?: boolean; fast?: boolean; init?: string; as?: string; monitoring?: boolean }) =>
      operatorErrors(async () => {
        if (opts.viaRunbooks && opts.fast) throw new LabError('--via-runbooks and --fast exclude each other');
        if (opts.as !== undefined && opts.as !== 'root' && opts.as !== 'ops') throw new UserError(`--as: '${opts.as}' is not one of root, ops`, EXIT.usage);
        if (opts.init !== undefined && !LAB_INITS.includes(opts.init as LabInit)) throw new UserError(`--init: '${opts.init}' is not one of ${LAB_INITS.join(', ')}`, EXIT.usage);
        const init = (opts.init as LabInit | undefined) ?? defaultLabInit();
        if (init === 'systemd' && opts.fast) throw new UserError('--fast builds hosts without systemd only: drop --fast, or use --init none', EXIT.usage);
        const via = opts.viaRunbooks ? 'runbooks' : opts.fast ? 'scripts' : init === 'systemd' ? 'runbooks' : defaultLabBuild();
        out(
          `Building the practice cluster${init === 'systemd' ? ' on systemd hosts' : ''}${opts.bare ? ' (bare hosts)' : via === 'runbooks' ? ' with the install-cluster and keepalived-ha runbooks' : ''}:`,
        );
        const p = phasePrinter();
        let r;
        try {
          r = await labUp({ chunkservers: opts.chunkservers, bare: opts.bare, via, init, operator: opts.as as 'root' | 'ops' | undefined, monitoring: opts.monitoring }, p);
        } catch (err) {
          if (err instanceof LabError && readState()) {
            throw new LabError(`${err.message}\nThe half-built lab is left for a look (\`mfs-tui lab status\`, \`mfs-tui lab ssh HOST\`); \`mfs-tui lab down\` removes it.`);
          }
          throw err;
        }
        out(`Up in ${r.totalSeconds.toFixed(1)} s: ${r.hosts.map((h) => h.name).join(' ')}.`);
        out(`Inventory: ${r.inventory}   (mfs-tui --lab, or: mfs-tui lab ssh m1)`);
        out(`As the operator ops (sudo asks for the password in ${labFile('ops-password')}): mfs-tui --inventory ${labFile('inventory-ops.yaml')}`);
        for (const j of r.journals) out(`Runbook journal: ${j}`);
        if (opts.monitoring) out(`Prometheus: http://${r.hosts.find((h) => h.name === 'mon')!.address}:9090 (alerts: /alerts, API: /api/v1/alerts)`);
      }),
    );

  lab
    .command('status')
    .description(t('cli.lab.status.description'))
    .option('--json', t('cli.lab.status.option.json'))
    .action((opts: { json?: boolean }) =>
      operatorErrors(async () => {
        const s = await labStatus();
        if (opts.json) out(JSON.stringify(s, null, 2));
        else printStatus(s);
        if (!s.healthy) process.exitCode = EXIT.failed;
      }),
    );

  lab
    .command('down')
    .description(t('cli.lab.down.description'))
    .action(() =>
      operatorErrors(async () => {
        out('Removing the practice cluster:');
        const p = phasePrinter();
        const r = await labDown(p);
        for (const line of r.removed) out(`  - ${line}`);
        for (const line of r.problems) out(`  ! ${line}`);
        out(r.removed.length === 0 ? `Nothing to remove (${p.total()}).` : `Done in ${p.total()}.`);
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
        if (!state) throw new LabError('the practice cluster is not up: run `mfs-tui lab up` first');
        if (!state.hosts.some((h) => h.name === host)) throw new LabError(`no host '${host}' in the practice cluster (hosts: ${state.hosts.map((h) => h.name).join(', ')})`);
        process.exitCode = await sshInteractive(host, command);
      }),
    );

  lab
    .command('break')
    .description(t('cli.lab.break.description'))
    .argument('<scenario>', BREAK_SCENARIOS.map((s) => s.name).join(' | '))
    .argument('[host]', t('cli.lab.break.arg.host'))
    .addHelpText('after', '\nScenarios:\n' + BREAK_SCENARIOS.map((s) => `  ${s.name.padEnd(20)} ${s.help}`).join('\n'))
    .action((scenario: string, host: string | undefined) =>
      operatorErrors(async () => {
        if (!BREAK_SCENARIOS.some((s) => s.name === scenario)) {
          throw new LabError(`unknown scenario '${scenario}' (scenarios: ${BREAK_SCENARIOS.map((s) => s.name).join(', ')})`);
        }
        const r = await labBreak(scenario as BreakScenario, host);
        for (const line of r.did) out(`  - ${line}`);
        out(r.summary);
      }),
    );
}

function printStatus(s: LabStatusReport): void {
  if (!s.up && s.hosts.length === 0) {
    out(`The practice cluster is not up (${s.dir}).`);
    if (s.leftovers.length > 0) out(`Leftovers of an earlier lab: ${s.leftovers.join(', ')}; run \`mfs-tui lab down\`.`);
    return;
  }
  out(`Practice cluster${s.init === 'systemd' ? ' on systemd hosts' : ''}${s.bare ? ' (bare)' : ''} in ${s.dir}${s.phase === 'building' ? ' (lab up did not finish)' : ''}`);
  out(`VIP ${s.vip}: ${s.vipHolders.length === 0 ? 'held by nobody' : s.vipHolders.join(' + ')}`);
  for (const h of s.hosts) {
    const state = !h.running ? 'DOWN' : h.link !== 'up' ? `link ${h.link}` : h.sshd ? 'ok' : 'no sshd';
    const ha = h.haRole ? ` keepalived:${h.haRole}` : '';
    out(`  ${h.name.padEnd(6)}${h.address.padEnd(12)}${state.padEnd(10)}${(h.holdsVip ? 'VIP ' : '').padEnd(4)}${h.daemons.join(' ')}${ha}`);
  }
  if (s.master) {
    if (s.master.error) out(`Master through the VIP: ${s.master.error}`);
    else out(`Master through the VIP: ${s.master.chunkservers.length} chunkservers (${s.master.chunkservers.join(' ')}), metaloggers: ${s.master.metaloggers.join(' ') || 'none'}`);
  }
  out(s.healthy ? 'Healthy.' : `Problems:\n${s.problems.map((p) => `  - ${p}`).join('\n')}`);
  if (s.inventory) out(`Inventory: ${labInventoryPath()}`);
}
