// bench/failover: the keepalived-ha failover timeline, measured from outside, on the practice
// cluster built by the runbooks (install-cluster + keepalived-ha, as `lab up` does).
// Each round kills the active master with SIGKILL (m1 -> m2 -> m1 ...) while cl writes and
// fsyncs a small file every 50 ms, and records, in seconds after the kill:
//   gone        the killed mfsmaster has left /proc (no longer alive, or a zombie)
//   checkFail   keepalived on the old master: the check first failed (its syslog)
//   leftMaster  the old master entered FAULT/BACKUP (its syslog)
//   vipMoved    the new master entered MASTER state (its syslog)
//   mlStopped   the new master's role script stopped its metalogger (role log, syslog tag mfs-ha)
//   masterUp    the role script says mfsmaster runs
//   answers     mfscli -SIM at the VIP answers (polled from the root namespace)
//   allCs       mfscli -SCS lists all 3 chunkservers, none disconnected
//   write       the first write+fsync on cl that completed after the VIP moved
//   protected   the old master's host is a standby that could take over: its metalogger runs
//               with metadata downloaded since it started, and its keepalived check passes
// Rounds start only when the cluster is healthy and the standby protected. Load average is
// recorded per round. Results: a table on stdout and JSON in bench/failover-LABEL.json.
// Run: node --import tsx bench/failover.ts [rounds=5] [label=after]   (root, lab packages; takes the lab lock)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemonPids, vipHolders } from '../src/lab/break.ts';
import { labDown, labUp } from '../src/lab/index.ts';
import { hostDir } from '../src/lab/paths.ts';
import { readState } from '../src/lab/state.ts';
import { holdMachineLabLock } from '../test/integration/lab/helpers.ts';

const ROUNDS = Number(process.argv[2] ?? 5);
const LABEL = process.argv[3] ?? 'after';
const VIP = '10.77.0.100';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-lab-failover-'));
process.env.MFS_TUI_LAB_DIR = dir;

function run(cmd: string, args: string[], input?: string, timeoutMs = 20_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('close', (code) => resolve({ code, out }));
    c.on('error', () => resolve({ code: -1, out }));
    c.stdin.end(input ?? '');
  });
}
const ssh = (host: string, script: string) => run('ssh', ['-F', path.join(dir, 'ssh_config'), '-o', 'BatchMode=yes', host, 'bash', '-s'], script, 30_000);
const mfscli = async (sections: string[]) => (await run('mfscli', ['-ns', '|', ...sections, '-H', VIP], undefined, 10_000)).out.split('\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it is true; the wall-clock time (ms) of the first success, or undefined. */
async function firstTrue(probe: () => Promise<boolean>, ms: number, every = 50): Promise<number | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return Date.now();
    await sleep(every);
  }
  return undefined;
}

/** A master answers at the VIP with its metadata version (the row's 5th field, like the tests read it). */
const answers = async () =>
  (await mfscli(['-SIM'])).some((l) => {
    const v = l.startsWith('metadata servers:|') ? l.split('|')[5]?.replace(/ /g, '') : undefined;
    return v !== undefined && /^\d+$/.test(v) && Number(v) > 0;
  });
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
  const lines = fs.readFileSync(path.join(hostDir('cl'), 'root/fo/acks'), 'utf8').trim().split('\n');
  for (const l of lines) {
    const ms = Math.round(Number(l) * 1000);
    if (ms > t) return ms;
  }
  return undefined;
}

interface Round {
  round: number;
  from: string;
  to: string;
  load: string;
  [k: string]: number | string | undefined;
}

const FIELDS = ['gone', 'checkFail', 'leftMaster', 'vipMoved', 'mlStopped', 'masterUp', 'answers', 'allCs', 'write', 'protected'] as const;

