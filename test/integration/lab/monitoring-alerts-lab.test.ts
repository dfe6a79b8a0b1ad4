// The monitoring stack for real: `lab up --monitoring` (Debian's prometheus on mon with
// monitoring/'s alert rules, prometheus-node-exporter on m1 and m2 reading the textfile the
// monitoring runbook's schedule rewrites every 5 s). The cluster is broken three ways and
// Prometheus's own HTTP API must show the matching alert firing within 60 s, and gone after
// the repair: split brain (VRRP blocked between m1 and m2), a chunkserver killed, the master
// killed with no HA to take over (keepalived gone on both candidates).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { labBreak, labDown, labUp } from '../../../src/lab/index.ts';
import { prometheusUrl } from '../../../src/lab/monitoring.ts';
import { missingCommands } from '../../../src/lab/preflight.ts';
import { waitFor } from '../../../src/lab/proc.ts';
import { readState } from '../../../src/lab/state.ts';
import { labExec, skipReason, useTempLabDir } from '../../support/lab.ts';

const skip = skipReason() || (process.env.CI !== 'true' && missingCommands(false, true).length > 0 ? `missing: ${missingCommands(false, true).join(', ')} (scripts/install-deps.sh)` : false);

interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

describe('lab up --monitoring: alerts fire in Prometheus and clear after repair', { skip, timeout: 900_000 }, () => {
  let dir = '';
  let url = '';

  before(async () => {
    dir = useTempLabDir();
    const r = await labUp({ chunkservers: 3, via: 'scripts', monitoring: true });
    process.stdout.write(`# lab up --monitoring: ${r.totalSeconds} s ${JSON.stringify(r.timings)}\n`);
    url = prometheusUrl(readState()!.hosts)!;
  });

  after(async () => {
    if (!dir) return;
    // The runbook's collector lives in the machine's /usr/local/sbin, which the lab hosts share.
    fs.rmSync('/usr/local/sbin/mfs-prom-textfile', { force: true });
    await labDown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function api<T>(p: string): Promise<T> {
    const r = await fetch(`${url}${p}`, { signal: AbortSignal.timeout(5000) });
    const body = (await r.json()) as { status: string; data: T };
    assert.equal(body.status, 'success', p);
    return body.data;
  }
  const alerts = async () => (await api<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts;
  const firing = async (name: string) => (await alerts()).some((a) => a.labels.alertname === name && a.state === 'firing');
  const value = async (q: string) => (await api<{ result: { value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(q)}`)).result.map((r) => Number(r.value[1]));

  /** Before a fault: the alert is neither pending nor firing (left over from the one before). */
  async function quiet(name: string): Promise<void> {
    const ok = await waitFor(async () => !(await alerts().catch(() => [])).some((a) => a.labels.alertname === name), 120_000, 500);
    assert.ok(ok, `${name} still pending or firing before the fault`);
  }

  /** Seconds until `name` fires (at most 60 s after the fault), with these labels when given. */
  async function firesWithin60s(name: string, since: number, labels: Record<string, string> = {}): Promise<number> {
    let seen: string[] = [];
    const ok = await waitFor(
      async () => {
        const all = await alerts().catch(() => []);
        seen = all.map((a) => `${a.labels.alertname}:${a.state}:${JSON.stringify(a.labels)}`);
        return all.some((a) => a.labels.alertname === name && a.state === 'firing' && Object.entries(labels).every(([k, v]) => a.labels[k] === v));
      },
      Math.max(0, 60_000 - (performance.now() - since)),
      500,
    );
    assert.ok(ok, `${name} did not fire within 60 s; alerts: ${seen.join(' ') || 'none'}`);
    return Math.round(performance.now() - since) / 1000;
  }

  async function clearsAfterRepair(name: string): Promise<number> {
    const t = performance.now();
    const ok = await waitFor(async () => !(await firing(name).catch(() => true)), 120_000, 500);
    assert.ok(ok, `${name} still firing 120 s after the repair`);
    return Math.round(performance.now() - t) / 1000;
  }

  const on = (host: string, script: string) => {
    const r = labExec(dir, host, script);
    assert.equal(r.code, 0, `${host}: ${r.err}${r.out}`);
    return r.out;
  };

  it('the healthy cluster: both candidates scraped, the master answers, no MooseFS alert fires', async () => {
    const ok = await waitFor(async () => (await value('max(moosefs_master_answering)').catch(() => []))[0] === 1, 60_000, 500);
    assert.ok(ok, 'moosefs_master_answering 1 reached Prometheus through node_exporter');
    assert.deepEqual(await value('count(up{job="node"} == 1)'), [2], 'node_exporter on m1 and m2 scraped');
    assert.deepEqual(await value('sum(moosefs_vip_holder)'), [1], 'one VIP holder');
    const groups = await api<{ groups: { rules: { name: string }[] }[] }>('/api/v1/rules');
    const names = groups.groups.flatMap((g) => g.rules.map((r) => r.name));
    for (const n of ['MooseFSSplitBrain', 'MooseFSMasterDown', 'MooseFSChunkserverDown']) assert.ok(names.includes(n), `rule ${n} loaded from monitoring/`);
    const bad = (await alerts()).filter((a) => a.state === 'firing' && /^MooseFS(SplitBrain|NoVipHolder|MasterDown|ChunkserverDown|ChunksMissing)$/.test(a.labels.alertname!));
    assert.deepEqual(
      bad.map((a) => a.labels.alertname),
      [],
    );
  });

  it('split brain: MooseFSSplitBrain fires within 60 s, clears after heal', async () => {
    await quiet('MooseFSSplitBrain');
    const t = performance.now();
    await labBreak('split-brain');
    const fired = await firesWithin60s('MooseFSSplitBrain', t);
    await labBreak('heal');
    const cleared = await clearsAfterRepair('MooseFSSplitBrain');
    process.stdout.write(`# split brain: fired after ${fired} s, cleared ${cleared} s after heal\n`);
  });

  it('chunkserver down: MooseFSChunkserverDown fires within 60 s, clears once it is back', async () => {
    // After the heal, one VIP holder again before the next fault.
    assert.ok(await waitFor(async () => (await value('sum(moosefs_vip_holder)').catch(() => []))[0] === 1, 60_000, 500), 'one VIP holder after the heal');
    await quiet('MooseFSChunkserverDown');
    const t = performance.now();
    await labBreak('chunkserver-down', 'c3');
    const fired = await firesWithin60s('MooseFSChunkserverDown', t, { ip: '10.77.0.23' });
    on('c3', 'mfschunkserver start >/dev/null 2>&1');
    const cleared = await clearsAfterRepair('MooseFSChunkserverDown');
    process.stdout.write(`# chunkserver down: fired after ${fired} s, cleared ${cleared} s after restart\n`);
  });

  it('master killed without HA: MooseFSMasterDown fires within 60 s, clears once it runs again', async () => {
    const holder = (await api<{ result: { metric: Record<string, string> }[] }>(`/api/v1/query?query=${encodeURIComponent('moosefs_vip_holder == 1')}`)).result[0]?.metric.host;
    assert.ok(holder === 'm1' || holder === 'm2', `a VIP holder: ${holder}`);
    // No HA: keepalived gone on both candidates (kill -9 leaves the VIP where it is).
    for (const h of ['m1', 'm2']) on(h, 'pkill -9 -x keepalived; true');
    await quiet('MooseFSMasterDown');
    const t = performance.now();
    on(holder, 'pkill -9 -x mfsmaster');
    const fired = await firesWithin60s('MooseFSMasterDown', t);
    on(holder, 'mfsmaster -a >/dev/null 2>&1');
    const cleared = await clearsAfterRepair('MooseFSMasterDown');
    process.stdout.write(`# master killed without HA: fired after ${fired} s, cleared ${cleared} s after restart\n`);
  });
});
