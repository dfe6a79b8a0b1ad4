// fence-master's comparison step, run for real with sh on mfscli rows captured from real
// daemons (test/fixtures/status, capture.sh): `ip` and `mfscli` are stand-ins first in PATH.
// The step must keep the newest metadata, wait for a master keepalived is still promoting,
// and refuse every way round that could stop the wrong master.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { renderBlock, runbook } from '../../support/runbook-library.ts';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/status');
const rows = (file: string) =>
  fs
    .readFileSync(path.join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('metadata servers:|'));
// 10.251.9.1 at version "1 510" and 10.251.9.2 at version 2, both answering (a split brain).
const [LIVE_1, LIVE_2] = rows('SIM-two-masters.txt') as [string, string];
// A master that does not answer: mfscli still prints its row, marked DEAD (captured for .1).
const DEAD_1 = rows('SIM-one-dead.txt')[0]!;
const DEAD_2 = DEAD_1.replace('10.251.9.1', '10.251.9.2');
const VIP = '10.77.0.100';

interface Case {
  inputs: Record<string, string>;
  /** Addresses the host running the step has. */
  addresses: string[];
  /** How many times 10.251.9.2 answers DEAD before it answers (-1: never). */
  deadCalls2?: number;
}

function compare(c: Case): { code: number | null; out: string } {
  const { dir, script } = prepare(c);
  try {
    const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, timeout: 60_000 });
    return { code: r.status, out: r.stdout + r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The same, without blocking: two cases that each wait 30 s run side by side. */
async function compareAsync(c: Case): Promise<{ code: number | null; out: string }> {
  const { dir, script } = prepare(c);
  try {
    return await new Promise((resolve) => {
      execFile('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out: stdout + stderr }),
      );
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function prepare(c: Case): { dir: string; script: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-fence-'));
  {
    const rb = runbook('fence-master');
    const step = rb.steps.find((s) => s.id === 'compare')!;
    const { script, missing } = renderBlock(rb, step.commands[0]!, 'm1', undefined, c.inputs);
    assert.deepEqual(missing, []);
    fs.writeFileSync(path.join(dir, 'ip'), `#!/bin/sh\n${c.addresses.map((a, i) => `echo "${i + 2}: eth0    inet ${a}/24 scope global eth0"`).join('\n')}\n`, { mode: 0o755 });
    fs.writeFileSync(
      path.join(dir, 'mfscli'),
      `#!/bin/sh
host=""; while [ $# -gt 0 ]; do [ "$1" = -H ] && host="$2"; shift; done
case "$host" in
  10.251.9.1) echo '${LIVE_1}' ;;
  10.251.9.2) n=$(cat "${dir}/calls" 2>/dev/null || echo 0); echo $((n + 1)) >"${dir}/calls"
    if [ ${c.deadCalls2 ?? 0} -lt 0 ] || [ "$n" -lt ${c.deadCalls2 ?? 0} ]; then echo '${DEAD_2}'; else echo '${LIVE_2}'; fi ;;
  *) echo 'Working master servers not found' ;;
esac
`,
      { mode: 0o755 },
    );
    return { dir, script };
  }
}

const keep1 = { keep: 'm1', keep_address: '10.251.9.1', fence: 'm2', fence_address: '10.251.9.2' };

describe('fence-master: which master to keep', () => {
  it('keeps the newest metadata; waits for a master that is still starting (DEAD, then answering)', () => {
    const r = compare({ inputs: keep1, addresses: ['10.251.9.1', VIP], deadCalls2: 2 });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /no master answers at 10\.251\.9\.2 yet: waiting up to 30 s/);
    assert.match(r.out, /^KEEP m1 \(version 1510\), FENCE m2 \(version 2\)$/m);
  });

  it('refuses to fence the newer master, and says to swap', () => {
    const r = compare({ inputs: { keep: 'm2', keep_address: '10.251.9.2', fence: 'm1', fence_address: '10.251.9.1' }, addresses: ['10.251.9.2', VIP] });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /REFUSED: m1 has the newer metadata \(1510 > 2\): keep m1 and fence m2/);
    assert.doesNotMatch(r.out, /^KEEP/m);
  });

  it('refuses the same host twice, a fence address on the kept host, and a kept host without the VIP', () => {
    const same = compare({ inputs: { ...keep1, fence: 'm1', fence_address: '10.251.9.1' }, addresses: ['10.251.9.1', VIP] });
    assert.equal(same.code, 1);
    assert.match(same.out, /REFUSED: the host to fence and the host to keep are the same/);
    const onKeep = compare({ inputs: keep1, addresses: ['10.251.9.1', '10.251.9.2', VIP] });
    assert.equal(onKeep.code, 1);
    assert.match(onKeep.out, /REFUSED: 10\.251\.9\.2 is an address of m1, the host to keep/);
    const noVip = compare({ inputs: keep1, addresses: ['10.251.9.1'] });
    assert.equal(noVip.code, 1);
    assert.match(noVip.out, /REFUSED: m1 does not hold the VIP 10\.77\.0\.100/);
  });

  it('a host to fence that refuses 9421 (it answers, no master listens: keepalived-ha held its promotion back) is fenced; one that cannot be reached is not', async () => {
    // 127.0.0.2: loopback, nothing listens on 9421 here, so the kernel refuses at once. 10.251.9.3:
    // no route from this machine (or silent): no proof that no master runs there.
    const [refused, unreachable] = await Promise.all([
      compareAsync({ inputs: { ...keep1, fence_address: '127.0.0.2' }, addresses: ['10.251.9.1', VIP] }),
      compareAsync({ inputs: { ...keep1, fence_address: '10.251.9.3' }, addresses: ['10.251.9.1', VIP] }),
    ]);
    assert.equal(refused.code, 0, refused.out);
    assert.match(refused.out, /^KEEP m1 \(version 1510\), FENCE m2 \(no master: its port 9421 refuses connections\)$/m);
    assert.equal(unreachable.code, 1, unreachable.out);
    assert.match(unreachable.out, /REFUSED: m2's version cannot be read from m1/);
    assert.doesNotMatch(unreachable.out, /^KEEP/m);
  });
});
