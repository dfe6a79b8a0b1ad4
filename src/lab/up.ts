// `lab up`: from nothing (packages installed) to a running HA MooseFS cluster in namespaces.
import { t } from '../i18n/index.ts';
import fs from 'node:fs';
import path from 'node:path';
import { LAB_OWNER_FILE, removeLab } from './down.ts';
import { HOST_DIRS, ROOT_LOGIN, hostFiles, hostMfsDirs, inventoryYaml, knownHosts, sshConfig, type HostFile, type InventoryLogin } from './files.ts';
import { LAB_OPERATOR, OPERATOR_DIRS, operatorFiles, operatorPassword, prepareOperator, readMachineAccounts } from './operator.ts';
import { startHost } from './hosts.ts';
import { BRIDGE, PREFIX_LEN, VIP, VIP_INTERFACE, chunkserverHosts, planHosts, type LabHostPlan } from './layout.ts';
import { checkSubnetFree, createBridge, createHostNetwork, listLabLinks, listLabNetns } from './net.ts';
import { cacheDir, devTemplateDir, hostDir, keysDir, labDir, labFile } from './paths.ts';
import { LabError, runChecked, waitFor } from './proc.ts';
import type { Progress } from './progress.ts';
import { CLIENT_FILES_SCRIPT, CLIENT_MOUNT_SCRIPT, DEV_TEMPLATE, WAIT_FOR_CHECK_SCRIPT, bootstrapMasterScript } from './scripts.ts';
import { hostStep } from './host-exec.ts';
import { readState, writeState, type LabState } from './state.ts';
import { readClusterView } from './mfs-view.ts';
import { preflight } from './preflight.ts';
import { LAB_OPERATION_LOCK, assertNoLabTestsRunning, withLock } from './lock.ts';
import { ROOT_UPPER, defaultLabInit, provisionSystemdRoot, type LabInit } from './systemd-host.ts';

export interface LabUpOptions {
  chunkservers?: number;
  /** Hosts with sshd only: no MooseFS or keepalived started. */
  bare?: boolean;
  /**
   * How the cluster is built on the hosts: `runbooks` runs install-cluster and keepalived-ha
   * on bare hosts through mfs-tui's engine (proving them at every `lab up`); `scripts` is
   * the lab's own quicker bootstrap. Default: $MFS_TUI_LAB_BUILD, else runbooks.
   */
  via?: LabBuild;
  /** The hosts' PID 1: systemd (the Debian packages' units) or the lab's shell. Default: $MFS_TUI_LAB_INIT, else none. */
  init?: LabInit;
  /**
   * Who runs the runbooks of a runbooks build: `root` by key, or the lab operator `ops`
   * through sudo with its password. Default: $MFS_TUI_LAB_OPERATOR, else root.
   */
  operator?: LabOperator;
  /** A host `mon` with Prometheus, node_exporter on the master candidates, the monitoring runbook's collector scheduled (monitoring.ts). */
  monitoring?: boolean;
  /**
   * systemd hosts only: every host runs Debian's firewalld from boot (enabled in its private
   * root, never on this machine), so install-cluster's `auto` firewall takes its firewalld path.
   */
  firewalld?: boolean;
}

export type LabBuild = 'scripts' | 'runbooks';
export type LabOperator = 'root' | 'ops';

export function defaultLabOperator(): LabOperator {
  return process.env.MFS_TUI_LAB_OPERATOR === LAB_OPERATOR ? 'ops' : 'root';
}

/** The lab operator's login in the inventories the lab writes (inventory-ops.yaml). */
export const OPS_LOGIN: InventoryLogin = { user: LAB_OPERATOR, identity: 'ops_ed25519', become: true };

/** How the lab's own inventory logs in: as root by key, or (`--as ops`) as ops through sudo. */
const loginOf = (operator: LabOperator): InventoryLogin => (operator === 'ops' ? OPS_LOGIN : ROOT_LOGIN);

export function defaultLabBuild(): LabBuild {
  return process.env.MFS_TUI_LAB_BUILD === 'scripts' ? 'scripts' : 'runbooks';
}

export interface LabUpResult {
  inventory: string;
  hosts: LabHostPlan[];
  /** Seconds per phase, in order. */
  timings: Record<string, number>;
  totalSeconds: number;
  build: LabBuild;
  init: LabInit;
  /** The runbook journals of this lab up (runbooks build only). */
  journals: string[];
}

const SEED = 'metadata-seed.mfs';
const PACKAGE_EMPTY_METADATA = '/var/lib/mfs/metadata.mfs.empty';

