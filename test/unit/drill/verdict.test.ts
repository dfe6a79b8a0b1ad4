// The drill's health verdict: a healthy lab passes; each way of being broken is named, and
// a broken lab is never healthy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeHealth, type HealthObservation } from '../../../src/drill/verdict.ts';
import { setLanguage } from '../../../src/i18n/index.ts';

function healthy(): HealthObservation {
  return {
    vip: '10.77.0.100',
    vipHolders: ['m1'],
    candidates: [
      { name: 'm1', address: '10.77.0.11', lost: false, running: true, master: true },
      { name: 'm2', address: '10.77.0.12', lost: false, running: true, master: false },
    ],
    chunkservers: [
      { name: 'c1', address: '10.77.0.21' },
      { name: 'c2', address: '10.77.0.22' },
      { name: 'c3', address: '10.77.0.23' },
    ],
    metalogger: { name: 'ml', address: '10.77.0.13' },
    master: { metadataVersion: 120, chunkservers: ['10.77.0.21', '10.77.0.22', '10.77.0.23'], disconnected: [], metaloggers: ['10.77.0.13', '10.77.0.12'], missingChunks: 0 },
    metaloggerLastChange: 119,
    versionBefore: 110,
    files: [
      { name: 'data1.bin', expected: 'a'.repeat(64), actual: 'a'.repeat(64) },
      { name: 'note.txt', expected: 'b'.repeat(64), actual: 'b'.repeat(64) },
    ],
  };
}

describe('judgeHealth', () => {
  it('a recovered cluster is healthy and says what it verified', () => {
    const v = judgeHealth(healthy());
    assert.deepEqual(v.problems, []);
    assert.equal(v.healthy, true);
    assert.ok(v.verified.includes('one VIP holder, m1, running the master'));
    assert.ok(v.verified.includes('all 2 drill files read back with their checksums'));
    assert.ok(v.verified.includes('the standby m2 follows the master (its metalogger is connected)'));
    assert.deepEqual(v.warnings, []);
    assert.ok(v.verified.some((x) => x.startsWith('full metadata: version 120 (110 before the fault, metalogger at 119)')));
  });

  it('no VIP holder, no master answering: not healthy, with both reasons', () => {
    const o = healthy();
    o.vipHolders = [];
    o.candidates[0]!.master = false;
    o.master = { error: 'Working master servers not found', chunkservers: [], disconnected: [], metaloggers: [] };
    const v = judgeHealth(o);
    assert.equal(v.healthy, false);
    assert.deepEqual(v.problems, ['nobody holds the VIP 10.77.0.100', 'no master answers at the VIP 10.77.0.100: Working master servers not found']);
  });

  it('split brain and a stale master are named', () => {
    const o = healthy();
    o.vipHolders = ['m1', 'm2'];
    o.candidates[1]!.master = true;
    const v = judgeHealth(o);
    assert.equal(v.healthy, false);
    assert.deepEqual(v.problems, ['split brain: the VIP 10.77.0.100 is on m1 and m2']);
    const stale = healthy();
    stale.candidates[1]!.master = true;
    assert.deepEqual(judgeHealth(stale).problems, ['m2 runs mfsmaster without the VIP (a second, stale master)']);
  });

  it('the VIP on a host without a master', () => {
    const o = healthy();
    o.candidates[0]!.master = false;
    assert.ok(judgeHealth(o).problems.includes('m1 holds the VIP but runs no mfsmaster'));
  });

  it('metadata behind the version before the fault, or behind the metalogger: changes lost', () => {
    const o = healthy();
    o.master.metadataVersion = 100;
    const v = judgeHealth(o);
    assert.equal(v.healthy, false);
    assert.ok(v.problems.includes('metadata version 100 is behind the 110 the master had before the fault: changes were lost'));
    assert.ok(v.problems.includes('metadata version 100 is behind the metalogger ml, which logged change 119'));
    // Equal to the metalogger's last change is behind too: mfscli prints the next change's number.
    const eq = healthy();
    eq.master.metadataVersion = 119;
    assert.equal(judgeHealth(eq).healthy, false);
    const noMl = healthy();
    noMl.metaloggerLastChange = undefined;
    noMl.metaloggerError = 'ssh exit 255';
    assert.ok(judgeHealth(noMl).problems.includes('could not compare with the metalogger ml: ssh exit 255'));
  });

  it('a chunkserver or the metalogger not connected, missing chunks; a standby without metalogger is a warning only', () => {
    const standbyOnly = healthy();
    standbyOnly.master.metaloggers = ['10.77.0.13'];
    const w = judgeHealth(standbyOnly);
    assert.equal(w.healthy, true);
    assert.equal(w.warnings.length, 1);
    const o = healthy();
    o.master.chunkservers = ['10.77.0.21', '10.77.0.22'];
    o.master.disconnected = ['10.77.0.23'];
    o.master.metaloggers = [];
    o.master.missingChunks = 4;
    const v = judgeHealth(o);
    assert.deepEqual(v.problems, ['chunkserver c3 (10.77.0.23) is not connected to the master', 'the metalogger ml (10.77.0.13) is not connected to the master', '4 chunks are missing']);
    assert.deepEqual(v.warnings, ['the standby m2 has no metalogger connected to the master: it holds no current metadata to take over with']);
    o.master.missingChunks = 1;
    assert.equal(judgeHealth(o).problems.at(-1), '1 chunk is missing');
    // In Chinese, one form for any count (it was English in both languages).
    setLanguage('zh');
    try {
      assert.equal(judgeHealth(o).problems.at(-1), '缺失 1 个 chunk');
    } finally {
      setLanguage('en');
    }
  });

  it('a lost candidate is not expected back as the standby', () => {
    const o = healthy();
    o.vipHolders = ['m2'];
    o.candidates = [
      { name: 'm1', address: '10.77.0.11', lost: true, running: false, master: false },
      { name: 'm2', address: '10.77.0.12', lost: false, running: true, master: true },
    ];
    o.master.metaloggers = ['10.77.0.13'];
    assert.deepEqual(judgeHealth(o).problems, []);
  });

  it('unknown chunk counts are not taken as zero', () => {
    const o = healthy();
    o.master.missingChunks = undefined;
    assert.deepEqual(judgeHealth(o).problems, ['the master did not report its chunk counts']);
  });

  it('files: a changed checksum, an unreadable file, an unreadable mount', () => {
    const o = healthy();
    o.files = [
      { name: 'data1.bin', expected: 'a'.repeat(64), actual: 'c'.repeat(64) },
      { name: 'note.txt', expected: 'b'.repeat(64), error: 'Input/output error' },
    ];
    const v = judgeHealth(o);
    assert.deepEqual(v.problems, [`file data1.bin reads back with another checksum (${'c'.repeat(12)}…, expected ${'a'.repeat(12)}…)`, 'file note.txt could not be read: Input/output error']);
    const m = healthy();
    m.filesError = '/mnt/mfs/drills/x on cl does not answer within 15 s (is a master serving?)';
    assert.deepEqual(judgeHealth(m).problems, ['drill files not readable: /mnt/mfs/drills/x on cl does not answer within 15 s (is a master serving?)']);
  });

  it('the check before a drill (no files) can be healthy', () => {
    const o = healthy();
    o.files = undefined;
    o.versionBefore = 0;
    assert.equal(judgeHealth(o).healthy, true);
  });
});
