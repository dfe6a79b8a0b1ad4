import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostsNeedingFacts, needsVipHolder, planStep, resolveTargets } from '../../../src/engine/plan.ts';
import { parseTarget, targetsKey } from '../../../src/runbook/attributes.ts';
import type { HostFacts } from '../../../src/runbook/facts.ts';
import type { TargetSpec } from '../../../src/runbook/types.ts';
import { block, commandStep, inventory, on } from '../../support/engine-fixtures.ts';

const inv = inventory();
const debian: HostFacts = { os: 'debian', osId: 'debian', osVersion: '12', init: 'systemd', mfs: '3.0.117', hostname: 'x' };
const rhel: HostFacts = { os: 'rhel', osId: 'rocky', osVersion: '9', init: 'none', mfs: '3.0.116', hostname: 'y' };

describe('resolveTargets', () => {
  const hostsOf = (targets: (string | TargetSpec)[], extra: object = {}) =>
    resolveTargets(commandStep('s', block('x', { targets: on(...targets) })), { inventory: inv, inputs: { who: 'cs2', bad: 'nobody' }, ...extra });

  it('a role is every host with it, in inventory order', () => {
    assert.deepEqual(hostsOf(['chunkserver']).hosts, ['cs1', 'cs2']);
    assert.deepEqual(hostsOf(['master-candidate']).hosts, ['m1', 'm2']);
  });
  it('host names, local, all, and a comma list without duplicates', () => {
    assert.deepEqual(hostsOf(['m2']).hosts, ['m2']);
    assert.deepEqual(hostsOf(['local']).hosts, ['local']);
    assert.deepEqual(hostsOf(['all']).hosts, ['m1', 'm2', 'cs1', 'cs2']);
    assert.deepEqual(hostsOf(['cs2', 'chunkserver', 'm1']).hosts, ['cs2', 'cs1', 'm1']);
  });
  it('vip-holder is whatever the caller found, and a problem when nobody holds it', () => {
    assert.deepEqual(hostsOf(['vip-holder'], { vipHolder: 'm2' }).hosts, ['m2']);
    assert.deepEqual(hostsOf(['vip-holder']).problems, ['no master candidate holds the VIP 10.0.0.100 now']);
    assert.ok(needsVipHolder(commandStep('s', block('x', { targets: on('vip-holder') }))));
    assert.ok(!needsVipHolder(commandStep('s', block('x', { targets: on('m1') }))));
  });
  it('a template renders to a host name', () => {
    assert.deepEqual(hostsOf(['{{inputs.who}}']).hosts, ['cs2']);
    assert.deepEqual(hostsOf(['{{inputs.bad}}']).problems, ['target {{inputs.bad}} is "nobody", which is not a host in /nowhere/inventory.yaml']);
    assert.deepEqual(hostsOf(['{{inputs.nope}}']).problems, ['target {{inputs.nope}}: undefined {{inputs.nope}}']);
  });
  it('unknown hosts and empty roles are problems, not crashes', () => {
    assert.deepEqual(hostsOf(['m9']).problems, ['host m9 is not in /nowhere/inventory.yaml']);
    assert.deepEqual(hostsOf(['cgi']).problems, ['no host in /nowhere/inventory.yaml has the role cgi']);
  });
  it('an optional role (`on=cgi?`) with no host is no problem: the step has no hosts, and is skipped', () => {
    const t = parseTarget('cgi?');
    assert.deepEqual(t, { kind: 'role', role: 'cgi', optional: true });
    assert.deepEqual(hostsOf([t as TargetSpec]), { hosts: [], problems: [], notHosts: [] });
    assert.deepEqual(hostsOf([parseTarget('chunkserver?') as TargetSpec]).hosts, ['cs1', 'cs2']);
    assert.ok('error' in parseTarget('nosuchrole?'));
    assert.equal(targetsKey([t as TargetSpec]) === targetsKey([parseTarget('cgi') as TargetSpec]), false, 'optional and required are different targets');
  });
});