export async function labUp(opts: LabUpOptions = {}, progress: Progress = () => {}): Promise<LabUpResult> {
  planHosts(opts.chunkservers ?? 3); // a bad count fails before anything else
  if (opts.monitoring && opts.bare) throw new LabError(t('lab.up.error.monitoringBare'));
  if (opts.firewalld && (opts.init ?? defaultLabInit()) !== 'systemd') throw new LabError(t('lab.up.error.firewalldInit'));
  await preflight(opts.bare ?? false, opts.monitoring ?? false, opts.firewalld ?? false);
  assertNoLabTestsRunning();
  return withLock(LAB_OPERATION_LOCK, () => buildLab(opts, progress));
}

async function buildLab(opts: LabUpOptions, progress: Progress): Promise<LabUpResult> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const phase = (name: string, detail?: string) => {
    const start = performance.now();
    progress(name, detail);
    return () => {
      timings[name] = Math.round(performance.now() - start) / 1000;
    };
  };
  const hosts = planHosts(opts.chunkservers ?? 3, { monitoring: opts.monitoring });
  const bare = opts.bare ?? false;
  const init = opts.init ?? defaultLabInit();
  // systemd hosts are built by the runbooks' systemd forms: the lab's scripts start daemons by hand.
  const build = opts.via ?? (init === 'systemd' ? 'runbooks' : defaultLabBuild());
  const viaRunbooks = !bare && build === 'runbooks';
  // `--as ops`: the hosts refuse root's login; the app and `lab ssh` log in as ops, through sudo.
  const operator = opts.operator ?? defaultLabOperator();
  if (init === 'systemd' && !viaRunbooks && !bare) {
    throw new LabError(t('lab.up.error.systemdFast'));
  }

  let done = phase('clean', t('lab.up.phase.clean'));
  if (readState() || (await listLabNetns()).length > 0 || (await listLabLinks()).length > 0) {
    const r = await removeLab();
    if (r.problems.length > 0) throw new LabError(t('lab.up.error.notRemoved', { problems: r.problems.join('\n  ') }));
  }
  await checkSubnetFree();
  done();

  done = phase('prepare', t('lab.up.phase.prepare'));
  fs.mkdirSync(labDir(), { recursive: true, mode: 0o700 });
  fs.chmodSync(labDir(), 0o700);
  const state: LabState = {
    version: 1,
    startedAt: new Date().toISOString(),
    phase: 'building',
    chunkservers: chunkserverHosts(hosts).length,
    bare,
    build: bare ? undefined : build,
    init,
    ...(opts.firewalld ? { firewalld: true } : {}),
    operator,
    bridge: BRIDGE,
    hosts: hosts.map((h) => ({ ...h })),
  };
  writeState(state);
  const hostKeys = await writeKeysAndFiles(hosts, viaRunbooks, init, opts.firewalld ?? false, operator);
  fs.writeFileSync(labFile('known_hosts'), knownHosts(hosts, hostKeys), { mode: 0o644 });
  const sshLogin = operator === 'ops' ? { user: LAB_OPERATOR, key: labFile('ops_ed25519') } : { user: 'root', key: labFile('id_ed25519') };
  fs.writeFileSync(labFile('ssh_config'), sshConfig(hosts, sshLogin.key, labFile('known_hosts'), sshLogin.user), { mode: 0o644 });

  // The /dev template every host copies into its private /dev.
  await runChecked('bash', ['-c', DEV_TEMPLATE, 'dev-template', devTemplateDir()]);
  done();

  done = phase('network', t('lab.up.phase.network', { bridge: BRIDGE, count: hosts.length }));
  await createBridge();
  fs.writeFileSync(LAB_OWNER_FILE, labDir() + '\n', { mode: 0o644 });
  await createHostNetwork(hosts);
  done();

  done = phase('hosts', t(init === 'systemd' ? 'lab.up.phase.hostsSystemd' : 'lab.up.phase.hosts', { count: hosts.length }));
  const started = await Promise.all(hosts.map((h) => startHost(h, init)));
  started.forEach((s, i) => Object.assign(state.hosts[i]!, s));
  writeState(state);
  done();

  const journals: string[] = [];
  if (viaRunbooks) journals.push(...(await buildViaRunbooks(hosts, phase, progress, operator, init, opts.firewalld ?? false)));
  else if (!bare) await startCluster(hosts, phase);
  if (opts.monitoring) journals.push(...(await startMonitoring(hosts, phase, progress, operator)));

  // The inventory last: its existence tells the app a lab is up.
  fs.writeFileSync(labFile('inventory-ops.yaml'), inventoryYaml(hosts, OPS_LOGIN), { mode: 0o644 });
  fs.writeFileSync(labFile('inventory.yaml'), inventoryYaml(hosts, loginOf(operator)), { mode: 0o644 });
  state.phase = 'up';
  state.timings = timings;
  writeState(state);
  const totalSeconds = Math.round(performance.now() - t0) / 1000;
  return { inventory: labFile('inventory.yaml'), hosts, timings, totalSeconds, build: bare ? 'scripts' : build, init, journals };
}

