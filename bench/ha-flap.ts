// bench/ha-flap: the practice cluster at fleet size on a starved machine, no fault injected.
// `lab up --fast --chunkservers N`, then `busy` busy loops (started and stopped here, by PID)
// for `seconds`, while the candidates' VIP and listening masters are read every 100 ms from
// their network namespaces (/proc/PID/net: files, no process started). Every change is
// recorded; at the end the role-script and keepalived logs of m1 and m2. Two masters
// listening, or the VIP moving, with no fault is the finding (bench/RESULTS.md).
// Run: node --import tsx bench/ha-flap.ts [chunkservers=20] [busy=8] [seconds=180]
// (root, lab packages; takes the machine-wide lab lock). Writes bench/ha-flap-N.json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { holdMachineLabLock } from '../test/support/lab.ts';

const N = Number(process.argv[2] ?? 20);
const BUSY = Number(process.argv[3] ?? 8);
const SECONDS = Number(process.argv[4] ?? 180);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-ha-flap-'));
process.env.MFS_TUI_LAB_DIR = dir;
const { labDown, labUp } = await import('../src/lab/index.ts');
const { readState } = await import('../src/lab/state.ts');

const read = (f: string) => {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return '';
  }
};
const holdsVip = (pid: number) => /\|-- 10\.77\.0\.100\n\s+\/32 host LOCAL/.test(read(`/proc/${pid}/net/fib_trie`));
// A socket listening on 9421 (0x24CD, state 0A) in the host's network namespace.
const listens = (pid: number) => /^\s*\d+: [0-9A-F]+:24CD [0-9A-F]+:0000 0A /m.test(read(`/proc/${pid}/net/tcp`));
const r1 = (x: number) => Math.round(x * 10) / 10;

holdMachineLabLock();
const result: Record<string, unknown> = { chunkservers: N, busy: BUSY, seconds: SECONDS, at: new Date().toISOString() };
const loops: number[] = [];
try {
  await labUp({ chunkservers: N, via: 'scripts' }, (phase, detail) => process.stdout.write(`  ${phase}${detail ? `: ${detail}` : ''}\n`));
  const hosts = readState()!.hosts.filter((h) => h.name === 'm1' || h.name === 'm2');
  for (let i = 0; i < BUSY; i++) {
    const c = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore', detached: true });
    c.unref();
    loops.push(c.pid!);
  }
  const t0 = performance.now();
  const changes: { s: number; state: string; load: number }[] = [];
  let last = '';
  let twoListening = 0;
  let noHolder = 0;
  let samples = 0;
  while (performance.now() - t0 < SECONDS * 1000) {
    const vip = hosts.filter((h) => holdsVip(h.initPid!)).map((h) => h.name);
    const ms = hosts.filter((h) => listens(h.initPid!)).map((h) => h.name);
    const state = `VIP ${vip.join('+') || 'none'}, listening ${ms.join('+') || 'none'}`;
    samples++;
    if (ms.length > 1) twoListening++;
    if (vip.length === 0) noHolder++;
    if (state !== last) {
      changes.push({ s: r1((performance.now() - t0) / 1000), state, load: r1(os.loadavg()[0]!) });
      process.stdout.write(`${new Date().toISOString()} +${((performance.now() - t0) / 1000).toFixed(1)} s ${state} (load ${os.loadavg()[0]!.toFixed(1)})\n`);
      last = state;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  result.samples = samples;
  result.twoListeningSamples = twoListening;
  result.noHolderSamples = noHolder;
  result.changes = changes;
  for (const p of loops.splice(0)) process.kill(p, 'SIGKILL');
  result.logs = Object.fromEntries(
    hosts.map((h) => [
      h.name,
      {
        role: read(`/proc/${h.initPid}/root/var/log/mfs-ha.log`).split('\n'),
        keepalived: read(`/proc/${h.initPid}/root/var/log/syslog`)
          .split('\n')
          .filter((l) => /Keepalived/.test(l)),
      },
    ]),
  );
} finally {
  for (const p of loops) process.kill(p, 'SIGKILL');
  await labDown();
  fs.rmSync(dir, { recursive: true, force: true });
}
const file = fileURLToPath(new URL(`./ha-flap-${N}.json`, import.meta.url));
fs.writeFileSync(file, JSON.stringify(result, null, 1) + '\n');
console.log(`written ${file}`);
