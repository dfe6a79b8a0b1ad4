// health-check.md's mfscli steps against real MooseFS 3.0.117 daemons: a master, a
// chunkserver and a metalogger in a network namespace this test creates (a veth pair
// inside it carries a private address; nothing leaves the namespace). Each step must pass
// on the healthy cluster and fail once the daemon it looks at is gone, although mfscli
// itself exits 0 throughout. The CGI step against the real mfscgiserv (moosefs-cgiserv) run
// in that namespace, in a mount namespace of its own where `mfsmaster` names the test's master.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exitExpected, outputMatches } from '../../../src/runbook/expect.ts';
import { builtinRunbookDir } from '../../../src/runbook/library.ts';
import { parseRunbook } from '../../../src/runbook/parse.ts';
import { renderScript } from '../../../src/runbook/template.ts';
import type { CommandBlock } from '../../../src/runbook/types.ts';

const NS = `mfstui-rb-${process.pid}`;
const ADDR = '10.251.7.1';
const sbin = (p: string) => spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${p}`], { encoding: 'utf8' }).stdout.trim();
const mfsUser = spawnSync('id', ['-u', 'mfs'], { encoding: 'utf8' });
const whyNot =
  userInfo().uid !== 0
    ? 'needs root for network namespaces'
    : !sbin('mfsmaster') || !sbin('mfschunkserver') || !sbin('mfsmetalogger') || !sbin('mfscli')
      ? 'MooseFS packages are not installed'
      : mfsUser.status !== 0
        ? 'no mfs user'
        : undefined;

const rb = parseRunbook(readFileSync(join(builtinRunbookDir(), 'health-check.md'), 'utf8'), 'health-check.md').runbook!;
const block = (id: string): CommandBlock => rb.steps.find((s) => s.id === id)!.commands[0]!;

function ns(...cmd: string[]) {
  const r = spawnSync('ip', ['netns', 'exec', NS, ...cmd], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** Runs a step's script in the namespace as the engine would judge it: exit code and output. */
function runStep(id: string, vars: Record<string, string>): { ok: boolean; out: string } {
  const b = block(id);
  const { text, missing } = renderScript(b.script, vars);
  assert.deepEqual(missing, []);
  const r = ns('sh', '-c', text);
  return { ok: exitExpected(b.expectExit, r.code) && outputMatches(b.expectOutput, r.out), out: r.out };
}

/**
 * A run of this test killed before its `after` leaves its namespace and daemons behind
 * (namespaces outlive processes). Remove those whose test process is gone: their daemons
 * are found by PID through `ip netns pids`, so nothing outside that namespace is touched.
 */
function removeLeftovers(): void {
  const names = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0] ?? '');
  for (const name of names) {
    const m = /^mfstui-rb-(\d+)$/.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    spawnSync('ip', ['netns', 'del', name]);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function until(what: string, test: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

describe('health-check against live MooseFS daemons', { skip: whyNot }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-tui-hc-live-'));
  const uid = Number(mfsUser.stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'mfs'], { encoding: 'utf8' }).stdout.trim());
  const vars = { vip: ADDR, 'vip.address': ADDR, 'paths.data': join(dir, 'ml') };
  const daemons: Record<string, ChildProcess> = {};

  /**
   * A process in the namespace that sees the test's hosts file (mfsmaster → the master) and
   * its own /var/lib/mfs (mfscgiserv's lock file): a mount namespace of its own, so the
   * machine's files are untouched. unshare and sh exec, so the PID is the program's own.
   */
  const inMounts = (program: string, args: string[]) => {
    const log = openSync(join(dir, 'cgi.log'), 'a');
    return spawn(
      'ip',
      [
        'netns',
        'exec',
        NS,
        'unshare',
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        `mount --bind "$0" /etc/hosts && mount --bind "$1" /var/lib/mfs && shift && exec "$@"`,
        join(dir, 'hosts'),
        join(dir, 'cgi-lib'),
        program,
        ...args,
      ],
      {
        stdio: ['ignore', log, log],
      },
    );
  };
  const startCgi = () => {
    daemons['cgi'] = inMounts('mfscgiserv', ['-f', '-H', '127.0.0.1', '-P', '9425', '-R', '/usr/share/moosefs-cgi']);
  };
  /** The cgi step as the engine runs it: its script under /bin/sh, exit code and output. */
  const cgiStep = async (): Promise<{ ok: boolean; out: string }> => {
    const b = rb.steps.find((s) => s.id === 'cgi')!.commands[0]!;
    const child = spawn(
      'ip',
      ['netns', 'exec', NS, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', `mount --bind "$0" /etc/hosts && exec sh -c "$1" 2>&1`, join(dir, 'hosts'), renderScript(b.script, {}).text],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    return { ok: exitExpected(b.expectExit, code) && outputMatches(b.expectOutput, out), out };
  };
  const listening9425 = () => /:9425\b/.test(ns('ss', '-Htln').out);

  const start = (name: 'master' | 'chunkserver' | 'metalogger') => {
    const log = openSync(join(dir, `${name}.log`), 'a');
    // `ip netns exec` execs the daemon, so this PID is the daemon's own.
    daemons[name] = spawn('ip', ['netns', 'exec', NS, `mfs${name}`, '-c', join(dir, `mfs${name}.cfg`), '-f', 'start'], {
      stdio: ['ignore', log, log],
    });
  };

  before(async () => {
    removeLeftovers();
    for (const d of ['master', 'cs', 'cs/hdd', 'ml', 'cgi-lib']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'hosts'), `127.0.0.1 localhost\n${ADDR} mfsmaster\n`);
    writeFileSync(join(dir, 'master/metadata.mfs'), 'MFSM NEW');
    for (const d of ['', 'master', 'master/metadata.mfs', 'cs', 'cs/hdd', 'ml']) chownSync(join(dir, d), uid, gid);
    writeFileSync(join(dir, 'mfsexports.cfg'), '* / rw,alldirs,maproot=0\n');
    writeFileSync(join(dir, 'mfshdd.cfg'), `${join(dir, 'cs/hdd')}\n`);
    writeFileSync(
      join(dir, 'mfsmaster.cfg'),
      [
        `DATA_PATH = ${join(dir, 'master')}`,
        `EXPORTS_FILENAME = ${join(dir, 'mfsexports.cfg')}`,
        `MATOML_LISTEN_HOST = ${ADDR}`,
        `MATOCS_LISTEN_HOST = ${ADDR}`,
        `MATOCL_LISTEN_HOST = ${ADDR}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'mfschunkserver.cfg'),
      [`DATA_PATH = ${join(dir, 'cs')}`, `HDD_CONF_FILENAME = ${join(dir, 'mfshdd.cfg')}`, `MASTER_HOST = ${ADDR}`, `CSSERV_LISTEN_HOST = ${ADDR}`, ''].join('\n'),
    );
    writeFileSync(join(dir, 'mfsmetalogger.cfg'), `DATA_PATH = ${join(dir, 'ml')}\nMASTER_HOST = ${ADDR}\n`);
    for (const args of [
      ['netns', 'add', NS],
      ['-n', NS, 'link', 'set', 'lo', 'up'],
      ['-n', NS, 'link', 'add', 'hc0', 'type', 'veth', 'peer', 'name', 'hc1'],
      ['-n', NS, 'addr', 'add', `${ADDR}/24`, 'dev', 'hc0'],
      ['-n', NS, 'link', 'set', 'hc0', 'up'],
      ['-n', NS, 'link', 'set', 'hc1', 'up'],
    ]) {
      const r = spawnSync('ip', args, { encoding: 'utf8' });
      assert.equal(r.status, 0, `ip ${args.join(' ')}: ${r.stderr}`);
    }
    start('master');
    await until('the master', () => /^master info:/m.test(ns('mfscli', '-ns', '|', '-SIG', '-H', ADDR).out));
    start('chunkserver');
    start('metalogger');
    await until(
      'the chunkserver and metalogger to connect',
      () => /^chunk servers:/m.test(ns('mfscli', '-ns', '|', '-SCS', '-H', ADDR).out) && /^metadata backup loggers:/m.test(ns('mfscli', '-ns', '|', '-SMB', '-H', ADDR).out),
    );
    startCgi();
    await until('mfscgiserv to listen', listening9425);
  });

  after(async () => {
    for (const d of Object.values(daemons)) await stop(d);
    spawnSync('ip', ['netns', 'del', NS]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('every mfscli step passes on the healthy cluster', () => {
    for (const id of ['master-info', 'chunks', 'chunkservers', 'metaloggers', 'metalogger-lag']) {
      const r = runStep(id, vars);
      assert.ok(r.ok, `${id} should pass:\n${r.out}`);
    }
  });

  it('cgi passes when the real mfscgiserv serves the MooseFS CGI and it reaches the master', async () => {
    const r = await cgiStep();
    assert.ok(r.ok, r.out);
    assert.match(r.out, /the MooseFS CGI answers on port 9425 and reaches the master/);
  });

  it('cgi fails when nothing listens on 9425, and when something else answers there (an open port proves nothing)', async () => {
    await stop(daemons['cgi']);
    await until('port 9425 to close', () => !listening9425());
    let r = await cgiStep();
    assert.equal(r.ok, false, r.out);
    assert.match(r.out, /no MooseFS CGI on port 9425: .*Connection refused/);
    const other = spawn('ip', ['netns', 'exec', NS, 'python3', '-m', 'http.server', '9425', '--bind', '127.0.0.1', '--directory', join(dir, 'cgi-lib')], { stdio: 'ignore' });
    try {
      await until('the other web server', listening9425);
      r = await cgiStep();
      assert.equal(r.ok, false, r.out);
      assert.match(r.out, /port 9425 answers, but not with the MooseFS CGI page/);
    } finally {
      await stop(other);
    }
    await until('port 9425 to close', () => !listening9425());
    startCgi();
    await until('mfscgiserv to listen', listening9425);
    assert.ok((await cgiStep()).ok);
  });

  it("clock: a candidate on the master's clock passes; one whose clock reads 5 s behind fails with a warning", () => {
    const b = block('clock');
    const text = renderScript(b.script, { ...vars, 'host.name': 'm2' }).text;
    const ok = ns('sh', '-c', text);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /^clock: m2 is 0\.\d{3} s (behind|ahead of) the master \(\+\/- 0\.\d{3} s\)$/m);
    // This machine's clock cannot be set for one test: `date` is a wrapper that reads 5 s early
    // (the master's time, from the real master through mfscli, is left as it is).
    const bin = join(dir, 'slow-clock');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'date'), '#!/bin/sh\nif [ "$*" = "+%s.%N" ]; then t=$(/bin/date +%s.%N); echo "$((${t%.*} - 5)).${t#*.}"; exit 0; fi\nexec /bin/date "$@"\n', { mode: 0o755 });
    const off = ns('env', `PATH=${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, 'sh', '-c', text);
    assert.equal(off.code, 1, off.out);
    assert.match(off.out, /^clock: m2 is [45]\.\d{3} s behind the master/m);
    assert.match(off.out, /^WARNING: m2 is more than 2 s off the master: fix its time sync \(NTP\)$/m);
  });

  it('chunkservers fails once the chunkserver is gone; metaloggers once the metalogger is', async () => {
    await stop(daemons['chunkserver']);
    await until('the master to drop the chunkserver', () => !runStep('chunkservers', vars).ok);
    assert.match(runStep('chunkservers', vars).out, /^Disconnected chunk servers:/m);
    assert.ok(runStep('metaloggers', vars).ok, 'the metalogger is still there');
    await stop(daemons['metalogger']);
    await until('the master to drop the metalogger', () => !runStep('metaloggers', vars).ok);
  });

  it('master-info and chunks fail when no master answers, though mfscli exits 0', async () => {
    await stop(daemons['master']);
    const raw = ns('mfscli', '-ns', '|', '-SIN', '-H', ADDR);
    assert.equal(raw.code, 0);
    assert.match(raw.out, /Working master servers not found/);
    assert.equal(runStep('master-info', vars).ok, false);
    assert.equal(runStep('chunks', vars).ok, false);
    assert.match(runStep('clock', { ...vars, 'host.name': 'm2' }).out, /clock: no master answers through the VIP/);
    const cgi = await cgiStep();
    assert.equal(cgi.ok, false, cgi.out);
    assert.match(cgi.out, /the MooseFS CGI answers on port 9425, but reaches no master: /);
  });
});
