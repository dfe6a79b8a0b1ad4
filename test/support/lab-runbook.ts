// Shared by the runbook tests on the practice cluster: the real CLI (`bin/mfs-tui run <id>
// --yes`) against a private lab, and the outside probes (mfscli from the root namespace,
// daemons by PID in each host's namespace, files and checksums through cl's mount).
// Needs `npm run build` (bin/mfs-tui runs the bundle).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemonPids, vipHolders } from '../../src/lab/break.ts';
import { labDown, labUp, type LabUpOptions } from '../../src/lab/index.ts';
import { waitFor } from '../../src/lab/proc.ts';
import { labStatus } from '../../src/lab/status.ts';
import type { LabOperator } from '../../src/lab/up.ts';
import { readState } from '../../src/lab/state.ts';
import { LAB_CHUNK_FOLDERS } from '../../src/lab/layout.ts';
import { labExec, skipReason, useTempLabDir } from './lab.ts';
import { waitUntil } from './netns-cluster.ts';

export const VIP = '10.77.0.100';
const BIN = fileURLToPath(new URL('../../bin/mfs-tui', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../dist/mfs-tui.mjs', import.meta.url));

export const labSkip = (): string | false => skipReason() || (fs.existsSync(BUNDLE) ? false : 'run `npm run build` first');

export interface Lab {
  dir: string;
  work: string;
  /** Who the runbooks log in as: root by key, or the lab operator ops through sudo (password on a descriptor). */
  operator: LabOperator;
}

/**
 * The switch: MFS_TUI_LAB_TEST_OPERATOR=ops runs every runbook test of this file as the
 * lab operator `ops` through sudo (lab up's own install-cluster and keepalived-ha too),
 * with its password given on a descriptor as CI would give it. `npm test` sets it (root when
 * run alone, for speed while working on a test).
 */
export const testOperator = (): LabOperator => (process.env.MFS_TUI_LAB_TEST_OPERATOR === 'ops' ? 'ops' : 'root');

export const lab: Lab = { dir: '', work: '', operator: 'root' };

export async function startLab(name: string, opts: LabUpOptions = {}): Promise<void> {
  lab.dir = useTempLabDir();
  lab.work = fs.mkdtempSync(path.join(os.tmpdir(), `mfs-rb-${name}-`));
  lab.operator = opts.operator ?? testOperator();
  process.stdout.write(`# runbooks run as ${lab.operator}\n`);
  await labUp({ ...opts, operator: lab.operator });
}

export async function stopLab(): Promise<void> {
  if (lab.dir) await labDown();
  for (const d of [lab.dir, lab.work]) if (d) fs.rmSync(d, { recursive: true, force: true });
}

export function mfscli(sections: string, host = VIP): string[] {
  const r = spawnSync('mfscli', ['-ns', '|', ...sections.split(' '), '-H', host], { encoding: 'utf8', timeout: 15_000 });
  return (r.stdout ?? '').split('\n');
}

/** The metadata version (next change) the master at `host` reports; undefined when none answers. */
export function masterVersion(host = VIP): number | undefined {
  const v = mfscli('-SIM', host)
    .find((l) => l.startsWith('metadata servers:|'))
    ?.split('|')[5]
    ?.replace(/ /g, '');
  return v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
}

/** Runs a bash script as root inside a lab host (entered from this machine); asserts exit 0. */
export function onHost(host: string, script: string): string {
  const r = labExec(lab.dir, host, script);
  assert.equal(r.code, 0, `${host}: ${r.err}${r.out}`);
  return r.out;
}

export function tryOnHost(host: string, script: string): { code: number | null; out: string } {
  const r = labExec(lab.dir, host, script);
  return { code: r.code, out: `${r.out}${r.err}` };
}

/**
 * Lines in a file on a host; 0 while it does not exist yet (a writer started in the background
 * creates it a moment later: entering the host takes milliseconds, so a count may come first).
 */
export function linesOnHost(host: string, file: string): number {
  const out = onHost(host, `if [ -e ${file} ]; then wc -l < ${file}; else echo 0; fi`).trim();
  assert.match(out, /^\d+$/, `${host}: lines in ${file}: ${out}`);
  return Number(out);
}

/** Ten files of random sizes written and synced through cl's mount; checksums kept in /root/rb.sha256. */
export function writeFiles(prefix: string): void {
  onHost(
    'cl',
    `set -e; mkdir -p /mnt/mfs/rb; cd /mnt/mfs/rb
for i in $(seq 10); do head -c $((i * 7919 + 50000)) /dev/urandom > ${prefix}$i.bin; sync; done
sha256sum ${prefix}*.bin >> /root/rb.sha256`,
  );
}

/** Every file written by lab up and writeFiles reads back with its checksum. */
export function assertFilesIntact(): void {
  onHost('cl', 'cd /mnt/mfs/lab && sha256sum -c --quiet /root/lab-files.sha256 && cd /mnt/mfs/rb && sha256sum -c --quiet /root/rb.sha256');
}

export interface InventoryHostSpec {
  name: string;
  roles: string[];
}

/**
 * An inventory for the runbooks, written beside the lab's (its relative key, known_hosts and
 * ssh_config paths hold): the lab's hosts with the roles given (default: the lab's own;
 * spare has none), without the hosts listed in `drop` (a lost host the operator removed).
 */
export function inventory(roles: Record<string, string[]> = {}, drop: string[] = [], file = 'inventory-runbooks.yaml', operator = lab.operator): string {
  const state = readState()!;
  const lines = [
    'cluster: lab',
    `vip: { address: ${VIP}, interface: eth0, prefix: 24 }`,
    'paths: { data: /var/lib/mfs, config: /etc/mfs, mount: /mnt/mfs }',
    'ssh: { known_hosts: [known_hosts], config: ssh_config }',
    'hosts:',
  ];
  for (const h of state.hosts) {
    const r = roles[h.name] ?? h.roles;
    if (drop.includes(h.name)) continue;
    const login = operator === 'ops' ? 'user: ops, identity: ops_ed25519, become: true' : 'user: root, identity: id_ed25519';
    const folders = r.includes('chunkserver') ? `, chunk_folders: [${LAB_CHUNK_FOLDERS.join(', ')}]` : '';
    lines.push(`  - { name: ${h.name}, address: ${h.address}, port: 22, ${login}, roles: [${r.join(', ')}]${folders} }`);
  }
  const out = path.join(lab.dir, file);
  fs.writeFileSync(out, lines.join('\n') + '\n', { mode: 0o600 });
  return out;
}

export interface RunResult {
  code: number | null;
  out: string;
  seconds: number;
}

/**
 * The argv, environment and stdio of `mfs-tui [GLOBALS] --inventory INV run ID --yes ARGS...`.
 * An inventory that logs in as ops gets the lab operator's sudo password on descriptor 3
 * (MFS_TUI_SUDO_PASSWORD_FD), as CI would give it: spawn with `stdio`, then call `done()`.
 */
export function runbookCommand(
  id: string,
  args: string[],
  inv = inventory(),
  globals: string[] = [],
): { argv: string[]; env: NodeJS.ProcessEnv; stdio: ['ignore', 'pipe', 'pipe', number | 'ignore']; done: () => void } {
  const asOps = /user: ops\b.*become: true/.test(fs.readFileSync(inv, 'utf8'));
  const pwFd = asOps ? fs.openSync(path.join(lab.dir, 'ops-password'), 'r') : undefined;
  return {
    argv: [BIN, ...globals, '--inventory', inv, 'run', id, '--yes', ...args],
    stdio: ['ignore', 'pipe', 'pipe', pwFd ?? 'ignore'],
    done: () => {
      if (pwFd !== undefined) fs.closeSync(pwFd);
    },
    env: {
      ...process.env,
      MFS_TUI_LAB_DIR: lab.dir,
      MFS_TUI_STATE_DIR: path.join(lab.work, 'state'),
      MFS_TUI_CONFIG_DIR: path.join(lab.work, 'config'),
      NO_COLOR: '1',
      ...(asOps ? { MFS_TUI_SUDO_PASSWORD_FD: '3' } : {}),
    },
  };
}

/** `mfs-tui --inventory INV run ID --yes ARGS...`, as an operator would type it. */
export function runRunbook(id: string, args: string[], inv = inventory(), globals: string[] = []): RunResult {
  const t0 = performance.now();
  const cmd = runbookCommand(id, args, inv, globals);
  const r = spawnSync(process.execPath, cmd.argv, { encoding: 'utf8', timeout: 600_000, env: cmd.env, stdio: cmd.stdio });
  cmd.done();
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`# mfs-tui run ${id}: exit ${r.status} in ${seconds.toFixed(1)} s\n`);
  return { code: r.status, out: `${r.stdout}${r.stderr}`, seconds };
}

export function hostState(name: string) {
  const h = readState()!.hosts.find((x) => x.name === name);
  assert.ok(h, `no lab host ${name}`);
  return h;
}

export async function pidsOf(host: string, daemon: string): Promise<number[]> {
  return daemonPids(hostState(host), daemon);
}

export async function vipHolderNames(): Promise<string[]> {
  return (await vipHolders(readState()!)).map((h) => h.name);
}

/**
 * SIGKILL to keepalived on both candidates (systemd hosts) while `holder` holds the VIP, as a
 * crash of both would be (no notify script runs; Debian's unit has no Restart=). Every
 * keepalived process of both is frozen first, from this machine and microseconds apart, so
 * neither can move the VIP between the two kills. CI twice saw the VIP gone from the holder
 * after the kills (cause not found; four rounds on an idle lab kept it): then what each host
 * shows is printed, keepalived is started again (the holder's first) and it is tried again.
 */
export async function crashKeepalived(hosts: string[], holder: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const pids = (await Promise.all(hosts.map((h) => pidsOf(h, 'keepalived')))).flat();
    assert.ok(pids.length >= hosts.length, `keepalived on ${hosts.join(' and ')}: ${pids.join(' ')}`);
    const signal = (sig: NodeJS.Signals) => pids.forEach((p) => process.kill(p, sig));
    signal('SIGSTOP');
    const frozen = await vipHolderNames();
    if (frozen.length === 1 && frozen[0] === holder) signal('SIGKILL');
    else signal('SIGCONT');
    for (const host of hosts)
      if (frozen.join() === holder)
        assert.equal(tryOnHost(host, 'for i in $(seq 100); do systemctl is-active --quiet keepalived || exit 0; sleep 0.1; done; exit 1').code, 0, `keepalived still active on ${host}`);
    const after = await vipHolderNames();
    if (frozen.join() === holder && after.join() === holder) return;
    const seen = hosts
      .map((h) => `${h}:\n${tryOnHost(h, 'ip -o -4 addr show dev eth0; systemctl is-active keepalived; tail -n 6 /var/log/mfs-ha.log; journalctl -u keepalived -n 8 --no-pager').out}`)
      .join('\n');
    process.stdout.write(`# crashKeepalived attempt ${attempt}: VIP on ${frozen.join('+') || 'nobody'} when frozen, on ${after.join('+') || 'nobody'} after\n${seen.replace(/^/gm, '#   ')}\n`);
    assert.ok(attempt < 3, `the VIP did not stay on ${holder} through the crash of keepalived (${attempt} tries; see the lines above)`);
    if (frozen.join() === holder) {
      onHost(holder, 'systemctl start keepalived');
      await waitFor(async () => (await vipHolderNames()).join() === holder, 30_000, 200);
      for (const h of hosts) if (h !== holder) onHost(h, 'systemctl start keepalived');
    }
    assert.equal(await settledHolder(), holder);
  }
}

