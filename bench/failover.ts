// bench/failover: the keepalived-ha failover timeline, measured from outside, on the practice
// cluster built by the runbooks (install-cluster + keepalived-ha, as `lab up` does).
// Each round takes the active master away (m1 -> m2 -> m1 ...) while cl writes and fsyncs a
// small file every 50 ms. The faults (third argument, comma-separated, `rounds` of each):
//   kill       SIGKILL to the active mfsmaster (a crash, a power cut of the daemon)
//   host-lost  the active master's host vanishes: its PID 1 killed (every process with it)
//              and its link down; afterwards it boots again and its keepalived starts
//   partition  the active master's bridge port forwards nothing (link up, silent); healed
//              after the round
// Recorded, in seconds after the fault:
//   gone        the killed mfsmaster (host-lost: the host's PID 1) has left /proc
//   checkFail   keepalived on the old master: the check first failed (its syslog)
//   leftMaster  the old master entered FAULT/BACKUP (its syslog)
//   vipMoved    the new master entered MASTER state (its syslog): keepalived's detection
//   mlStopped   the new master's role script stopped its metalogger (role log, syslog tag mfs-ha)
//   mStart      the new mfsmaster process began (its first syslog line)
//   mListen     it listens for clients (syslog: main master server module: listen)
//   masterUp    the role script says mfsmaster runs
//   answers     a master answers at the VIP with its metadata version: the mfscli -SIM
//               request (CLTOMA_INFO) sent over TCP from the root namespace every 20 ms,
//               without mfscli's Python start (0.3-1 s on a busy machine)
//   allCs       the new master's syslog: the last of the 3 chunkservers registered
//   write       the first write+fsync on cl that completed after the VIP moved
//   protected   the old master's host is a standby that could take over: its metalogger runs
//               with metadata downloaded since it started, and its keepalived check passes
//   masterCpu   CPU seconds (user+sys) the new mfsmaster had used when it first answered:
//               its start cost, whatever the machine's load
// Rounds start only when the cluster is healthy and the standby protected. Load average is
// recorded per round. Results: a table per fault on stdout (for partition also the times
// counted from keepalived's detection, vipMoved) and JSON in bench/failover-LABEL.json.
// Run: node --import tsx bench/failover.ts [rounds=5] [label=after] [faults=kill]
// (root, lab packages; takes the lab lock)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemonPids, vipHolders } from '../src/lab/break.ts';
import { startHost } from '../src/lab/hosts.ts';
import { labBreak, labDown, labUp } from '../src/lab/index.ts';
import { LAB_LOCK_ENV } from '../src/lab/lock.ts';
import { hostDir } from '../src/lab/paths.ts';
import { readState, writeState } from '../src/lab/state.ts';
import { holdMachineLabLock } from '../test/support/lab.ts';
import { firstTrue, masterInfoVersion, run, sleep } from './support/lab-probes.ts';

const ROUNDS = Number(process.argv[2] ?? 5);
const LABEL = process.argv[3] ?? 'after';
const FAULTS = ['kill', 'host-lost', 'partition'] as const;
type Fault = (typeof FAULTS)[number];
const faults = (process.argv[4] ?? 'kill').split(',') as Fault[];
for (const f of faults) if (!FAULTS.includes(f)) throw new Error(`unknown fault ${f}: one of ${FAULTS.join(', ')}`);
const VIP = '10.77.0.100';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-lab-failover-'));
process.env.MFS_TUI_LAB_DIR = dir;

const ssh = (host: string, script: string) => run('ssh', ['-F', path.join(dir, 'ssh_config'), '-o', 'BatchMode=yes', host, 'bash', '-s'], script, 30_000);
const mfscli = async (sections: string[]) => (await run('mfscli', ['-ns', '|', ...sections, '-H', VIP], undefined, 10_000)).out.split('\n');

