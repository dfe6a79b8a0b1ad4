#!/usr/bin/env node
// Start-up benchmark: time from spawn to the first frame of the home screen, and the
// process's peak resident memory (VmHWM), run under a pseudo-terminal (script(1)) so Ink
// renders as it does for an operator. Usage: node bench/startup.mjs [runs=10] [--cold]
// Each run starts with the state directory of the previous ones (the runbook cache of
// earlier starts, as an operator has it); --cold gives every run an empty state directory
// (the first start after installing, or after every runbook changed).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const cold = process.argv.includes('--cold');
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10);
const root = new URL('..', import.meta.url).pathname;
const inv = join(mkdtempSync(join(tmpdir(), 'mfs-bench-')), 'inventory.yaml');
writeFileSync(inv, 'cluster: bench\nvip: { address: 127.0.0.99, interface: lo, prefix: 32 }\nhosts:\n  - { name: m1, address: 127.0.0.1, roles: [master-candidate] }\n');

function childPid(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return undefined;
  }
}

function hwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function once() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const state = cold ? mkdtempSync(join(tmpdir(), 'mfs-bench-cold-')) : join(tmpdir(), 'mfs-bench-state');
    const env = { ...process.env, MFS_TUI_STATE_DIR: state, MFS_TUI_CONFIG_DIR: join(tmpdir(), 'mfs-bench-conf'), COLUMNS: '120', LINES: '40' };
    const p = spawn('script', ['-qfec', `node ${root}bin/mfs-tui --inventory ${inv}`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    let firstFrameMs;
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`no frame in 10 s; saw: ${out.slice(0, 200)}`));
    }, 10_000);
    p.stdout.on('data', (d) => {
      out += d.toString();
      if (firstFrameMs === undefined && /runbook/i.test(out)) {
        firstFrameMs = Number(process.hrtime.bigint() - t0) / 1e6;
        // Let it settle, then read the peak memory of node (script's child) before stopping it.
        setTimeout(() => {
          const node = childPid(p.pid);
          const kb = node ? hwmKb(node) : undefined;
          if (node) process.kill(node, 'SIGTERM');
          clearTimeout(timer);
          p.on('close', () => {
            if (cold) rmSync(state, { recursive: true, force: true });
            resolve({ ms: firstFrameMs, mb: kb ? kb / 1024 : NaN });
          });
        }, 300);
      }
    });
  });
}

const loadBefore = loadavg()[0];
const results = [];
for (let i = 0; i < runs; i++) results.push(await once());
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = results.map((r) => r.ms);
const mb = results.map((r) => r.mb);
console.log(
  `runs=${runs}${cold ? ' cold' : ''} load ${loadBefore.toFixed(2)}→${loadavg()[0].toFixed(2)} first-frame median ${med(ms).toFixed(0)} ms (min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)}); peak RSS median ${med(mb).toFixed(1)} MB (max ${Math.max(...mb).toFixed(1)})`,
);
