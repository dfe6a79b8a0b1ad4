// Failover under way is not an outage: triage on snapshots of fake hosts that run the
// keepalived.conf the keepalived-ha runbook deploys (taken from runbooks/keepalived-ha.md
// itself, so a change of its timings changes what is expected here), for each combination of
// the dead master's side (down / busy / locked out / failing over) × which candidate.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { StatusPoller } from '../../../src/status/poller.ts';
import type { ClusterStatus } from '../../../src/status/model.ts';
import { faultChecks, masterDownIntervalS, parseKeepalivedConf } from '../../../src/status/keepalived-conf.ts';
import { parsePromotionWait, parsePromotions } from '../../../src/status/probe.ts';
import { builtinRunbookDir, loadRunbookDir } from '../../../src/runbook/library.ts';
import { CHECK_RUN_CAP_S, FAILOVER_SLACK_S, ROLE_START_DEFAULT_S, haInstance } from '../../../src/triage/failover.ts';
import { renderTriageText, triage as judgeNow, triageToJson, type Finding, type TriageReport, type TriageRunbook } from '../../../src/triage/index.ts';
import { untranslatedTriage } from '../../support/triage-in-chinese.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from '../../support/fake-cluster.ts';

const runbooks = loadRunbookDir(builtinRunbookDir()).runbooks;

/** The keepalived.conf the keepalived-ha runbook writes on a candidate (its heredoc, with this priority). */
function deployedConf(priority: number): string {
  const md = readFileSync(new URL('../../../runbooks/keepalived-ha.md', import.meta.url), 'utf8');
  const m = /cat > "\$f\.new" <<EOF\n([\s\S]*?)\nEOF\n/.exec(md);
  assert.ok(m, 'the keepalived.conf heredoc of keepalived-ha.md');
  return m[1]!
    .replace(/\$prio/g, String(priority))
    .replace(/\{\{\{?[^}]+\}\}\}?/g, 'x')
    .split('\n')
    .filter((l) => !/auth_pass/.test(l)) // the probe strips it on the host
    .join('\n')
    .replace('$peers', '    10.251.9.99 min_ttl 255\n');
}
const CONF_M1 = deployedConf(150);
const CONF_M2 = deployedConf(100);
const conf2 = parseKeepalivedConf(CONF_M2);
const inst2 = haInstance(conf2)!;
const checks = faultChecks(conf2, inst2);
// A run's timeout counts up to CHECK_RUN_CAP_S: the deployed 30 s only bounds a starved run.
const DETECT = Math.max(...checks.map((c) => c.interval * c.fall + Math.min(c.timeout, CHECK_RUN_CAP_S)));
const TAKEOVER = masterDownIntervalS(inst2);
const N = DETECT + TAKEOVER + ROLE_START_DEFAULT_S + FAILOVER_SLACK_S;

const nowS = () => Date.now() / 1000;
/** The HA pair of keepalived-ha plus a chunkserver and a dedicated metalogger, m1 serving. */
function ha(): FakeHost[] {
  const [m1, m2, c1] = healthyHosts();
  return [
    { ...m1!, kaconf: CONF_M1, vrrpSince: nowS() - 3600, haRole: { role: 'MASTER', ageS: 3600 } },
    { ...m2!, kaconf: CONF_M2, vrrpSince: nowS() - 3590, haRole: { role: 'BACKUP', ageS: 3590 } },
    c1!,
    { name: 'ml', address: '10.251.9.13', roles: ['metalogger'], daemons: ['mfsmetalogger'], changelog: 1509 },
  ];
}
const set = (hs: FakeHost[], name: string, patch: Partial<FakeHost>) => hs.map((h) => (h.name === name ? { ...h, ...patch } : h));
const SIM_NONE = simRows([{ ip: '10.251.9.1' }, { ip: '10.251.9.2' }]);

