// The status sweep at fleet size, in one run: one cluster of the largest size (network + PID +
// mount namespaces this bench creates, 10.251.13.0/24, one sshd each with OpenSSH's own
// MaxSessions and MaxStartups, 10), a real mfsmaster on m1 behind the VIP with keepalived on
// m1 and m2, a metalogger and five chunkservers, so mfscli gets real answers. Every size is the
// first N hosts of it. Tools, interleaved (each round rotates their order, so all see the same
// load), each warmed once:
// - mfs-tui: one StatusPoller.sweep() as the app runs it (the session's SSH pool, the
//   poller's default bounded parallelism, every host probe plus mfscli through the resident
//   interpreter);
// - the floor: a bare ssh2 script, one warm connection per host, the same host probe script on
//   every host at once (no bound, no mfscli);
// - `ansible all -m shell` with the same script, forks = hosts.
// Then the app's own memory: the real bin/mfs-tui status screen on the largest size (tmux
// 80×24) for 30 s, its peak RSS (VmHWM).
// Run as root after `npm run build`: node --import tsx bench/status/sweep.bench.ts [sizes...] (default 50 100)
// ROUNDS=N for the timed rounds per tool and size (default 7). MEMORY_ONLY=1 skips the tools
// (only the app's memory); APP_NODE_FLAGS="--flag ..." starts the app's node with them.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { openClusterSession, type ClusterSession } from '../../src/cluster/session.ts';
import { nonInteractivePrompts } from '../../src/cluster/non-interactive-prompts.ts';
import type { Inventory } from '../../src/inventory/types.ts';
import { StatusPoller } from '../../src/status/poller.ts';
import { hostProbeScript } from '../../src/status/probe.ts';
import { MiniCluster, whyNoMiniCluster } from '../../test/support/minicluster.ts';
import { BIN } from '../../test/support/cli-env.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const CHUNKSERVERS = 5;
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((x) => x >= 3);
const SIZES = sizes.length ? sizes : [50, 100];
const N = Math.max(...SIZES);
const load = () => os.loadavg().map((x) => Math.round(x * 10) / 10);
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median: Math.round(median), min: Math.round(s[0]!), max: Math.round(s.at(-1)!), runs: s.map(Math.round) };
};
const until = async (what: string, ok: () => boolean, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`waited ${ms / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

function ssh2Exec(c: Client, script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    c.exec(script, (err, stream) => {
      if (err) return reject(err);
      let out = '';
      stream.on('data', (d: Buffer) => (out += d));
      stream.stderr.on('data', () => {});
      stream.on('close', (code: number) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
    });
  });
}

const why = whyNoMiniCluster();
if (why) {
  console.error(`bench skipped: ${why}`);
  process.exit(0);
}

// Octets 11, 12, then 21-99 and 101 on: never .1 (the bridge) or .100 (the VIP).
const spec = [
  { name: 'm1', octet: 11, roles: ['master-candidate' as const] },
  { name: 'm2', octet: 12, roles: ['master-candidate' as const, 'metalogger' as const] },
  ...Array.from({ length: N - 2 }, (_, i) => ({ name: `c${i + 1}`, octet: i < 79 ? 21 + i : 22 + i, roles: ['chunkserver' as const] })),
];
const mc = new MiniCluster(spec, { subnet: '10.251.13', sshdDefaults: true });
const result: Record<string, unknown> = { at: new Date().toISOString(), hosts: SIZES, rounds: ROUNDS, loadAtStart: load(), cpus: os.cpus().length };
const loads: number[][] = [];
const sessions: ClusterSession[] = [];
const clients: Client[] = [];
try {
  await mc.start();
  const inv = mc.inventory();
  const d = (h: string) => mc.host(h).dir;
  const setup = await openClusterSession(inv, nonInteractivePrompts());
  sessions.push(setup);
  const ssh = async (host: string, script: string) => {
    const r = await setup.executorFor(host).exec({ script, timeoutMs: 60_000 });
    if (r.exitCode !== 0) throw new Error(`${host}: ${script}: ${r.stdout}${r.stderr}`);
  };
  await ssh('m1', `mfsmaster -c ${d('m1')}/mfsmaster.cfg start`);
  await Promise.all(['m1', 'm2'].map((h) => ssh(h, `keepalived -f ${d(h)}/keepalived.conf -p /run/keepalived.pid -r /run/vrrp.pid`)));
  await until('m1 to take the VIP', () => mc.holdsVip('m1') && !mc.holdsVip('m2'));
  await ssh('m2', `mfsmetalogger -c ${d('m2')}/mfsmetalogger.cfg start`);
  await Promise.all(Array.from({ length: CHUNKSERVERS }, (_, i) => ssh(`c${i + 1}`, `mfschunkserver -c ${d(`c${i + 1}`)}/mfschunkserver.cfg start`)));
  const csRows = () =>
    mc
      .inHost('m1', `mfscli -ns '|' -SCS -H ${mc.vip}`)
      .out.split('\n')
      .filter((l) => /^chunk servers:/.test(l)).length;
  await until(`${CHUNKSERVERS} chunkservers connected`, () => csRows() === CHUNKSERVERS);
  await sessions.pop()!.close();

  const probeOpts = { vip: mc.vip, dataPath: '/var/lib/mfs', parts: { keepalived: true, version: false } };
  // The others run the same script from a file on the shared file system with sh (as ansible's
  // shell module does), so no login shell start-up differs between them.
  const scriptFile = join(mc.root, 'probe.sh');
  writeFileSync(scriptFile, hostProbeScript(probeOpts));
  const key = readFileSync(mc.clientKey);
  const tools: { size: number; name: string; run: () => Promise<unknown> }[] = [];

  for (const n of SIZES) {
    const sub: Inventory = { ...inv, hosts: inv.hosts.slice(0, n) };
    const session = await openClusterSession(sub, nonInteractivePrompts());
    sessions.push(session);
    const poller = new StatusPoller(session, { intervalMs: 1000 });
    tools.push({
      size: n,
      name: 'mfs-tui sweep (host probes + mfscli)',
      run: async () => {
        await poller.sweep();
        const s = poller.getState();
        const bad = s.hosts.filter((h) => !h.reachable || !h.probe);
        if (bad.length) throw new Error(`mfs-tui: ${bad.length} hosts without a probe (${bad[0]!.name})`);
        const cs = s.mfs.viaVip?.chunkservers?.length;
        if (s.mfs.error || cs !== CHUNKSERVERS) throw new Error(`mfs-tui: mfscli did not answer in full (${s.mfs.error ?? `${cs} chunkservers`})`);
      },
    });

    const conns = await Promise.all(
      sub.hosts.map(
        (h) =>
          new Promise<Client>((resolve, reject) => {
            const c = new Client();
            c.on('ready', () => resolve(c))
              .on('error', reject)
              .connect({ host: h.address, port: 22, username: 'root', privateKey: key });
          }),
      ),
    );
    clients.push(...conns);
    tools.push({
      size: n,
      name: 'bare ssh2 (host probes)',
      run: async () => {
        const outs = await Promise.all(conns.map((c) => ssh2Exec(c, `sh ${scriptFile}`)));
        if (outs.some((o) => o.length === 0)) throw new Error('bare ssh2: a probe printed nothing');
      },
    });

    const invFile = join(mc.root, `ansible-${n}.ini`);
    writeFileSync(
      invFile,
      `[all]\n${sub.hosts.map((h) => h.address).join('\n')}\n[all:vars]\nansible_user=root\nansible_ssh_private_key_file=${mc.clientKey}\nansible_ssh_common_args=-o UserKnownHostsFile=${mc.knownHosts} -o ControlPath=${mc.root}/an-%h\n`,
    );
    const env = { ...process.env, ANSIBLE_HOST_KEY_CHECKING: 'True', ANSIBLE_PYTHON_INTERPRETER: 'auto_silent', ANSIBLE_LOCAL_TEMP: join(mc.root, 'ans-tmp') };
    tools.push({
      size: n,
      name: 'ansible -m shell (host probes)',
      run: async () => {
        const r = spawnSync('ansible', ['all', '-i', invFile, '-m', 'shell', '-a', `sh ${scriptFile}`, '-f', String(n), '-o'], { env, encoding: 'utf8', maxBuffer: 256 << 20 });
        const ok = (r.stdout.match(/ \| CHANGED \| rc=0 /g) ?? []).length;
        if (r.status !== 0 || ok !== n) throw new Error(`ansible: exit ${r.status}, ${ok} of ${n} hosts ok: ${r.stderr.slice(0, 500)}${r.stdout.slice(0, 500)}`);
      },
    });
  }

  const memoryOnly = process.env.MEMORY_ONLY === '1';
  for (const t of memoryOnly ? [] : tools) {
    process.stdout.write(`warm ${t.size} ${t.name}\n`);
    await t.run();
  }
  const times = new Map<(typeof tools)[number], number[]>(tools.map((t) => [t, []]));
  for (let r = 0; r < (memoryOnly ? 0 : ROUNDS); r++) {
    loads.push(load());
    const order = tools.map((_, i) => tools[(i + r) % tools.length]!);
    for (const t of order) {
      const t0 = performance.now();
      await t.run();
      times.get(t)!.push(performance.now() - t0);
    }
    process.stdout.write(`round ${r + 1}/${ROUNDS} load ${load().join(' ')}\n`);
  }
  loads.push(load());
  result.loadDuringRounds = { min: Math.min(...loads.map((l) => l[0]!)), max: Math.max(...loads.map((l) => l[0]!)), samples: loads };
  const rows: Record<string, unknown>[] = [];
  for (const n of memoryOnly ? [] : SIZES) {
    const row: Record<string, unknown> = { hosts: n };
    for (const t of tools.filter((x) => x.size === n)) row[t.name] = stats(times.get(t)!);
    const med = (k: string) => (row[k] as { median: number }).median;
    row.vsAnsible = Math.round((med('ansible -m shell (host probes)') / med('mfs-tui sweep (host probes + mfscli)')) * 10) / 10;
    row.vsFloor = Math.round((med('mfs-tui sweep (host probes + mfscli)') / med('bare ssh2 (host probes)')) * 100) / 100;
    rows.push(row);
  }
  result.rows = rows;
  for (const s of sessions.splice(0)) await s.close();
  for (const c of clients.splice(0)) c.end();

  // The app itself on the largest size: the status screen, 30 s of 1 s sweeps, its peak RSS.
  const state = mkdtempSync(join(os.tmpdir(), 'mfs-tui-sweep-bench-'));
  const tmux = (...a: string[]) => execFileSync('tmux', ['-L', `mfs-tui-sweep-${process.pid}`, ...a], { encoding: 'utf8' });
  try {
    const vars = `MFS_TUI_STATE_DIR=${state}/s MFS_TUI_CONFIG_DIR=${state}/c NO_COLOR=1 TERM=xterm-256color LANG=C.UTF-8`;
    tmux(
      'new-session',
      '-d',
      '-s',
      'app',
      '-x',
      '80',
      '-y',
      '24',
      `env ${vars} ${process.execPath} ${process.env.APP_NODE_FLAGS ?? ''} ${BIN} --lang en --inventory ${mc.writeInventoryYaml()}; sleep 30`,
    );
    // The pane as it is, or why it cannot be read (the app gone and its session with it).
    const screen = () => {
      try {
        return tmux('capture-pane', '-p', '-t', 'app');
      } catch (e) {
        throw new Error(`the app's tmux session is gone (the app exited?): ${(e as Error).message}`);
      }
    };
    process.stdout.write('memory: the status screen on the largest size\n');
    await until('the home screen', () => /❯ Triage/.test(screen()), 60_000);
    tmux('send-keys', '-t', 'app', 'Down');
    await until('the status entry', () => /❯ Cluster status/.test(screen()));
    tmux('send-keys', '-t', 'app', 'Enter');
    await until(`${N} hosts counted`, () => new RegExp(`${N} hosts: .*ok`).test(screen()), 90_000).catch((e: Error) => {
      throw new Error(`${e.message}; the screen:\n${screen()}`);
    });
    const pane = tmux('list-panes', '-t', 'app', '-F', '#{pane_pid}').trim();
    const pid = execFileSync('pgrep', ['-P', pane], { encoding: 'utf8' }).trim().split('\n')[0]!;
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
    const rss: number[] = [];
    for (let i = 0; i < 30; i++) {
      rss.push(kb('VmRSS'));
      await new Promise((r) => setTimeout(r, 1000));
    }
    result.appMemory = { hosts: N, nodeFlags: process.env.APP_NODE_FLAGS ?? '', peakRssMiB: Math.round(kb('VmHWM') * 10) / 10, rssMiB: stats(rss), screen: screen() };
    tmux('send-keys', '-t', 'app', 'q');
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // gone
    }
    rmSync(state, { recursive: true, force: true });
  }
} finally {
  for (const s of sessions) await s.close();
  for (const c of clients) c.end();
  await mc.stop();
}
result.loadAtEnd = load();
// A memory-only run (a flag tried) leaves the recorded sweep as it is.
if (process.env.MEMORY_ONLY !== '1') writeFileSync(new URL('./sweep-fleet.json', import.meta.url), JSON.stringify(result, null, 1) + '\n');
console.log(JSON.stringify(result, null, 1));
