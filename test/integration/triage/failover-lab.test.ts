// Triage sampled every second through real failovers on the practice cluster (real MooseFS,
// keepalived with the keepalived-ha runbook's configuration and role scripts, sshd per host):
// a kill -9 of the active master (`lab break power-cut`) and the loss of its host
// (`lab break lose-master`). From the fault until the standby serves, triage must never
// recommend a promotion or recovery runbook, and must say that a failover is under way.
// The poller runs in this process over the lab's SSH (as the status and triage screens do).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openClusterSession, type ClusterSession } from '../../../src/cluster/session.ts';
import { nonInteractivePrompts } from '../../../src/cluster/non-interactive-prompts.ts';
import { loadInventory } from '../../../src/inventory/load.ts';
import { labBreak, labDown, labUp } from '../../../src/lab/index.ts';
import { labInventoryPath } from '../../../src/lab/paths.ts';
import { readRole } from '../../../src/lab/up.ts';
import { builtinRunbookDir, loadRunbookDir } from '../../../src/runbook/library.ts';
import { StatusPoller } from '../../../src/status/poller.ts';
import { vipHolders, vipMaster, type ClusterStatus } from '../../../src/status/model.ts';
import { renderStatusText } from '../../../src/status/text.ts';
import { triage, type TriageReport } from '../../../src/triage/index.ts';
import { holdMachineLabLock, skipReason, useTempLabDir } from '../../support/lab.ts';

const skip = skipReason();
const library = loadRunbookDir(builtinRunbookDir()).runbooks;
/** Runbooks that promote or recover a master: never while the standby takes over. */
const RECOVERY = new Set(['power-cut', 'lost-master', 'rebuild-master', 'fence-master']);

interface Sample {
  at: number;
  report: TriageReport;
  status: ClusterStatus;
}

const line = (s: Sample) =>
  `${new Date(s.at).toISOString().slice(11, 21)} VIP ${
    vipHolders(s.status)
      .map((h) => h.name)
      .join('+') || '-'
  } | ${s.report.findings.map((f) => `${f.code}${f.recommendation.kind === 'runbook' ? `->${f.recommendation.runbook}` : ''}`).join(', ') || 'healthy'}`;

/** The samples' lines, each only when it differs from the one before (the time aside). */
const changes = (samples: Sample[]) =>
  samples
    .map(line)
    .filter((l, i, all) => i === 0 || l.slice(11) !== all[i - 1]!.slice(11))
    .join('\n  ');

describe('triage through real failovers, sampled five times a second', { skip, timeout: 1_200_000 }, () => {
  let dir = '';
  let session: ClusterSession;
  let poller: StatusPoller;

  /** The master on `host` answers through the VIP, which `host` alone holds (by fresh probes). */
  const serves = (s: ClusterStatus, host: string) =>
    vipHolders(s)
      .map((h) => h.name)
      .join() === host &&
    !!vipMaster(s) &&
    s.mfs.candidates.find((c) => c.host === host)?.master?.answering;

  /**
   * Triage of the live snapshot every 200 ms until `done` (at most ms); every sample is checked by
   * `each`. A kill -9 failover of the --fast lab can promote within a second (CI: sampled every
   * second, no sample fell inside it), so the snapshot is read five times a second.
   */
  async function sampleUntil(what: string, done: (s: ClusterStatus) => boolean, each: (x: Sample) => void, ms = 150_000): Promise<Sample[]> {
    const samples: Sample[] = [];
    const end = Date.now() + ms;
    for (;;) {
      const status = poller.getState();
      const x = { at: Date.now(), status, report: triage(status, library) };
      samples.push(x);
      // Once done (the new master answers through the VIP), the takeover is over: what follows may recommend runbooks.
      if (done(status)) return samples;
      try {
        each(x);
      } catch (e) {
        throw new Error(`${(e as Error).message}\nsamples:\n  ${changes(samples)}\nstatus:\n${renderStatusText(status)}`);
      }
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}; samples:\n  ${changes(samples)}\n${renderStatusText(status)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const noRecovery = (x: Sample) => {
    const bad = x.report.findings.filter((f) => f.recommendation.kind === 'runbook' && RECOVERY.has(f.recommendation.runbook));
    assert.deepEqual(
      bad.map((f) => f.code),
      [],
      `a recovery runbook while the standby takes over: ${line(x)}`,
    );
  };

  before(async () => {
    holdMachineLabLock(60 * 60_000);
    dir = useTempLabDir();
    // `lab up --fast`: the same HA design (keepalived-ha's own files, src/lab/ha-design.ts) in a third of
    // the time; the runbook build itself is proved by lab-cluster and the runbook lab tests.
    await labUp({ via: 'scripts' });
    session = await openClusterSession(await loadInventory(labInventoryPath()), nonInteractivePrompts());
    poller = new StatusPoller(session, { intervalMs: 500 });
    poller.start();
    await sampleUntil(
      'm1 serving, healthy',
      (s) => !!serves(s, 'm1') && triage(s, library).healthy,
      () => undefined,
      90_000,
    );
  });

  after(async () => {
    poller?.stop();
    await session?.close();
    if (dir) await labDown();
  });

  it('kill -9 of the active master: "failover under way", never power-cut, until m2 serves', async () => {
    assert.equal((await labBreak('power-cut')).host, 'm1');
    const samples = await sampleUntil('m2 serving', (s) => !!serves(s, 'm2'), noRecovery);
    const under = samples.filter((x) => x.report.findings.some((f) => f.code === 'failover-under-way'));
    console.log(`# kill -9 failover: ${samples.length} samples, as they changed:\n#   ${changes(samples).replace(/\n {2}/g, '\n#   ')}`);
    assert.ok(under.length > 0, 'triage said the failover was under way');
    const w = under[0]!.report.findings.find((f) => f.code === 'failover-under-way')!.failover!;
    assert.equal(w.to, 'm2');
    // Anchored on the standby's role script promoting, the VRRP takeover is already behind it (0).
    assert.ok(w.expectedWithinS > 0 && (w.terms.takeoverS > 0 || w.phase === 'promoting'), JSON.stringify(w));
    // The old master comes back as the standby by itself: keep sampling until it is one.
    await sampleUntil('m1 a ready standby', (s) => readRole('m1') === 'BACKUP' && triage(s, library).healthy, noRecovery, 120_000);
  });

  it('the active master host lost: "failover under way", never lost-master, until m1 serves', async () => {
    assert.equal((await labBreak('lose-master')).host, 'm2');
    const samples = await sampleUntil('m1 serving', (s) => !!serves(s, 'm1'), noRecovery);
    console.log(`# lose-master failover: ${samples.length} samples, as they changed:\n#   ${changes(samples).replace(/\n {2}/g, '\n#   ')}`);
    assert.ok(
      samples.some((x) => x.report.findings.some((f) => f.code === 'failover-under-way')),
      'triage said the failover was under way',
    );
    // Afterwards the lost host is a candidate to rebuild: now rebuild-master is right.
    const settled = await sampleUntil(
      'rebuild-master for m2',
      (s) => triage(s, library).findings.some((f) => f.code === 'standby-unreachable'),
      () => undefined,
      60_000,
    );
    const f = settled.at(-1)!.report.findings.find((x) => x.code === 'standby-unreachable')!;
    assert.equal(f.recommendation.kind === 'runbook' && f.recommendation.runbook, 'rebuild-master');
  });
});