async function snapshot(hs: FakeHost[], mfscli = { viaVip: fixture('no-master.txt'), candidates: SIM_NONE }): Promise<ClusterStatus> {
  const cluster = fakeCluster(hs, mfscli);
  const poller = new StatusPoller({ inventory: inventoryOf(hs), executorFor: (h) => cluster.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
  await poller.sweep();
  poller.stop();
  return poller.getState();
}
/** The same snapshot `s` seconds later (nothing changed on the hosts). */
const later = (st: ClusterStatus, s: number): ClusterStatus => ({ ...st, at: st.at + s * 1000 });

/** Every snapshot judged here is judged again in Chinese at the end. */
const judged: ClusterStatus[] = [];
const triage = (s: ClusterStatus, library: readonly TriageRunbook[]): TriageReport => {
  judged.push(s);
  return judgeNow(s, library);
};
const codes = (r: TriageReport) => r.findings.map((f) => f.code);
const HIGH = new Set(['power-cut', 'lost-master', 'rebuild-master', 'fence-master']);
const recovery = (r: TriageReport) => r.findings.filter((f) => f.recommendation.kind === 'runbook' && HIGH.has(f.recommendation.runbook));
const find = (r: TriageReport, code: string): Finding => {
  const f = r.findings.find((x) => x.code === code);
  assert.ok(f, `no ${code} in ${codes(r).join(', ')}`);
  return f;
};
const ruledOut = (f: Finding) => (f.recommendation.kind === 'runbook' ? (f.recommendation.ruledOut ?? []) : []);
const explanations = (f: Finding) => [...new Set(ruledOut(f).map((r) => r.explanation))].sort();

const FAST = `
! a comment
vrrp_script chk_a { script "/x/a.sh --q" # trailing comment
  interval 0.5
  fall 3
  weight 0 }
vrrp_script chk_b {
  script "/x/b.sh"
  interval 2
  timeout 1
  weight -20
}
vrrp_instance V {
  state BACKUP
  priority 200
  advert_int 0.25
  nopreempt
  track_script {
    chk_a
    chk_b
  }
  notify_master "/x/role.sh MASTER"
}`;

describe('keepalived.conf: every vrrp_script, fractional advert_int, defaults', () => {
  it('parses the deployed configuration and a faster one with two checks', () => {
    assert.ok(inst2.trackScripts.length >= 1 && inst2.notifyMaster, JSON.stringify(inst2));
    assert.ok(checks.length >= 1, 'the keepalived-ha check has weight 0');
    assert.equal(inst2.priority, 100);
    const fast = parseKeepalivedConf(FAST);
    assert.deepEqual(
      fast.scripts.map((x) => [x.name, x.script, x.interval, x.fall, x.timeout, x.weight]),
      [
        ['chk_a', '/x/a.sh --q', 0.5, 3, 0.5, 0],
        ['chk_b', '/x/b.sh', 2, 1, 1, -20],
      ],
    );
    const i = fast.instances[0]!;
    assert.deepEqual([i.priority, i.advertInt, i.nopreempt, i.trackScripts.map((t) => t.name)], [200, 1, true, ['chk_a', 'chk_b']]);
    assert.deepEqual(
      faultChecks(fast, i).map((c) => c.name),
      ['chk_a'],
      'a weighted check changes priority, it does not release the VIP',
    );
    // Without vrrp_version 3 keepalived runs VRRPv2, which rounds advert_int to whole seconds.
    assert.equal(i.version, 2);
    assert.equal(i.advertInt, 1);
    assert.equal(masterDownIntervalS(i), 3 + 56 / 256);
    const v3 = parseKeepalivedConf(`global_defs {\n  vrrp_version 3\n}\n${FAST}`).instances[0]!;
    assert.deepEqual([v3.version, v3.advertInt], [3, 0.25]);
    assert.equal(masterDownIntervalS(v3), 3 * 0.25 + (56 / 256) * 0.25);
    // The instance's own `version` wins over global_defs; v2 rounds half up (0.5 → 1), v3 to centiseconds.
    const own = (g: string, inst: string) => parseKeepalivedConf(`global_defs {\n  vrrp_version ${g}\n}\nvrrp_instance X {\n  ${inst}\n}`).instances[0]!;
    assert.deepEqual([own('3', 'version 2\n  advert_int 0.5').version, own('3', 'version 2\n  advert_int 0.5').advertInt], [2, 1]);
    assert.deepEqual([own('2', 'version 3\n  advert_int 0.504').version, own('2', 'version 3\n  advert_int 0.504').advertInt], [3, 0.5]);
    assert.equal(own('2', 'advert_int 2.4').advertInt, 2);
  });

  it('the deployed configuration: VRRPv3, half-second adverts, unicast; a silent master is noticed in about 1.5 s', () => {
    assert.deepEqual([inst2.version, inst2.advertInt, inst2.unicastPeers], [3, 0.5, ['10.251.9.99']]);
    // (This test's standby has priority 100: skew (256 − 100) / 256 × 0.5 s; the runbook's 253 makes it 0.006 s.)
    assert.equal(TAKEOVER, 3 * 0.5 + (156 / 256) * 0.5);
  });

  it('promotion times from the role log as the role script writes it now (milliseconds), and the address a promotion waits on', () => {
    // Captured from a practice-cluster host's /var/log/mfs-ha.log (systemd-lab, 2026-12-07), as
    // the probe's grep keeps it; the waiting line is the role script's own text (library.test.ts
    // runs that part of it) in the log's format.
    const log = [
      '2026-12-07 15:52:36.876 MASTER: was BACKUP',
      '2026-12-07 15:52:45.158 MASTER: mfsmaster runs',
      '2026-12-07 15:55:08.396 MASTER: was BACKUP',
      '2026-12-07 15:55:08.401 MASTER: a master still answers on 10.77.0.12: waiting until it stops before starting one here',
    ];
    assert.deepEqual(parsePromotions(log), [8.282]);
    assert.equal(parsePromotionWait(log), '10.77.0.12');
    assert.equal(parsePromotionWait([...log, '2026-12-07 15:55:16.231 MASTER: mfsmaster runs']), undefined, 'the master started: no wait left');
    assert.equal(parsePromotionWait(log.slice(0, 2)), undefined);
  });

  it('promotion times from the role log', () => {
    assert.deepEqual(
      parsePromotions([
        '2026-12-06 10:00:00 MASTER: was BACKUP',
        '2026-12-06 10:00:01 MASTER: metalogger stopped',
        '2026-12-06 10:00:04 MASTER: mfsmaster runs',
        '2026-12-06 11:00:00 MASTER: was FAULT',
        '2026-12-06 11:00:02 MASTER: mfsmaster runs',
      ]),
      [4, 2],
    );
  });
});

describe('a failover under way is not an outage', () => {
  it('m1 (VIP holder, still MASTER) lost its master, m2 ready: failover expected, no runbook; after the window, power-cut with its evidence', async () => {
    const s = await snapshot(set(ha(), 'm1', { daemons: ['keepalived'] }));
    const r = triage(s, runbooks);
    assert.deepEqual(recovery(r), []);
    const f = find(r, 'failover-under-way');
    assert.ok(!codes(r).includes('master-down'));
    assert.deepEqual(f.hosts, ['m1', 'm2']);
    assert.match(f.title, /^Failover under way: m1 master gone → VIP to m2: a new master expected within [\d.]+ s/);
    assert.equal(f.failover!.phase, 'detecting');
    assert.equal(f.failover!.expectedWithinS, Math.round(N * 100) / 100);
    // The deployed checks give a run 30 s (a starved run is no failure); a run that finds the
    // master dead takes about a second, so detection counts at most 5 s of it: 1 s × fall 2 + 5.
    assert.deepEqual(
      checks.map((c) => c.timeout),
      [30, 30],
    );
    assert.equal(f.failover!.terms.detectS, 7);
    assert.equal(f.failover!.deadlineAt, s.mfs.noMasterSince! + N * 1000, 'counted from when no master was first seen');
    assert.ok(
      f.evidence.some((e) => e.host === 'm2' && e.saw.includes(`advert_int ${inst2.advertInt} s, priority 100: takeover within`)),
      JSON.stringify(f.evidence),
    );
    const j = triageToJson(r).findings.find((x) => x.code === 'failover-under-way')!;
    assert.equal(j.failover!.to, 'm2');
    assert.equal(j.recommendation.runbook, null);
    assert.match(renderTriageText(r), /Failover under way/);

    const overdue = triage(later(s, N + 1), runbooks);
    const m = find(overdue, 'master-down');
    assert.equal(m.recommendation.kind === 'runbook' && m.recommendation.runbook, 'power-cut');
    assert.deepEqual(explanations(m), ['busy', 'down', 'failing-over', 'locked-out']);
    assert.ok(
      ruledOut(m).some((x) => x.explanation === 'failing-over' && /a failover to m2 was expected within .* still no master serves/.test(x.saw)),
      JSON.stringify(ruledOut(m)),
    );
    assert.match(renderTriageText(overdue), /- not failing over: a failover to m2 was expected/);
  });

  it('an operator who logs in as themselves (no become) may not read keepalived.conf nor ask for a new state dump: no recovery runbook, never "no failover is coming"', async () => {
    const asUser = (hs: FakeHost[]) => hs.map((h) => (h.kaconf ? { ...h, notRoot: true } : h));
    // m1's master died, m2 ready; seen through a login that may not read how keepalived is set up.
    const s = await snapshot(asUser(set(ha(), 'm1', { daemons: ['keepalived'], vip: false })));
    const m1 = s.hosts.find((h) => h.name === 'm1')!;
    assert.equal(m1.probe!.keepalivedConf, undefined, 'an unreadable file is not an empty configuration');
    assert.equal(m1.probe!.keepalivedConfUnreadable, '/etc/keepalived/keepalived.conf');
    assert.equal(m1.probe!.keepalived, undefined, 'an hour-old dump is no VRRP state');
    assert.match(m1.probe!.keepalivedProblem!, /3600 s old/);
    for (const at of [s, later(s, N + 60)]) {
      const r = triage(at, runbooks);
      assert.deepEqual(recovery(r), [], renderTriageText(r));
      const f = find(r, 'master-down');
      assert.equal(f.recommendation.kind, 'none');
      assert.match(
        f.recommendation.kind === 'none' ? f.recommendation.reason : '',
        /whether keepalived is failing over right now cannot be told \(m2 runs keepalived, but this login may not read \/etc\/keepalived\/keepalived\.conf/,
      );
      assert.doesNotMatch(renderTriageText(r), /no failover is coming|not the keepalived-ha setup/);
    }
    // The host lost, the standby's configuration unreadable: no lost-master either.
    const lost = await snapshot(asUser(set(ha(), 'm1', { fail: 'connect ETIMEDOUT' })));
    const rl = triage(lost, runbooks);
    assert.deepEqual(recovery(rl), [], renderTriageText(rl));
    assert.match(renderTriageText(rl), /m2 runs keepalived, but this login may not read/);
    // The configuration is read on one tick in many: what the next sweeps see (triage looks again) keeps it unreadable.
    const cluster = fakeCluster(asUser(set(ha(), 'm1', { daemons: ['keepalived'], vip: false })), { viaVip: fixture('no-master.txt'), candidates: SIM_NONE });
    const hs = asUser(set(ha(), 'm1', { daemons: ['keepalived'], vip: false }));
    const poller = new StatusPoller({ inventory: inventoryOf(hs), executorFor: (h) => cluster.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
    await poller.sweep();
    await poller.sweep();
    poller.stop();
    const again = poller.getState();
    assert.equal(again.hosts.find((h) => h.name === 'm2')!.probe!.keepalivedConfUnreadable, '/etc/keepalived/keepalived.conf', 'the second sweep forgot it');
    assert.deepEqual(recovery(triage(later(again, N + 60), runbooks)), [], renderTriageText(triage(later(again, N + 60), runbooks)));
    // Only the dead side's unreadable: the standby's configuration stands in for it (under way);
    // a standby without keepalived cannot take over, whatever the dead side runs: power-cut.
    const deadOnly = await snapshot(set(set(ha(), 'm1', { daemons: ['keepalived'], vip: false }), 'm1', { notRoot: true }));
    assert.ok(codes(triage(deadOnly, runbooks)).includes('failover-under-way'), renderTriageText(triage(deadOnly, runbooks)));
    const noStandby = await snapshot(set(set(set(ha(), 'm1', { daemons: ['keepalived'], vip: false }), 'm1', { notRoot: true }), 'm2', { daemons: ['mfsmetalogger'], vrrp: undefined }));
    const ns = recovery(triage(noStandby, runbooks))[0]?.recommendation;
    assert.equal(ns?.kind === 'runbook' && ns.runbook, 'power-cut', renderTriageText(triage(noStandby, runbooks)));
    // Root (or become) reads both: the same death is a failover under way, then power-cut.
    const root = await snapshot(set(ha(), 'm1', { daemons: ['keepalived'], vip: false }));
    assert.ok(codes(triage(root, runbooks)).includes('failover-under-way'));
    const after = recovery(triage(later(root, N + 60), runbooks))[0]?.recommendation;
    assert.equal(after?.kind === 'runbook' && after.runbook, 'power-cut');
  });

  it("m1 FAULT (its check released the VIP) and m2 still BACKUP: the window counts from m1's transition", async () => {
    const t1 = Math.floor(nowS()) - 2;
    const s = await snapshot(set(ha(), 'm1', { daemons: ['keepalived', 'mfsmetalogger'], vip: false, vrrp: 'FAULT', vrrpSince: t1 }));
    const f = find(triage(s, runbooks), 'failover-under-way');
    assert.equal(f.failover!.phase, 'vip-moving');
    assert.equal(f.failover!.deadlineAt, t1 * 1000 + (TAKEOVER + ROLE_START_DEFAULT_S + FAILOVER_SLACK_S) * 1000);
    assert.match(f.failover!.anchor, /m1's keepalived left MASTER \(FAULT\)/);
  });

  it('m2 took the VIP and its role script is PROMOTING: under way, also past the usual time; FAILED: power-cut for m2 at once', async () => {
    const base = set(set(ha(), 'm1', { daemons: ['keepalived', 'mfsmetalogger'], vip: false, vrrp: 'BACKUP', vrrpSince: nowS() - 5 }), 'm2', {
      vip: true,
      vrrp: 'MASTER',
      vrrpSince: nowS() - 4,
      daemons: ['keepalived'],
      haRole: { role: 'PROMOTING', ageS: 4 },
    });
    const s = await snapshot(base);
    const r = triage(s, runbooks);
    const f = find(r, 'failover-under-way');
    assert.equal(f.failover!.phase, 'promoting');
    assert.match(f.title, /m1 master gone → VIP on m2 → m2 promoting/);
    assert.deepEqual(recovery(triage(later(s, 60), runbooks)), [], 'a role script still promoting is waited for');
    const failed = triage(await snapshot(set(base, 'm2', { haRole: { role: 'FAILED', ageS: 1 } })), runbooks);
    const m = find(failed, 'master-down');
    assert.deepEqual(m.hosts, ['m2']);
    assert.equal(m.recommendation.kind === 'runbook' && m.recommendation.runbook, 'power-cut');
    assert.ok(ruledOut(m).some((x) => x.explanation === 'failing-over' && /promotion FAILED/.test(x.saw)));
  });

  it('a promotion that waits because the old master still answers (a frozen host): under way, and the finding says whom it waits on', async () => {
    const at = (s: number) => new Date((nowS() - s) * 1000).toISOString().replace('T', ' ').slice(0, 23);
    const s = await snapshot(
      set(set(ha(), 'm1', { daemons: ['keepalived', 'mfsmaster'], vip: false, vrrp: 'FAULT', vrrpSince: nowS() - 5 }), 'm2', {
        vip: true,
        vrrp: 'MASTER',
        vrrpSince: nowS() - 4,
        daemons: ['keepalived'],
        haRole: { role: 'PROMOTING', ageS: 4 },
        haLog: [`${at(4)} MASTER: was BACKUP`, `${at(3)} MASTER: a master still answers on 10.251.9.1: waiting until it stops before starting one here`],
      }),
    );
    const r = triage(s, runbooks);
    const f = find(r, 'failover-under-way');
    assert.deepEqual(recovery(r), []);
    assert.match(JSON.stringify(f), /m2 starts no master while a master still answers on 10\.251\.9\.1 .*fence-master/);
  });

  // CI (triage-lab, `lab break split-brain`): VRRP blocked both ways, both candidates hold the
  // VIP; m2's role script starts no master because m1's answers, and waits for ever.
  const splitBrainWaiting = (answersAt: string) => {
    const at = (s: number) => new Date((nowS() - s) * 1000).toISOString().replace('T', ' ').slice(0, 23);
    return set(set(ha(), 'm1', { vip: true, vrrp: 'MASTER' }), 'm2', {
      vip: true,
      vrrp: 'MASTER',
      vrrpSince: nowS() - 30,
      daemons: ['keepalived', 'mfsmetalogger'],
      haRole: { role: 'PROMOTING', ageS: 30 },
      haLog: [`${at(30)} MASTER: was BACKUP`, `${at(2)} MASTER: a master still answers on ${answersAt}: waiting until it stops before starting one here`],
    });
  };
  const M1_ANSWERS = { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]) };

  it('split brain where the standby waits on the serving master: fence-master fences the one that waits, saying why that is safe', async () => {
    const r = triage(await snapshot(splitBrainWaiting('10.251.9.1'), M1_ANSWERS), runbooks);
    const f = find(r, 'split-brain');
    assert.equal(codes(r)[0], 'split-brain');
    assert.equal(f.recommendation.kind, 'runbook', JSON.stringify(f.recommendation));
    const rec = f.recommendation as Extract<Finding['recommendation'], { kind: 'runbook' }>;
    assert.deepEqual(rec.inputs, { fence: 'm2', fence_address: '10.251.9.2', keep: 'm1', keep_address: '10.251.9.1' });
    const held = rec.ruledOut!.filter((o) => o.explanation === 'failing-over');
    assert.deepEqual(
      held.map((o) => [o.host, o.saw]),
      [['m2', 'm2 is promoting itself but starts no master while the master of m1 answers at 10.251.9.1 (its role log says so): fencing m2 stops a promotion that waits, not a master being started']],
    );
  });

  it('split brain, the standby waiting on m1 while mfscli still lists m1 but ps there shows no mfsmaster (an answer from before it died): no fence-master yet', async () => {
    const hs = set(splitBrainWaiting('10.251.9.1'), 'm1', { daemons: ['keepalived'] });
    const r = triage(await snapshot(hs, M1_ANSWERS), runbooks);
    assert.deepEqual(recovery(r), [], JSON.stringify(r.findings.map((f) => [f.code, f.recommendation])));
  });

  it('split brain, the standby waiting on m1 while m1 has stopped answering (overdue: asked again, silent): no fence-master yet', async () => {
    const s = await snapshot(splitBrainWaiting('10.251.9.1'), M1_ANSWERS);
    const r = triage({ ...s, hosts: s.hosts.map((h) => (h.name === 'm1' ? { ...h, overdue: true } : h)) }, runbooks);
    assert.deepEqual(recovery(r), [], JSON.stringify(r.findings.map((f) => [f.code, f.recommendation])));
  });

  it('split brain, the standby promoting but waiting on an address where no master answers: no fence-master yet (it may start one any moment)', async () => {
    const r = triage(await snapshot(splitBrainWaiting('10.251.9.1')), runbooks);
    const f = find(r, 'split-brain');
    assert.equal(f.recommendation.kind, 'none', JSON.stringify(f.recommendation));
    assert.match(f.recommendation.kind === 'none' ? f.recommendation.reason : '', /m2 is promoting itself to master/);
    assert.deepEqual(recovery(r), []);
  });

  // CI (failover-lab, lose-master): for about 3 s after m2's host was lost, its last answer
  // (VIP, MASTER, mfsmaster) was not stale yet while m1, having taken over, answered every
  // second: triage saw two holders and advised fence-master in the middle of the failover.
  const overdue = (st: ClusterStatus, name: string): ClusterStatus => ({ ...st, hosts: st.hosts.map((h) => (h.name === name ? { ...h, overdue: true } : h)) });
  const lostBesideNewMaster = () =>
    set(set(ha(), 'm2', { vip: true, vrrp: 'MASTER', haRole: { role: 'MASTER', ageS: 3600 } }), 'm1', {
      vip: true,
      vrrp: 'MASTER',
      vrrpSince: nowS() - 4,
      daemons: ['keepalived', 'mfsmaster'],
      uptimeS: 2,
      haRole: { role: 'MASTER', ageS: 1 },
    });
  const BOTH_ANSWER = {
    viaVip: fixture('healthy-goal3.txt'),
    candidates: simRows([
      { ip: '10.251.9.1', version: 1510 },
      { ip: '10.251.9.2', version: 1509 },
    ]),
  };

  it('the lost master host asked again and silent (overdue) while the new master answers: not a split brain, no fence-master', async () => {
    const s = await snapshot(lostBesideNewMaster(), BOTH_ANSWER);
    // Both answering as usual: a split brain, fence-master (the counter-check).
    assert.equal(codes(triage(s, runbooks))[0], 'split-brain');
    const r = triage(overdue(s, 'm2'), runbooks);
    assert.ok(!codes(r).some((c) => c === 'split-brain' || c === 'second-master'), codes(r).join(', '));
    assert.deepEqual(recovery(r), []);
  });

  it('a lone VIP holder that is overdue is still the holder until stale (nothing else to tell apart): no runbook from its silence alone', async () => {
    const s = overdue(await snapshot(ha(), { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]) }), 'm1');
    const r = triage(s, runbooks);
    assert.deepEqual(recovery(r), [], codes(r).join(', '));
    assert.ok(!codes(r).includes('no-vip-holder') && !codes(r).includes('vip-without-master'), codes(r).join(', '));
  });

  // CI (failover-lab, kill -9): the second after m2 served, no chunkserver had registered with
  // its new master yet: triage said "7 chunks are missing" and "c1 is disconnected", critical.
  // Edits of a real capture (chunkserver-down.txt): 7 missing, c1 disconnected, none registered.
  const justAfterFailover = () => ({
    viaVip: fixture('chunkserver-down.txt')
      .replace('Disconnected chunk servers:|10.251.9.1|9422', 'Disconnected chunk servers:|10.251.9.21|9422')
      .replace('chunkclass missing:|0', 'chunkclass missing:|7')
      .replace(/^chunk servers:\|.*\n/m, ''),
    candidates: simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]),
  });

  it('a master that started seconds ago, its chunkservers not registered yet: the chunk findings are warnings that say so, no alarm; an old master: critical', async () => {
    const young = triage(await snapshot(set(ha(), 'm1', { uptimeS: 3 }), justAfterFailover()), runbooks);
    const missing = find(young, 'missing-chunks');
    assert.equal(missing.severity, 'warning');
    assert.match(missing.recommendation.kind === 'none' ? missing.recommendation.reason : '', /the master started 3 s ago and 0 of 1 chunkservers have registered/);
    const c1 = find(young, 'chunkserver-down');
    assert.equal(c1.severity, 'warning');
    assert.match(c1.title, /Chunkserver c1 has not registered with the master yet \(the master started 3 s ago\)/);
    assert.match(find(young, 'metalogger-down').title, /Metalogger on ml has not connected to the master yet \(the master started 3 s ago\)/);
    assert.ok(
      young.findings.every((f) => f.severity !== 'critical'),
      codes(young).join(', '),
    );
    // The same counts from a master up for an hour: the chunks are missing, c1 is disconnected.
    const old = triage(await snapshot(set(ha(), 'm1', { uptimeS: 3600 }), justAfterFailover()), runbooks);
    assert.equal(find(old, 'missing-chunks').severity, 'critical');
    assert.match(find(old, 'chunkserver-down').title, /Chunkserver c1 is disconnected from the master/);
    assert.match(find(old, 'metalogger-down').title, /Metalogger on ml runs but is not connected to the master/);
  });

  it('m2 holds the VIP and its role file says PROMOTING while its state dump still says BACKUP (a tick behind): under way', async () => {
    const s = await snapshot(
      set(set(ha(), 'm1', { fail: 'connect ECONNREFUSED 10.251.9.1:22' }), 'm2', { vip: true, vrrp: 'BACKUP', daemons: ['keepalived'], haRole: { role: 'PROMOTING', ageS: 1 } }),
    );
    const r = triage(s, runbooks);
    assert.equal(find(r, 'failover-under-way').failover!.phase, 'promoting');
    assert.deepEqual(recovery(r), []);
  });

  it('m2 holds the VIP while its state dump still says BACKUP and its role script has not begun (keepalived moved between the two reads): under way; still so after the window: judged as a dead master', async () => {
    // CI (triage-lab, kill -9 of m1's master): the VIP was on m2 in `ip addr` while the state
    // dump taken just before said BACKUP and /run/mfs-ha.role still BACKUP; triage took m2 for the dead master.
    const s = await snapshot(
      set(set(ha(), 'm1', { daemons: ['keepalived', 'mfsmetalogger'], vip: false, vrrp: 'FAULT', vrrpSince: nowS() - 1 }), 'm2', { vip: true, vrrp: 'BACKUP', daemons: ['keepalived'] }),
    );
    const r = triage(s, runbooks);
    const f = find(r, 'failover-under-way');
    assert.equal(f.failover!.to, 'm2');
    assert.match(f.failover!.anchor, /m2 holds the VIP while its keepalived state still read BACKUP/);
    assert.deepEqual(recovery(r), []);
    const stuck = { ...s, mfs: { ...s.mfs, noMasterSince: s.at - 120_000 } };
    assert.ok(!codes(triage(stuck, runbooks)).includes('failover-under-way'), 'a holder that stays BACKUP for two minutes is not a failover under way');
  });

  it("after a lose-master failover, m1's new master started 4 s ago and does not answer yet: no rebuild-master for the lost m2 until it does", async () => {
    const hs = set(set(ha(), 'm2', { fail: 'connect ECONNREFUSED 10.251.9.2:22' }), 'm1', { uptimeS: 4 });
    const r = triage(await snapshot(hs), runbooks);
    const f = find(r, 'standby-unreachable');
    assert.equal(f.recommendation.kind, 'none');
    assert.match(f.recommendation.kind === 'none' ? f.recommendation.reason : '', /m1 started its master 4 s ago and it does not answer through the VIP yet/);
  });

  it("lose-master seen mid-promotion: m1 holds the VIP, PROMOTING, its master restoring; the lost m2 still answers in mfscli's last rows: failover under way, not a second master", async () => {
    const hs = set(set(ha(), 'm2', { fail: 'connect ECONNREFUSED 10.251.9.2:22' }), 'm1', { vrrpSince: nowS() - 2, haRole: { role: 'PROMOTING', ageS: 2 }, uptimeS: 1 });
    const cluster = fakeCluster(hs, { viaVip: fixture('no-master.txt'), candidates: simRows([{ ip: '10.251.9.1' }, { ip: '10.251.9.2', version: 1510 }]) });
    const poller = new StatusPoller({ inventory: inventoryOf(hs), executorFor: (h) => cluster.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
    await poller.sweep();
    poller.stop();
    const r = triage(poller.getState(), runbooks);
    assert.ok(!codes(r).includes('second-master'), codes(r).join(', '));
    assert.equal(find(r, 'failover-under-way').failover!.to, 'm1');
    assert.deepEqual(recovery(r), []);
  });

  it('the instant the serving master host dies (its last mfscli rows still answer): no rebuild-master for it as its own standby', async () => {
    const hs = set(ha(), 'm1', { fail: 'm1: SSH connection to 10.251.9.1:22 failed: reset' });
    const cluster = fakeCluster(hs, { viaVip: fixture('healthy-goal3.txt'), candidates: simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]) });
    const poller = new StatusPoller({ inventory: inventoryOf(hs), executorFor: (h) => cluster.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
    await poller.sweep();
    poller.stop();
    const r = triage(poller.getState(), runbooks);
    assert.deepEqual(recovery(r), [], codes(r).join(', '));
  });

  it('the master host lost (lose-master) with m2 ready: failover expected; overdue: lost-master with m1 down as evidence', async () => {
    const s = await snapshot(set(ha(), 'm1', { fail: 'connect ECONNREFUSED 10.251.9.1:22' }));
    const r = triage(s, runbooks);
    assert.deepEqual(recovery(r), []);
    const f = find(r, 'failover-under-way');
    assert.equal(f.failover!.terms.detectS, 0, 'no check to fail on a lost host');
    assert.equal(f.failover!.expectedWithinS, Math.round((TAKEOVER + ROLE_START_DEFAULT_S + FAILOVER_SLACK_S) * 100) / 100);
    const overdue = triage(later(s, 60), runbooks);
    const m = find(overdue, 'master-host-unreachable');
    assert.equal(m.recommendation.kind === 'runbook' && m.recommendation.runbook, 'lost-master');
    assert.deepEqual(explanations(m), ['busy', 'down', 'failing-over', 'locked-out']);
    assert.ok(ruledOut(m).some((x) => x.explanation === 'down' && x.host === 'm1' && /does not answer at all \(connect ECONNREFUSED/.test(x.saw)));
  });

  const standbyCases: [string, Partial<FakeHost>, RegExp][] = [
    ['FAULT (its check fails)', { vrrp: 'FAULT' }, /standby m2's keepalived is FAULT/],
    ['without keepalived', { daemons: ['mfsmetalogger'], vrrp: undefined }, /keepalived does not run on standby m2/],
    ['without its metalogger', { daemons: ['keepalived'], changelog: undefined }, /standby m2 runs no metalogger/],
    ['with a keepalived that is not keepalived-ha', { kaconf: 'vrrp_instance V {\n priority 100\n}' }, /no keepalived-ha check/],
  ];
  for (const [what, patch, why] of standbyCases) {
    it(`standby ${what}: no failover is coming, power-cut at once, saying why`, async () => {
      const r = triage(await snapshot(set(set(ha(), 'm1', { daemons: ['keepalived'] }), 'm2', patch)), runbooks);
      assert.ok(!codes(r).includes('failover-under-way'), codes(r).join(', '));
      const m = find(r, 'master-down');
      assert.equal(m.recommendation.kind === 'runbook' && m.recommendation.runbook, 'power-cut');
      assert.ok(
        ruledOut(m).some((x) => x.explanation === 'failing-over' && why.test(x.saw)),
        JSON.stringify(ruledOut(m)),
      );
    });
  }

  it('keepalived killed on the VIP holder: nothing releases the VIP, power-cut at once', async () => {
    const r = triage(await snapshot(set(ha(), 'm1', { daemons: [], vrrp: undefined })), runbooks);
    const m = find(r, 'master-down');
    assert.equal(m.recommendation.kind === 'runbook' && m.recommendation.runbook, 'power-cut');
    assert.ok(ruledOut(m).some((x) => /keepalived does not run on m1, which holds the VIP/.test(x.saw)));
  });

  // The other explanations, each × which candidate: never a recovery runbook while one holds.
  const cases: [string, (hs: FakeHost[]) => FakeHost[]][] = [
    ['busy standby (m2 answers SSH, not its probe)', (hs) => set(set(hs, 'm1', { daemons: ['keepalived'] }), 'm2', { probeHangs: true })],
    ['busy master host (m1 answers SSH, not its probe), m2 ready', (hs) => set(hs, 'm1', { probeHangs: true })],
    ['locked-out standby (m2 key changed)', (hs) => set(set(hs, 'm1', { daemons: ['keepalived'] }), 'm2', { fail: 'HOST KEY CHANGED', failKind: 'host-key-changed' })],
    ['locked-out master host (m1 refuses our key)', (hs) => set(hs, 'm1', { fail: 'refused every key', failKind: 'auth-refused' })],
    ['lost master host, busy standby', (hs) => set(set(hs, 'm1', { fail: 'connect ECONNREFUSED' }), 'm2', { probeHangs: true })],
    ['lost master host, locked-out standby', (hs) => set(set(hs, 'm1', { fail: 'connect ECONNREFUSED' }), 'm2', { fail: 'refused every key', failKind: 'auth-refused' })],
    [
      'failing over: m2 promoting',
      (hs) =>
        set(set(hs, 'm1', { daemons: ['keepalived', 'mfsmetalogger'], vip: false, vrrp: 'BACKUP' }), 'm2', {
          vip: true,
          vrrp: 'MASTER',
          vrrpSince: nowS() - 2,
          daemons: ['keepalived'],
          haRole: { role: 'PROMOTING', ageS: 2 },
        }),
    ],
  ];
  for (const [what, make] of cases) {
    it(`${what}: no promotion or recovery runbook`, async () => {
      const s = await snapshot(make(ha()));
      for (const at of [0, N + 5])
        assert.deepEqual(
          recovery(triage(later(s, at), runbooks)).map((f) => f.code),
          [],
          `${at} s later`,
        );
    });
  }

  it('each snapshot judged above, in Chinese: no English prose in the window, its evidence, reasons or steps', () => {
    assert.ok(judged.length >= 15);
    assert.deepEqual(
      judged.flatMap((s) => untranslatedTriage(s, runbooks)),
      [],
    );
  });
});
