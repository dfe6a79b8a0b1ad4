// Upgrading a cluster that runs the OLD keepalived-ha design (the runbook as it was before
// issue 11: priorities 150/100, one check with fall 2, `mfsmaster -a restore` then `start`,
// no MASTER_RECONNECTION_DELAY; test/fixtures/runbooks/keepalived-ha-old) by running today's
// keepalived-ha again, through the real CLI on the practice cluster, with a writer on cl.
// While the upgrade runs, the VIP is watched every 100 ms from outside: never two holders.
// Afterwards the cluster must be in the new design (keepalived.conf, scripts, reconnection
// delay on chunkservers and the candidates' metaloggers, the running daemons using them),
// the master must not have been restarted, and a kill -9 of the active master must promote
// the standby with one metadata load, with no acknowledged file lost and the metadata
// version never going back.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../../support/netns-cluster.ts';
import { haLogs, hostState, inventory, labSkip, linesOnHost, masterVersion, mfscli, onHost, pidsOf, runRunbook, runbookCommand, startLab, stopLab, tryOnHost, vipHolderNames } from '../../support/lab-runbook.ts';

const OLD_RUNBOOKS = fileURLToPath(new URL('../../fixtures/runbooks/keepalived-ha-old/', import.meta.url));
const INPUTS = ['--input', 'first=m1', '--input', 'router_id=77', '--input', 'chunkservers=10.77.0.21 10.77.0.22 10.77.0.23'];
// The old design (VRRPv2) asked for a VRRP password; the unicast VRRPv3 one asks none.
const OLD_INPUTS = [...INPUTS, '--input', 'auth_pass=Up9grade'];
const CHUNKSERVERS = ['c1', 'c2', 'c3'];
const CANDIDATES = ['m1', 'm2'];

const WRITER = String.raw`mkdir -p /mnt/mfs/up /root/up; : > /root/up/acked; rm -f /root/up/stop; i=0
while [ ! -e /root/up/stop ]; do
  i=$((i + 1)); head -c 32768 /dev/urandom > /root/up/buf
  h=$(sha256sum < /root/up/buf | cut -d' ' -f1)
  if timeout 60 dd if=/root/up/buf of=/mnt/mfs/up/f$i bs=32768 conv=fsync status=none 2>/dev/null; then echo "$h  f$i" >> /root/up/acked; fi
  sleep 0.1
done`;
const acked = () => linesOnHost('cl', '/root/up/acked');

async function writesGoOn(n: number): Promise<void> {
  const a0 = acked();
  const ok = await waitUntil(120_000, () => acked() >= a0 + n);
  assert.ok(ok !== undefined, `the writer is stuck at ${acked()} acknowledged files`);
}

/** The reconnection delay line install-cluster and keepalived-ha write, in a daemon's config. */
const hasDelay = (host: string, cfg: string) => tryOnHost(host, `grep -Eq '^[[:space:]]*MASTER_RECONNECTION_DELAY[[:space:]]*=[[:space:]]*1[[:space:]]*$' /etc/mfs/${cfg}`).code === 0;

/** The metadata version behind the VIP, read until a master answers. */
async function versionNow(): Promise<number> {
  let v: number | undefined;
  await waitUntil(60_000, () => (v = masterVersion()) !== undefined);
  assert.ok(v !== undefined, 'no master answers behind the VIP');
  return v;
}

