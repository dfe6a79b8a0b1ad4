// bench/fleet-lab: the practice cluster at fleet size. `lab up --chunkservers N --fast`, then
// the memory each host's processes take (PSS, by network namespace) and the machine's
// MemAvailable before and after, then mfs-tui's own commands against it through the real
// bin/mfs-tui: status (every chunkserver connected), triage (healthy), metrics (one series per
// chunkserver) and health-check (its on=all parallel=8 step on every host). On demand, not in
// the test suite (minutes at 40 hosts on a busy 2-core machine).
// Run: npm run build && node --import tsx bench/fleet-lab.ts [chunkservers=40]
// (root, lab packages; takes the machine-wide lab lock). Writes bench/fleet-lab-N.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { holdMachineLabLock } from '../test/support/lab.ts';

const N = Number(process.argv[2] ?? 40);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-fleet-lab-'));
process.env.MFS_TUI_LAB_DIR = dir;
const BIN = fileURLToPath(new URL('../bin/mfs-tui', import.meta.url));
const { labDown, labUp } = await import('../src/lab/index.ts');
const { readState } = await import('../src/lab/state.ts');

const memAvailableMiB = () => Number(/MemAvailable:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))![1]) / 1024;

/** PSS in MiB of every process, by the inode of its network namespace. */
function pssByNetns(): Map<number, { mib: number; procs: number }> {
  const out = new Map<number, { mib: number; procs: number }>();
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const ns = Number(/net:\[(\d+)\]/.exec(fs.readlinkSync(`/proc/${p}/ns/net`))![1]);
      const pss = Number(/^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024;
      const e = out.get(ns) ?? { mib: 0, procs: 0 };
      e.mib += pss;
      e.procs++;
      out.set(ns, e);
    } catch {
      // gone, or a kernel thread
    }
  }
  return out;
}

function cli(args: string[], timeout = 300_000): { code: number | null; out: string; err: string; s: number } {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-fleet-state-'));
  const t = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout, maxBuffer: 64 << 20, env: { ...process.env, MFS_TUI_STATE_DIR: state, MFS_TUI_CONFIG_DIR: state } });
  const s = Math.round(performance.now() - t) / 1000;
  fs.rmSync(state, { recursive: true, force: true });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '', s };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

holdMachineLabLock();
const result: Record<string, unknown> = { chunkservers: N, load: os.loadavg().map(r1), at: new Date().toISOString() };
const before = memAvailableMiB();
try {
  // The lab's own bootstrap (--fast): at 40 chunkservers on a machine at load 27, install-cluster's
  // mfscgiserv check (30 s) failed once; the runbooks' parallel steps are measured by health-check below.
  const up = await labUp({ chunkservers: N, via: 'scripts' }, (phase, detail) => process.stdout.write(`  ${phase}${detail ? `: ${detail}` : ''}\n`));
  result.labUpSeconds = up.totalSeconds;
  result.timings = up.timings;
  // Settled daemons, not start-up peaks.
  const after = memAvailableMiB();
  const byNs = pssByNetns();
  const hosts = readState()!.hosts.map((h) => {
    const ino = fs.statSync(`/run/netns/${h.netns}`).ino;
    const m = byNs.get(ino) ?? { mib: 0, procs: 0 };
    return { name: h.name, roles: h.roles, pssMiB: r1(m.mib), procs: m.procs };
  });
  const cs = hosts.filter((h) => h.roles.includes('chunkserver')).map((h) => h.pssMiB);
  result.memory = {
    memAvailableDropMiB: r1(before - after),
    perHostMiB: r1((before - after) / hosts.length),
    chunkserverPssMiB: { median: r1(median(cs)), min: Math.min(...cs), max: Math.max(...cs) },
    allHostsPssMiB: r1(hosts.reduce((n, h) => n + h.pssMiB, 0)),
    hosts,
  };

  const st = cli(['status', '--lab', '--json']);
  const status = JSON.parse(st.out);
  const connected = status.mfs?.viaVip?.chunkservers?.length;
  result.status = {
    seconds: st.s,
    exit: st.code,
    chunkserversConnected: connected,
    hostsOk: status.hosts.filter((h: { reachable: boolean }) => h.reachable).length,
    alerts: status.alerts.map((a: { message: string }) => a.message),
  };

  const tr = cli(['triage', '--lab', '--json']);
  result.triage = { seconds: tr.s, exit: tr.code, out: tr.code === 0 ? undefined : tr.out.slice(0, 2000) + tr.err.slice(0, 1000) };

  const me = cli(['metrics', '--lab']);
  const csSeries = me.out.split('\n').filter((l) => /^moosefs_chunk_servers_[a-z_]+\{/.test(l));
  const perCs = new Set(csSeries.map((l) => /ip="([^"]+)"/.exec(l)?.[1]).filter(Boolean));
  result.metrics = { seconds: me.s, exit: me.code, chunkserversWithSeries: perCs.size, scrapeOk: /moosefs_scrape_ok\{[^}]*\} 1/.test(me.out) };

  const hc = cli(['run', 'health-check', '--lab', '--yes', '--json']);
  const events = hc.out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const fin = events.at(-1);
  const parallelHosts = new Set(events.filter((e) => e.type === 'host-finished' || e.type === 'output').map((e) => e.host)).size;
  result.healthCheck = { seconds: hc.s, exit: hc.code, status: fin?.status, hostsWithOutput: parallelHosts, reason: fin?.reason };
} finally {
  const t = performance.now();
  const down = await labDown();
  result.labDownSeconds = Math.round(performance.now() - t) / 1000;
  if (down.problems.length) result.labDownProblems = down.problems;
  fs.rmSync(dir, { recursive: true, force: true });
}
const file = fileURLToPath(new URL(`./fleet-lab-${N}.json`, import.meta.url));
fs.writeFileSync(file, JSON.stringify(result, null, 1) + '\n');
const { hosts: _h, ...mem } = result.memory as Record<string, unknown>;
console.log(JSON.stringify({ ...result, memory: mem }, null, 1));
