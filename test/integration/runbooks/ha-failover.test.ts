// install-cluster and keepalived-ha, step by step as written, on real MooseFS daemons and a
// real keepalived in namespaces this test creates; then kill -9 of the active master, twice
// (fail over, and fail back after the old master rejoined as standby). Every file written
// before a fault must read back with the same checksum, the metadata version must not go
// back, and the time until the new master answers is reported.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runbook } from '../../support/runbook-library.ts';
import { VIP, canRun, waitUntil } from '../../support/netns-cluster.ts';
import {
  CANDIDATES,
  CHUNKSERVERS,
  haCluster,
  masterRuns as readMasterRuns,
  masterVersion as readMasterVersion,
  vipHolders as readVipHolders,
  writeFiles as writeClientFiles,
} from '../../support/ha-cluster.ts';

const can = canRun();
const cluster = haCluster();
const masterVersion = () => readMasterVersion(cluster);
const vipHolders = () => readVipHolders(cluster);
const masterRuns = (host: string) => readMasterRuns(cluster, host);
const writeFiles = (prefix: string, n: number) => writeClientFiles(cluster, prefix, n);

const install = runbook('install-cluster');
const ha = runbook('keepalived-ha');
const installInputs = { first: 'm1', hdd: '/var/lib/mfs/hdd', clients_net: '*', subdir: 'logs', goal: '2' };
const haInputs = { first: 'm1', router_id: '88', chunkservers: '10.88.0.21 10.88.0.22 10.88.0.23', firewall: 'none' };

function connected(): { cs: number; disconnected: number; ml: number } {
  const out = cluster.exec('c1', `mfscli -ns '|' -SCS -SMB -H ${VIP} 2>/dev/null`, 10_000).out.split('\n');
  return {
    cs: out.filter((l) => l.startsWith('chunk servers:|')).length,
    disconnected: out.filter((l) => l.startsWith('Disconnected chunk servers:|')).length,
    ml: out.filter((l) => l.startsWith('metadata backup loggers:|')).length,
  };
}

function checkFiles(): void {
  const r = cluster.exec('c1', 'cd /tmp/mnt/t && sha256sum -c --quiet /tmp/sums && wc -l < /tmp/sums', 120_000);
  assert.equal(r.code, 0, `files differ after the failover:\n${r.out}`);
}

async function killActiveMaster(host: string): Promise<{ answered: number; healthy: number }> {
  const before = masterVersion();
  assert.ok(before, 'a master answers before the fault');
  const pid = cluster.exec(host, 'cat /var/lib/mfs/.mfsmaster.lock').out.trim();
  assert.match(pid, /^\d+$/);
  process.kill(Number(pid), 'SIGKILL');
  const answered = await waitUntil(60_000, () => (masterVersion() ?? 0) > 0 && vipHolders().length === 1 && !vipHolders().includes(host));
  assert.ok(answered !== undefined, `no new master answered within 60 s; VIP on ${vipHolders().join(',') || 'nobody'}`);
  const healthy = await waitUntil(60_000, () => {
    const c = connected();
    return c.cs === CHUNKSERVERS.length && c.disconnected === 0;
  });
  assert.ok(healthy !== undefined, `chunkservers did not all reconnect: ${JSON.stringify(connected())}`);
  // Under load one mfscli call can miss the master; read until it answers.
  let after: number | undefined;
  await waitUntil(30_000, () => (after = masterVersion()) !== undefined);
  assert.ok(after !== undefined && after >= before!, `metadata version went back: ${before} -> ${after}`);
  return { answered, healthy };
}