/**
 * From outside: every chunkserver connected and none disconnected, `metaloggers` metadata
 * loggers connected, no missing chunk, the metadata version not behind `versionBefore`.
 */
export async function assertClusterHealthy(versionBefore: number, metaloggers: string[]): Promise<void> {
  const ok = await waitUntil(90_000, () => {
    const out = mfscli('-SIN -SCS -SMB');
    return (
      out.filter((l) => l.startsWith('chunk servers:|')).length === 3 &&
      !out.some((l) => l.startsWith('Disconnected chunk servers:|')) &&
      metaloggers.every((a) => out.some((l) => l.startsWith(`metadata backup loggers:|${a}|`))) &&
      out.includes('all chunks matrix:|chunkclass missing:|0')
    );
  });
  assert.ok(ok !== undefined, `cluster not healthy:\n${mfscli('-SIN -SCS -SMB').join('\n')}`);
  const v = masterVersion();
  assert.ok(v !== undefined && v >= versionBefore, `metadata version ${versionBefore} -> ${v}`);
}

/**
 * Waits until the master reports no missing and no endangered chunk, as an operator waits before
 * planned work: files written a moment ago can have one copy until the master replicates them
 * (CI: planned-restart refused, rightly, with "0 missing and 17 endangered chunks").
 */
