// The mfscli parsers against output captured from real MooseFS 3.0.117 daemons
// (test/fixtures/status/capture.sh and test/fixtures/runbooks/captured/).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { infoNumber, lastChangelogVersion, parseLoad, parseMfscli, parseNumber } from '../../../src/status/parse-mfscli.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/status', name), 'utf8');
const runbookCapture = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/runbooks/captured', name), 'utf8');

describe('parseMfscli on captured output', () => {
  it("-SHD of chunkservers with two data folders each (the seeds' layout, captured on the practice cluster): one row per disk", () => {
    const r = parseMfscli(fixture('SHD-two-folders.txt'));
    assert.deepEqual(r.problems, []);
    const disks = r.disks ?? [];
    assert.equal(disks.length, 6);
    for (const ip of ['10.77.0.21', '10.77.0.22', '10.77.0.23']) {
      assert.deepEqual(
        disks.filter((d) => d.ip === ip).map((d) => d.path),
        ['/mnt/mfs1/', '/mnt/mfs2/'],
        ip,
      );
    }
    const d = disks.find((x) => x.ip === '10.77.0.22' && x.path === '/mnt/mfs2/')!;
    assert.deepEqual(d, { ip: '10.77.0.22', port: 9422, path: '/mnt/mfs2/', chunks: 3, status: 'ok', used: 24554725376, total: 108944293888 });
  });

  it('healthy cluster: masters with thousands separators, info, matrix, chunkservers, metalogger', () => {
    const r = parseMfscli(fixture('healthy-goal3.txt'));
    assert.equal(r.noMaster, false);
    assert.deepEqual(r.problems, []);
    assert.equal(r.masters.length, 1);
    assert.equal(r.masters[0]!.ip, '10.251.9.1');
    assert.equal(r.masters[0]!.metadataVersion, 1510);
    assert.equal(r.masters[0]!.answering, true);
    assert.equal(r.masters[0]!.state, '-');
    assert.equal(infoNumber(r, 'total space'), 217888587776);
    assert.equal(infoNumber(r, 'files'), 300);
    assert.equal(infoNumber(r, 'last successful store'), undefined);
    assert.equal(r.chunkClasses?.undergoal, 300);
    assert.equal(r.chunkClasses?.missing, 0);
    assert.deepEqual(r.goalMatrix, [{ goal: 3, copies: 2, chunks: 300 }]);
    assert.equal(r.chunkservers.length, 2);
    const cs = r.chunkservers[1]!;
    assert.deepEqual([cs.ip, cs.port, cs.id, cs.labels, cs.version, cs.load, cs.maintenance, cs.chunks], ['10.251.9.1', 9423, 2, '-', '3.0.117', 0, 'off', 300]);
    assert.equal(cs.total, 108944293888);
    assert.equal(cs.loadMark, undefined);
    assert.deepEqual(r.disconnected, []);
    assert.deepEqual(r.metaloggers, [{ ip: '10.251.9.1', version: '3.0.117' }]);
    assert.deepEqual([...r.sections].sort(), ['CS', 'IC', 'IG', 'IM', 'MB']);
  });

  it('a stopped chunkserver: disconnected row with its maintenance, endangered chunks', () => {
    const r = parseMfscli(fixture('chunkserver-down.txt'));
    assert.deepEqual(r.disconnected, [{ ip: '10.251.9.1', port: 9422, id: 1, maintenance: 'temp' }]);
    assert.equal(r.chunkservers.length, 1);
    assert.equal(r.chunkClasses?.endangered, 300);
    assert.equal(r.masters[0]!.cpu, undefined, 'CPU not available');
    assert.equal(parseMfscli(fixture('SIM-one-dead.txt')).masters[1]!.cpu?.all, 1.3021066);
  });

  it('a master with no chunkservers: sections present, no rows, zero space', () => {
    const r = parseMfscli(fixture('SIN-no-chunkservers.txt'));
    assert.equal(r.noMaster, false);
    assert.equal(r.masters[0]!.metadataVersion, 2);
    assert.equal(infoNumber(r, 'total space'), 0);
    assert.equal(r.info['CPU used'], 'not available');
    assert.deepEqual(r.chunkservers, []);
    assert.ok(r.chunkClasses);
    const scs = parseMfscli(fixture('SCS-no-chunkservers.txt'));
    assert.deepEqual([scs.noMaster, scs.chunkservers.length, scs.disconnected.length, scs.problems.length], [false, 0, 0, 0]);
  });

  it('no master: "Working master servers not found" and a DEAD row, exit code irrelevant', () => {
    const r = parseMfscli(fixture('no-master.txt'));
    assert.equal(r.noMaster, true);
    assert.equal(r.masters.length, 1);
    assert.equal(r.masters[0]!.answering, false);
    assert.equal(r.masters[0]!.state, 'DEAD');
    assert.equal(r.masters[0]!.metadataVersion, undefined);
    assert.equal(r.chunkClasses, undefined);
    assert.deepEqual(r.problems, []);
  });

  it('two masters answering on two addresses; one dead and one answering', () => {
    const two = parseMfscli(fixture('SIM-two-masters.txt'));
    assert.deepEqual(
      two.masters.map((m) => [m.ip, m.answering, m.metadataVersion]),
      [
        ['10.251.9.1', true, 1510],
        ['10.251.9.2', true, 2],
      ],
    );
    const one = parseMfscli(fixture('SIM-one-dead.txt'));
    assert.deepEqual(
      one.masters.map((m) => [m.ip, m.answering]),
      [
        ['10.251.9.1', false],
        ['10.251.9.2', true],
      ],
    );
  });

  it('load marks [N] (N) <N> and maintenance on/tmp (edited rows)', () => {
    const r = parseMfscli(fixture('SCS-load-marks-edited.txt'));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.chunkservers.map((c) => [c.load, c.loadMark, c.maintenance]),
      [
        [12, '[]', 'on'],
        [7, '()', 'temp'],
        [3, '<>', 'off'],
      ],
    );
    assert.deepEqual(r.chunkservers[1]!.removal, { chunks: 4, used: 1000, total: 2000 });
    assert.equal(r.chunkservers[1]!.labels, 'A,B');
  });

  it('the earlier runbook captures parse too', () => {
    assert.equal(parseMfscli(runbookCapture('mfscli-SCS-chunkserver-gone.txt')).disconnected.length, 1);
    assert.equal(parseMfscli(runbookCapture('mfscli-SCS-healthy.txt')).chunkservers.length, 1);
    assert.equal(parseMfscli(runbookCapture('mfscli-SCS-no-master.txt')).noMaster, true);
    assert.equal(parseMfscli(runbookCapture('mfscli-SMB-none.txt')).metaloggers.length, 0);
  });

  it('a truncated row is a problem with its line number, not a crash', () => {
    const r = parseMfscli('chunk servers:|10.0.0.1|9422|1\nchunk servers:|10.0.0.1|9422|1|-|3.0.117|x|maintenance_off|0|0|0|-|0|0|0\n');
    assert.equal(r.chunkservers.length, 0);
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[0]!, /^line 1: /);
    assert.match(r.problems[1]!, /^line 2: .*non-numeric/);
  });
});

describe('small parsers', () => {
  it('numbers with separators, loads, changelog versions', () => {
    assert.equal(parseNumber('1 234 567'), 1234567);
    assert.equal(parseNumber('-'), undefined);
    assert.equal(parseNumber('not available'), undefined);
    assert.deepEqual(parseLoad('[5]'), { load: 5, mark: '[]' });
    assert.equal(parseLoad('[5)'), undefined);
    assert.equal(lastChangelogVersion(fixture('changelog_ml-tail.txt')), 1509);
    assert.equal(lastChangelogVersion(''), undefined);
  });
});
