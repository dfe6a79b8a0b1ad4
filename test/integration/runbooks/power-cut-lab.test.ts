// power-cut end to end through mfs-tui on the practice cluster: lab up, files written
// through cl's mount, `lab break power-cut`, `mfs-tui run power-cut --lab --yes`, then from
// outside: one VIP holder running the master, every chunkserver and the metalogger
// connected, no missing chunks, every file back with its checksum, metadata version not
// back. Two branches: the standby took over (the old master rejoins as standby), and no
// standby could take over (recovery on the same host with mfsmaster -a).
// Needs `npm run build` (bin/mfs-tui runs the bundle).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { daemonPids, vipHolders } from '../../../src/lab/break.ts';
import { labBreak, labDown, labUp } from '../../../src/lab/index.ts';
import { readState } from '../../../src/lab/state.ts';
import { labExec, skipReason, useTempLabDir } from '../../support/lab.ts';
import { waitUntil } from '../../support/netns-cluster.ts';

const VIP = '10.77.0.100';
const BIN = fileURLToPath(new URL('../../../bin/mfs-tui', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../../dist/mfs-tui.mjs', import.meta.url));
const skip = skipReason() || (fs.existsSync(BUNDLE) ? false : 'run `npm run build` first');

let dir = '';
let work = '';

function mfscli(sections: string): string[] {
  const r = spawnSync('mfscli', ['-ns', '|', ...sections.split(' '), '-H', VIP], { encoding: 'utf8', timeout: 15_000 });
  return (r.stdout ?? '').split('\n');
}

function masterVersion(): number | undefined {
  const v = mfscli('-SIM').find((l) => l.startsWith('metadata servers:|'))?.split('|')[5]?.replace(/ /g, '');
  return v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
}

function onHost(host: string, script: string): string {
  const r = labExec(dir, host, script);
  assert.equal(r.code, 0, `${host}: ${r.err}${r.out}`);
  return r.out;
}

/** SIGKILL to keepalived's processes on a host, by the PIDs in its pid files: no notify script runs. */
function killKeepalived(host: string): void {
  onHost(host, 'p=; for f in /run/vrrp.pid /run/checkers.pid /run/keepalived.pid; do [ -s "$f" ] && p="$p $(cat "$f")"; done; [ -n "$p" ] && { kill -STOP $p; kill -9 $p; } 2>/dev/null; rm -f /run/keepalived.pid /run/vrrp.pid /run/checkers.pid; exit 0');
}

function writeFiles(prefix: string): void {
  onHost(
    'cl',
    `set -e; mkdir -p /mnt/mfs/rb; cd /mnt/mfs/rb
for i in $(seq 10); do head -c $((i * 7919 + 50000)) /dev/urandom > ${prefix}$i.bin; sync; done
sha256sum ${prefix}*.bin >> /root/rb.sha256`,
  );
}

/**
 * The lab's inventory without hosts that have no role (spare): the inventory loader refuses
 * a host without roles. Written beside it, so its relative key and ssh_config paths hold.
 */
function runbookInventory(): string {
  const doc = parseDocument(fs.readFileSync(path.join(dir, 'inventory.yaml'), 'utf8'));
  const hosts = doc.get('hosts') as { items: { get(k: string): { items?: unknown[] } | undefined }[] };
  hosts.items = hosts.items.filter((h) => (h.get('roles')?.items?.length ?? 0) > 0);
  const file = path.join(dir, 'inventory-runbooks.yaml');
  fs.writeFileSync(file, doc.toString(), { mode: 0o600 });
  return file;
}

function runRunbook(args: string[], id = 'power-cut'): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, '--inventory', runbookInventory(), 'run', id, '--yes', ...args], {
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, MFS_TUI_LAB_DIR: dir, MFS_TUI_STATE_DIR: path.join(work, 'state'), MFS_TUI_CONFIG_DIR: path.join(work, 'config'), NO_COLOR: '1' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

async function assertHealthy(versionBefore: number): Promise<string> {
  const state = readState()!;
  const holders = await vipHolders(state);
  assert.equal(holders.length, 1, `VIP holders: ${holders.map((h) => h.name).join(',')}`);
  const master = holders[0]!;
  assert.ok((await daemonPids(master, 'mfsmaster')).length > 0, `${master.name} runs the master`);
  for (const h of state.hosts) if (h.name !== master.name && !h.lost) assert.equal((await daemonPids(h, 'mfsmaster')).length, 0, `no master on ${h.name}`);
  const ok = await waitUntil(60_000, () => {
    const out = mfscli('-SIN -SCS -SMB');
    return (
      out.filter((l) => l.startsWith('chunk servers:|')).length === 3 &&
      !out.some((l) => l.startsWith('Disconnected chunk servers:|')) &&
      out.some((l) => l.startsWith('metadata backup loggers:|10.77.0.13|')) &&
      out.includes('all chunks matrix:|chunkclass missing:|0')
    );
  });
  assert.ok(ok !== undefined, `cluster not healthy:\n${mfscli('-SIN -SCS -SMB').join('\n')}`);
  const v = masterVersion();
  assert.ok(v !== undefined && v >= versionBefore, `metadata version ${versionBefore} -> ${v}`);
  onHost('cl', 'cd /mnt/mfs/lab && sha256sum -c --quiet /root/lab-files.sha256 && cd /mnt/mfs/rb && sha256sum -c --quiet /root/rb.sha256');
  return master.name;
}

describe('power-cut through mfs-tui on the practice cluster', { skip, timeout: 1_200_000 }, () => {
  before(async () => {
    dir = useTempLabDir();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-rb-power-cut-'));
    // `lab up --fast`: the same HA design (keepalived-ha's own files, src/lab/ha-design.ts) in a third of
    // the time; the runbook build itself is proved by lab-cluster and the runbook lab tests.
    await labUp({ via: 'scripts' });
  });
  after(async () => {
    if (dir) await labDown();
    for (const d of [dir, work]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it('the standby took over: the old master rejoins as standby', async () => {
    writeFiles('a');
    const v0 = masterVersion()!;
    const broken = await labBreak('power-cut');
    const old = broken.host!;
    const t0 = performance.now();
    const moved = await waitUntil(60_000, () => (masterVersion() ?? 0) > 0);
    assert.ok(moved !== undefined, 'the standby took over');
    const address = readState()!.hosts.find((h) => h.name === old)!.address;
    const r = runRunbook(['--input', `host=${old}`, '--input', `host_address=${address}`, '--decide', 'host-boots=yes', '--decide', 'choose=rejoin']);
    assert.equal(r.code, 0, r.out);
    process.stdout.write(`# power-cut (rejoin) from fault to runbook done: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const master = await assertHealthy(v0);
    assert.notEqual(master, old);
  });

  it('no HA to take over (keepalived gone on both): mfsmaster -a on the same host, version checked against the metalogger', async () => {
    writeFiles('b');
    const v0 = masterVersion()!;
    const state = readState()!;
    const active = (await vipHolders(state))[0]!.name;
    // keepalived dies on both candidates without a notify (as if it was never installed): the VIP
    // stays where it is and nothing restarts or moves the master by itself.
    for (const h of state.hosts.filter((x) => x.roles.includes('master-candidate'))) killKeepalived(h.name);
    // keepalived took the VIP with it; a cluster without HA has it configured by hand.
    onHost(active, `ip -o addr show | grep -qF ' ${VIP}/' || ip addr add ${VIP}/24 dev eth0`);
    const broken = await labBreak('power-cut');
    assert.equal(broken.host, active);
    const t0 = performance.now();
    const address = state.hosts.find((h) => h.name === active)!.address;
    const r = runRunbook(['--input', `host=${active}`, '--input', `host_address=${address}`, '--decide', 'host-boots=yes', '--decide', 'choose=recover', '--decide', 'master-back=yes']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /chosen most recent metadata file/);
    assert.match(r.out, /OK: the master has every change the metalogger logged/);
    process.stdout.write(`# power-cut (recover here) from fault to runbook done: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const master = await assertHealthy(v0);
    assert.equal(master, active);
  });

  it('lost-master: the active host vanishes and no standby takes over; the standby is promoted by the runbook', async () => {
    writeFiles('c');
    const v0 = masterVersion()!;
    const state = readState()!;
    const active = (await vipHolders(state))[0]!.name;
    const standby = state.hosts.find((h) => h.roles.includes('master-candidate') && h.name !== active)!;
    // The previous test killed keepalived on the standby: nothing fails over by itself.
    killKeepalived(standby.name);
    const broken = await labBreak('lose-master');
    assert.equal(broken.host, active);
    const t0 = performance.now();
    const old = state.hosts.find((h) => h.name === active)!;
    const r = runRunbook(
      [
        '--input', `old=${old.name}`, '--input', `old_address=${old.address}`,
        '--input', `target=${standby.name}`, '--input', `target_address=${standby.address}`,
        '--decide', 'fence=fenced', '--decide', 'next=later',
      ],
      'lost-master',
    );
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /OK: the new master has every change the metalogger logged/);
    process.stdout.write(`# lost-master from fault to runbook done: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const master = await assertHealthy(v0);
    assert.equal(master, standby.name);
  });
});
