// `lab up` through the product: the bare hosts become the HA cluster by running the
// install-cluster and keepalived-ha runbooks with mfs-tui's own engine, in this process,
// over SSH with the lab's inventory, exactly as an operator's `mfs-tui run ID --yes` would.
// Every `lab up` so proves both runbooks; their journals are kept in <lab dir>/runs.
import fs from 'node:fs';
import path from 'node:path';
import { PREFIX_LEN, SUBNET_PREFIX, chunkserverHosts, type LabHostPlan } from './layout.ts';
import { labDir } from './paths.ts';
import { LabError } from './proc.ts';
import type { Progress } from './progress.ts';
import { t } from '../i18n/index.ts';

/** Where `lab up` keeps the runbook journals (they outlive `lab down`: the audit trail). */
export function labRunsDir(): string {
  return path.join(labDir(), 'runs');
}

/**
 * The inputs an operator would give; fixed so every lab is the same cluster. systemd hosts
 * get the seeds' firewall (iptables in each host's namespace, or `auto` where every host runs
 * firewalld, which must pick firewalld; with `mon`, Prometheus's 9090 and node_exporter's 9100
 * too); hosts without systemd keep none, as before.
 */
export function runbookInputs(hosts: LabHostPlan[], init: 'systemd' | 'none' = 'none', firewalld = false): Record<string, Record<string, string>> {
  const firewall: Record<string, string> =
    init === 'systemd' ? { firewall: firewalld ? 'auto' : 'iptables', firewall_ports: hosts.some((h) => h.name === 'mon') ? '9090 9100' : 'none' } : { firewall: 'none' };
  return {
    'install-cluster': { first: 'm1', hdd: '/var/lib/mfs/hdd', clients_net: `${SUBNET_PREFIX}.0/${PREFIX_LEN}`, subdir: 'logs', goal: '2', ...firewall },
    'keepalived-ha': {
      first: 'm1',
      router_id: '77',
      chunkservers: chunkserverHosts(hosts)
        .map((h) => h.address)
        .join(' '),
      // auto: extends install-cluster's MFS-INPUT chain where it applied one (systemd hosts).
      firewall: init === 'systemd' ? 'auto' : 'none',
    },
    // lab up --monitoring (monitoring.ts): node_exporter there reads this directory.
    monitoring: { textfile_dir: '/run/node-exporter-textfile', interval: '5' },
  };
}

export interface RunbookRunResult {
  runbook: string;
  journal: string;
  seconds: number;
}

/**
 * Runs the runbooks in order on the lab's inventory (`inventoryFile`); each must succeed.
 * `progress(phase, detail)` gets the phase once, then a line per step as it starts.
 */
export async function runLabRunbooks(
  inventoryFile: string,
  hosts: LabHostPlan[],
  phases: { phase: string; runbook: string }[],
  startPhase: (name: string, detail?: string) => () => void,
  progress: Progress,
  /** The lab operator's sudo password, when the inventory logs in as ops with become. */
  sudoPassword?: string,
  init: 'systemd' | 'none' = 'none',
  /** Every host runs firewalld (`lab up --firewalld`). */
  firewalld = false,
): Promise<RunbookRunResult[]> {
  // The first phase starts now: loading the engine, the runbooks and the inventory, and
  // opening the SSH connections count as its time.
  let first: (() => void) | undefined = phases[0] ? startPhase(phases[0].phase, t('lab.build.phase', { runbook: phases[0].runbook })) : undefined;
  const [{ loadInventory }, { openRunSession }, { runnableRunbook, RunbookRefused }, { builtinRunbookDir }, { nonInteractivePrompts }, { operatorName }] = await Promise.all([
    import('../inventory/load.ts'),
    import('../session/open-run.ts'),
    import('../runbook/runnable.ts'),
    import('../runbook/catalog.ts'),
    import('../cluster/non-interactive-prompts.ts'),
    import('../util/operator-name.ts'),
  ]);
  const dir = builtinRunbookDir();
  const loaded = phases.map((p) => {
    try {
      return runnableRunbook(path.join(dir, `${p.runbook}.md`), { folders: { dirs: [dir], builtin: dir } });
    } catch (e) {
      if (e instanceof RunbookRefused) throw new LabError(t('lab.build.cannotRun', { runbook: p.runbook, error: e.message }));
      throw e;
    }
  });
  const inventory = await loadInventory(inventoryFile);
  const session = openRunSession(inventory, { prompts: nonInteractivePrompts((line) => process.stderr.write(`${line}\n`)), sudoPassword });
  const runs = labRunsDir();
  fs.mkdirSync(runs, { recursive: true, mode: 0o700 });
  fs.chmodSync(runs, 0o700);
  const inputs = runbookInputs(hosts, init, firewalld);
  const results: RunbookRunResult[] = [];
  try {
    for (const p of phases) {
      const runbook = loaded.find((r) => r.id === p.runbook);
      if (!runbook) throw new LabError(t('lab.build.notFound', { runbook: p.runbook, dir }));
      const done = first ?? startPhase(p.phase, t('lab.build.phase', { runbook: p.runbook }));
      first = undefined;
      progress(p.phase, `  ${t('lab.build.steps', { count: runbook.steps.length, title: runbook.title })}`);
      const t0 = performance.now();
      const seen = new Set<string>();
      let lastFailure = '';
      const ctrl = await session.start(runbook, inputs[p.runbook] ?? {}, {
        journalDir: runs,
        mode: 'non-interactive',
        autoConfirm: true,
        // The HA runbook runs next in its own phase, not as a hand-off.
        decisions: { next: 'later' },
        operator: `mfs-tui lab up (${operatorName()})`,
        onRecord: (rec) => {
          if (rec.type === 'step-started' && !seen.has(rec.stepId)) {
            seen.add(rec.stepId);
            progress(p.phase, `  ${t('lab.build.stepOn', { step: rec.stepId, hosts: rec.targets && rec.targets.length > 0 ? rec.targets.join(' ') : rec.host })}`);
          }
          if (rec.type === 'step-finished' && !rec.ok) lastFailure = t('lab.build.stepFailed', { step: rec.stepId, host: rec.host, phase: rec.phase, reason: rec.reason ?? t('lab.build.failed') });
        },
      });
      let state;
      try {
        state = await ctrl.settled();
      } finally {
        ctrl.close();
      }
      results.push({ runbook: p.runbook, journal: ctrl.journalFile, seconds: Math.round(performance.now() - t0) / 1000 });
      if (state.status !== 'succeeded') {
        const why = state.status === 'running' ? t('lab.build.stoppedAtQuestion') : state.status;
        const failure = `${lastFailure ? `: ${lastFailure}` : ''}${state.reason ? ` (${state.reason})` : ''}`;
        throw new LabError(t('lab.build.notSucceeded', { runbook: p.runbook, why, failure, journal: ctrl.journalFile }));
      }
      done();
    }
  } finally {
    await session.close();
  }
  return results;
}
