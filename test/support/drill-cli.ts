// What the drill lab tests share: the real `mfs-tui` command as a child process, with the
// state and config folders of the test, and the drill store it writes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach } from 'node:test';
import { labDown, labUp, type LabUpOptions } from '../../src/lab/index.ts';
import { useTempLabDir } from './lab.ts';
import type { DrillRecord } from '../../src/drill/types.ts';

const ENTRY = path.join(import.meta.dirname, '../../app/cli/entry.ts');
/** The built command (`npm run build`), as an operator runs it. */
const BIN = path.join(import.meta.dirname, '../../bin/mfs-tui');
export const VIP = '10.77.0.100';

export interface DrillEnv {
  /** The lab folder (MFS_TUI_LAB_DIR). */
  lab: string;
  /** Holds the state and config folders. */
  work: string;
}

/**
 * The real command, as a child process. Asynchronous on purpose: a spawnSync would block this
 * process's event loop, and with it the release of the lab-operation lock `labUp` held (its
 * flock child is released by a pipe write), so the drill's own `lab break` would wait for it.
 */
export function drillCli(env: DrillEnv, args: string[], timeoutMs = 600_000, opts: { built?: boolean } = {}): Promise<{ code: number | null; out: string; seconds: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawnDrillCli(env, args, opts);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

/** The command as a child process with piped output, for a test that reads it as it comes (or kills it). */
export function spawnDrillCli(env: DrillEnv, args: string[], opts: { built?: boolean } = {}): ChildProcess {
  return spawn(process.execPath, opts.built ? [BIN, ...args] : ['--import', 'tsx', ENTRY, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MFS_TUI_LAB_DIR: env.lab, MFS_TUI_STATE_DIR: path.join(env.work, 'state'), MFS_TUI_CONFIG_DIR: path.join(env.work, 'config'), NO_COLOR: '1' },
  });
}

export interface DrillStoreFile {
  active?: DrillRecord;
  history: DrillRecord[];
  scripted: Record<string, { ms: number }>;
}

export function drillStore(env: DrillEnv): DrillStoreFile {
  const file = path.join(env.work, 'config', 'drills.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as DrillStoreFile) : { history: [], scripted: {} };
}

/** A master answers at the VIP with a metadata version (what the trainee sees in status). */
export function masterAnswers(): boolean {
  const r = spawnSync('mfscli', ['-ns', '|', '-SIM', '-H', VIP], { encoding: 'utf8', timeout: 15_000 });
  const v = (r.stdout ?? '')
    .split('\n')
    .find((l) => l.startsWith('metadata servers:|'))
    ?.split('|')[5]
    ?.replace(/ /g, '');
  return !!v && /^\d+$/.test(v) && Number(v) > 0;
}

export const log = (s: string) => process.stdout.write(`# ${s}\n`);

/**
 * One practice cluster for the suite this is called in: up before its tests (built as `up`
 * says), down after, and a drill a failed test left under way is abandoned before the next
 * test starts. `env()` is the lab and work folders, valid once the suite has started.
 */
export function useDrillLab(prefix: string, cleanup: () => void = () => {}, up: LabUpOptions = {}): () => DrillEnv {
  const env: DrillEnv = { lab: '', work: '' };
  before(async () => {
    env.lab = useTempLabDir();
    env.work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    await labUp(up);
  });
  beforeEach(async () => {
    if (drillStore(env).active) await drillCli(env, ['drill', 'abandon']);
  });
  after(async () => {
    cleanup();
    if (env.lab) await labDown();
    for (const d of [env.lab, env.work]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });
  return () => env;
}