describe('keepalived-ha upgrades a cluster running the old design, through mfs-tui on the practice cluster', { skip: labSkip(), timeout: 1_200_000 }, () => {
  before(() => startLab('ha-upgrade'));
  after(async () => {
    tryOnHost('cl', 'touch /root/up/stop');
    await stopLab();
  });

  it('the old design installed: install-cluster without the reconnection delay, the old keepalived-ha', async () => {
    // install-cluster before issue 11 wrote no MASTER_RECONNECTION_DELAY: take it out again and
    // let the running daemons re-read their configuration (they use the default 5 s again).
    for (const h of CHUNKSERVERS) onHost(h, "sed -i '/MASTER_RECONNECTION_DELAY/d' /etc/mfs/mfschunkserver.cfg && mfschunkserver reload");
    for (const h of [...CANDIDATES, 'ml']) onHost(h, "sed -i '/MASTER_RECONNECTION_DELAY/d' /etc/mfs/mfsmetalogger.cfg && { ! mfsmetalogger test >/dev/null 2>&1 || mfsmetalogger reload; }");
    // By its file: an added runbook folder never replaces the built-in keepalived-ha (same id).
    const r = runRunbook(`${OLD_RUNBOOKS}keepalived-ha.md`, OLD_INPUTS, inventory());
    assert.equal(r.code, 0, `the old runbook failed:\n${r.out.slice(-4000)}\n${haLogs()}`);
    // The old design settles on its own time (its role script answers keepalived's notify in
    // the background): wait for m1 alone with the VIP and m2 a standby, as an operator would.
    const settled = await waitUntil(60_000, async () => (await vipHolderNames()).join() === 'm1' && tryOnHost('m2', 'cat /run/mfs-ha.role').out.trim() === 'BACKUP');
    assert.ok(settled !== undefined, `the old design did not settle with m1 holding the VIP and m2 BACKUP:\n${haLogs()}`);
    const conf1 = onHost('m1', 'cat /etc/keepalived/keepalived.conf');
    assert.match(conf1, /priority 150/);
    assert.match(conf1, /fall 2/);
    assert.doesNotMatch(conf1, /mfs_master/);
    assert.match(onHost('m2', 'cat /etc/keepalived/keepalived.conf'), /priority 100/);
    const role = onHost('m2', 'cat /etc/keepalived/mfs-role.sh');
    assert.match(role, /-a restore/);
    assert.doesNotMatch(role, /seed_back/);
    for (const h of CHUNKSERVERS) assert.equal(hasDelay(h, 'mfschunkserver.cfg'), false, `${h} still has the new reconnection delay`);
  });

  it('running keepalived-ha again upgrades it with the writer running: never two VIP holders, the master not restarted', async () => {
    onHost('cl', `cat > /root/up.sh <<'EOF'\n${WRITER}\nEOF\nnohup setsid sh /root/up.sh </dev/null >/dev/null 2>&1 & echo $! > /root/up.pid`);
    await writesGoOn(5);
    const masterBefore = await pidsOf('m1', 'mfsmaster');
    assert.equal(masterBefore.length > 0, true);
    const versionBefore = await versionNow();

    // The upgrade, while the VIP is watched from outside.
    const cmd = runbookCommand('keepalived-ha', INPUTS, inventory());
    const child = spawn(process.execPath, cmd.argv, { env: cmd.env, stdio: cmd.stdio });
    cmd.done();
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let running = true;
    void exited.then(() => (running = false));
    const seen: string[][] = [];
    while (running) {
      seen.push(await vipHolderNames());
      await new Promise((r) => setTimeout(r, 100));
    }
    const code = await exited;
    assert.equal(code, 0, out);
    const two = seen.filter((h) => h.length > 1);
    assert.deepEqual(two, [], `two VIP holders during the upgrade (${two.length} of ${seen.length} looks)`);
    assert.ok(seen.length > 10, `the VIP was looked at only ${seen.length} times`);
    assert.deepEqual(await vipHolderNames(), ['m1']);
    // keepalived on m1 reloaded: the master kept running (no second metadata load, no outage).
    assert.deepEqual(await pidsOf('m1', 'mfsmaster'), masterBefore, 'the master on m1 was restarted by the upgrade');

    // The new design, written and in use.
    const conf1 = onHost('m1', 'cat /etc/keepalived/keepalived.conf');
    assert.match(conf1, /priority 254/);
    assert.match(conf1, /vrrp_script mfs_master \{[^}]*fall 1/);
    assert.match(onHost('m2', 'cat /etc/keepalived/keepalived.conf'), /priority 253/);
    // VRRPv3 unicast between the candidates, in the files and in the running keepalived (its state dump).
    for (const [h, peer] of [['m1', '10.77.0.12'], ['m2', '10.77.0.11']] as const) {
      const conf = onHost(h, 'cat /etc/keepalived/keepalived.conf');
      assert.match(conf, /^\s*vrrp_version 3$/m);
      assert.match(conf, /^\s*advert_int 0\.5$/m);
      assert.match(conf, new RegExp(`unicast_peer \\{\\n\\s+${peer.replaceAll('.', '\\.')} min_ttl 255\\n`));
      assert.doesNotMatch(conf, /auth_pass/);
      const dump = await waitUntil(20_000, () => /Using unicast/.test(tryOnHost(h, 'kill -USR1 "$(cat /run/keepalived.pid)"; cat /tmp/keepalived.data 2>/dev/null').out));
      assert.ok(dump !== undefined, `${h}'s running keepalived does not use unicast`);
    }
    for (const h of CANDIDATES) {
      assert.match(onHost(h, 'cat /etc/keepalived/mfs-role.sh'), /seed_back/);
      assert.equal(hasDelay(h, 'mfsmetalogger.cfg'), true, `${h}: mfsmetalogger.cfg has no MASTER_RECONNECTION_DELAY = 1`);
    }
    for (const h of CHUNKSERVERS) assert.equal(hasDelay(h, 'mfschunkserver.cfg'), true, `${h}: mfschunkserver.cfg has no MASTER_RECONNECTION_DELAY = 1`);
    assert.equal(onHost('m1', 'cat /run/mfs-ha.role').trim(), 'MASTER');
    assert.equal(onHost('m2', 'cat /run/mfs-ha.role').trim(), 'BACKUP');
    // The standby is protected: its metalogger runs with current metadata, its check passes.
    const ready = await waitUntil(120_000, () => tryOnHost('m2', '/etc/keepalived/mfs-check.sh && /etc/keepalived/mfs-check.sh master').code === 0);
    assert.ok(ready !== undefined, `m2's check does not pass after the upgrade:\n${tryOnHost('m2', 'tail -n 20 /var/log/mfs-ha.log').out}`);
    assert.ok((masterVersion() ?? 0) >= versionBefore);
    await writesGoOn(5);
  });

  it('kill -9 after the upgrade: m2 takes over with one metadata load, no acknowledged file lost, the version never goes back', async () => {
    const before = await versionNow();
    const a0 = acked();
    const t0 = performance.now();
    for (const p of await pidsOf('m1', 'mfsmaster')) process.kill(p, 'SIGKILL');
    const answered = await waitUntil(240_000, () => (masterVersion() ?? 0) > 0 && tryOnHost('m2', 'mfsmaster test').code === 0);
    assert.ok(answered !== undefined, `m2 did not take over:\n${tryOnHost('m2', 'tail -n 40 /var/log/mfs-ha.log').out}`);
    const seconds = (performance.now() - t0) / 1000;
    const log = tryOnHost('m2', 'cat /var/log/mfs-ha.log').out;
    assert.match(log.split(/\n(?=.*MASTER: was )/).at(-1) ?? '', /MASTER: metadata\.mfs\.back = the metalogger's download/, `m2 did not promote with one metadata load:\n${log.slice(-3000)}`);
    await writesGoOn(10);
    assert.ok((await versionNow()) >= before, 'the metadata version went back');
    assert.deepEqual(await vipHolderNames(), ['m2']);
    // Every chunkserver is back on the new master (each tries every second now).
    const cs = await waitUntil(60_000, () => mfscli('-SCS').filter((l) => l.startsWith('chunk servers:|')).length === 3);
    assert.ok(cs !== undefined, 'not every chunkserver reconnected');
    // m1 rejoins as a protected standby (its metalogger downloads from m2 at once).
    const address = hostState('m1').address;
    const rejoined = await waitUntil(
      240_000,
      () =>
        tryOnHost('m1', '! mfsmaster test >/dev/null 2>&1 && /etc/keepalived/mfs-check.sh').code === 0 &&
        mfscli('-SMB').some((l) => l.startsWith(`metadata backup loggers:|${address}|`)),
    );
    assert.ok(rejoined !== undefined, `m1 did not rejoin as a protected standby:\n${tryOnHost('m1', 'tail -n 20 /var/log/mfs-ha.log').out}`);
    onHost('cl', 'touch /root/up/stop; p=$(cat /root/up.pid); for i in $(seq 120); do kill -0 "$p" 2>/dev/null || exit 0; sleep 1; done; exit 1');
    const total = acked();
    const lost = Number(tryOnHost('cl', 'cd /mnt/mfs/up && sha256sum -c /root/up/acked 2>/dev/null | grep -vc ": OK$"').out.trim() || 0);
    process.stdout.write(`# upgrade: new master answered ${seconds.toFixed(1)} s after the kill; ${total} files acknowledged (${total - a0} since the kill), lost: ${lost}\n`);
    assert.ok(total > 20, `only ${total} files acknowledged`);
    assert.equal(lost, 0);
  });
});
