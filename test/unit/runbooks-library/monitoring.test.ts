// The monitoring runbook's collector, run for real on recorded mfscli output: its text must
// parse as Prometheus exposition format with one HELP/TYPE block per family (promtool's lint
// when promtool is installed, the grouping rule itself otherwise).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { heredoc, renderBlock, runbook } from '../../support/runbook-library.ts';

const RAW = `metadata servers:|10.77.0.100|3.0.117|-|1795645658.924928|51|not available|475283456|not available|-|-|-|6D097F53C27B0EF8
master info:|RAM used:|475283456
master info:|total space:|108944293888
chunk servers:|10.77.0.21|9422|1|-|3.0.117|0|maintenance_off|4|24250265600|108944293888|-|0|0|0
chunk servers:|10.77.0.22|9422|2|-|3.0.117|[3]|maintenance_on|5|24250265600|108944293888|-|0|0|0
Disconnected chunk servers:|10.77.0.23|9422
metadata backup loggers:|10.77.0.13|3.0.117
all chunks matrix:|chunkclass missing:|0
all chunks matrix:|chunkclass endangered:|2
`;

function collect(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-prom-'));
  try {
    const rb = runbook('monitoring');
    const step = rb.steps.find((s) => s.id === 'collector')!;
    const r = renderBlock(rb, step.commands[0]!, 'm1', undefined, { textfile_dir: dir, schedule: 'auto', interval: '60' });
    const script = heredoc(r.script, '/usr/local/sbin/mfs-prom-textfile.new');
    assert.ok(script, 'the collector heredoc');
    assert.equal(spawnSync('sh', ['-n'], { input: script }).status, 0, 'the collector parses as sh');
    fs.writeFileSync(path.join(dir, 'raw'), RAW);
    // As on the VIP holder without mfs-tui: the VIP test and the mfs-tui branch off, mfscli's answer recorded.
    const run = script
      .replace(/^ip -o addr show.*$/m, 'holder=1')
      .replace(/^if \[ "\$holder" = 1 \] && command -v mfs-tui.*$/m, 'if false; then')
      .replace(/^\[ "\$holder" = 1 \] && raw=.*$/m, `raw=$(cat '${dir}/raw')`);
    assert.notEqual(run, script.replace(/^ip -o addr show.*$/m, 'holder=1'), 'the mfs-tui and mfscli lines were found');
    const res = spawnSync('sh', ['-c', run, 'mfs-prom-textfile', 'm1'], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    return fs.readFileSync(path.join(dir, 'moosefs.prom'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('monitoring collector', () => {
  it('writes every family once, with HELP and TYPE, and the values from mfscli', () => {
    const text = collect();
    const seen = new Set<string>();
    let current = '';
    for (const line of text.trim().split('\n')) {
      const m = /^# TYPE (\S+) (gauge|untyped)$/.exec(line);
      if (m) {
        assert.ok(!seen.has(m[1]!), `${m[1]} appears twice`);
        seen.add(m[1]!);
        current = m[1]!;
      } else if (!line.startsWith('# HELP ')) {
        assert.ok(line.startsWith(current), `${line} outside its family ${current}`);
      }
    }
    assert.match(text, /^moosefs_scrape_success\{cluster="lab"\} 1$/m);
    assert.match(text, /^moosefs_scrape_ok\{cluster="lab",probe="mfscli"\} 1$/m);
    assert.match(text, /^moosefs_master_answering\{cluster="lab"\} 1$/m);
    assert.match(text, /^moosefs_vip_holder\{cluster="lab",host="m1"\} 1$/m);
    assert.match(text, /^moosefs_daemon_up\{cluster="lab",host="m1",daemon="keepalived"\} [01]$/m);
    assert.match(text, /^moosefs_disconnected_chunk_servers\{cluster="lab"\} 1$/m);
    assert.match(text, /^moosefs_chunk_servers_disconnected\{cluster="lab",ip="10\.77\.0\.23",port="9422",id=""\} 1$/m);
    assert.match(text, /^moosefs_metaloggers_connected\{cluster="lab"\} 1$/m);
    assert.match(text, /^moosefs_chunk_servers_load\{cluster="lab",ip="10\.77\.0\.22",[^}]*\} 3$/m);
    assert.match(text, /^moosefs_chunk_servers_maintenance\{cluster="lab",ip="10\.77\.0\.22",[^}]*\} 1$/m);
    assert.match(text, /^moosefs_all_chunks_matrix_chunkclass_endangered\{cluster="lab"\} 2$/m);
    assert.match(text, /^# TYPE moosefs_chunk_servers_regular_hdd_space_total untyped$/m);
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    if (!promtool.error) assert.equal(promtool.status, 0, `${promtool.stdout}${promtool.stderr}`);
  });
});
