// monitoring end to end through the real CLI on the practice cluster (hosts without systemd
// or cron, so the runbook's background loop schedules the collector). Verified from outside:
// the VIP holder's textfile passes `promtool check metrics` and carries the cluster's real
// numbers (scrape success, three chunkservers, no missing chunk, both metaloggers, the
// metadata version mfscli reports); the standby's file says moosefs_vip_holder 0 and passes
// too; the schedule rewrites the file; after a failover the metrics follow the VIP, so
// Prometheus never sees two VIP holders.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { labBreak } from '../../../src/lab/index.ts';
import { waitUntil } from '../../support/netns-cluster.ts';
import { labSkip, masterVersion, onHost, runRunbook, startLab, stopLab, tryOnHost } from '../../support/lab-runbook.ts';

const DIR = '/run/node-exporter-textfile';
const prom = (host: string) => tryOnHost(host, `cat ${DIR}/moosefs.prom`).out;

function promtool(text: string): { code: number | null; out: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The value of the first sample of a family whose labels include every `label="value"` given. */
function value(text: string, family: string, ...labels: string[]): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${family}{`) && labels.every((x) => l.includes(x)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('monitoring through mfs-tui on the practice cluster', { skip: labSkip() || (spawnSync('sh', ['-c', 'command -v promtool']).status === 0 ? false : 'promtool is not installed'), timeout: 600_000 }, () => {
  // `lab up --fast`: the same cluster and HA design as the runbook build, in a third of the time
  // (the build itself is proved by lab-cluster and the runbook lab tests).
  before(() => startLab('monitoring', { via: 'scripts' }));
  after(async () => {
    // The collector lives in the machine's /usr/local/sbin, which the lab hosts share.
    fs.rmSync('/usr/local/sbin/mfs-prom-textfile', { force: true });
    await stopLab();
  });

  it('writes valid Prometheus metrics on the VIP holder only, keeps them fresh, and follows a failover', async () => {
    const r = runRunbook('monitoring', ['--input', `textfile_dir=${DIR}`, '--input', 'interval=5']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /started the loop \(pid \d+, every 5 s\)/);

    const m1 = prom('m1');
    let check = promtool(m1);
    assert.equal(check.code, 0, `promtool on m1's file:\n${check.out}\n${m1}`);
    assert.equal(value(m1, 'moosefs_vip_holder', 'cluster="lab"', 'host="m1"'), 1, m1);
    assert.equal(value(m1, 'moosefs_scrape_success'), 1);
    assert.equal(value(m1, 'moosefs_scrape_ok', 'probe="mfscli"'), 1);
    assert.equal(value(m1, 'moosefs_master_answering'), 1);
    assert.equal(value(m1, 'moosefs_all_chunks_matrix_chunkclass_missing'), 0);
    assert.equal(value(m1, 'moosefs_disconnected_chunk_servers'), 0);
    assert.equal(m1.split('\n').filter((l) => l.startsWith('moosefs_chunk_servers_load{')).length, 3, m1);
    for (const ip of ['10.77.0.12', '10.77.0.13']) assert.equal(value(m1, 'moosefs_metadata_backup_loggers', 'cluster="lab"', `ip="${ip}"`), 1, `metalogger ${ip} in:\n${m1}`);
    assert.equal(value(m1, 'moosefs_metaloggers_connected'), 2, m1);
    const v = Number(m1.match(/^moosefs_metadata_servers_metadata_version\{[^}]*\} (\d+)$/m)?.[1]);
    const now = masterVersion()!;
    assert.ok(v > 0 && v <= now, `metadata version in the file ${v}, mfscli now ${now}`);

    const m2 = prom('m2');
    check = promtool(m2);
    assert.equal(check.code, 0, `promtool on m2's file:\n${check.out}\n${m2}`);
    assert.equal(value(m2, 'moosefs_vip_holder', 'host="m2"'), 0);
    // The standby's readiness: its keepalived and metalogger run.
    assert.equal(value(m2, 'moosefs_daemon_up', 'daemon="keepalived"'), 1, m2);
    assert.equal(value(m2, 'moosefs_daemon_up', 'daemon="mfsmetalogger"'), 1, m2);
    assert.ok(!m2.includes('moosefs_scrape_success'), 'the standby exports no cluster metrics');

    // The schedule keeps rewriting the file.
    const ts0 = value(m1, 'moosefs_scrape_timestamp_seconds')!;
    const fresh = await waitUntil(30_000, () => (value(prom('m1'), 'moosefs_scrape_timestamp_seconds') ?? 0) > ts0);
    assert.ok(fresh !== undefined, 'the loop rewrote the file');
    assert.equal(onHost('m1', 'kill -0 "$(cat /run/mfs-prom-textfile.pid)" && echo alive').trim(), 'alive');

    // A failover: the metrics follow the VIP to m2; m1 stops exporting them.
    const broken = await labBreak('power-cut');
    assert.equal(broken.host, 'm1');
    const moved = await waitUntil(240_000, () => {
      const a = prom('m1');
      const b = prom('m2');
      return value(a, 'moosefs_vip_holder') === 0 && value(b, 'moosefs_vip_holder') === 1 && value(b, 'moosefs_scrape_success') === 1;
    });
    assert.ok(moved !== undefined, `metrics did not follow the VIP:\nm1:\n${prom('m1')}\nm2:\n${prom('m2')}`);
    check = promtool(prom('m2'));
    assert.equal(check.code, 0, check.out);
    process.stdout.write(`# monitoring: metrics on the new VIP holder ${moved.toFixed(1)} s after the power cut\n`);
  });
});
