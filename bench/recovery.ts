// bench/recovery: recovery on the practice cluster, from the fault to a cluster verified
// healthy from outside (VIP master answering, 3 chunkservers, the metalogger, no missing
// chunk), two ways side by side in one run:
//   A. `mfs-tui run RUNBOOK --yes` (engine, journal, SSH pool, facts, checks);
//   B. the same scripts (the blocks mfs-tui ran, rendered for the same hosts, checks
//      included) in one plain bash script over OpenSSH (one ssh per script, no multiplexing).
// Without HA (keepalived stopped, a static VIP on m1):
//   power-cut: mfsmaster -a on the same host, so every round starts from the same state;
//   lost-master: m1 vanishes (`lab break lose-master`), m2 is promoted from its metalogger
//     data: each round loses a host, so each starts from a fresh `lab up` (not timed).
// Rounds alternate A B B A ...
// Run: node --import tsx bench/recovery.ts [rounds] [power-cut|lost-master]   (root, lab packages; takes the lab lock)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { labBreak, labDown, labUp } from '../src/lab/index.ts';
import { chooseBlock } from '../src/runbook/conditions.ts';
import type { HostFacts } from '../src/runbook/facts.ts';
import { holdMachineLabLock } from '../test/support/lab.ts';
import { inputsFor, labInventory, renderBlock, runbook } from '../test/support/runbook-library.ts';

const ROUNDS = Number(process.argv[2] ?? 4);
const RUNBOOK = (process.argv[3] ?? 'power-cut') as 'power-cut' | 'lost-master';
if (RUNBOOK !== 'power-cut' && RUNBOOK !== 'lost-master') throw new Error(`no recovery bench for ${RUNBOOK as string}: power-cut or lost-master`);
const VIP = '10.77.0.100';
const BIN = fileURLToPath(new URL('../bin/mfs-tui', import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-lab-bench-'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-bench-recovery-'));
process.env.MFS_TUI_LAB_DIR = dir;

const ssh = (host: string, script: string) => spawnSync('ssh', ['-F', path.join(dir, 'ssh_config'), '-o', 'BatchMode=yes', host, 'sh', '-s'], { input: script, encoding: 'utf8', timeout: 60_000 });

function healthy(): boolean {
  const out = (spawnSync('mfscli', ['-ns', '|', '-SIN', '-SCS', '-SMB', '-H', VIP], { encoding: 'utf8', timeout: 15_000 }).stdout ?? '').split('\n');
  return (
    out.filter((l) => l.startsWith('chunk servers:|')).length === 3 &&
    !out.some((l) => l.startsWith('Disconnected chunk servers:|')) &&
    out.some((l) => l.startsWith('metadata backup loggers:|10.77.0.13|')) &&
    out.includes('all chunks matrix:|chunkclass missing:|0')
  );
}

