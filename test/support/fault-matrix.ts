// The keepalived-ha fault matrix's pieces, for fault-matrix-lab.test.ts and
// systemd-lab.test.ts (the same matrix on the two kinds of practice host).
// A writer on cl creates a file every 0.1 s and records only those whose write, fsync and
// close succeeded (dd conv=fsync, the checksum kept on cl's own disk); each fault is timed
// until a new master answers behind the VIP, and at the end every acknowledged file must
// read back with its checksum through the old mount and a fresh one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { labBreak } from '../../src/lab/index.ts';
import { netnsPids } from '../../src/lab/net.ts';
import { haLogs, hostState, linesOnHost, masterVersion, mfscli, onHost, pidsOf, tryOnHost, vipHolderNames } from './lab-runbook.ts';
import { waitUntil as waitUntilSync } from './netns-cluster.ts';

const WRITER = String.raw`mkdir -p /mnt/mfs/w /root/w; : > /root/w/acked; rm -f /root/w/stop; i=0
while [ ! -e /root/w/stop ]; do
  i=$((i + 1)); head -c 65536 /dev/urandom > /root/w/buf
  h=$(sha256sum < /root/w/buf | cut -d' ' -f1)
  if timeout 60 dd if=/root/w/buf of=/mnt/mfs/w/f$i bs=65536 conv=fsync status=none 2>/dev/null; then echo "$h  f$i" >> /root/w/acked; fi
  sleep 0.1
done`;

