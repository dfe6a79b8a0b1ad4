import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildVariables, renderTemplate, templateNames, variableProblem } from '../../../src/runbook/template.ts';
import { sampleInventory } from '../../support/sample-inventory.ts';

describe('buildVariables', () => {
  const inv = sampleInventory();

  it('has the VIP, cluster and paths', () => {
    const v = buildVariables(inv, {});
    assert.equal(v['vip'], '10.99.0.100');
    assert.equal(v['vip.address'], '10.99.0.100');
    assert.equal(v['vip.interface'], 'eth0');
    assert.equal(v['vip.prefix'], '24');
    assert.equal(v['cluster'], 'lab');
    assert.equal(v['paths.data'], '/var/lib/mfs');
    assert.equal(v['paths.config'], '/etc/mfs');
    assert.equal(v['paths.mount'], '/mnt/mfs');
  });

  it('has every host by name with address, name, port and user', () => {
    const v = buildVariables(inv, {});
    assert.equal(v['hosts.m1.address'], '10.99.0.11');
    assert.equal(v['hosts.m1.name'], 'm1');
    assert.equal(v['hosts.m1.port'], '2222');
    assert.equal(v['hosts.m1.user'], 'ops');
    assert.equal(v['hosts.ml.address'], '10.99.0.13');
  });

  it('a role selects the first host with that role in inventory order', () => {
    const v = buildVariables(inv, {});
    assert.equal(v['hosts.master-candidate.name'], 'm1');
    assert.equal(v['hosts.chunkserver.name'], 'cs1');
    // m2 comes before ml and is also a metalogger.
    assert.equal(v['hosts.metalogger.name'], 'm2');
    assert.equal(v['hosts.metalogger.address'], '10.99.0.12');
    assert.equal(v['hosts.client.name'], undefined, 'no client in this inventory');
  });

  it('hosts.<role>.addresses lists every host with that role, in inventory order', () => {
    const v = buildVariables(inv, {});
    const want = (role: string) =>
      inv.hosts
        .filter((h) => (h.roles as string[]).includes(role))
        .map((h) => h.address)
        .join(' ');
    assert.ok(want('metalogger').includes(' '), 'two metaloggers in this inventory');
    assert.equal(v['hosts.metalogger.addresses'], want('metalogger'));
    assert.equal(v['hosts.chunkserver.addresses'], want('chunkserver'));
    assert.equal(v['hosts.client.addresses'], undefined, 'no client in this inventory');
    assert.equal(v['hosts.m1.addresses'], undefined, 'a field of roles, not of hosts');
  });

  it('host.* only when a target host is given; inputs are namespaced', () => {
    assert.equal(buildVariables(inv, {})['host.name'], undefined);
    const v = buildVariables(inv, { target: 'cs2' }, inv.hosts[3]);
    assert.equal(v['host.name'], 'cs2');
    assert.equal(v['host.address'], '10.99.0.22');
    assert.equal(v['inputs.target'], 'cs2');
  });
});

describe('renderTemplate', () => {
  const vars = buildVariables(sampleInventory(), { n: '3' });

  it('replaces names, with or without spaces inside the braces', () => {
    const r = renderTemplate('ping -c {{inputs.n}} {{ vip }} via {{  vip.interface}}', vars);
    assert.deepEqual(r, { text: 'ping -c 3 10.99.0.100 via eth0', missing: [] });
  });

  it('leaves unknown names in place and lists each once', () => {
    const r = renderTemplate('{{nope}} {{ hosts.zz.address }} {{nope}} {{vip}}', vars);
    assert.equal(r.text, '{{nope}} {{ hosts.zz.address }} {{nope}} 10.99.0.100');
    assert.deepEqual(r.missing, ['nope', 'hosts.zz.address']);
  });

  it('does not treat a value as a template again', () => {
    const r = renderTemplate('{{inputs.x}}', { 'inputs.x': '{{vip}}', vip: 'no' });
    assert.equal(r.text, '{{vip}}');
  });

  it('leaves shell braces alone', () => {
    const script = "awk '{print $1}' f; echo ${HOME}";
    assert.deepEqual(renderTemplate(script, vars), { text: script, missing: [] });
  });
});

describe('templateNames', () => {
  it('gives trimmed names and the offset of each {{', () => {
    assert.deepEqual(templateNames('a {{ vip }}\n{{hosts.m1.address}}{{}}'), [
      { name: 'vip', offset: 2 },
      { name: 'hosts.m1.address', offset: 12 },
      { name: '', offset: 32 },
    ]);
  });
});

describe('variableProblem', () => {
  const inputs = new Set(['target']);
  const base = { inputs, hostScope: true };

  it('accepts every documented variable', () => {
    for (const name of [
      'vip',
      'vip.address',
      'vip.interface',
      'vip.prefix',
      'cluster',
      'paths.data',
      'paths.config',
      'paths.mount',
      'hosts.m1.address',
      'hosts.m1.port',
      'hosts.metalogger.user',
      'hosts.chunkserver.name',
      'host.name',
      'host.address',
      'inputs.target',
    ])
      assert.equal(variableProblem(name, base), undefined, name);
  });

  it('refuses unknown namespaces, fields and undeclared inputs', () => {
    assert.match(variableProblem('vipp', base)!, /^unknown variable \{\{vipp\}\}/);
    assert.match(variableProblem('vip.mask', base)!, /^unknown variable \{\{vip.mask\}\}/);
    assert.match(variableProblem('hosts.m1.ip', base)!, /^bad variable/);
    assert.match(variableProblem('host.user', base)!, /host\.name, host\.address, host\.chunk_folders/);
    assert.match(variableProblem('inputs.other', base)!, /no input "other" is declared/);
    assert.match(variableProblem('', base)!, /empty variable/);
  });

  it('hosts.<role>.addresses: only for a role, and with an inventory only for a role some host has', () => {
    assert.equal(variableProblem('hosts.master-candidate.addresses', base), undefined);
    assert.match(variableProblem('hosts.m1.addresses', base)!, /^bad variable \{\{hosts\.m1\.addresses\}\}: addresses is a field of a role/);
    const inventory = sampleInventory();
    assert.equal(variableProblem('hosts.chunkserver.addresses', { ...base, inventory }), undefined);
    assert.match(variableProblem('hosts.client.addresses', { ...base, inventory })!, /no host in \/etc\/mfs-tui\/lab.yaml has the role client/);
  });

  it('host.* outside a command block is an error', () => {
    assert.match(variableProblem('host.name', { inputs, hostScope: false })!, /only defined inside a command block/);
  });

  it('checks host names against an inventory only when one is given', () => {
    assert.equal(variableProblem('hosts.m9.address', base), undefined);
    const inventory = sampleInventory();
    assert.match(variableProblem('hosts.m9.address', { ...base, inventory })!, /"m9" is neither a role nor a host in \/etc\/mfs-tui\/lab.yaml/);
    assert.equal(variableProblem('hosts.m2.address', { ...base, inventory }), undefined);
    assert.equal(variableProblem('hosts.metalogger.address', { ...base, inventory }), undefined);
    assert.equal(variableProblem('hosts.client.address', base), undefined, 'without an inventory every role is fine');
    assert.match(variableProblem('hosts.client.address', { ...base, inventory })!, /no host in \/etc\/mfs-tui\/lab.yaml has the role client/);
  });
});
