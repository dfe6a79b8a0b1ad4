// bench/capture-failover-status: the status poller's real snapshots (ClusterStatus, as the
// status screen receives them) through a kill -9 of the active master on the practice
// cluster built by the runbooks. Written to test/fixtures/status/failover-states.json for
// the status screen's test (test/unit/screens/status-failover.test.tsx): one snapshot per
// publish from 3 s before the kill until every chunkserver is back on the new master, plus
// 2 s. Run: node --import tsx bench/capture-failover-status.ts   (root; takes the lab lock)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemonPids, vipHolders } from '../src/lab/break.ts';
import { labDown, labInventoryPath, labUp } from '../src/lab/index.ts';
import { readState } from '../src/lab/state.ts';
import { holdMachineLabLock } from '../test/support/lab.ts';
import type { ClusterStatus } from '../src/status/model.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-lab-capture-'));
process.env.MFS_TUI_LAB_DIR = dir;
const OUT = fileURLToPath(new URL('../test/fixtures/status/failover-states.json', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the status screens show of a snapshot, apart from ages and clocks. */
function shown(s: ClusterStatus): string {
  return JSON.stringify({
    hosts: s.hosts.map((h) => [
      h.name,
      h.stale,
      h.reachable,
      h.probe?.holdsVip,
      h.probe?.keepalived?.map((k) => k.state),
      h.probe?.haRole?.role,
      h.probe && Object.entries(h.probe.daemons).map(([d, ps]) => `${d}:${ps.length}`),
    ]),
    mfs: [
      s.mfs.stale,
      s.mfs.error,
      s.mfs.viaVip?.masters.map((m) => [m.ip, m.answering, m.metadataVersion]),
      s.mfs.viaVip?.chunkservers.length,
      s.mfs.viaVip?.disconnected.length,
      s.mfs.candidates.map((c) => [c.master?.answering, c.master?.metadataVersion]),
    ],
    alerts: s.alerts.map((a) => a.code),
    failover: s.failover?.steps.map((x) => x.label),
  });
}

/** The first, the last, and every snapshot where what the screens show changed. */
function keepChanges(states: ClusterStatus[]): ClusterStatus[] {
  return states.filter((s, i) => i === 0 || i === states.length - 1 || shown(s) !== shown(states[i - 1]!));
}

async function main(): Promise<void> {
  holdMachineLabLock();
  try {
    await labUp({ via: 'runbooks' });
    const [{ loadInventory }, { openClusterSession }, { nonInteractivePrompts }, { StatusPoller }] = await Promise.all([
      import('../src/inventory/load.ts'),
      import('../src/cluster/session.ts'),
      import('../src/cluster/non-interactive-prompts.ts'),
      import('../src/status/poller.ts'),
    ]);
    const session = await openClusterSession(await loadInventory(labInventoryPath()), nonInteractivePrompts());
    const poller = new StatusPoller(session, { intervalMs: 1000 });
    const states: ClusterStatus[] = [];
    let recording = false;
    poller.subscribe(() => {
      if (recording) states.push(poller.getState());
    });
    poller.start();
    // Healthy first: every chunkserver on the master behind the VIP.
    for (let i = 0; i < 120 && (poller.getState().mfs.viaVip?.chunkservers.length ?? 0) < 3; i++) await sleep(500);
    recording = true;
    await sleep(3000);
    const holder = (await vipHolders(readState()!))[0]!;
    const pids = await daemonPids(holder, 'mfsmaster');
    const t0 = Date.now();
    for (const p of pids) process.kill(p, 'SIGKILL');
    process.stderr.write(`killed mfsmaster on ${holder.name} (${pids.join(' ')})\n`);
    for (let i = 0; i < 240; i++) {
      const f = poller.getState().failover;
      if (f?.done) break;
      await sleep(250);
    }
    await sleep(2000);
    recording = false;
    poller.stop();
    await session.close();
    const f = poller.getState().failover;
    process.stderr.write(`${states.length} snapshots; failover ${JSON.stringify(f?.steps.map((s) => [s.label, (s.at - t0) / 1000]))}\n`);
    const kept = keepChanges(states).map(({ failover: _f, ...s }) => s);
    const replacer = (_k: string, v: unknown) => (v instanceof Set ? { set: [...v] } : v);
    fs.writeFileSync(
      OUT,
      JSON.stringify(
        {
          captured: new Date().toISOString(),
          note: `status poller snapshots (interval 1 s) on the practice cluster, kill -9 of ${holder.name}'s mfsmaster at ${t0}; only those where what the screens show changed (${kept.length} of ${states.length}); without the failover timeline the poller folds in (the test folds them again); Sets as {set: [...]}`,
          killedAt: t0,
          states: kept,
        },
        replacer,
      ) + '\n',
    );
  } finally {
    await labDown().catch((e) => process.stderr.write(`lab down: ${String(e)}\n`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
