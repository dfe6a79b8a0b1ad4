// bench/partition-heal: a silent partition of the active master healed inside the window in
// which both candidates hold the VIP (the standby took over after 3 × advert_int + skew; the
// cut-off master still holds it until its own check fails twice). What happens then: who
// ends up with the VIP, does either side's master serve in between, does the metadata
// version at the VIP ever go back, do writes flow again.
// Each round: a healthy cluster (one VIP holder, the standby protected), cl writing and
// fsyncing a file every 50 ms; the holder's bridge port stops forwarding; the moment the
// standby's keepalived holds the VIP too (polled every 5 ms) the port forwards again (one
// bridge command; whether both still held it just after is reported). Then
// for 30 s: the VIP holders every 50 ms, the metadata version answering at the VIP every
// 50 ms, and at the end which candidate runs mfsmaster, its role file and its role log.
// Run: node --import tsx bench/partition-heal.ts [rounds=3] [build=scripts|runbooks]
// (root, lab packages; takes the lab lock). Prints one JSON line per round.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { daemonPids, vipHolders } from '../src/lab/break.ts';
import { labBreak, labDown, labUp } from '../src/lab/index.ts';
import { LAB_LOCK_ENV } from '../src/lab/lock.ts';
import { hostDir } from '../src/lab/paths.ts';
import { readState } from '../src/lab/state.ts';
import { holdMachineLabLock } from '../test/support/lab.ts';
import { firstTrue, masterInfoVersion, run, sleep } from './support/lab-probes.ts';

const ROUNDS = Number(process.argv[2] ?? 3);
const BUILD = process.argv[3] === 'runbooks' ? 'runbooks' : 'scripts';
const VIP = '10.77.0.100';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-lab-heal-'));
process.env.MFS_TUI_LAB_DIR = dir;

const ssh = (host: string, script: string) => run('ssh', ['-F', path.join(dir, 'ssh_config'), '-o', 'BatchMode=yes', host, 'bash', '-s'], script, 30_000);

const PROTECTED = String.raw`D=/var/lib/mfs
! mfsmaster test >/dev/null 2>&1 && mfsmetalogger test >/dev/null 2>&1 && [ "$(stat -c %s $D/metadata_ml.mfs.back 2>/dev/null || echo 0)" -gt 8 ] && [ ! $D/.mfsmetalogger.lock -nt $D/metadata_ml.mfs.back ] && /etc/keepalived/mfs-check.sh`;

const WRITER = String.raw`mkdir -p /mnt/mfs/ph /root/ph; rm -f /root/ph/stop; : > /root/ph/acks; head -c 4096 /dev/urandom > /root/ph/buf; i=0
while [ ! -e /root/ph/stop ]; do
  i=$(( (i + 1) % 40 ))
  if timeout 60 dd if=/root/ph/buf of=/mnt/mfs/ph/f$i bs=4096 conv=fsync status=none 2>/dev/null; then date +%s.%N >> /root/ph/acks; fi
  sleep 0.05
done`;
const acks = () =>
  fs
    .readFileSync(path.join(hostDir('cl'), 'root/ph/acks'), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => Math.round(Number(l) * 1000));