describe('install-cluster + keepalived-ha on real daemons', { skip: can.ok ? false : can.why, timeout: 600_000 }, () => {
  before(async () => {
    await cluster.up();
  });
  after(() => {
    if (!process.env.RBL_KEEP) cluster.down();
  });

  it('install-cluster brings a cluster up', () => {
    for (const h of cluster.hosts) cluster.runStep(install, 'hosts-file', h.name, installInputs);
    for (const h of CANDIDATES) cluster.runStep(install, 'master-config', h, installInputs);
    cluster.runStep(install, 'first-metadata', 'm1', installInputs);
    // A second run must refuse: metadata exists now.
    assert.throws(() => cluster.runStep(install, 'first-metadata', 'm1', installInputs), /REFUSED/);
    for (const h of CHUNKSERVERS) cluster.runStep(install, 'chunkserver-config', h, installInputs);
    cluster.runStep(install, 'start-master', 'm1', installInputs);
    for (const h of CHUNKSERVERS) cluster.runStep(install, 'start-chunkservers', h, installInputs);
    const mount = cluster.exec('c1', 'mkdir -p /tmp/mnt && mfsmount /tmp/mnt -H mfsmaster >/dev/null 2>&1 && mfssetgoal -r 2 /tmp/mnt', 30_000);
    assert.equal(mount.code, 0, mount.out);
    writeFiles('a', 10);
  });

  it('keepalived-ha puts the VIP under keepalived with the standby as metalogger', () => {
    for (const h of CANDIDATES) cluster.runStep(ha, 'preflight', h, haInputs);
    cluster.runStep(ha, 'first-runs-master', 'm1', haInputs);
    for (const step of ['chunkserver-list', 'role-script', 'check-script', 'metalogger-config', 'keepalived-conf']) {
      for (const h of CANDIDATES) cluster.runStep(ha, step, h, haInputs);
    }
    // install-cluster wrote MASTER_RECONNECTION_DELAY = 1: the step finds it and changes nothing.
    for (const h of CHUNKSERVERS) {
      cluster.runStep(ha, 'chunkserver-reconnect', h, haInputs);
      assert.match(cluster.exec(h, 'cat /etc/mfs/mfschunkserver.cfg').out, /^MASTER_RECONNECTION_DELAY = 1$/m);
    }
    cluster.runStep(ha, 'start-first', 'm1', haInputs);
    cluster.runStep(ha, 'start-standby', 'm2', haInputs);
    for (const h of CANDIDATES) cluster.runStep(ha, 'verify', h, haInputs);
    cluster.runStep(ha, 'verify-metaloggers', 'm1', haInputs);
    assert.deepEqual(vipHolders(), ['m1']);
    writeFiles('b', 10);
  });

  it('kill -9 of the active master: the standby takes over with every file', async () => {
    const t = await killActiveMaster('m1');
    console.log(`failover m1 -> m2: new master answered after ${t.answered.toFixed(1)} s, all chunkservers after ${t.healthy.toFixed(1)} s`);
    assert.deepEqual(vipHolders(), ['m2']);
    // One metadata load: the metalogger's download seeded metadata.mfs.back.
    assert.match(cluster.exec('m2', 'cat /var/log/mfs-ha.log').out, /MASTER: metadata\.mfs\.back = the metalogger's download/);
    assert.ok(masterRuns('m2') && !masterRuns('m1'));
    checkFiles();
  });

  it('the old master rejoins as standby and does not take the VIP back', async () => {
    const rejoined = await waitUntil(60_000, () => cluster.exec('m1', 'mfsmetalogger -c /etc/mfs/mfsmetalogger.cfg test && [ "$(stat -c %s /var/lib/mfs/metadata_ml.mfs.back)" -gt 8 ]').code === 0);
    assert.ok(rejoined !== undefined, `m1 did not become a standby:\n${cluster.exec('m1', 'tail -n 30 /var/log/mfs-ha.log').out}`);
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(vipHolders(), ['m2']);
    assert.ok(!masterRuns('m1'));
    writeFiles('c', 10);
  });

  it('kill -9 again: fails back to m1 with every file', async () => {
    // The standby's metalogger must have logged the latest changes first.
    await waitUntil(20_000, () => connected().ml >= 1);
    const t = await killActiveMaster('m2');
    console.log(`failback m2 -> m1: new master answered after ${t.answered.toFixed(1)} s, all chunkservers after ${t.healthy.toFixed(1)} s`);
    assert.deepEqual(vipHolders(), ['m1']);
    // m1 was the master before: its own older files were set aside, and its download seeded the start.
    assert.match(cluster.exec('m1', 'cat /var/log/mfs-ha.log').out, /MASTER: metadata\.mfs\.back = the metalogger's download/);
    checkFiles();
  });
});