/** A master answers at the VIP with a metadata version. */
const answers = async () => ((await masterInfoVersion(VIP)) ?? 0) > 0;
const allChunkservers = async () => {
  const out = await mfscli(['-SCS']);
  return out.filter((l) => l.startsWith('chunk servers:|')).length === 3 && !out.some((l) => l.startsWith('Disconnected chunk servers:|'));
};
/** A standby ready to take over: metalogger with a fresh download and a passing keepalived check. */
const PROTECTED = String.raw`D=/var/lib/mfs
! mfsmaster test >/dev/null 2>&1 && mfsmetalogger test >/dev/null 2>&1 && [ "$(stat -c %s $D/metadata_ml.mfs.back 2>/dev/null || echo 0)" -gt 8 ] && [ ! $D/.mfsmetalogger.lock -nt $D/metadata_ml.mfs.back ] && /etc/keepalived/mfs-check.sh`;
const isProtected = async (host: string) => (await ssh(host, PROTECTED)).code === 0;

/** Syslog/role-log timestamps (ms since epoch) of the first line after `since` matching `re`. */
function firstLogTime(file: string, re: RegExp, since: number): number | undefined {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    if (!re.test(line)) continue;
    const t = lineTime(line);
    if (t !== undefined && t >= since - 50) return t;
  }
  return undefined;
}

/** The time of the line after `since` by which `n` distinct values of `re`'s first group were seen. */
function nthDistinctLogTime(file: string, re: RegExp, since: number, n: number): number | undefined {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    const t = m ? lineTime(line) : undefined;
    if (!m || t === undefined || t < since - 50) continue;
    seen.add(m[1] ?? '');
    if (seen.size >= n) return t;
  }
  return undefined;
}

/** keepalived's and the role script's lines after `since` (for the JSON: what happened). */
function haLines(file: string, since: number): string[] {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => /Keepalived|mfs-ha/.test(l) && (lineTime(l) ?? 0) >= since - 50)
    .slice(0, 30);
}

/** rsyslog's high-precision stamp (2026-12-06T19:30:01.123456+00:00) or the role log's (2026-12-06 19:30:01[.123]). */
function lineTime(line: string): number | undefined {
  const iso = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z))/.exec(line);
  if (iso) return Date.parse(iso[1]!);
  const role = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)/.exec(line);
  if (role) return Date.parse(`${role[1]}T${role[2]}`); // local time, like date(1) wrote it
  return undefined;
}

const WRITER = String.raw`mkdir -p /mnt/mfs/fo /root/fo; rm -f /root/fo/stop; : > /root/fo/acks; head -c 4096 /dev/urandom > /root/fo/buf; i=0
while [ ! -e /root/fo/stop ]; do
  i=$(( (i + 1) % 40 ))
  if timeout 60 dd if=/root/fo/buf of=/mnt/mfs/fo/f$i bs=4096 conv=fsync status=none 2>/dev/null; then date +%s.%N >> /root/fo/acks; fi
  sleep 0.05
done`;

/** The first write acknowledged after `t` (ms). */
function firstAckAfter(t: number): number | undefined {
  const lines = fs
    .readFileSync(path.join(hostDir('cl'), 'root/fo/acks'), 'utf8')
    .trim()
    .split('\n');
  for (const l of lines) {
    const ms = Math.round(Number(l) * 1000);
    if (ms > t) return ms;
  }
  return undefined;
}

interface Round {
  round: number;
  fault: Fault;
  from: string;
  to: string;
  load: string;
  log?: string[];
  [k: string]: number | string | string[] | undefined;
}

const FIELDS = ['gone', 'checkFail', 'leftMaster', 'vipMoved', 'mlStopped', 'mStart', 'mListen', 'masterUp', 'answers', 'allCs', 'write', 'protected', 'masterCpu'] as const;
/** Counted from keepalived's detection (vipMoved) too: for a silent partition the time to notice is VRRP's. */
const FROM_DETECTION = ['answers', 'allCs', 'write'] as const;

/** CPU seconds (user + sys) a process has used. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime (fields 14, 15) in USER_HZ ticks
  } catch {
    return undefined;
  }
}

/** The host lost in a host-lost round boots again, and its keepalived starts (as at boot). */
async function bootAgain(name: string): Promise<void> {
  const state = readState()!;
  const h = state.hosts.find((x) => x.name === name)!;
  await run('ip', ['link', 'set', h.veth, 'up']);
  Object.assign(h, await startHost(h), { lost: false });
  writeState(state);
  const r = await ssh(name, 'echo STOP > /run/mfs-ha.role; keepalived 9>&-');
  if (r.code !== 0) throw new Error(`${name}: keepalived did not start: ${r.out}`);
}

