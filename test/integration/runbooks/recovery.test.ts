// power-cut (both branches) and lost-master, step by step as written, on real MooseFS
// daemons and keepalived in namespaces this test creates (see test/support/netns-cluster.ts). Each
// scenario: files written and fsynced through the client mount, the fault, the runbook's
// steps in order, then: exactly one VIP holder running the master, every chunkserver and a
// metalogger connected, every file read back with its checksum, metadata version not back.
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
const ADDRESS: Record<string, string> = { m1: '10.88.0.11', m2: '10.88.0.12' };

const install = runbook('install-cluster');
const ha = runbook('keepalived-ha');
const powerCut = runbook('power-cut');
const lostMaster = runbook('lost-master');
const installInputs = { first: 'm1', hdd: '/var/lib/mfs/hdd', clients_net: '*', subdir: 'logs', goal: '2' };
const haInputs = { first: 'm1', router_id: '89', chunkservers: '10.88.0.21 10.88.0.22 10.88.0.23', firewall: 'none' };

/** The end state every scenario must reach. */
async function assertHealthy(master: string, versionBefore: number): Promise<void> {
  assert.deepEqual(vipHolders(), [master], 'exactly one VIP holder');
  assert.ok(masterRuns(master), `${master} runs the master`);
  for (const h of CANDIDATES) if (h !== master) assert.ok(!masterRuns(h), `no master on ${h}`);
  const ok = await waitUntil(60_000, () => {
    const out = cluster.exec('c1', `mfscli -ns '|' -SIN -SCS -SMB -H ${VIP} 2>/dev/null`, 10_000).out.split('\n');
    const cs = out.filter((l) => l.startsWith('chunk servers:|')).length;
    const dis = out.filter((l) => l.startsWith('Disconnected chunk servers:|')).length;
    const ml = out.filter((l) => l.startsWith('metadata backup loggers:|')).length;
    const missing = out.find((l) => l.startsWith('all chunks matrix:|chunkclass missing:|'))?.split('|')[2];
    return cs === CHUNKSERVERS.length && dis === 0 && ml >= 1 && missing === '0';
  });
  assert.ok(ok !== undefined, 'all chunkservers and a metalogger connected, no missing chunks');
  const v = masterVersion();
  assert.ok(v !== undefined && v >= versionBefore, `metadata version ${versionBefore} -> ${v}`);
  const r = cluster.exec('c1', 'cd /tmp/mnt/t && sha256sum -c --quiet /tmp/sums', 120_000);
  assert.equal(r.code, 0, `files differ:\n${r.out}`);
}

function killMaster(host: string): void {
  const pid = cluster.exec(host, 'cat /var/lib/mfs/.mfsmaster.lock').out.trim();
  assert.match(pid, /^\d+$/);
  process.kill(Number(pid), 'SIGKILL');
}