async function waitHealthy(): Promise<void> {
  const end = Date.now() + 180_000;
  while (Date.now() < end) {
    if (healthy()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('not healthy after 180 s');
}

/** Inputs and decisions per runbook: m1 is the master that fails; m2 and ml survive. */
const RUN: Record<typeof RUNBOOK, { fault: 'power-cut' | 'lose-master'; inputs: Record<string, string>; decide: string[] }> = {
  'power-cut': {
    fault: 'power-cut',
    inputs: { host: 'm1', host_address: '10.77.0.11', metalogger: 'ml' },
    decide: ['host-boots=yes', 'choose=recover', 'master-back=yes'],
  },
  'lost-master': {
    fault: 'lose-master',
    inputs: { old: 'm1', old_address: '10.77.0.11', target: 'm2', target_address: '10.77.0.12', metalogger: 'ml' },
    decide: ['fence=fenced', 'next=later'],
  },
};
const run = RUN[RUNBOOK];
const ARGS = [...Object.entries(run.inputs).flatMap(([k, v]) => ['--input', `${k}=${v}`]), ...run.decide.flatMap((d) => ['--decide', d])];

/** Steps and hosts mfs-tui ran, in order, from its output (`== Title [id]`, `[host] ok:`). */
function executed(out: string): { step: string; host: string }[] {
  const res: { step: string; host: string }[] = [];
  let step = '';
  for (const line of out.split('\n')) {
    const s = /^== .* \[([a-z0-9-]+)\]$/.exec(line);
    if (s) step = s[1]!;
    const h = /^ {2}\[([^\]]+)\] ok: exit/.exec(line);
    if (h && !res.some((x) => x.step === step && x.host === h[1])) res.push({ step, host: h[1]! });
  }
  return res;
}

/** The plain bash script: each block rendered for its host, run with ssh, then its check. */
function plainScript(ran: { step: string; host: string }[]): string {
  const rb = runbook(RUNBOOK);
  const inputs = { ...inputsFor(rb), ...run.inputs };
  const facts: HostFacts = { os: 'debian', osId: 'debian', osVersion: '12', init: 'none', mfs: '3.0.117', hostname: '' };
  const lines = ['#!/bin/bash', 'set -e', `S="ssh -F ${path.join(dir, 'ssh_config')} -o BatchMode=yes"`];
  for (const { step, host } of ran) {
    const block = chooseBlock(
      rb.steps.find((s) => s.id === step)!,
      { ...facts, hostname: host },
    )!;
    const r = renderBlock(rb, block, host, labInventory(), inputs);
    lines.push(`$S ${host} sh -s <<'MFS_EOF'\n${r.script}\nMFS_EOF`);
    if (r.check) lines.push(`$S ${host} sh -s <<'MFS_EOF'\n${r.check}\nMFS_EOF`);
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  holdMachineLabLock();
  const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  const results: { way: string; seconds: number; load: string }[] = [];
  /** A cluster without HA: keepalived gone on both candidates (no notify), a static VIP on m1. */
  const withoutHa = async () => {
    for (const h of ['m1', 'm2'])
      ssh(
        h,
        'for f in /run/keepalived.pid /run/vrrp.pid /run/checkers.pid; do [ -s "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done; rm -f /run/keepalived.pid /run/vrrp.pid /run/checkers.pid; exit 0',
      );
    ssh('m1', `ip -o addr show | grep -qF ' ${VIP}/' || ip addr add ${VIP}/24 dev eth0`);
    await waitHealthy();
  };
  try {
    await labUp({});
    await withoutHa();
    let plain = '';
    for (let i = 0; i < ROUNDS; i++) {
      const way = i % 4 === 0 || i % 4 === 3 ? 'mfs-tui' : 'plain';
      const useTui = way === 'mfs-tui' || !plain;
      // lost-master loses m1 for good: a fresh cluster for every round after the first.
      if (RUNBOOK === 'lost-master' && i > 0) {
        await labDown();
        await labUp({});
        await withoutHa();
      }
      await labBreak(run.fault);
      const t0 = performance.now();
      if (useTui) {
        const r = spawnSync(process.execPath, [BIN, '--lab', 'run', RUNBOOK, '--yes', ...ARGS], {
          encoding: 'utf8',
          timeout: 600_000,
          env: { ...process.env, MFS_TUI_STATE_DIR: path.join(work, 'state'), MFS_TUI_CONFIG_DIR: path.join(work, 'config'), NO_COLOR: '1' },
        });
        if (r.status !== 0) throw new Error(`mfs-tui run failed:\n${r.stdout}${r.stderr}`);
        if (!plain) {
          plain = plainScript(executed(r.stdout));
          fs.writeFileSync(path.join(work, 'plain.sh'), plain, { mode: 0o700 });
        }
      } else {
        const r = spawnSync('bash', [path.join(work, 'plain.sh')], { encoding: 'utf8', timeout: 600_000 });
        if (r.status !== 0) throw new Error(`plain script failed:\n${r.stdout}${r.stderr}`);
      }
      await waitHealthy();
      const seconds = (performance.now() - t0) / 1000;
      results.push({ way: useTui ? 'mfs-tui' : 'plain', seconds, load: load()! });
      process.stdout.write(`round ${i + 1}: ${useTui ? 'mfs-tui' : 'plain ssh'} ${seconds.toFixed(1)} s (load ${load()})\n`);
    }
  } finally {
    await labDown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const a = med(results.filter((r) => r.way === 'mfs-tui').map((r) => r.seconds));
  const b = med(results.filter((r) => r.way === 'plain').map((r) => r.seconds));
  process.stdout.write(`${RUNBOOK} fault -> healthy, median: mfs-tui ${a.toFixed(1)} s, plain OpenSSH ${b.toFixed(1)} s, overhead ${(a - b).toFixed(1)} s (${(((a - b) / b) * 100).toFixed(0)}%)\n`);
  process.stdout.write(`plain script kept in ${path.join(work, 'plain.sh')}\n`);
}

await main();