/**
 * The cluster built by the product: install-cluster, then keepalived-ha, run on the bare
 * hosts by mfs-tui's engine over SSH (the lab's inventory, pinned host keys); then the
 * lab's test files on cl and the same health wait as the scripts build.
 */
async function buildViaRunbooks(
  hosts: LabHostPlan[],
  phase: (name: string, detail?: string) => () => void,
  progress: Progress,
  operator: LabOperator,
  init: LabInit,
  firewalld: boolean,
): Promise<string[]> {
  // The inventory the runbooks run with; beside inventory.yaml (same relative paths), which
  // is written only once the lab is healthy.
  const inv = path.join(labDir(), 'inventory.lab-up.yaml');
  fs.writeFileSync(inv, inventoryYaml(hosts, loginOf(operator)), { mode: 0o644 });
  const { runLabRunbooks } = await import('./runbook-build.ts');
  const runs = await runLabRunbooks(
    inv,
    hosts,
    [
      { phase: 'install', runbook: 'install-cluster' },
      { phase: 'ha', runbook: 'keepalived-ha' },
    ],
    phase,
    progress,
    operator === 'ops' ? operatorPassword() : undefined,
    init,
    firewalld,
  );
  const done = phase('files', t('lab.up.phase.files'));
  await hostStep('cl', t('lab.step.testFiles'), CLIENT_FILES_SCRIPT, 60_000);
  done();
  await waitHealthy(chunkserverHosts(hosts).length, phase);
  return runs.map((r) => r.journal);
}

/** Prometheus on mon, node_exporter on the candidates, then the monitoring runbook (its collector every 5 s). */
async function startMonitoring(hosts: LabHostPlan[], phase: (name: string, detail?: string) => () => void, progress: Progress, operator: LabOperator): Promise<string[]> {
  const { startMonitoringDaemons } = await import('./monitoring.ts');
  const done = phase('monitoring', t('lab.up.phase.monitoring'));
  await startMonitoringDaemons(hosts);
  done();
  const inv = path.join(labDir(), 'inventory.monitoring.yaml');
  fs.writeFileSync(inv, inventoryYaml(hosts, loginOf(operator)), { mode: 0o644 });
  const { runLabRunbooks } = await import('./runbook-build.ts');
  const runs = await runLabRunbooks(inv, hosts, [{ phase: 'collector', runbook: 'monitoring' }], phase, progress, operator === 'ops' ? operatorPassword() : undefined);
  return runs.map((r) => r.journal);
}

