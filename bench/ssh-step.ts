// One step over a warm SSH connection: what mfs-tui's engine + journal add beyond the
// command itself, against the bare pooled exec and against OpenSSH (`ssh host cmd`, cold
// and with a ControlMaster). Talks only to a test sshd on 127.0.0.1.
// Run: node --import tsx bench/ssh-step.ts [steps=200]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSshd } from '../test/support/sshd.ts';
import { inventoryFor, RecordingPrompts } from '../test/support/ssh-inventory.ts';
import { SshPool } from '../src/ssh/index.ts';
import { createRun } from '../src/engine/run.ts';
import { parseRunbook } from '../src/runbook/parse.ts';

// Async, never execFileSync: the test sshd's log pipe must keep draining in this process.
const run$ = promisify(execFile);
const n = Number(process.argv[2] ?? 200);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const sshd = await startSshd();
const inv = inventoryFor(sshd);
const pool = new SshPool(inv, new RecordingPrompts());
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-bench-ssh-'));
try {
  const ex = pool.executor('h1');
  await ex.exec({ script: 'true' }); // warm the connection

  const bare: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await ex.exec({ script: 'true' });
    bare.push(performance.now() - t);
  }

  const md = ['---', 'id: bench', 'title: Bench', 'summary: s', 'when: w', 'risk: low', 'roles: [master-candidate]', '---', ''];
  for (let i = 0; i < n; i++) md.push(`## Step ${i} {#s${i}}`, '', '```sh on=h1 confirm=none', 'true', '```', '');
  const { runbook, problems } = parseRunbook(md.join('\n'), path.join(dir, 'bench.md'));
  if (!runbook) throw new Error(problems.map((p) => p.message).join('\n'));
  const t0 = performance.now();
  const run = createRun({
    runbook,
    inventory: inv,
    inputs: {},
    journalDir: dir,
    executorFor: () => ex,
    factsFor: async () => ({ os: 'debian', osId: 'debian', osVersion: '12', init: 'none', hostname: 'h1' }),
    vipHolder: async () => undefined,
    mode: 'non-interactive',
    autoConfirm: true,
    operator: 'bench',
  });
  const state = await run.settled();
  run.close();
  if (state.status !== 'succeeded') throw new Error(`bench run ${state.status}: ${state.reason}`);
  const engineStep = (performance.now() - t0) / n;

  const sshArgs = ['-i', sshd.clientKey, '-p', String(sshd.port), '-o', `UserKnownHostsFile=${inv.knownHosts[0]}`, '-o', 'BatchMode=yes'];
  const cold: number[] = [];
  for (let i = 0; i < Math.min(n, 20); i++) {
    const t = performance.now();
    await run$('ssh', [...sshArgs, '-o', 'ControlMaster=no', `${sshd.user}@127.0.0.1`, 'true'], { timeout: 10_000 });
    cold.push(performance.now() - t);
  }
  const ctl = path.join(dir, 'ctl');
  await run$('ssh', [...sshArgs, '-o', 'ControlMaster=yes', '-o', `ControlPath=${ctl}`, '-o', 'ControlPersist=60', `${sshd.user}@127.0.0.1`, 'true']);
  const mux: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run$('ssh', [...sshArgs, '-o', `ControlPath=${ctl}`, `${sshd.user}@127.0.0.1`, 'true']);
    mux.push(performance.now() - t);
  }
  await run$('ssh', [...sshArgs, '-o', `ControlPath=${ctl}`, '-O', 'exit', `${sshd.user}@127.0.0.1`]).catch(() => undefined);

  const b = median(bare);
  console.log(`steps=${n} on ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(`pooled exec of \`true\` (ssh2, warm):      median ${b.toFixed(1)} ms`);
  console.log(`mfs-tui step (engine+journal+exec), mean: ${engineStep.toFixed(1)} ms  → overhead ≈ ${(engineStep - b).toFixed(1)} ms per step`);
  console.log(`OpenSSH \`ssh host true\`, cold:          median ${median(cold).toFixed(1)} ms`);
  console.log(`OpenSSH with ControlMaster, warm:        median ${median(mux).toFixed(1)} ms`);
} finally {
  await pool.close();
  await sshd.stop();
}
