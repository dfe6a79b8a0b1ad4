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
import { writeAtomically } from '../../../src/cli/metrics.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from './fakes.ts';

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
    const s = await snapshot(healthyHosts(), fixture('healthy-goal3.txt').replace(/\|0\|maintenance_off\|300\|24028868608/, '|[12]|maintenance_on|300|24028868608'), simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]));
    const text = statusToMetrics(s, s.at + 1500);
    assert.match(text, /^moosefs_metadata_servers_metadata_version\{ip="10\.251\.9\.1",version="3\.0\.117"\} 1510$/m);
    assert.match(text, /^moosefs_master_info_total_space 217888587776$/m);
    assert.match(text, /^moosefs_master_info_ram_used \d+$/m);
    assert.doesNotMatch(text, /moosefs_master_info_master_version/);
    assert.match(text, /^moosefs_chunk_servers_load\{ip="10\.251\.9\.1",port="9422",id="1",labels="-",version="3\.0\.117"\} 12$/m);
    assert.match(text, /^moosefs_chunk_servers_maintenance\{ip="10\.251\.9\.1",port="9422",[^}]*\} 1$/m);
    assert.match(text, /^moosefs_chunk_servers_maintenance\{ip="10\.251\.9\.1",port="9423",[^}]*\} 0$/m);
    assert.match(text, /^moosefs_all_chunks_matrix_chunkclass_undergoal 300$/m);
    assert.match(text, /^moosefs_all_chunks_matrix_chunkclass_pending_deletion 0$/m);
    assert.match(text, /^moosefs_vip_holder\{host="m1",vip="10\.9\.0\.100"\} 1$/m);
    assert.match(text, /^moosefs_vip_holder\{host="m2",vip="10\.9\.0\.100"\} 0$/m);
    assert.match(text, /^moosefs_split_brain 0$/m);
    assert.match(text, /^moosefs_daemon_up\{host="c1",daemon="mfschunkserver"\} 1$/m);
    assert.match(text, /^moosefs_daemon_up\{host="c1",daemon="mfsmaster"\} 0$/m);
    assert.match(text, /^moosefs_metalogger_lag_versions\{host="m2"\} 0$/m);
    assert.match(text, /^moosefs_probe_age_seconds\{host="m1"\} 1\.\d+$/m);
    assert.match(text, /^moosefs_keepalived_vrrp_state\{host="m1",instance="VI_1",state="MASTER"\} 1$/m);
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
    assert.match(statusToMetrics(cases[1]!), /^moosefs_split_brain 1$/m);
    assert.match(statusToMetrics(cases[1]!), /^moosefs_chunk_servers_disconnected\{ip="10\.251\.9\.1",port="9422",id="1"\} 1$/m);
    assert.match(statusToMetrics(cases[2]!), /^moosefs_master_answering 0$/m);
    // Down (no SSH) and "answers SSH, probe failed" are told apart.
    const slow = statusToMetrics(cases[3]!);
    assert.match(slow, /^moosefs_host_reachable\{host="m2"\} 0$/m);
    assert.match(slow, /^moosefs_host_ssh_up\{host="m2"\} 1$/m);
    assert.match(slow, /^moosefs_host_ssh_up\{host="c1"\} 0$/m);
    assert.match(slow, /^moosefs_host_ssh_up\{host="m1"\} 1$/m);
    assert.match(slow, /^moosefs_host_probe_failure\{host="m2",class="probe"\} 1$/m);
    assert.match(slow, /^moosefs_host_probe_failure\{host="c1",class="connect"\} 1$/m);
    assert.match(slow, /^moosefs_host_login_ok\{host="m2"\} 1$/m);
  });

  it('a host that refused our login: its class is login in the metrics and the text, never DOWN', async () => {
    const hosts = healthyHosts().map((h) => (h.name === 'm2' ? { ...h, fail: 'm2: HOST KEY CHANGED for 10.251.9.2', failKind: 'host-key-changed' as const } : h));
    const s = await snapshot(hosts, fixture('healthy-goal3.txt'), simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]));
    const m = statusToMetrics(s);
    assert.match(m, /^moosefs_host_probe_failure\{host="m2",class="login"\} 1$/m);
    assert.match(m, /^moosefs_host_probe_failure\{host="m2",class="connect"\} 0$/m);
    assert.match(m, /^moosefs_host_login_ok\{host="m2"\} 0$/m);
    assert.match(m, /^moosefs_host_login_ok\{host="m1"\} 1$/m);
    assert.match(m, /^moosefs_host_ssh_up\{host="m2"\} 1$/m);
    const t = renderStatusText(s);
    assert.match(t, /^m2 +KEY CHANGED /m);
    assert.doesNotMatch(t, /DOWN/);
    assert.match(t, /CRITICAL {2}m2: KEY CHANGED: cannot log in, its state is unknown \(a master candidate: it may be running a master\)/);
    const r = check(m);
    assert.ok(r.code === 0 || r.code === 3, r.out);
  });

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