/** The error message of a step that must fail; its output when it passed instead. */
function refusal(run: () => string): string {
  let out: string;
  try {
    out = run();
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail(`the step passed but should have refused:\n${out}`);
}

/** Stops keepalived on a candidate (a standby that cannot take over). */
function stopKeepalived(host: string): void {
  const r = cluster.exec(host, 'p=$(cat /run/keepalived.pid) && kill "$p" && for i in $(seq 50); do kill -0 "$p" 2>/dev/null || exit 0; sleep 0.2; done; exit 1');
  assert.equal(r.code, 0, r.out);
}

describe('power-cut and lost-master on real daemons', { skip: can.ok ? false : can.why, timeout: 900_000 }, () => {
  before(async () => {
    await cluster.up();
    for (const h of cluster.hosts) cluster.runStep(install, 'hosts-file', h.name, installInputs);
    for (const h of CANDIDATES) cluster.runStep(install, 'master-config', h, installInputs);
    cluster.runStep(install, 'first-metadata', 'm1', installInputs);
    for (const h of CHUNKSERVERS) cluster.runStep(install, 'chunkserver-config', h, installInputs);
    cluster.runStep(install, 'start-master', 'm1', installInputs);
    for (const h of CHUNKSERVERS) cluster.runStep(install, 'start-chunkservers', h, installInputs);
    cluster.runStep(ha, 'first-runs-master', 'm1', haInputs);
    for (const step of ['chunkserver-list', 'role-script', 'check-script', 'metalogger-config', 'keepalived-conf']) {
      for (const h of CANDIDATES) cluster.runStep(ha, step, h, haInputs);
    }
    cluster.runStep(ha, 'start-first', 'm1', haInputs);
    cluster.runStep(ha, 'start-standby', 'm2', haInputs);
    const mount = cluster.exec('c1', 'mkdir -p /tmp/mnt && mfsmount /tmp/mnt -H mfsmaster >/dev/null 2>&1 && mfssetgoal -r 2 /tmp/mnt', 30_000);
    assert.equal(mount.code, 0, mount.out);
  });
  after(() => {
    if (!process.env.RBL_KEEP) cluster.down();
  });

  it('power-cut, no standby to take over: recovers on the same host with mfsmaster -a', async () => {
    writeFiles('a', 10);
    const v0 = masterVersion()!;
    stopKeepalived('m2'); // the standby cannot take over
    killMaster('m1');
    // m1's check fails: it goes FAULT and releases the VIP; nobody serves.
    const released = await waitUntil(30_000, () => vipHolders().length === 0);
    assert.ok(released !== undefined, `VIP still on ${vipHolders().join(',')}`);
    const inputs = { host: 'm1', host_address: ADDRESS.m1!, metalogger: 'm2' };
    const t0 = performance.now();
    cluster.runStep(powerCut, 'local-state', 'm1', inputs);
    cluster.runStep(powerCut, 'who-serves', 'm1', inputs);
    cluster.runStep(powerCut, 'no-other-master', 'm1', inputs);
    cluster.runStep(powerCut, 'hold-vip', 'm1', inputs);
    const restored = cluster.runStep(powerCut, 'restore', 'm1', inputs);
    assert.match(restored, /chosen most recent metadata file/);
    cluster.runStep(powerCut, 'start-master', 'm1', inputs);
    const cmp = cluster.runStep(powerCut, 'compare-metalogger', 'm2', inputs);
    assert.match(cmp, /^OK: /m);
    cluster.runStep(powerCut, 'vip-back', 'm1', inputs);
    for (const h of CHUNKSERVERS) cluster.runStep(powerCut, 'chunkservers', h, inputs);
    cluster.runStep(powerCut, 'metalogger', 'm2', inputs);
    cluster.runStep(powerCut, 'verify', 'm2', inputs);
    console.log(`power-cut (recover here): runbook steps took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await assertHealthy('m1', v0);
    // Put the standby back under keepalived for the next scenario.
    cluster.runStep(ha, 'start-standby', 'm2', haInputs);
  });

  it('power-cut while the standby took over: the old master rejoins as standby', async () => {
    writeFiles('b', 10);
    const v0 = masterVersion()!;
    killMaster('m1');
    const moved = await waitUntil(90_000, () => vipHolders().join() === 'm2' && (masterVersion() ?? 0) > 0);
    assert.ok(moved !== undefined, 'the standby took over');
    const inputs = { host: 'm1', host_address: ADDRESS.m1!, metalogger: 'm1' };
    cluster.runStep(powerCut, 'local-state', 'm1', inputs);
    cluster.runStep(powerCut, 'who-serves', 'm1', inputs);
    // The recovery branch must refuse: a master answers at the VIP.
    assert.match(refusal(() => cluster.runStep(powerCut, 'no-other-master', 'm1', inputs)), /REFUSED: a master answers at 10\.88\.0\.100:94(19|21)/);
    cluster.runStep(powerCut, 'rejoin-check', 'm1', inputs);
    cluster.runStep(powerCut, 'move-stale', 'm1', inputs);
    cluster.runStep(powerCut, 'standby-start', 'm1', inputs);
    for (const h of CHUNKSERVERS) cluster.runStep(powerCut, 'chunkservers', h, inputs);
    cluster.runStep(powerCut, 'metalogger', 'm1', inputs);
    cluster.runStep(powerCut, 'verify', 'm1', inputs);
    await assertHealthy('m2', v0);
  });

  it('lost-master: refuses while the old master answers, then promotes the standby', async () => {
    writeFiles('c', 10);
    const v0 = masterVersion()!;
    // The active master is m2 now; m1 is the standby. Take keepalived away from m1 so nothing
    // fails over by itself, then let m2 vanish (every process killed, link down).
    stopKeepalived('m1');
    const inputs = { old: 'm2', old_address: ADDRESS.m2!, target: 'm1', target_address: ADDRESS.m1!, metalogger: 'm1' };
    assert.match(refusal(() => cluster.runStep(lostMaster, 'fence-probe', 'm1', inputs)), /REFUSED: m2 \(10\.88\.0\.12\) answers on 94(19|20|21)/);
    const m2 = cluster.host('m2');
    const pids = cluster.exec('m2', 'cat /var/lib/mfs/.mfsmaster.lock /run/keepalived.pid').out.split('\n').filter((l) => /^\d+$/.test(l));
    for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
    cluster.exec('m2', `ip addr del ${VIP}/24 dev eth0`);
    cluster.exec('m2', 'ip link set eth0 down');
    assert.ok(m2.holder);
    const t0 = performance.now();
    cluster.runStep(lostMaster, 'fence-probe', 'm1', inputs);
    cluster.runStep(lostMaster, 'target-data', 'm1', inputs);
    cluster.runStep(lostMaster, 'quiesce', 'm1', inputs);
    assert.match(cluster.runStep(lostMaster, 'restore', 'm1', inputs), /chosen most recent metadata file: metadata_ml\.mfs\.back/);
    cluster.runStep(lostMaster, 'start', 'm1', inputs);
    assert.match(cluster.runStep(lostMaster, 'compare', 'm1', inputs), /^OK: /m);
    cluster.runStep(lostMaster, 'move-vip', 'm1', inputs);
    for (const h of CHUNKSERVERS) cluster.runStep(lostMaster, 'chunkservers', h, inputs);
    cluster.runStep(lostMaster, 'metalogger', 'm1', inputs);
    console.log(`lost-master: runbook steps took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    assert.deepEqual(vipHolders(), ['m1']);
    // No metalogger is left (m1 was the only standby): check the rest by hand.
    const ok = await waitUntil(60_000, () => {
      const out = cluster.exec('c1', `mfscli -ns '|' -SCS -SIC -H ${VIP} 2>/dev/null`, 10_000).out.split('\n');
      return out.filter((l) => l.startsWith('chunk servers:|')).length === 3 && !out.some((l) => l.startsWith('Disconnected chunk servers:|'));
    });
    assert.ok(ok !== undefined, 'all chunkservers reconnected');
    cluster.runStep(lostMaster, 'clients', 'c1', inputs);
    assert.ok((masterVersion() ?? 0) >= v0);
    const r = cluster.exec('c1', 'cd /tmp/mnt/t && sha256sum -c --quiet /tmp/sums', 120_000);
    assert.equal(r.code, 0, `files differ:\n${r.out}`);
  });
});