async function startCluster(hosts: LabHostPlan[], phase: (name: string, detail?: string) => () => void): Promise<void> {
  const chunkservers = chunkserverHosts(hosts);
  const seeded = fs.existsSync(path.join(cacheDir(), SEED));
  let done = phase('master', t(seeded ? 'lab.up.phase.master' : 'lab.up.phase.masterFirst'));
  await hostStep('m1', t('lab.step.starting', { what: 'mfsmaster' }), bootstrapMasterScript(VIP, PREFIX_LEN, VIP_INTERFACE));
  const seedOut = path.join(hostDir('m1'), 'seed-metadata.mfs');
  if (fs.existsSync(seedOut)) {
    fs.mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    fs.copyFileSync(seedOut, path.join(cacheDir(), SEED));
    fs.rmSync(seedOut);
  }
  done();

  // keepalived on m1 starts the moment a majority of chunkservers listens (its check needs
  // that), in parallel with the other daemons.
  done = phase('daemons', t('lab.up.phase.daemons', { count: chunkservers.length }));
  const start = (daemon: string) => `${daemon} >/dev/null 2>&1 || { tail -n 20 /var/log/syslog; exit 1; }`;
  await Promise.all([
    ...chunkservers.map((h) => hostStep(h.name, t('lab.step.starting', { what: 'mfschunkserver' }), start('mfschunkserver start'))),
    hostStep('ml', t('lab.step.starting', { what: 'mfsmetalogger, mfscgiserv' }), start('mfsmetalogger start') + '\n' + start('mfscgiserv -R /usr/share/moosefs-cgi start')),
    hostStep('m2', t('lab.step.starting', { what: 'mfsmetalogger' }), start('mfsmetalogger start')),
    hostStep('m1', t('lab.step.starting', { what: 'keepalived' }), WAIT_FOR_CHECK_SCRIPT + start('keepalived')),
  ]);
  done();

  // Both candidates start as BACKUP with nopreempt: whoever times out first keeps the VIP, so
  // m2 joins only once m1 is MASTER.
  done = phase('vrrp', t('lab.up.phase.vrrp'));
  const master = await waitFor(() => readRole('m1') === 'MASTER', 15_000, 50);
  if (!master) throw new LabError(t('lab.up.error.notMaster', { role: readRole('m1') ?? t('lab.up.noRoleYet'), log: path.join(hostDir('m1'), 'var/log/syslog') }));
  await Promise.all([
    hostStep('m2', t('lab.step.starting', { what: 'keepalived' }), start('keepalived')),
    // keepalived drops the bootstrap VIP until it is MASTER: a client mounted before would
    // only block on its first writes.
    (async () => {
      await hostStep('cl', t('lab.step.mountAndFiles'), CLIENT_MOUNT_SCRIPT, 60_000);
      // The test files once every chunkserver is connected, as in the runbook build: written
      // while one still registers, none of their chunks is on it, and a chunkserver-down on
      // it (drill, triage) puts no chunk at risk. Not connected in time: waitHealthy says so.
      await waitFor(async () => (await readClusterView(VIP)).chunkservers.length >= chunkservers.length, 30_000, 100);
      await hostStep('cl', t('lab.step.testFiles'), CLIENT_FILES_SCRIPT, 60_000);
    })(),
  ]);
  done();

  await waitHealthy(chunkservers.length, phase);
}

async function waitHealthy(want: number, phase: (name: string, detail?: string) => () => void): Promise<void> {
  const done = phase('healthy', t('lab.up.phase.healthy'));
  let last = '';
  const healthy = await waitFor(
    async () => {
      const view = await readClusterView(VIP);
      const role = readRole('m1');
      const ok = view.chunkservers.length >= want && view.metaloggers.length >= 2 && role === 'MASTER';
      last = `${t('lab.up.healthState', { chunkservers: view.chunkservers.length, want, metaloggers: view.metaloggers.length, role: role ?? t('lab.up.noRoleYet') })}${view.error ? `, mfscli: ${view.error}` : ''}`;
      return ok;
    },
    30_000,
    200,
  );
  if (!healthy) throw new LabError(t('lab.up.error.notHealthy', { last }));
  done();
}

/**
 * The keepalived role keepalived-ha's role script recorded on a candidate (MASTER, BACKUP,
 * FAULT, ...) in /run/mfs-ha.role (the host's private /run, read through its PID 1), both
 * builds alike.
 */
export function readRole(host: string): string | undefined {
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const init = readState()?.hosts.find((h) => h.name === host)?.initPid;
  return init === undefined ? undefined : read(`/proc/${init}/root/run/mfs-ha.role`);
}

