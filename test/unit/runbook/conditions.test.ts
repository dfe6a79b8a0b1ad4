import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseBlock, compareVersions, matchesFacts, parseConditions } from '../../../src/runbook/conditions.ts';
import type { HostFacts } from '../../../src/runbook/facts.ts';
import type { CommandBlock, Step } from '../../../src/runbook/types.ts';

const debian: HostFacts = { os: 'debian', osId: 'debian', osVersion: '12', init: 'systemd', mfs: '3.0.117', hostname: 'm1' };
const rocky: HostFacts = { os: 'rhel', osId: 'rocky', osVersion: '9.3', init: 'none', mfs: '3.0.99', hostname: 'm2' };
const bare: HostFacts = { os: 'unknown', osId: 'unknown', osVersion: '', init: 'none', hostname: 'x' };

describe('parseConditions', () => {
  it('reads each operator', () => {
    assert.deepEqual(parseConditions('os=debian  init!=systemd mfs>=3.0.100 mfs<=4 mfs>3 mfs<3.1'), {
      conditions: [
        { fact: 'os', op: '=', value: 'debian' },
        { fact: 'init', op: '!=', value: 'systemd' },
        { fact: 'mfs', op: '>=', value: '3.0.100' },
        { fact: 'mfs', op: '<=', value: '4' },
        { fact: 'mfs', op: '>', value: '3' },
        { fact: 'mfs', op: '<', value: '3.1' },
      ],
    });
    assert.deepEqual(parseConditions(''), { conditions: [] });
  });

  it('names the bad condition', () => {
    assert.match(parseConditions('os=debian arch=x86').error!, /^unknown fact "arch" in "arch=x86"/);
    assert.equal(parseConditions('os=debian arch=x86').conditions.length, 1);
    assert.match(parseConditions('os>debian').error!, /os can only be compared with = or !=/);
    assert.match(parseConditions('init=upstart').error!, /bad init "upstart"/);
    assert.match(parseConditions('mfs>=3.0.x').error!, /bad MooseFS version "3.0.x"/);
    assert.match(parseConditions('mfs>=').error!, /has no value/);
    assert.match(parseConditions('debian').error!, /^bad condition "debian"/);
  });
});

describe('compareVersions', () => {
  it('compares numerically part by part', () => {
    assert.equal(compareVersions('3.0.117', '3.0.100'), 1);
    assert.equal(compareVersions('3.0.99', '3.0.117'), -1, 'not as strings');
    assert.equal(compareVersions('3.0', '3.0.0'), 0, 'missing parts are 0');
    assert.equal(compareVersions('3.0.117-1', '3.0.117'), 0, 'package suffix ignored');
    assert.equal(compareVersions('4.0.0', '3.99.999'), 1);
  });
});

describe('matchesFacts', () => {
  it('os matches the family or the exact os-release ID', () => {
    assert.equal(matchesFacts(parseConditions('os=rhel').conditions, rocky), true);
    assert.equal(matchesFacts(parseConditions('os=rocky').conditions, rocky), true);
    assert.equal(matchesFacts(parseConditions('os!=debian').conditions, rocky), true);
    assert.equal(matchesFacts(parseConditions('os=debian').conditions, rocky), false);
  });

  it('all conditions must hold', () => {
    const c = parseConditions('os=debian init=systemd mfs>=3.0.100').conditions;
    assert.equal(matchesFacts(c, debian), true);
    assert.equal(matchesFacts(c, { ...debian, init: 'none' }), false);
    assert.equal(matchesFacts(c, { ...debian, mfs: '3.0.99' }), false);
    assert.equal(matchesFacts([], bare), true);
  });

  it('version operators', () => {
    const m = (s: string, f: HostFacts) => matchesFacts(parseConditions(s).conditions, f);
    assert.equal(m('mfs=3.0.117', debian), true);
    assert.equal(m('mfs!=3.0.117', debian), false);
    assert.equal(m('mfs>3.0.116', debian), true);
    assert.equal(m('mfs<3.0.117', debian), false);
    assert.equal(m('mfs<=3.0.117', debian), true);
    assert.equal(m('mfs<3.0.100', rocky), true);
  });

  it('no mfs condition holds when the version is unknown', () => {
    for (const s of ['mfs>=1', 'mfs<99', 'mfs!=3.0.117', 'mfs=3.0.117']) assert.equal(matchesFacts(parseConditions(s).conditions, bare), false, s);
  });
});

describe('chooseBlock', () => {
  const block = (script: string, when: string): CommandBlock => ({
    script,
    targets: [{ kind: 'all' }],
    confirm: 'yes',
    timeoutMs: 60_000,
    expectExit: [0],
    when: parseConditions(when).conditions,
    parallel: 1,
    pos: { line: 1, column: 1 },
  });
  const step: Step = {
    id: 's',
    title: 'S',
    prose: '',
    kind: 'command',
    requires: [],
    hash: '',
    pos: { line: 1, column: 1 },
    commands: [block('apt systemd', 'os=debian init=systemd'), block('yum', 'os=rhel'), block('fallback', '')],
  };

  it('takes the first block whose when holds', () => {
    assert.equal(chooseBlock(step, debian)?.script, 'apt systemd');
    assert.equal(chooseBlock(step, rocky)?.script, 'yum');
    assert.equal(chooseBlock(step, { ...debian, init: 'none' })?.script, 'fallback');
  });

  it('gives undefined when no block fits', () => {
    assert.equal(chooseBlock({ ...step, commands: step.commands.slice(0, 2) }, bare), undefined);
  });
});
