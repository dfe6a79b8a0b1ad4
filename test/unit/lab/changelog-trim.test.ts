// The role scripts (keepalived-ha's and the practice cluster's) cut an earlier metalogger
// run's entries off the head of changelog_ml files before `mfsmaster -a`. Both use the
// same awk program; here it runs with the machine's sh and awk on changelog lines shaped
// like MooseFS 3.0's ("VERSION: TIMESTAMP|OPERATION").
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { planHosts } from '../../../src/lab/layout.ts';
import { keepalivedHaFiles } from '../../../src/lab/ha-design.ts';

const CUT = /cut=\$\(awk -F: '([^']+)' "\$f"\)/;
const runbook = fs.readFileSync(new URL('../../../runbooks/keepalived-ha.md', import.meta.url), 'utf8');

function cutLine(program: string, lines: string[]): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-cut-'));
  const f = path.join(dir, 'changelog_ml.0.mfs');
  fs.writeFileSync(f, lines.map((l) => `${l}\n`).join(''));
  const r = spawnSync('sh', ['-c', `awk -F: '${program}' "$1"`, 'sh', f], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

const entry = (v: number) => `${v}: 1764118600|CREATE(1,f${v},1,438,18,0,0,0):${v + 2}`;
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => entry(a + i));

describe('changelog_ml head trim', () => {
  const program = CUT.exec(runbook)?.[1];

  it('keepalived-ha and the practice cluster use the same program', () => {
    assert.ok(program, 'no `cut=$(awk …)` line in runbooks/keepalived-ha.md');
    const hosts = planHosts(3);
    assert.equal(CUT.exec(keepalivedHaFiles(hosts[0]!, hosts)['mfs-role.sh'])?.[1], program);
  });

  it('an earlier run then a jump: the cut is at the first entry after the jump', () => {
    // As seen in CI: the earlier run ended at 139, this run's entries start at 258.
    const lines = [...range(100, 139), ...range(258, 300)];
    assert.equal(cutLine(program!, lines), 41);
  });

  it('two earlier runs: the cut is after the last jump', () => {
    assert.equal(cutLine(program!, [...range(1, 5), ...range(20, 25), ...range(60, 62)]), 12);
  });

  it('one run: nothing to cut (0), also for one line and an empty file', () => {
    assert.equal(cutLine(program!, range(258, 300)), 0);
    assert.equal(cutLine(program!, [entry(7)]), 0);
    assert.equal(cutLine(program!, []), 0);
  });

  it('versions past 2^31 still compare exactly', () => {
    assert.equal(cutLine(program!, [...range(4294967290, 4294967299), ...range(4294967400, 4294967401)]), 11);
  });
});