/** `bareForRunbooks`: no MooseFS or keepalived configuration; the runbooks write it. */
async function writeKeysAndFiles(hosts: LabHostPlan[], bareForRunbooks: boolean, init: LabInit, firewalld: boolean, labOperator: LabOperator): Promise<Map<string, string>> {
  const key = labFile('id_ed25519');
  if (!fs.existsSync(key) || !fs.existsSync(`${key}.pub`)) {
    fs.rmSync(key, { force: true });
    fs.rmSync(`${key}.pub`, { force: true });
    await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mfs-tui-lab', '-f', key]);
  }
  fs.chmodSync(key, 0o600);
  const clientPub = fs.readFileSync(`${key}.pub`, 'utf8');
  const operator = await prepareOperator((file) => runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${LAB_OPERATOR}@mfs-tui-lab`, '-f', file]).then(() => undefined));
  const accounts = readMachineAccounts();
  const mfs = mfsIds();
  const seed = path.join(cacheDir(), SEED);
  const hostKeys = new Map<string, string>();
  fs.mkdirSync(keysDir(), { recursive: true, mode: 0o700 });
  await Promise.all(
    hosts.map(async (h) => {
      const dir = hostDir(h.name);
      fs.rmSync(dir, { recursive: true, force: true });
      for (const d of HOST_DIRS) {
        const p = path.join(dir, d.path);
        fs.mkdirSync(p, { recursive: true });
        fs.chmodSync(p, d.mode);
        if (d.mfsOwned) fs.chownSync(p, mfs.uid, mfs.gid);
      }
      for (const d of OPERATOR_DIRS) {
        const p = path.join(dir, d.path);
        fs.mkdirSync(p, { recursive: true });
        fs.chmodSync(p, d.mode);
        fs.chownSync(p, operator.uid, operator.gid);
      }
      const files: HostFile[] = [
        ...hostFiles(h, hosts, labOperator === 'ops' ? undefined : clientPub).filter((f) => !bareForRunbooks || !/^etc\/(mfs|keepalived)\//.test(f.path)),
        ...operatorFiles(h, operator, accounts),
      ];
      for (const f of files) {
        const p = path.join(dir, f.path);
        fs.writeFileSync(p, f.content, { mode: f.mode });
        fs.chmodSync(p, f.mode);
        if (f.mfsOwned) fs.chownSync(p, mfs.uid, mfs.gid);
        if (f.owner) fs.chownSync(p, f.owner.uid, f.owner.gid);
      }
      for (const d of hostMfsDirs(h)) {
        const p = path.join(dir, d);
        fs.mkdirSync(p, { recursive: true });
        if (!bareForRunbooks) fs.chownSync(p, mfs.uid, mfs.gid);
      }
      if (bareForRunbooks) {
        // What the MooseFS packages install in the data folder the host's own bind mount hides.
        const empty = path.join(dir, 'var/lib/mfs/metadata.mfs.empty');
        if (fs.existsSync(PACKAGE_EMPTY_METADATA)) {
          fs.copyFileSync(PACKAGE_EMPTY_METADATA, empty);
          fs.chownSync(empty, mfs.uid, mfs.gid);
        }
      } else if (h.roles.includes('master-candidate') && h.name === 'm1') {
        // The bind mount hides the package's metadata.mfs.empty: the master gets its own copy.
        const md = path.join(dir, 'var/lib/mfs/metadata.mfs');
        if (fs.existsSync(seed)) fs.copyFileSync(seed, md);
        else fs.writeFileSync(md, 'MFSM NEW');
        fs.chownSync(md, mfs.uid, mfs.gid);
      }
      // Host keys outlive `lab down`, as a real server's do: known_hosts stays valid across labs.
      const kept = path.join(keysDir(), `ssh_host_ed25519_key.${h.name}`);
      if (!fs.existsSync(kept) || !fs.existsSync(`${kept}.pub`)) {
        fs.rmSync(kept, { force: true });
        await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${h.name}`, '-f', kept]);
      }
      const hk = path.join(dir, 'ssh/ssh_host_ed25519_key');
      fs.copyFileSync(kept, hk);
      fs.chmodSync(hk, 0o600);
      fs.copyFileSync(`${kept}.pub`, `${hk}.pub`);
      hostKeys.set(h.name, fs.readFileSync(`${kept}.pub`, 'utf8'));
      if (init === 'systemd') {
        const hostsFile = files.find((f) => f.path === 'etc/hosts')?.content ?? '';
        provisionSystemdRoot(h, hostsFile, { key: fs.readFileSync(kept, 'utf8'), pub: fs.readFileSync(`${kept}.pub`, 'utf8') }, { firewalld, rootLogin: labOperator !== 'ops' });
        // The lab operator lives in the private root itself (systemd's own tools rewrite the
        // account files by rename, which a bind-mounted file would refuse).
        const upper = path.join(dir, ROOT_UPPER);
        for (const d of ['etc/sudoers.d', 'home']) fs.mkdirSync(path.join(upper, d), { recursive: true, mode: 0o755 });
        fs.chmodSync(path.join(upper, 'etc/sudoers.d'), 0o750);
        for (const d of OPERATOR_DIRS) {
          const p = path.join(upper, d.path);
          fs.mkdirSync(p, { recursive: true, mode: d.mode });
          fs.chownSync(p, operator.uid, operator.gid);
        }
        for (const f of operatorFiles(h, operator, accounts)) {
          const p = path.join(upper, f.path);
          fs.writeFileSync(p, f.content, { mode: f.mode });
          fs.chmodSync(p, f.mode);
          if (f.owner) fs.chownSync(p, f.owner.uid, f.owner.gid);
        }
      }
    }),
  );
  return hostKeys;
}

function mfsIds(): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('mfs:'));
  const parts = line?.split(':');
  if (!parts || parts.length < 4) throw new LabError(t('lab.up.error.noMfsUser'));
  return { uid: Number(parts[2]), gid: Number(parts[3]) };
}