async function oneRound(n: number, fault: Fault): Promise<Round> {
  const state = readState()!;
  const holders = await vipHolders(state);
  if (holders.length !== 1) throw new Error(`VIP holders: ${holders.map((h) => h.name).join(',')}`);
  const old = holders[0]!;
  const next = old.name === 'm1' ? 'm2' : 'm1';
  // The daemon, not a child it forked (the background metadata saver).
  const all = await daemonPids(old, 'mfsmaster');
  const ppid = (p: number) => Number(/PPid:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1]);
  const pids = all.filter((p) => !all.includes(ppid(p)));
  if (pids.length !== 1) throw new Error(`${old.name}: mfsmaster pids ${all.join(',')}`);
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  // What must leave /proc: the daemon, or for a lost host its PID 1.
  const victim = fault === 'host-lost' ? old.initPid! : pids[0]!;
  const t0 = Date.now();
  if (fault === 'kill') process.kill(victim, 'SIGKILL');
  else if (fault === 'host-lost') await labBreak('lose-master');
  else await labBreak('partition', old.name);
  const gone =
    fault === 'partition'
      ? Promise.resolve(undefined)
      : firstTrue(
          async () => {
            try {
              const st = fs.readFileSync(`/proc/${victim}/stat`, 'utf8');
              return / Z /.test(st.slice(st.lastIndexOf(')')));
            } catch {
              return true;
            }
          },
          10_000,
          5,
        );
  const oldLog = path.join(hostDir(old.name), 'var/log/syslog');
  const newLog = path.join(hostDir(next), 'var/log/syslog');
  // Polled once the killed process is gone (it cannot answer after SIGKILL, but be sure);
  // a partitioned master still answers from its side until it gives up: wait for the VIP
  // to move first. The new master's CPU time is read the moment it answers.
  let masterCpu: number | undefined;
  const ans = (fault === 'partition' ? firstTrue(async () => firstLogTime(newLog, /Keepalived_vrrp.*Entering MASTER STATE/, t0) !== undefined, 60_000, 20) : gone).then(async () => {
    const t = await firstTrue(answers, 120_000, 20);
    const p = (
      await daemonPids(
        readState()!.hosts.find((h) => h.name === next)!,
        'mfsmaster',
      )
    )[0];
    masterCpu = p === undefined ? undefined : cpuSeconds(p);
    return t;
  });
  const cs = ans.then(() => firstTrue(allChunkservers, 120_000));
  // A lost host is booted again once the new master answers; a partition is healed then.
  const prot = ans.then(async () => {
    if (fault === 'host-lost') await bootAgain(old.name);
    if (fault === 'partition') {
      // The cut-off node's own check (no chunkserver reachable) makes it give up its master first.
      await firstTrue(async () => firstLogTime(oldLog, /mfs-ha.*mfsmaster stopped/, t0) !== undefined, 60_000, 100);
      await labBreak('heal', old.name);
    }
    return firstTrue(() => isProtected(old.name), 180_000, 200);
  });
  const [tGone, tAns, , tProt] = await Promise.all([gone, ans, cs, prot]);
  // The writer's first acknowledgement after the VIP moved (one in flight at the kill may
  // complete just after it); up to 60 s.
  const vipAt = firstLogTime(newLog, /Keepalived_vrrp.*Entering MASTER STATE/, t0) ?? t0;
  const tWrite = await firstTrue(async () => firstAckAfter(vipAt) !== undefined, 60_000).then(() => firstAckAfter(vipAt));
  const abs: Record<string, number | undefined> = {
    gone: tGone,
    // A lost host logged nothing (what its log shows later is its next boot).
    checkFail: fault === 'host-lost' ? undefined : firstLogTime(oldLog, /Keepalived_vrrp.*(Script `mfs_\w+` now returning [1-9]|VRRP_Script\(mfs_\w+\) failed|mfs_\w+ failed)/, t0),
    leftMaster: fault === 'host-lost' ? undefined : firstLogTime(oldLog, /Keepalived_vrrp.*Entering (FAULT|BACKUP) STATE/, t0),
    vipMoved: firstLogTime(newLog, /Keepalived_vrrp.*Entering MASTER STATE/, t0),
    mlStopped: firstLogTime(newLog, /mfs-ha.*metalogger stopped/, t0),
    mStart: firstLogTime(newLog, /mfsmaster\[\d+\]: open files limit/, t0),
    mListen: firstLogTime(newLog, /mfsmaster\[\d+\]: main master server module: listen/, t0),
    masterUp: firstLogTime(newLog, /mfs-ha.*mfsmaster runs/, t0),
    answers: tAns,
    allCs: nthDistinctLogTime(newLog, /mfsmaster\[\d+\]: chunkserver register end .* ip: ([0-9.]+)/, t0, 3),
    write: tWrite,
    protected: tProt,
  };
  const r: Round = { round: n, fault, from: old.name, to: next, load };
  for (const f of FIELDS) r[f] = f === 'masterCpu' ? masterCpu : abs[f] === undefined ? undefined : Math.round(abs[f]! - t0) / 1000;
  r.log = [...haLines(oldLog, t0).map((l) => `${old.name} ${l}`), ...haLines(newLog, t0).map((l) => `${next} ${l}`)];
  return r;
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  // Run inside `flock -x /run/lock/mfs-tui-lab-tests.lock env MFS_TUI_LAB_TEST_LOCK_HELD=1 …`: the lock is held already.
  if (process.env[LAB_LOCK_ENV] !== '1') holdMachineLabLock();
  const rounds: Round[] = [];
  try {
    process.stderr.write(`lab up (runbooks) in ${dir} ...\n`);
    await labUp({ via: 'runbooks' });
    await ssh('cl', `cat > /root/fo.sh <<'EOF'\n${WRITER}\nEOF\nnohup setsid bash /root/fo.sh </dev/null >/dev/null 2>&1 &`);
    let n = 0;
    for (const fault of faults) {
      for (let i = 1; i <= ROUNDS; i++) {
        n++;
        // Start from a healthy cluster with a protected standby.
        const standby = (await vipHolders(readState()!))[0]?.name === 'm1' ? 'm2' : 'm1';
        const ready = await firstTrue(async () => (await allChunkservers()) && (await isProtected(standby)), 180_000, 250);
        if (ready === undefined) throw new Error(`round ${n}: cluster not healthy or ${standby} not protected`);
        await sleep(2000); // a quiet moment: keepalived's check counters settle
        const r = await oneRound(n, fault);
        rounds.push(r);
        const { log, ...short } = r;
        process.stderr.write(`round ${n}: ${JSON.stringify(short)}\n`);
      }
    }
  } finally {
    await ssh('cl', 'touch /root/fo/stop').catch(() => {});
    await labDown().catch((e) => process.stderr.write(`lab down: ${String(e)}\n`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const out = fileURLToPath(new URL(`./failover-${LABEL}.json`, import.meta.url));
  fs.writeFileSync(out, JSON.stringify({ label: LABEL, date: new Date().toISOString(), rounds }, null, 2) + '\n');
  const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(2) : typeof v === 'string' ? v : '-');
  const num = (v: unknown): v is number => typeof v === 'number';
  for (const fault of faults) {
    const rs = rounds.filter((r) => r.fault === fault);
    const since = (r: Round, f: string) => (num(r[f]) && num(r.vipMoved) ? Math.round(((r[f] as number) - r.vipMoved) * 1000) / 1000 : undefined);
    const extra = fault === 'partition' ? FROM_DETECTION.map((f) => `${f} after detection`) : [];
    console.log(`\n${fault}:\n`);
    console.log(`| round | ${[...FIELDS, ...extra].join(' | ')} | load |`);
    console.log(`| --- |${[...FIELDS, ...extra].map(() => ' --- |').join('')} --- |`);
    for (const r of rs)
      console.log(`| ${r.round} ${r.from}→${r.to} | ${[...FIELDS.map((f) => fmt(r[f])), ...(extra.length ? FROM_DETECTION.map((f) => fmt(since(r, f))) : [])].join(' | ')} | ${r.load} |`);
    const med = (xs: unknown[]) => fmt(median(xs.filter(num)));
    console.log(`| median | ${[...FIELDS.map((f) => med(rs.map((r) => r[f]))), ...(extra.length ? FROM_DETECTION.map((f) => med(rs.map((r) => since(r, f)))) : [])].join(' | ')} | |`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
