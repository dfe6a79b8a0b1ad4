// Prometheus text (checked by promtool from Debian's prometheus package) and the plain text
// of `mfs-tui status`, from poller snapshots of fake hosts with real mfscli captures.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StatusPoller } from '../../../src/status/poller.ts';
import { escapeLabel, infoKeyToMetric, statusToMetrics } from '../../../src/status/prometheus.ts';
import { renderStatusText, statusToJson } from '../../../src/status/text.ts';
import { writeAtomically } from '../../../app/cli/metrics.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from '../../support/fake-cluster.ts';

async function snapshot(hosts: FakeHost[], viaVip: string, candidates: string) {
  const c = fakeCluster(hosts, { viaVip, candidates });
  const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
  await p.sweep();
  return p.getState();
}

const promtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();

function check(text: string): { code: number | null; out: string } {
  const r = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('Prometheus metrics', () => {
  it('awk-compatible names, real maintenance, [N] loads as numbers, the additions', async () => {
    const s = await snapshot(
      healthyHosts(),
      fixture('healthy-goal3.txt').replace(/\|0\|maintenance_off\|300\|24028868608/, '|[12]|maintenance_on|300|24028868608'),
      simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]),
    );
    const text = statusToMetrics(s, s.at + 1500);
    assert.match(text, /^moosefs_metadata_servers_metadata_version\{cluster="test",ip="10\.251\.9\.1",version="3\.0\.117"\} 1510$/m);
    assert.match(text, /^moosefs_master_info_total_space\{cluster="test"\} 217888587776$/m);
    assert.match(text, /^moosefs_master_info_ram_used\{cluster="test"\} \d+$/m);
    assert.doesNotMatch(text, /moosefs_master_info_master_version/);
    assert.match(text, /^moosefs_chunk_servers_load\{cluster="test",ip="10\.251\.9\.1",port="9422",id="1",labels="-",version="3\.0\.117"\} 12$/m);
    assert.match(text, /^moosefs_chunk_servers_maintenance\{cluster="test",ip="10\.251\.9\.1",port="9422",[^}]*\} 1$/m);
    assert.match(text, /^moosefs_chunk_servers_maintenance\{cluster="test",ip="10\.251\.9\.1",port="9423",[^}]*\} 0$/m);
    assert.match(text, /^moosefs_all_chunks_matrix_chunkclass_undergoal\{cluster="test"\} 300$/m);
    assert.match(text, /^moosefs_all_chunks_matrix_chunkclass_pending_deletion\{cluster="test"\} 0$/m);
    assert.match(text, /^moosefs_vip_holder\{cluster="test",host="m1",vip="10\.9\.0\.100"\} 1$/m);
    assert.match(text, /^moosefs_vip_holder\{cluster="test",host="m2",vip="10\.9\.0\.100"\} 0$/m);
    assert.match(text, /^moosefs_split_brain\{cluster="test"\} 0$/m);
    assert.match(text, /^moosefs_daemon_up\{cluster="test",host="c1",daemon="mfschunkserver",role="chunkserver"\} 1$/m);
    assert.match(text, /^moosefs_daemon_up\{cluster="test",host="c1",daemon="mfsmaster",role="-"\} 0$/m);
    assert.match(text, /^moosefs_metalogger_lag_versions\{cluster="test",host="m2"\} 0$/m);
    assert.match(text, /^moosefs_probe_age_seconds\{cluster="test",host="m1"\} 1\.\d+$/m);
    assert.match(text, /^moosefs_keepalived_vrrp_state\{cluster="test",host="m1",instance="VI_1",state="MASTER"\} 1$/m);
  });

  it('split brain and a dead master render; every output passes promtool check metrics', { skip: promtool ? false : 'promtool not installed (Debian package prometheus)' }, async () => {
    const two = healthyHosts();
    two[1] = { ...two[1]!, vip: true, daemons: ['mfsmaster'] };
    const cases = [
      await snapshot(healthyHosts(), fixture('healthy-goal3.txt'), simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }])),
      await snapshot(two, fixture('chunkserver-down.txt'), fixture('SIM-two-masters.txt')),
      await snapshot(healthyHosts(), fixture('no-master.txt'), fixture('SIM-one-dead.txt')),
      await snapshot(
        healthyHosts().map((h) => (h.name === 'm2' ? { ...h, probeHangs: true } : h.name === 'c1' ? { ...h, fail: 'c1: cannot reach 10.251.9.21:22: connect ECONNREFUSED' } : h)),
        fixture('healthy-goal3.txt'),
        simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]),
      ),
    ];
    // The two *_total gauges keep the awk script's names (dashboard 16700 queries them):
    // promtool's naming lint flags them (exit 3); nothing else may be reported.
    const knownLint = new Set([
      'moosefs_chunk_servers_regular_hdd_space_total non-counter metrics should not have "_total" suffix',
      'moosefs_chunk_servers_removal_hdd_space_total non-counter metrics should not have "_total" suffix',
    ]);
    for (const s of cases) {
      const text = statusToMetrics(s);
      const r = check(text);
      const other = r.out.split('\n').filter((l) => l.trim() && !knownLint.has(l.trim()));
      assert.ok(r.code === 0 || r.code === 3, `promtool exit ${r.code}:\n${r.out}`);
      assert.deepEqual(other, [], `promtool:\n${r.out}\n${text}`);
    }
    // The checker does catch what the awk script printed for a [N] load.
    const awkBug = check('# HELP moosefs_chunk_servers_load x\n# TYPE moosefs_chunk_servers_load gauge\nmoosefs_chunk_servers_load{ip="10.0.0.1"} [12]\n');
    assert.equal(awkBug.code, 1, awkBug.out);
    assert.match(awkBug.out, /error/i);
    assert.match(statusToMetrics(cases[1]!), /^moosefs_split_brain\{cluster="test"\} 1$/m);
    assert.match(statusToMetrics(cases[1]!), /^moosefs_chunk_servers_disconnected\{cluster="test",ip="10\.251\.9\.1",port="9422",id="1"\} 1$/m);
    assert.match(statusToMetrics(cases[2]!), /^moosefs_master_answering\{cluster="test"\} 0$/m);
    // Down (no SSH) and "answers SSH, probe failed" are told apart.
    const slow = statusToMetrics(cases[3]!);
    assert.match(slow, /^moosefs_host_reachable\{cluster="test",host="m2"\} 0$/m);
    assert.match(slow, /^moosefs_host_ssh_up\{cluster="test",host="m2"\} 1$/m);
    assert.match(slow, /^moosefs_host_ssh_up\{cluster="test",host="c1"\} 0$/m);
    assert.match(slow, /^moosefs_host_ssh_up\{cluster="test",host="m1"\} 1$/m);
    assert.match(slow, /^moosefs_host_probe_failure\{cluster="test",host="m2",class="probe"\} 1$/m);
    assert.match(slow, /^moosefs_host_probe_failure\{cluster="test",host="c1",class="connect"\} 1$/m);
    assert.match(slow, /^moosefs_host_login_ok\{cluster="test",host="m2"\} 1$/m);
  });

  it('a host that refused our login: its class is login in the metrics and the text, never DOWN', async () => {
    const hosts = healthyHosts().map((h) => (h.name === 'm2' ? { ...h, fail: 'm2: HOST KEY CHANGED for 10.251.9.2', failKind: 'host-key-changed' as const } : h));
    const s = await snapshot(hosts, fixture('healthy-goal3.txt'), simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]));
    const m = statusToMetrics(s);
    assert.match(m, /^moosefs_host_probe_failure\{cluster="test",host="m2",class="login"\} 1$/m);
    assert.match(m, /^moosefs_host_probe_failure\{cluster="test",host="m2",class="connect"\} 0$/m);
    assert.match(m, /^moosefs_host_login_ok\{cluster="test",host="m2"\} 0$/m);
    assert.match(m, /^moosefs_host_login_ok\{cluster="test",host="m1"\} 1$/m);
    assert.match(m, /^moosefs_host_ssh_up\{cluster="test",host="m2"\} 1$/m);
    const t = renderStatusText(s);
    assert.match(t, /^m2 +KEY CHANGED /m);
    assert.doesNotMatch(t, /DOWN/);
    assert.match(t, /CRITICAL {2}m2: KEY CHANGED: cannot log in, its state is unknown \(a master candidate: it may be running a master\)/);
    const r = check(m);
    assert.ok(r.code === 0 || r.code === 3, r.out);
  });

  it('no host answers: no moosefs_split_brain 0, every probe says moosefs_scrape_ok 0 and exports none of its series', async () => {
    const down = healthyHosts().map((h) => ({ ...h, fail: `${h.name}: cannot reach ${h.address}:22: connect ECONNREFUSED` }));
    const text = statusToMetrics(await snapshot(down, fixture('healthy-goal3.txt'), simRows([{ ip: '10.251.9.1', version: 1510 }])));
    assert.doesNotMatch(text, /^moosefs_split_brain/m);
    assert.match(text, /^moosefs_scrape_ok\{cluster="test",probe="mfscli"\} 0$/m);
    for (const h of ['m1', 'm2', 'c1']) assert.match(text, new RegExp(`^moosefs_scrape_ok\\{cluster="test",probe="host",host="${h}"\\} 0$`, 'm'));
    for (const family of [
      'moosefs_vip_holder',
      'moosefs_daemon_up',
      'moosefs_master_answering',
      'moosefs_all_chunks_matrix_chunkclass_missing',
      'moosefs_metalogger_lag_versions',
      'moosefs_keepalived_vrrp_state',
    ]) {
      assert.doesNotMatch(text, new RegExp(`^${family}[{ ]`, 'm'), `${family} exported from no answer:\n${text}`);
    }
    assert.match(text, /^moosefs_host_ssh_up\{cluster="test",host="m1"\} 0$/m);
  });

  it('one master candidate silent: split brain unknown (absent), the answering hosts still exported', async () => {
    const hosts = healthyHosts().map((h) => (h.name === 'm2' ? { ...h, fail: 'm2: cannot reach 10.251.9.2:22: connect ECONNREFUSED' } : h));
    const text = statusToMetrics(await snapshot(hosts, fixture('healthy-goal3.txt'), simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }])));
    assert.doesNotMatch(text, /^moosefs_split_brain/m);
    assert.match(text, /^moosefs_scrape_ok\{cluster="test",probe="mfscli"\} 1$/m);
    assert.match(text, /^moosefs_scrape_ok\{cluster="test",probe="host",host="m2"\} 0$/m);
    assert.match(text, /^moosefs_vip_holder\{cluster="test",host="m1",vip="10\.9\.0\.100"\} 1$/m);
    assert.doesNotMatch(text, /^moosefs_vip_holder\{cluster="test",host="m2"/m);
    assert.match(text, /^moosefs_disconnected_chunk_servers\{cluster="test"\} 0$/m);
  });

  it(
    'storage classes, quotas and disks from real mfscli -SSC -SQU -SHD output, under mfscli2prom names',
    { skip: promtool ? false : 'promtool not installed (Debian package prometheus)' },
    async () => {
      const extended = fixture('sections-SSC-SQU-SHD.txt');
      const s = await snapshot(healthyHosts(), `${fixture('healthy-goal3.txt')}\n${extended}`, simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]));
      assert.deepEqual(s.mfs.viaVip?.problems, []);
      const text = statusToMetrics(s);
      assert.match(text, /^moosefs_active_quotas_soft_inodes\{cluster="test",path="\/d"\} 1000$/m);
      assert.match(text, /^moosefs_active_quotas_hard_size\{cluster="test",path="\/d"\} 2147483648$/m);
      assert.match(text, /^moosefs_active_quotas_current_inodes\{cluster="test",path="\/d"\} 300$/m);
      assert.match(text, /^moosefs_active_quotas_current_real\{cluster="test",path="\/d"\} 66355200$/m);
      // No real-size limit was set: absent, where the awk script printed 0.
      assert.doesNotMatch(text, /^moosefs_active_quotas_soft_real/m);
      assert.match(text, /^moosefs_storage_classes_keep\{cluster="test",id="3",name="3",mode="STD",can="NO",labels="\*,\*,\*"\} 3$/m);
      assert.match(text, /^moosefs_storage_classes_files_total\{cluster="test",id="3",name="3"\} 300$/m);
      assert.match(text, /^moosefs_storage_classes_standard_under_total\{cluster="test",id="3",name="3"\} 300$/m);
      assert.match(text, /^moosefs_storage_classes_standard_over_total\{cluster="test",id="3",name="3"\} 0$/m);
      assert.doesNotMatch(text, /^moosefs_storage_classes_archived_exact_total/m);
      assert.match(text, /^moosefs_disks_chunks\{cluster="test",ip="10\.251\.9\.1",port="9423",path="\/tmp\/st-cap-[^"]+\/cs2\/hdd\/"\} 300$/m);
      assert.match(text, /^moosefs_disks_space_total\{cluster="test",ip="10\.251\.9\.1",port="9422",[^}]*\} 108944293888$/m);
      assert.match(text, /^moosefs_disks_damaged\{[^}]*port="9422"[^}]*\} 0$/m);
      const r = check(text);
      const other = r.out.split('\n').filter((l) => l.trim() && !/_total non-counter metrics should not have "_total" suffix/.test(l));
      assert.deepEqual(other, [], r.out);
    },
  );

  it('label escaping and -SIG key names', () => {
    assert.equal(escapeLabel('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
    assert.equal(infoKeyToMetric('CPU used (user)'), 'cpu_used_user');
    assert.equal(infoKeyToMetric('all chunk copies'), 'all_chunk_copies');
  });

  it('writeAtomically leaves only the target file, readable by node_exporter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfs-tui-prom-'));
    writeAtomically(dir, 'x.prom', 'a 1\n');
    writeAtomically(dir, 'x.prom', 'a 2\n');
    assert.deepEqual(readdirSync(dir), ['x.prom']);
    assert.equal(readFileSync(join(dir, 'x.prom'), 'utf8'), 'a 2\n');
    assert.equal(statSync(join(dir, 'x.prom')).mode & 0o777, 0o644);
  });
});

describe('status text and JSON', () => {
  it('names the holder, alerts with severity, hosts × daemons, chunk classes and chunkservers', async () => {
    const s = await snapshot(healthyHosts(), fixture('chunkserver-down.txt'), simRows([{ ip: '10.251.9.1', version: 1511 }, { ip: '10.251.9.2' }]));
    const t = renderStatusText(s);
    assert.match(t, /VIP 10\.9\.0\.100 held by m1 \(MASTER\)/);
    assert.match(t, /CRITICAL {2}chunkserver m1:9422 \(id 1\) is disconnected/);
    assert.match(t, /CRITICAL {2}300 chunks are endangered/);
    assert.match(t, /^m2 +ok +\d+ms +- +BACKUP +- +50s/m);
    assert.match(t, /^CHUNKS {3}missing 0 {2}endangered 300/m);
    assert.match(t, /^10\.251\.9\.1:9422 +1 +DISCONNECTED/m);
    assert.match(t, /masters: m1 v1511, m2 down/);
    const j = statusToJson(s) as { mfs: { viaVip: { sections: string[] } } };
    assert.ok(Array.isArray(j.mfs.viaVip.sections));
  });
});
