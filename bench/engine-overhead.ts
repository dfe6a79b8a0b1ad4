// Engine + journal overhead per step, beyond the command itself: a runbook of N local
// steps run against an executor that answers instantly (with one line of output).
// Run: node --import tsx bench/engine-overhead.ts [N]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRun } from '../src/engine/run.ts';
import { JournalWriter } from '../src/journal/writer.ts';
import type { Executor } from '../src/exec/types.ts';
import { LocalExecutor } from '../src/exec/local.ts';
import { readJournal } from '../src/journal/read.ts';
import { block, commandStep, inventory, runbook } from '../test/support/engine-fixtures.ts';

const n = Number(process.argv[2] ?? 1000);
const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'mfs-bench-'));

const instant: Executor = {
  target: 'local',
  async exec(req) {
    req.onStdout?.('ok\n');
    return { exitCode: 0, timedOut: false, cancelled: false, durationMs: 0, stdout: 'ok\n', stderr: '' };
  },
};

async function engine(withCheck: boolean, executor: Executor = instant, steps_ = n): Promise<{ perStep: number; records: number; commandMs: number }> {
  const n = steps_;
  const steps = Array.from({ length: n }, (_, i) =>
    commandStep(`s${i}`, block(`echo ${i}`, withCheck ? { check: { script: 'true', timeoutMs: 1000, expectExit: [0], pos: { line: 1, column: 1 } } } : {})),
  );
  const t0 = performance.now();
  const run = createRun({
    runbook: runbook(steps),
    inventory: inventory(),
    inputs: {},
    journalDir: dir,
    executorFor: () => executor,
    factsFor: async () => ({ os: 'debian', osId: 'debian', osVersion: '12', init: 'systemd', hostname: 'x' }),
    vipHolder: async () => undefined,
    mode: 'non-interactive',
    autoConfirm: true,
    operator: 'bench',
  });
  const s = await run.settled();
  const ms = performance.now() - t0;
  if (s.status !== 'succeeded') throw new Error(`run ${s.status}: ${s.reason}`);
  const recs = readJournal(run.journalFile).records;
  // What the commands themselves took, as the executor measured them.
  const commandMs = recs.reduce((t, r) => t + (r.type === 'step-finished' ? r.durationMs : 0), 0);
  return { perStep: ms / n, records: recs.length, commandMs: commandMs / n };
}

function appendOnly(count: number): number {
  const w = JournalWriter.create(`append-${Date.now()}`, dir);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) w.append({ type: 'acknowledged', stepId: `s${i}` });
  const ms = performance.now() - t0;
  w.close();
  return ms / count;
}

const fsyncMs = appendOnly(1000);
const plain = await engine(false);
const checked = await engine(true);
// The engine alone: fsync replaced by nothing (for the breakdown only; never in real runs).
const realFsync = fs.fsyncSync;
fs.fsyncSync = () => {};
const noFsync = await engine(false);
fs.fsyncSync = realFsync;
console.log(`journal dir: ${dir} (${process.env.BENCH_DIR ? 'BENCH_DIR' : 'os.tmpdir()'})`);
console.log(`one journal append (write + fsync): ${fsyncMs.toFixed(3)} ms`);
console.log(`N=${n} steps, instant executor, 1 output line: ${plain.perStep.toFixed(3)} ms/step (${(plain.records / n).toFixed(1)} records/step)`);
console.log(`same with a check block per step:            ${checked.perStep.toFixed(3)} ms/step (${(checked.records / n).toFixed(1)} records/step)`);
console.log(`engine without fsync (breakdown only):       ${noFsync.perStep.toFixed(3)} ms/step`);
const m = Math.min(n, 200);
const real = await engine(false, new LocalExecutor(), m);
console.log(
  `N=${m} real local steps (zx, echo): ${real.perStep.toFixed(3)} ms/step wall, command ${real.commandMs.toFixed(3)} ms, engine+journal ${(real.perStep - real.commandMs).toFixed(3)} ms/step`,
);
fs.rmSync(dir, { recursive: true, force: true });