async function round(n: number): Promise<Record<string, unknown>> {
  const before = await vipHolders(readState()!);
  if (before.length !== 1) throw new Error(`round ${n}: VIP holders ${before.map((h) => h.name).join(',')}`);
  const old = before[0]!.name;
  const other = old === 'm1' ? 'm2' : 'm1';
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const t0 = Date.now();
  await labBreak('partition', old);
  // Both hold the VIP: read from each candidate's local routes (a file read; the window can be
  // half a second on a busy machine, shorter than starting ip twice).
  const cands = readState()!.hosts.filter((h) => h.name === 'm1' || h.name === 'm2');
  const holds = (pid: number | undefined) => {
    try {
      return /\|-- 10\.77\.0\.100\n\s+\/32 host LOCAL/.test(fs.readFileSync(`/proc/${pid}/net/fib_trie`, 'utf8'));
    } catch {
      return false;
    }
  };
  const bothHold = () => cands.every((h) => holds(h.initPid));
  const both = await firstTrue(async () => bothHold(), 20_000, 5);
  // The port forwards again at once (lab break heal also undoes split-brain's rules: no-ops here).
  const target = readState()!.hosts.find((h) => h.name === old)!;
  await run('bridge', ['link', 'set', 'dev', target.veth, 'state', '3']);
  const healed = Date.now();
  // Whether both still held the VIP after the heal (the two MASTERs met), and what the cut-off
  // host's check had recorded by then (keepalived's track_file mfs_cut; none before it existed).
  const cutRecord = fs.existsSync(`/proc/${target.initPid}/root/run/mfs-ha.cut`) ? fs.readFileSync(`/proc/${target.initPid}/root/run/mfs-ha.cut`, 'utf8').trim() : 'none';
  const bothAtHeal = bothHold();
  await labBreak('heal', old);
  // 30 s of samples: holders and the version answering at the VIP.
  const samples: { t: number; holders: string; version?: number }[] = [];
  while (Date.now() - healed < 30_000) {
    const [h, v] = await Promise.all([vipHolders(readState()!), masterInfoVersion(VIP, 300)]);
    samples.push({ t: Date.now() - t0, holders: h.map((x) => x.name).join('+'), version: v });
    await sleep(50);
  }
  const versions = samples.map((s) => s.version).filter((v): v is number => v !== undefined);
  const wentBack = versions.some((v, i) => i > 0 && v < versions[i - 1]!);
  const state = readState()!;
  const masters: string[] = [];
  for (const name of [old, other])
    if (
      (
        await daemonPids(
          state.hosts.find((h) => h.name === name)!,
          'mfsmaster',
        )
      ).length > 0
    )
      masters.push(name);
  const roleOf = async (h: string) => (await ssh(h, 'cat /run/mfs-ha.role')).out.trim();
  const logOf = async (h: string) => (await ssh(h, `awk -v t="$(date -d @${Math.floor(t0 / 1000)} '+%F %T')" '$1" "substr($2,1,8) >= t' /var/log/mfs-ha.log`)).out.trim().split('\n').filter(Boolean);
  const a = acks();
  const lastHolderChange = samples.reduce((last, s, i) => (i > 0 && s.holders !== samples[i - 1]!.holders ? s.t : last), 0);
  return {
    round: n,
    load,
    partitioned: old,
    bothHeldAfterS: both === undefined ? null : (both - t0) / 1000,
    healedAtS: (healed - t0) / 1000,
    bothHeldAtHeal: bothAtHeal,
    cutRecordAtHeal: cutRecord,
    twoHolderSamplesAfterHeal: samples.filter((s) => s.holders.includes('+')).length,
    noHolderSamplesAfterHeal: samples.filter((s) => s.holders === '').length,
    holderAfter30s: samples.at(-1)?.holders,
    lastHolderChangeS: lastHolderChange / 1000,
    mastersRunning: masters,
    roles: { [old]: await roleOf(old), [other]: await roleOf(other) },
    versionFirst: versions[0],
    versionLast: versions.at(-1),
    versionWentBack: wentBack,
    acksDuring: a.filter((t) => t > t0).length,
    lastAckGapS: Math.max(0, ...a.filter((t) => t > t0).map((t, i, xs) => (i === 0 ? 0 : (t - xs[i - 1]!) / 1000))),
    roleLog: { [old]: await logOf(old), [other]: await logOf(other) },
  };
}

async function main(): Promise<void> {
  // Run inside `flock -x /run/lock/mfs-tui-lab-tests.lock env MFS_TUI_LAB_TEST_LOCK_HELD=1 …`: the lock is held already.
  if (process.env[LAB_LOCK_ENV] !== '1') holdMachineLabLock();
  try {
    await labUp({ via: BUILD });
    await ssh('cl', `cat > /root/ph.sh <<'EOF'\n${WRITER}\nEOF\nnohup setsid bash /root/ph.sh </dev/null >/dev/null 2>&1 &`);
    for (let n = 1; n <= ROUNDS; n++) {
      const ok = await firstTrue(
        async () => {
          const h = await vipHolders(readState()!);
          if (h.length !== 1) return false;
          const standby = h[0]!.name === 'm1' ? 'm2' : 'm1';
          return (await ssh(standby, PROTECTED)).code === 0 && (await masterInfoVersion(VIP, 300)) !== undefined;
        },
        180_000,
        250,
      );
      if (ok === undefined) throw new Error(`round ${n}: not one VIP holder with a protected standby after 180 s`);
      await sleep(2000);
      console.log(JSON.stringify(await round(n)));
    }
  } finally {
    await ssh('cl', 'touch /root/ph/stop').catch(() => {});
    await labDown().catch((e) => process.stderr.write(`lab down: ${String(e)}\n`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