/** Polls every 200 ms: `probe` (async) runs first, then `fn` decides. Seconds taken, or undefined. */
export async function waitUntil(ms: number, fn: () => boolean, probe?: () => Promise<unknown>): Promise<number | undefined> {
  if (!probe) return waitUntilSync(ms, fn);
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await probe();
    if (fn()) return (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

/**
 * Waits until one candidate holds the VIP, runs the only mfsmaster and answers at the VIP, unchanged
 * for 3 s. `state` is the last reading (`ok HOST` when settled), `since` when it last changed.
 */
async function settledOnOneMaster(ms: number): Promise<{ settled: number | undefined; state: string; since: number }> {
  let state = '';
  let since = 0;
  const settled = await waitUntil(
    ms,
    () => state.startsWith('ok ') && performance.now() - since >= 3000,
    async () => {
      const h = await vipHolderNames();
      const running = (await Promise.all(['m1', 'm2'].map(async (m) => ((await pidsOf(m, 'mfsmaster')).length > 0 ? m : '')))).filter(Boolean);
      const now =
        h.length === 1 && running.length === 1 && running[0] === h[0] && (masterVersion() ?? 0) > 0 ? `ok ${h[0]}` : `VIP on ${h.join('+') || 'nobody'}, mfsmaster on ${running.join('+') || 'none'}`;
      if (now !== state) [state, since] = [now, performance.now()];
    },
  );
  return { settled, state, since };
}

export const acked = () => linesOnHost('cl', '/root/w/acked');
const other = (h: string) => (h === 'm1' ? 'm2' : 'm1');

/** One fault of the matrix: seconds until a new master answered, files acknowledged meanwhile. */
export interface FaultRow {
  fault: string;
  answered: number;
  ackedDuring: number;
}

/** Starts the writer on cl (stopped by assertNothingLost or stopWriter) and waits for its first files. */
export async function startWriter(): Promise<void> {
  onHost('cl', `cat > /root/writer.sh <<'EOF'\n${WRITER}\nEOF\nnohup setsid sh /root/writer.sh </dev/null >/dev/null 2>&1 & echo $! > /root/writer.pid`);
  await writesGoOn(10);
}

/** Asks the writer to stop (it finishes the file it writes); for `after` hooks. */
export const stopWriter = () => tryOnHost('cl', 'touch /root/w/stop');

/** The writer acknowledged at least `n` more files (the clients write again after the fault). */
export async function writesGoOn(n: number): Promise<void> {
  const a0 = acked();
  const ok = await waitUntil(120_000, () => acked() >= a0 + n);
  assert.ok(ok !== undefined, `the writer is stuck at ${acked()} acknowledged files`);
}

/** Waits until the master behind the VIP answers from `expected`, the only VIP holder; returns seconds since t0. */
export async function newMasterAnswers(expected: string, t0: number, ms = 240_000): Promise<number> {
  const ok = await waitUntil(ms, () => (masterVersion() ?? 0) > 0 && tryOnHost(expected, 'mfsmaster test').code === 0);
  assert.ok(
    ok !== undefined,
    `no master answered from ${expected}; VIP on ${(await vipHolderNames()).join(',') || 'nobody'}; ${expected}'s role log:\n${tryOnHost(expected, 'grep -v "^loading\\|^cleaning\\|ok (" /var/log/mfs-ha.log | tail -n 40; ls -la /var/lib/mfs').out}`,
  );
  return (performance.now() - t0) / 1000;
}

/** The old master is a standby again: no master, no VIP, a metalogger with metadata. */
export async function rejoinsAsStandby(host: string): Promise<number> {
  const t0 = performance.now();
  // Its metalogger downloaded the current metadata (after it started) and the master lists it.
  const address = hostState(host).address;
  const ok = await waitUntil(
    240_000,
    () =>
      tryOnHost(
        host,
        `! mfsmaster test >/dev/null 2>&1 && mfsmetalogger test >/dev/null 2>&1 && ! ip -o addr show | grep -qF ' 10.77.0.100/' && [ "$(stat -c %s /var/lib/mfs/metadata_ml.mfs.back)" -gt 8 ] && [ ! /var/lib/mfs/.mfsmetalogger.lock -nt /var/lib/mfs/metadata_ml.mfs.back ]`,
      ).code === 0 && mfscli('-SMB').some((l) => l.startsWith(`metadata backup loggers:|${address}|`)),
  );
  assert.ok(ok !== undefined, `${host} did not rejoin as standby:\n${tryOnHost(host, 'tail -n 20 /var/log/mfs-ha.log').out}`);
  return (performance.now() - t0) / 1000;
}

/** The metadata version behind the VIP, read until a master answers (one mfscli call can miss under load). */
async function versionNow(): Promise<number> {
  let v: number | undefined;
  await waitUntil(60_000, () => (v = masterVersion()) !== undefined);
  assert.ok(v !== undefined, 'no master answers behind the VIP');
  return v;
}

/**
 * kill -9 of the active master with the writer running: the other candidate answers, the
 * writer goes on, the metadata version never goes back, the promotion loaded the metadata
 * once (the metalogger's download seeded metadata.mfs.back), and the old master's host is
 * a protected standby again. Returns the new master's host.
 */
export async function killActiveMaster(label: string, rows: FaultRow[]): Promise<string> {
  const old = (await vipHolderNames())[0]!;
  const before = await versionNow();
  const a0 = acked();
  const t0 = performance.now();
  const pids = await pidsOf(old, 'mfsmaster');
  assert.ok(pids.length > 0);
  for (const p of pids) process.kill(p, 'SIGKILL');
  const answered = await newMasterAnswers(other(old), t0);
  await writesGoOn(10);
  const after = await versionNow();
  assert.ok(after >= before, `metadata version went back: ${before} -> ${after}`);
  const log = tryOnHost(other(old), 'cat /var/log/mfs-ha.log').out;
  assert.match(log.split(/\n(?=.*MASTER: was )/).at(-1) ?? '', /MASTER: metadata\.mfs\.back = the metalogger's download/, `${other(old)} did not promote with one metadata load:\n${log.slice(-3000)}`);
  const protectedAfter = await rejoinsAsStandby(old);
  rows.push({ fault: `${label} (${old} -> ${other(old)}; ${old} protected again ${protectedAfter.toFixed(1)} s after the new master answered)`, answered, ackedDuring: acked() - a0 });
  assert.deepEqual(await vipHolderNames(), [other(old)]);
  return other(old);
}

/** The active master's host unplugged (its link down, processes alive), then plugged back in: the old master returns and must not take the VIP back. */
export async function unplugActiveMaster(rows: FaultRow[]): Promise<void> {
  const old = (await vipHolderNames())[0]!;
  const veth = hostState(old).veth;
  const a0 = acked();
  const t0 = performance.now();
  assert.equal(spawnSync('ip', ['link', 'set', 'dev', veth, 'down']).status, 0);
  const answered = await newMasterAnswers(other(old), t0);
  await writesGoOn(10);
  rows.push({ fault: `${old} unplugged (link down)`, answered, ackedDuring: acked() - a0 });
  // The isolated node cannot see the chunkservers: its check fails (FAULT) and its role
  // script stops its master. Seen from the root namespace: ssh cannot reach it now.
  let masterPids: number[] = [];
  const gaveUp = await waitUntil(
    120_000,
    () => masterPids.length === 0,
    async () => (masterPids = await pidsOf(old, 'mfsmaster')),
  );
  assert.ok(gaveUp !== undefined, `the unplugged ${old} still runs its master`);
  assert.equal(spawnSync('ip', ['link', 'set', 'dev', veth, 'up']).status, 0);
  await rejoinsAsStandby(old);
  await holdsOn(other(old));
}

/**
 * A silent partition of the active master (link up, its bridge port forwards nothing), then
 * healed. `changelogTrimmed`: the new master was a standby twice, so its promotion must have
 * cut the earlier run's entries from its changelog_ml files.
 */
export async function partitionActiveMaster(rows: FaultRow[], changelogTrimmed: boolean): Promise<void> {
  const old = (await vipHolderNames())[0]!;
  const a0 = acked();
  const t0 = performance.now();
  await labBreak('partition', old);
  const answered = await newMasterAnswers(other(old), t0, 90_000);
  // The earlier run's entries were cut from the head of a changelog_ml file, or (when the
  // hourly rotation fell between the runs) the whole older file was set aside.
  if (changelogTrimmed)
    assert.match(
      onHost(other(old), 'cat /var/log/mfs-ha.log'),
      /kept only this run's entries of \/var\/lib\/mfs\/changelog_ml\.\d+\.mfs|set aside \(older than the metalogger's download\):.*changelog_ml/,
    );
  await writesGoOn(10);
  rows.push({ fault: `${old} silently partitioned`, answered, ackedDuring: acked() - a0 });
  let masterPids: number[] = [];
  const gaveUp = await waitUntil(
    120_000,
    () => masterPids.length === 0,
    async () => (masterPids = await pidsOf(old, 'mfsmaster')),
  );
  assert.ok(gaveUp !== undefined, `the partitioned ${old} still runs its master`);
  await labBreak('heal', old);
  await rejoinsAsStandby(old);
  await holdsOn(other(old));
}

/** What the cut-off host's check recorded (keepalived's track_file mfs_cut), read through its PID 1's root. */
const cutRecord = (host: string) => {
  try {
    return readFileSync(`/proc/${hostState(host).initPid}/root/run/mfs-ha.cut`, 'utf8').trim();
  } catch {
    return 'none';
  }
};

/** Whether `host` holds the VIP now: its network namespace's local routes, read through its PID 1 (a file read, no process started: the two-holder window can be half a second on a busy machine). */
export const holdsVip = (host: string) => {
  try {
    return /\|-- 10\.77\.0\.100\n\s+\/32 host LOCAL/.test(readFileSync(`/proc/${hostState(host).initPid}/net/fib_trie`, 'utf8'));
  } catch {
    return false;
  }
};

/**
 * A silent partition of the active master healed while both candidates hold the VIP (the
 * standby took over after 1.5 s; the cut-off master gives up only when its check has failed
 * twice). Holders are polled every 5 ms; the bridge port forwards again the moment both
 * hold it. Within 30 s of the heal, and for 3 s on end: one VIP holder, mfsmaster on that
 * candidate only, answering at the VIP; then the writer goes on and the other candidate is
 * a protected standby. When the cut-off master had recorded the cut by the heal, the new
 * master must have kept the VIP (the cut-off one advertised 20 less and yielded). A heal
 * that came after the old master had let go of the VIP is not the case: up to 3 tries.
 */
export async function healInsideTheWindow(rows: FaultRow[]): Promise<void> {
  const tries: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const old = (await vipHolderNames())[0]!;
    const veth = hostState(old).veth;
    const a0 = acked();
    const t0 = performance.now();
    await labBreak('partition', old);
    let both = false;
    while (!both && performance.now() - t0 < 20_000) {
      both = holdsVip('m1') && holdsVip('m2');
      if (!both) await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(spawnSync('bridge', ['link', 'set', 'dev', veth, 'state', '3']).status, 0);
    const healed = performance.now();
    const cut = cutRecord(old);
    const inside = both && holdsVip('m1') && holdsVip('m2');
    await labBreak('heal', old);
    // One holder with the only mfsmaster, answering at the VIP, unchanged for 3 s.
    const { settled, state, since } = await settledOnOneMaster(33_000);
    const took = (since - healed) / 1000;
    assert.ok(settled !== undefined && took <= 30, `not settled within 30 s of the heal (last: ${state}, since ${took.toFixed(1)} s):\n${haLogs()}`);
    const holder = state.slice(3);
    tries.push(
      `${old} cut, healed ${((healed - t0) / 1000).toFixed(2)} s after, ${inside ? 'both held the VIP at the heal' : both ? 'the old master had let go already' : 'never both held the VIP'}, its cut record ${cut}; settled on ${holder} ${took.toFixed(1)} s after the heal`,
    );
    if (inside && cut === '1') assert.equal(holder, other(old), `the cut-off ${old} (cut record 1) kept the VIP at the heal:\n${haLogs()}`);
    await writesGoOn(10);
    await rejoinsAsStandby(other(holder));
    rows.push({ fault: `${old} partitioned and healed inside the window (${tries.at(-1)})`, answered: took, ackedDuring: acked() - a0 });
    if (inside) return;
  }
  assert.fail(`no heal came while both held the VIP in 3 tries:\n${tries.join('\n')}`);
}

/** Whether an mfsmaster listens on `host` (its client port 9421 in LISTEN state in the host's network namespace, read through its PID 1: a file read, the host may be frozen). */
export const masterListens = (host: string) => {
  try {
    return /^\s*\d+: [0-9A-F]+:24CD [0-9A-F]+:0000 0A /m.test(readFileSync(`/proc/${hostState(host).initPid}/net/tcp`, 'utf8'));
  } catch {
    return false;
  }
};

/** Sends `signal` to every process in `host`'s network namespace, again until a pass finds none new (a stopped process forks no more). */
export async function signalHost(host: string, signal: 'SIGSTOP' | 'SIGCONT'): Promise<number> {
  const seen = new Set<number>();
  for (let pass = 0; pass < 10; pass++) {
    const fresh = (await netnsPids(hostState(host).netns)).filter((p) => !seen.has(p));
    if (!fresh.length) break;
    for (const p of fresh) {
      seen.add(p);
      try {
        process.kill(p, signal);
      } catch {
        // gone meanwhile
      }
    }
  }
  return seen.size;
}

const roleLog = (host: string) => {
  try {
    return readFileSync(`/proc/${hostState(host).initPid}/root/var/log/mfs-ha.log`, 'utf8');
  } catch {
    return '';
  }
};

/**
 * The active master's host frozen (every process stopped: a host starved of CPU, or a VM
 * paused) for longer than keepalived's 1.5 s, then thawed. Its kernel still holds the VIP and
 * answers on its master's port, and the master serves again, on its metadata, the moment it
 * runs. The standby takes the VIP; it must not start a master while that one exists: the
 * candidates' listening masters are read every 20 ms throughout, and two at once fail. The
 * host stays frozen until the standby has held the VIP for 5 s and logs its wait (or, without
 * the wait, its master listens). After the thaw, within 60 s and for 3 s on end: one VIP
 * holder with the only mfsmaster, answering at the VIP; the writer goes on; the other
 * candidate is a protected standby.
 */
export async function freezeActiveMaster(rows: FaultRow[]): Promise<void> {
  const old = (await vipHolderNames())[0]!;
  const standby = other(old);
  const a0 = acked();
  const logLength = roleLog(standby).length;
  const both: string[] = [];
  let sampling = true;
  const t0 = performance.now();
  const sampler = (async () => {
    while (sampling) {
      if (masterListens('m1') && masterListens('m2')) both.push(((performance.now() - t0) / 1000).toFixed(2));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  let thawed = false;
  try {
    await signalHost(old, 'SIGSTOP');
    let since = 0;
    const waited = await waitUntil(90_000, () => {
      const held = holdsVip(standby);
      if (!held) since = 0;
      else if (!since) since = performance.now();
      return (held && performance.now() - since >= 5000 && /a master still answers on/.test(roleLog(standby).slice(logLength))) || masterListens(standby);
    });
    const frozeFor = (performance.now() - t0) / 1000;
    await signalHost(old, 'SIGCONT');
    thawed = true;
    assert.ok(
      waited !== undefined,
      `${standby} neither waited for ${old}'s master nor started one in 90 s; VIP on ${holdsVip(standby) ? standby : 'not ' + standby}:\n${roleLog(standby).slice(logLength)}`,
    );
    // One holder with the only mfsmaster, answering at the VIP, unchanged for 3 s.
    const { settled, state, since: changed } = await settledOnOneMaster(63_000);
    sampling = false;
    await sampler;
    assert.deepEqual(both, [], `a master listened on m1 and m2 at once (s after the freeze: ${both.slice(0, 5).join(', ')}${both.length > 5 ? ', ...' : ''}):\n${haLogs()}`);
    assert.ok(settled !== undefined, `not settled within 60 s of the thaw (last: ${state}):\n${haLogs()}`);
    const holder = state.slice(3);
    await writesGoOn(10);
    await rejoinsAsStandby(other(holder));
    rows.push({ fault: `${old} frozen ${frozeFor.toFixed(1)} s (the standby held the VIP), then thawed; the master settled on ${holder}`, answered: (changed - t0) / 1000, ackedDuring: acked() - a0 });
  } finally {
    sampling = false;
    if (!thawed) await signalHost(old, 'SIGCONT');
  }
}

/** nopreempt: the returning node never takes the VIP back (5 s later it is still where it went), and the writer goes on. */
async function holdsOn(holder: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 5000));
  assert.deepEqual(await vipHolderNames(), [holder]);
  await writesGoOn(10);
}

/** Stops the writer, prints the matrix and asserts that every acknowledged file reads back (old mount and a fresh one). */
export function assertNothingLost(rows: FaultRow[], label = 'fault matrix'): void {
  onHost('cl', 'touch /root/w/stop; p=$(cat /root/writer.pid); for i in $(seq 120); do kill -0 "$p" 2>/dev/null || exit 0; sleep 1; done; exit 1');
  const total = acked();
  assert.ok(total > 30, `only ${total} files acknowledged`);
  const lost = (dir: string) => Number(tryOnHost('cl', `cd ${dir} && sha256sum -c /root/w/acked 2>/dev/null | grep -vc ': OK$'`).out.trim() || 0);
  const viaOld = lost('/mnt/mfs/w');
  onHost('cl', 'mkdir -p /mnt/fresh && mfsmount /mnt/fresh -H mfsmaster >/dev/null 2>&1');
  const viaFresh = lost('/mnt/fresh/w');
  tryOnHost('cl', 'umount /mnt/fresh');
  for (const r of rows) process.stdout.write(`# fault: ${r.fault}: new master answered after ${r.answered.toFixed(1)} s; ${r.ackedDuring} files acknowledged during the phase\n`);
  process.stdout.write(`# ${label}: ${total} files acknowledged, lost: ${viaOld} (old mount), ${viaFresh} (fresh mount)\n`);
  assert.equal(viaOld, 0);
  assert.equal(viaFresh, 0);
}