export async function chunksSafe(timeoutMs = 90_000): Promise<void> {
  const ok = await waitUntil(timeoutMs, () => {
    const out = mfscli('-SIN');
    return out.includes('all chunks matrix:|chunkclass missing:|0') && out.includes('all chunks matrix:|chunkclass endangered:|0');
  });
  assert.ok(
    ok !== undefined,
    `chunks still at risk:\n${mfscli('-SIN')
      .filter((l) => l.startsWith('all chunks matrix:'))
      .join('\n')}`,
  );
}

/**
 * Waits for a settled keepalived pair: one VIP holder whose master answers and a BACKUP
 * standby whose metalogger is connected, unchanged over 2 s (leaving a FAULT, the election
 * may move the VIP once more). Returns the holder's name; asserts within `timeoutMs`.
 */
export async function settledHolder(timeoutMs = 90_000): Promise<string> {
  let last = '';
  let since = Date.now();
  const ok = await waitFor(
    async () => {
      const s = await labStatus();
      const standby = s.hosts.find((h) => h.haRole === 'BACKUP' && !h.lost && h.running);
      const now = s.vipHolders.length === 1 && s.master && !s.master.error && standby !== undefined && s.master.metaloggers.includes(standby.address) ? s.vipHolders[0]! : '';
      if (now !== last) [last, since] = [now, Date.now()];
      return now !== '' && Date.now() - since >= 2000;
    },
    timeoutMs,
    300,
  );
  assert.ok(ok, `no settled pair (one VIP holder with a master, a ready standby) within ${timeoutMs / 1000} s; last: ${last || 'none'}\n${haLogs()}`);
  return last;
}

/** What each master candidate holds and says (addresses, keepalived and mfsmaster processes, role file and log, units): what a failed failover check prints. */
export function haLogs(hosts = ['m1', 'm2']): string {
  return hosts
    .map(
      (h) =>
        `--- ${h}\n${tryOnHost(h, "ip -o -4 addr show | awk '{print $4}' | tr '\\n' ' '; echo; pgrep -a keepalived; pgrep -a mfsmaster; cat /run/mfs-ha.role; tail -n 40 /var/log/mfs-ha.log; journalctl -b --no-pager -n 60 -u keepalived -u moosefs-master -u moosefs-metalogger 2>/dev/null | tail -n 60").out}`,
    )
    .join('\n');
}
