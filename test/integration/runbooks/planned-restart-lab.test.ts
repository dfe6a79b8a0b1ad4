// planned-restart end to end through the real CLI on the practice cluster (keepalived-ha
// pair m1/m2, hosts without systemd): `mfs-tui run planned-restart --yes --input master=m1`.
// Verified from outside: every MooseFS daemon runs under a new PID, the clean stop wrote
// metadata.mfs, the VIP is back on m1 and never went to m2 (m2's role log), every
// chunkserver and both metaloggers are connected, no chunk is missing, the metadata version
// did not go back, every file reads back with its checksum and the mount takes new writes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  assertClusterHealthy,
  assertFilesIntact,
  chunksSafe,
  labSkip,
  masterVersion,
  onHost,
  pidsOf,
  runRunbook,
  startLab,
  stopLab,
  vipHolderNames,
  writeFiles,
} from '../../support/lab-runbook.ts';

const DAEMONS: [string, string][] = [
  ['m1', 'mfsmaster'],
  ['m2', 'mfsmetalogger'],
  ['ml', 'mfsmetalogger'],
  ['c1', 'mfschunkserver'],
  ['c2', 'mfschunkserver'],
  ['c3', 'mfschunkserver'],
  ['m1', 'keepalived'],
  ['m2', 'keepalived'],
];

/** Times the host's role script took MASTER: the lab script logs `PREV -> MASTER`, keepalived-ha's `MASTER: was PREV` (after a time with milliseconds). */
const masterTransitions = (host: string) =>
  Number(onHost(host, "cat /var/log/mfs-role.log /var/log/mfs-ha.log 2>/dev/null | grep -cE -- '-> MASTER$|^[0-9-]+ [0-9:.]+ MASTER: was ' || true").trim());

describe('planned-restart through mfs-tui on the practice cluster', { skip: labSkip(), timeout: 600_000 }, () => {
  // `lab up --fast`: the same cluster and HA design as the runbook build, in a third of the time
  // (the build itself is proved by lab-cluster and the runbook lab tests).
  before(() => startLab('planned-restart', { via: 'scripts' }));
  after(() => stopLab());

  it('stops and starts every daemon in order; the VIP returns to m1; nothing is lost', async () => {
    writeFiles('p');
    const v0 = masterVersion()!;
    assert.ok(v0 > 0);
    assert.deepEqual(await vipHolderNames(), ['m1']);
    const pids0 = new Map<string, number[]>();
    for (const [h, d] of DAEMONS) {
      const p = await pidsOf(h, d);
      assert.ok(p.length > 0, `${d} runs on ${h} before`);
      pids0.set(`${h}/${d}`, p);
    }
    const m2Master0 = masterTransitions('m2');
    const metaBefore = onHost('m1', 'stat -c %Y /var/lib/mfs/metadata.mfs.back 2>/dev/null || echo 0').trim();

    await chunksSafe();
    const r = runRunbook('planned-restart', ['--input', 'master=m1']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /stopped cleanly: metadata\.mfs written/);
    assert.match(r.out, /keepalived: m1 is MASTER with the VIP/);
    assert.match(r.out, /^\s*m1 \| HEALTHY: 3 chunkservers/m);

    // Every daemon was really restarted: it runs again, under a new PID.
    for (const [h, d] of DAEMONS) {
      const p = await pidsOf(h, d);
      assert.ok(p.length > 0, `${d} runs on ${h} after`);
      assert.ok(!p.some((x) => pids0.get(`${h}/${d}`)!.includes(x)), `${d} on ${h} kept PID ${p.join(' ')}`);
    }
    assert.equal((await pidsOf('m2', 'mfsmaster')).length, 0, 'no master on the standby');
    // The VIP is back on m1 and the standby never became MASTER during the restart.
    assert.deepEqual(await vipHolderNames(), ['m1']);
    assert.equal(masterTransitions('m2'), m2Master0, 'm2 became MASTER during the restart');
    // The clean stop stored the metadata (the file is newer than before).
    const metaAfter = onHost('m1', 'stat -c %Y /var/lib/mfs/metadata.mfs.back 2>/dev/null || stat -c %Y /var/lib/mfs/metadata.mfs').trim();
    assert.ok(Number(metaAfter) > Number(metaBefore), `metadata.mfs written: ${metaBefore} -> ${metaAfter}`);

    await assertClusterHealthy(v0, ['10.77.0.12', '10.77.0.13']);
    assertFilesIntact();
    // The remounted client writes again.
    writeFiles('q');
    assertFilesIntact();
    process.stdout.write(`# planned-restart: runbook ${r.seconds.toFixed(1)} s\n`);
  });
});
