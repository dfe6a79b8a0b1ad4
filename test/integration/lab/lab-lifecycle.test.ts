// lab up / lab down as a lifecycle: idempotent down, up twice, recovery after a kill -9 of a
// half-built lab, nothing left behind, and the CLI's help and JSON status.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { daemonPids } from '../../../src/lab/break.ts';
import { registerLabCommands } from '../../../app/cli/lab.ts';
import { labDown, labStatus, labUp } from '../../../src/lab/index.ts';
import { isAlive } from '../../../src/lab/proc.ts';
import { readState } from '../../../src/lab/state.ts';
import { assertNothingLeft, labSsh, skipReason, useTempLabDir } from '../../support/lab.ts';

const skip = skipReason();
const CLI = path.join(import.meta.dirname, 'lab-cli.ts');

function cli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', env: process.env, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const recordedPids = () => (readState()?.hosts ?? []).flatMap((h) => [h.initPid ?? 0, h.launcherPid ?? 0]).filter((p) => p > 0);

describe('practice cluster lifecycle', { skip }, () => {
  let dir = '';
  const seen: number[] = [];

  before(async () => {
    dir = useTempLabDir();
  });

  after(async () => {
    if (!dir) return;
    try {
      const r = await labDown();
      assert.deepEqual(r.problems, []);
      assertNothingLeft(seen);
      fs.rmSync(dir, { recursive: true, force: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lab down with no lab is a no-op that removes nothing', async () => {
    if ((await labStatus()).leftovers.length > 0) await labDown();
    const r = await labDown();
    assert.deepEqual(r, { removed: [], problems: [] });
  });

  it('lab up --bare twice: the second up replaces the first; hosts run sshd and nothing else of MooseFS', async () => {
    await labUp({ bare: true, chunkservers: 1 });
    const first = recordedPids();
    seen.push(...first);
    const r = await labUp({ bare: true, chunkservers: 1 });
    assert.deepEqual(
      r.hosts.map((h) => h.name),
      ['m1', 'm2', 'ml', 'c1', 'cl', 'spare'],
    );
    assert.ok(
      first.every((p) => !isAlive(p)),
      "the first lab's processes are gone",
    );
    seen.push(...recordedPids());
    for (const h of readState()!.hosts) {
      assert.equal(labSsh(dir, h.name, 'hostname').out.trim(), h.name);
      assert.deepEqual(await daemonPids(h, 'mfsmaster'), []);
    }
    const s = await labStatus();
    assert.ok(s.healthy, s.problems.join('; '));
  });

  it('a lab from another lab dir is replaced, and its inventory no longer says it is up', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-lab-test-other-'));
    try {
      process.env.MFS_TUI_LAB_DIR = other;
      await labUp({ bare: true, chunkservers: 1 });
      seen.push(...recordedPids());
      assert.ok(fs.existsSync(path.join(other, 'inventory.yaml')));
      process.env.MFS_TUI_LAB_DIR = dir;
      await labUp({ bare: true, chunkservers: 1 });
      seen.push(...recordedPids());
      assert.equal(fs.existsSync(path.join(other, 'inventory.yaml')), false, "the replaced lab's inventory is removed");
      assert.equal(fs.existsSync(path.join(other, 'state.json')), false);
      assert.ok(fs.existsSync(path.join(dir, 'inventory.yaml')));
    } finally {
      process.env.MFS_TUI_LAB_DIR = dir;
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('after a kill -9 of a half-built lab: status says so, and lab up recovers', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'lab', 'up', '--chunkservers', '2'], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // Mid-build: hosts up, mfsmaster being started on m1.
        if (/\bmaster\b/.test(out)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`lab up ended before it could be killed:\n${out}`)));
    });
    await new Promise((r) => child.once('close', r));
    seen.push(...recordedPids());
    const s = await labStatus();
    assert.equal(s.up, false);
    assert.match(s.problems.join('\n'), /did not finish/);
    assert.ok(
      s.hosts.some((h) => h.running),
      'the half-built hosts are still there',
    );

    const r = await labUp({ bare: true, chunkservers: 1 });
    assert.equal(r.hosts.length, 6);
    seen.push(...recordedPids());
    assert.equal(readState()!.phase, 'up');
    assert.equal(spawnSync('ip', ['link', 'show', 'mfslab-c2']).status, 1, "the half-built lab's extra chunkserver is gone");
  });

  it('lab down removes processes, namespaces, veths and the bridge, and says what it removed', async () => {
    const pids = recordedPids();
    const t = performance.now();
    const r = await labDown();
    const seconds = (performance.now() - t) / 1000;
    process.stdout.write(`# lab down (6 bare hosts): ${seconds.toFixed(2)} s\n`);
    assert.deepEqual(r.problems, []);
    assert.ok(r.removed.includes('deleted bridge mfslab-br'));
    assert.ok(r.removed.includes('deleted network namespace mfslab-m1'));
    assert.ok(r.removed.includes('deleted veth mfslab-spare'));
    assert.ok(r.removed.some((l) => /^killed \d+ processes by PID/.test(l)));
    assertNothingLeft([...pids, ...seen]);
    assert.equal(fs.existsSync(path.join(dir, 'inventory.yaml')), false, 'no inventory once the lab is down');
    assert.equal(fs.existsSync(path.join(dir, 'id_ed25519')), true, 'the client key is kept');
  });

  it('the CLI: help for each command, and status --json when nothing is up', () => {
    const program = new Command('mfs-tui');
    registerLabCommands(program);
    const lab = program.commands.find((c) => c.name() === 'lab')!;
    for (const sub of ['deps', 'up', 'status', 'down', 'ssh', 'break']) {
      const help = lab.commands.find((c) => c.name() === sub)?.helpInformation() ?? '';
      assert.match(help, new RegExp(`Usage: mfs-tui lab ${sub}`));
    }
    assert.match(lab.commands.find((c) => c.name() === 'up')!.helpInformation(), /--chunkservers <n>[\s\S]*--bare/);
    const breakHelp = cli(['lab', 'break', '--help']);
    assert.equal(breakHelp.code, 0, breakHelp.err);
    assert.match(breakHelp.out, /split-brain\s+block VRRP/);
    const s = cli(['lab', 'status', '--json']);
    assert.equal(s.code, 1);
    assert.equal(JSON.parse(s.out).up, false);
    const ssh = cli(['lab', 'ssh', 'm1']);
    assert.equal(ssh.code, 1);
    assert.match(ssh.err, /not up: run `mfs-tui lab up` first/);
    // Not root: a clear message before anything is touched.
    const nobody = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, '--import', 'tsx', CLI, 'lab', 'up'], {
      encoding: 'utf8',
      env: { ...process.env, HOME: '/tmp' },
      timeout: 60_000,
    });
    assert.equal(nobody.status, 1);
    assert.match(nobody.stderr, /the practice cluster needs root/);
    const bad = cli(['lab', 'up', '--chunkservers', '0']);
    assert.match(bad.err, /--chunkservers must be a whole number from 1 to 79/);
  });
});