async function oneRound(n: number): Promise<Round> {
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
  const t0 = Date.now();
  process.kill(pids[0]!, 'SIGKILL');
  const gone = firstTrue(async () => {
    try {
      const st = fs.readFileSync(`/proc/${pids[0]}/stat`, 'utf8');
      return / Z /.test(st.slice(st.lastIndexOf(')')));
    } catch {
      return true;
    }
  }, 10_000, 5);
  // Both polled once the killed process is gone (it cannot answer after SIGKILL, but be sure).
  const ans = gone.then(() => firstTrue(answers, 120_000));
  const cs = gone.then(() => firstTrue(allChunkservers, 120_000));
  const prot = firstTrue(() => isProtected(old.name), 180_000, 200);
  const [tGone, tAns, tCs, tProt] = await Promise.all([gone, ans, cs, prot]);
  const oldLog = path.join(hostDir(old.name), 'var/log/syslog');
  const newLog = path.join(hostDir(next), 'var/log/syslog');
  // The writer's first acknowledgement after the VIP moved (one in flight at the kill may
  // complete just after it); up to 60 s.
  const vipAt = firstLogTime(newLog, /Keepalived_vrrp.*Entering MASTER STATE/, t0) ?? t0;
  const tWrite = await firstTrue(async () => firstAckAfter(vipAt) !== undefined, 60_000).then(() => firstAckAfter(vipAt));
  const abs: Record<string, number | undefined> = {
    gone: tGone,
    checkFail: firstLogTime(oldLog, /Keepalived_vrrp.*(Script `mfs_\w+` now returning [1-9]|VRRP_Script\(mfs_\w+\) failed|mfs_\w+ failed)/, t0),
    leftMaster: firstLogTime(oldLog, /Keepalived_vrrp.*Entering (FAULT|BACKUP) STATE/, t0),
    vipMoved: firstLogTime(newLog, /Keepalived_vrrp.*Entering MASTER STATE/, t0),
    mlStopped: firstLogTime(newLog, /mfs-ha.*metalogger stopped/, t0),
    masterUp: firstLogTime(newLog, /mfs-ha.*mfsmaster runs/, t0),
    answers: tAns,
    allCs: tCs,
    write: tWrite,
    protected: tProt,
  };
  const r: Round = { round: n, from: old.name, to: next, load };
  for (const f of FIELDS) r[f] = abs[f] === undefined ? undefined : Math.round(abs[f]! - t0) / 1000;
  return r;
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  holdMachineLabLock();
  const rounds: Round[] = [];
  try {
    process.stderr.write(`lab up (runbooks) in ${dir} ...\n`);
    await labUp({ via: 'runbooks' });
    await ssh('cl', `cat > /root/fo.sh <<'EOF'\n${WRITER}\nEOF\nnohup setsid bash /root/fo.sh </dev/null >/dev/null 2>&1 &`);
    for (let n = 1; n <= ROUNDS; n++) {
      // Start from a healthy cluster with a protected standby.
      const standby = (await vipHolders(readState()!))[0]?.name === 'm1' ? 'm2' : 'm1';
      const ready = await firstTrue(async () => (await allChunkservers()) && (await isProtected(standby)), 180_000, 250);
      if (ready === undefined) throw new Error(`round ${n}: cluster not healthy or ${standby} not protected`);
      await sleep(2000); // a quiet moment: keepalived's check counters settle
      const r = await oneRound(n);
      rounds.push(r);
      process.stderr.write(`round ${n}: ${JSON.stringify(r)}\n`);
    }
  } finally {
    await ssh('cl', 'touch /root/fo/stop').catch(() => {});
    await labDown().catch((e) => process.stderr.write(`lab down: ${String(e)}\n`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const out = fileURLToPath(new URL(`./failover-${LABEL}.json`, import.meta.url));
  fs.writeFileSync(out, JSON.stringify({ label: LABEL, date: new Date().toISOString(), rounds }, null, 2) + '\n');
  const fmt = (v: number | string | undefined) => (v === undefined ? '-' : typeof v === 'number' ? v.toFixed(2) : v);
  console.log(`| round | ${FIELDS.join(' | ')} | load |`);
  console.log(`| --- |${FIELDS.map(() => ' --- |').join('')} --- |`);
  for (const r of rounds) console.log(`| ${r.round} ${r.from}→${r.to} | ${FIELDS.map((f) => fmt(r[f])).join(' | ')} | ${r.load} |`);
  console.log(`| median | ${FIELDS.map((f) => fmt(median(rounds.map((r) => r[f]).filter((v): v is number => typeof v === 'number')))).join(' | ')} | |`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
