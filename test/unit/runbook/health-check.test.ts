// runbooks/health-check.md: valid, read-only, and its expectations judge real mfscli
// output correctly. The mfscli samples in test/fixtures/runbooks/captured/ were captured
// from MooseFS 3.0.117 daemons (master, chunkserver, metalogger) run in a private network
// namespace on this machine: healthy, chunkserver gone, no metalogger, no master.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { outputMatches } from '../../../src/runbook/expect.ts';
import { builtinRunbookDir, formatProblem } from '../../../src/runbook/library.ts';
import { parseRunbook } from '../../../src/runbook/parse.ts';
import { buildVariables, renderScript } from '../../../src/runbook/template.ts';
import type { Runbook } from '../../../src/runbook/types.ts';
import { validateRunbook } from '../../../src/runbook/validate.ts';
import { sampleInventory } from '../../support/sample-inventory.ts';

const FILE = join(builtinRunbookDir(), 'health-check.md');
const captured = (name: string) => readFileSync(new URL(`../../fixtures/runbooks/captured/${name}`, import.meta.url), 'utf8');
const parsed = parseRunbook(readFileSync(FILE, 'utf8'), FILE);
const rb = parsed.runbook as Runbook;
const block = (stepId: string, n = 0) => {
  const b = rb.steps.find((s) => s.id === stepId)?.commands[n];
  assert.ok(b, `step ${stepId} has a command block ${n}`);
  return b;
};

describe('health-check.md', () => {
  it('parses and validates clean, with and without an inventory', () => {
    assert.deepEqual(parsed.problems.map(formatProblem), []);
    assert.deepEqual(validateRunbook(rb, {}).map(formatProblem), []);
    assert.deepEqual(validateRunbook(rb, { inventory: sampleInventory() }).map(formatProblem), []);
  });

  it('is a read-only tour: every block runs without confirmation and claims no risk', () => {
    assert.equal(rb.id, 'health-check');
    assert.equal(rb.risk, 'low');
    assert.deepEqual(
      rb.steps.map((s) => s.id),
      ['vip-holder', 'daemons', 'master-info', 'clock', 'chunks', 'chunkservers', 'metaloggers', 'metalogger-lag', 'cgi', 'summary'],
    );
    for (const s of rb.steps)
      for (const b of s.commands) {
        assert.equal(b.confirm, 'none', `${s.id} line ${b.pos.line}`);
        assert.equal(b.risk, undefined);
      }
    assert.deepEqual(block('daemons', 0).when, [{ fact: 'init', op: '=', value: 'systemd' }]);
    assert.deepEqual(block('daemons', 1).when, []);
  });

  it('master-info passes only when a master answers (mfscli exits 0 either way)', () => {
    const want = block('master-info').expectOutput;
    assert.equal(outputMatches(want, captured('mfscli-SIN-healthy.txt')), true);
    assert.equal(outputMatches(want, captured('mfscli-SIN-no-chunkservers.txt')), true);
    assert.equal(outputMatches(want, captured('mfscli-SIN-no-master.txt')), false);
  });

  it('chunks fails on missing chunks and when no master answers', () => {
    const want = block('chunks').expectOutput;
    const matrix = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.includes('all chunks matrix:'))
        .join('\n');
    const healthy = matrix(captured('mfscli-SIN-healthy.txt'));
    assert.equal(outputMatches(want, healthy), true);
    assert.equal(outputMatches(want, healthy.replace('chunkclass missing:|0', 'chunkclass missing:|12')), false);
    assert.equal(outputMatches(want, healthy.replace('chunkclass missing:|0', 'chunkclass missing:|10')), false);
    assert.equal(outputMatches(want, matrix(captured('mfscli-SIN-no-master.txt'))), false);
  });

  it('chunkservers needs a connected chunkserver; metaloggers a connected metalogger', () => {
    const cs = block('chunkservers').expectOutput;
    assert.equal(outputMatches(cs, captured('mfscli-SCS-healthy.txt')), true);
    assert.equal(outputMatches(cs, captured('mfscli-SCS-chunkserver-gone.txt')), false, 'only a Disconnected row');
    assert.equal(outputMatches(cs, captured('mfscli-SCS-no-master.txt')), false);
    const mb = block('metaloggers').expectOutput;
    assert.equal(outputMatches(mb, captured('mfscli-SMB-healthy.txt')), true);
    assert.equal(outputMatches(mb, captured('mfscli-SMB-none.txt')), false);
  });
});

describe('health-check scripts run under sh on this machine', () => {
  const inv = sampleInventory();
  const dir = mkdtempSync(join(tmpdir(), 'mfs-tui-hc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (script: string, overrides: Record<string, string> = {}) => {
    const vars = { ...buildVariables(inv, {}, inv.hosts[1]), ...overrides };
    const { text, missing } = renderScript(script, vars);
    assert.deepEqual(missing, []);
    const res = spawnSync('sh', ['-c', text], { encoding: 'utf8', timeout: 15_000 });
    return { code: res.status, out: res.stdout + res.stderr };
  };

  it('vip-holder finds an address that is here and exits 0 when it is not', () => {
    const script = block('vip-holder').script;
    const here = run(script, { vip: '127.0.0.1' });
    assert.equal(here.code, 0);
    assert.match(here.out, /inet 127\.0\.0\.1\/8/);
    assert.match(here.out, /VIP 127\.0\.0\.1 is held here \(m1\)/);
    // 192.0.2.0/24 is TEST-NET-1: on no interface here; nothing is sent anywhere.
    const absent = run(script, { vip: '192.0.2.77' });
    assert.deepEqual(absent, { code: 0, out: 'no VIP here\n' });
    // A longer address that starts with the VIP must not count.
    assert.match(run(script, { vip: '127.0.0' }).out, /^no VIP here\n$/);
  });

  it('daemons lists every daemon and exits 0, with and without systemd', () => {
    for (const n of [0, 1]) {
      const { code, out } = run(block('daemons', n).script);
      assert.equal(code, 0, out);
      for (const d of ['mfsmaster', 'mfsmetalogger', 'mfschunkserver', 'mfsmount', 'keepalived', 'mfscgiserv'])
        assert.match(out, new RegExp(`^${d}: (running \\(pid [0-9 ]+\\)|not running)$`, 'm'), out);
    }
  });

  it('metalogger-lag prints the last logged version, or says there is none', () => {
    const script = block('metalogger-lag').script;
    const empty = run(script, { 'paths.data': dir });
    assert.equal(empty.code, 0);
    assert.match(empty.out, /no changes logged yet in .*changelog_ml\.0\.mfs/);
    assert.match(empty.out, /this metalogger has not downloaded metadata/);
    writeFileSync(join(dir, 'changelog_ml.0.mfs'), '41: 1764000000|SESSION():1\n42: 1764000001|CREATE(1,f,1,420,18,0,0,0):2\n');
    writeFileSync(join(dir, 'metadata_ml.mfs.back'), 'MFSM 2.0');
    const logged = run(script, { 'paths.data': dir });
    assert.equal(logged.code, 0);
    assert.match(logged.out, /^last change logged here: 42$/m);
    assert.match(logged.out, /metadata_ml\.mfs\.back/);
  });
});