describe('planStep', () => {
  it('renders each host with its own variables, the check too', () => {
    const step = commandStep(
      's',
      block('ping -c1 {{host.address}} # {{vip}} {{hosts.metalogger.name}}', {
        targets: on('chunkserver'),
        check: { script: 'test {{host.name}} = {{inputs.x}}', timeoutMs: 1, expectExit: [0], pos: { line: 1, column: 1 } },
      }),
    );
    const plan = planStep(step, { inventory: inv, inputs: { x: 'cs1' } });
    assert.deepEqual(plan.problems, []);
    assert.deepEqual(
      plan.commands.map((c) => [c.host, c.script, c.check]),
      [
        ['cs1', 'ping -c1 10.0.0.11 # 10.0.0.100 m2', 'test cs1 = cs1'],
        ['cs2', 'ping -c1 10.0.0.12 # 10.0.0.100 m2', 'test cs2 = cs1'],
      ],
    );
  });

  it('chooses each host’s block by its facts; a host no block fits is skipped with the reason', () => {
    const step = commandStep(
      'install',
      block('apt-get install -y moosefs-chunkserver', { targets: on('chunkserver'), when: [{ fact: 'os', op: '=', value: 'debian' }] }),
      block('yum install -y moosefs-chunkserver', {
        targets: on('chunkserver'),
        when: [
          { fact: 'os', op: '=', value: 'rhel' },
          { fact: 'init', op: '=', value: 'systemd' },
        ],
      }),
    );
    const facts = (h: string) => (h === 'cs1' ? debian : rhel);
    assert.deepEqual(hostsNeedingFacts(step, { inventory: inv, inputs: {} }, ['cs1', 'cs2']), ['cs1', 'cs2']);
    const plan = planStep(step, { inventory: inv, inputs: {}, facts });
    assert.deepEqual(plan.problems, []);
    assert.equal(plan.commands[0]!.script, 'apt-get install -y moosefs-chunkserver');
    assert.equal(plan.commands[1]!.script, '');
    assert.equal(plan.commands[1]!.skipReason, 'no command variant fits cs2: os=rhel (rocky), init=none, mfs=3.0.116');
    const bothRhelSystemd = planStep(step, { inventory: inv, inputs: {}, facts: () => ({ ...rhel, init: 'systemd' }) });
    assert.deepEqual(
      bothRhelSystemd.commands.map((c) => c.script),
      ['yum install -y moosefs-chunkserver', 'yum install -y moosefs-chunkserver'],
    );
  });

  it('does not need facts when no block has conditions; says so when needed facts are unknown', () => {
    const plain = commandStep('p', block('true', { targets: on('m1') }));
    assert.deepEqual(hostsNeedingFacts(plain, { inventory: inv, inputs: {} }, ['m1']), []);
    const cond = commandStep('c', block('true', { targets: on('m1'), when: [{ fact: 'init', op: '=', value: 'systemd' }] }));
    assert.deepEqual(planStep(cond, { inventory: inv, inputs: {} }).problems, ['m1: host facts unknown, needed to choose the command variant']);
  });

  it('missing variables are problems naming the host and the variables', () => {
    const step = commandStep('s', block('echo {{inputs.nope}} {{hosts.m1.addres}}', { targets: on('m1') }));
    const plan = planStep(step, { inventory: inv, inputs: {} });
    assert.deepEqual(plan.problems, ['m1: undefined {{inputs.nope}}, {{hosts.m1.addres}} in the command of step s']);
  });

  it('local gets host.name local; given hosts override target resolution (a resumed step)', () => {
    const step = commandStep('s', block('echo {{host.name}}', { targets: on('vip-holder') }));
    const plan = planStep(step, { inventory: inv, inputs: {}, hosts: ['m2'] });
    assert.deepEqual(plan.problems, []);
    assert.deepEqual(
      plan.commands.map((c) => [c.host, c.script]),
      [['m2', 'echo m2']],
    );
    const local = planStep(commandStep('l', block('echo {{host.name}}')), { inventory: inv, inputs: {} });
    assert.deepEqual(
      local.commands.map((c) => [c.host, c.script]),
      [['local', 'echo local']],
    );
  });
});
