#!/usr/bin/env node
// Start-up of several commands side by side: the runs are interleaved (A, B, C, A, B, C…)
// so each command sees the same machine load; same pty, first-frame test (/runbook/i) and
// kill as bench/startup.mjs, plus the CPU time the process had used at its first frame.
// Usage: node bench/startup-compare.mjs RUNS 'node /tmp/before/bin/mfs-tui --inventory X' 'node bin/mfs-tui --inventory X' …
// A command is run by script(1)'s shell: `export MFS_TUI_STATE_DIR=$(mktemp -d); exec node …` gives a cold start.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.argv[2]);
const cmds = process.argv.slice(3);
if (!(runs > 0) || cmds.length === 0) {
  console.error('usage: node bench/startup-compare.mjs RUNS COMMAND...');
  process.exit(2);
}

function childPid(pid) {
  try {
    const n = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    return n > 1 ? n : undefined;
  } catch {
    return undefined;
  }
}
function hwmMb(pid) {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return NaN;
  }
}
/** utime + stime in ms (clock ticks of 10 ms). */
function cpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

const env = { ...process.env, COLUMNS: '120', LINES: '40', MFS_TUI_STATE_DIR: join(tmpdir(), 'mfs-bench-state'), MFS_TUI_CONFIG_DIR: join(tmpdir(), 'mfs-bench-conf') };
const once = (cmd) =>
  new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn('script', ['-qfec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    let ms;
    let closed = false;
    p.on('close', () => (closed = true));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`no frame in 20 s: ${cmd}`));
    }, 20_000);
    p.stdout.on('data', (d) => {
      out += d;
      if (ms !== undefined || !/runbook/i.test(out)) return;
      ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const node = childPid(p.pid);
      const cpu = node ? cpuMs(node) : NaN;
      setTimeout(() => {
        const mb = node ? hwmMb(node) : NaN;
        if (node) process.kill(node, 'SIGTERM');
        clearTimeout(timer);
        if (closed) resolve({ ms, cpu, mb });
        else p.on('close', () => resolve({ ms, cpu, mb }));
      }, 300);
    });
  });

const loadBefore = loadavg()[0];
const results = cmds.map(() => []);
for (let i = 0; i < runs; i++) for (let j = 0; j < cmds.length; j++) results[j].push(await once(cmds[j]));
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`runs=${runs} load ${loadBefore.toFixed(2)}→${loadavg()[0].toFixed(2)}`);
cmds.forEach((cmd, j) => {
  const r = results[j];
  console.log(
    `${med(r.map((x) => x.ms))
      .toFixed(0)
      .padStart(6)} ms (min ${Math.min(...r.map((x) => x.ms)).toFixed(0)})  cpu ${String(med(r.map((x) => x.cpu))).padStart(5)} ms  ${med(r.map((x) => x.mb)).toFixed(1)} MB  ${cmd}`,
  );
});
