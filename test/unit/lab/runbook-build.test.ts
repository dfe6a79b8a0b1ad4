// The inputs `lab up --via-runbooks` gives install-cluster and keepalived-ha: every input
// without a default is answered, and every answer passes the runbook's own pattern/choices.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { planHosts } from '../../../src/lab/layout.ts';
import { runbookInputs } from '../../../src/lab/runbook-build.ts';
import { builtinRunbookDir, loadRunbookFiles } from '../../../src/runbook/library.ts';

describe('lab up via runbooks: the inputs', () => {
  const hosts = planHosts(3);
  const given = runbookInputs(hosts);
  const { runbooks, problems } = loadRunbookFiles(['install-cluster', 'keepalived-ha'].map((id) => path.join(builtinRunbookDir(), `${id}.md`)));

  it('loads both runbooks without problems', () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(runbooks.map((r) => r.id).sort(), ['install-cluster', 'keepalived-ha']);
  });

  for (const [id, init, monitoring] of [
    ['install-cluster', 'none', false],
    ['install-cluster', 'systemd', false],
    ['install-cluster', 'systemd', true],
    ['keepalived-ha', 'none', false],
  ] as const) {
    it(`${id} (${init} hosts${monitoring ? ', monitoring' : ''}): every input is answered or has a default, and every answer is valid`, () => {
      const rb = runbooks.find((r) => r.id === id)!;
      const answers = runbookInputs(planHosts(3, { monitoring }), init)[id]!;
      for (const input of rb.inputs) {
        const v = answers[input.name];
        assert.ok(v !== undefined || input.default !== undefined, `${id}: input ${input.name} has no default and no answer`);
        if (v === undefined) continue;
        if (input.pattern) assert.match(v, new RegExp(`^(?:${input.pattern})$`), `${id}: ${input.name}=${v}`);
        if (input.choices) assert.ok(input.choices.includes(v), `${id}: ${input.name}=${v} not in ${input.choices.join(',')}`);
      }
      for (const name of Object.keys(answers))
        assert.ok(
          rb.inputs.some((i) => i.name === name),
          `${id} has no input ${name}`,
        );
    });
  }

  it('the majority check lists exactly the lab chunkservers; clients are the lab subnet', () => {
    assert.equal(given['keepalived-ha']!.chunkservers, '10.77.0.21 10.77.0.22 10.77.0.23');
    assert.equal(given['install-cluster']!.clients_net, '10.77.0.0/24');
  });

  it("the seeds' firewall on systemd hosts only (iptables), with Prometheus's and node_exporter's ports when mon scrapes them", () => {
    assert.equal(given['install-cluster']!.firewall, 'none');
    assert.deepEqual({ ...runbookInputs(hosts, 'systemd')['install-cluster'] }, { ...given['install-cluster'], firewall: 'iptables', firewall_ports: 'none' });
    assert.equal(runbookInputs(planHosts(3, { monitoring: true }), 'systemd')['install-cluster']!.firewall_ports, '9090 9100');
    assert.equal(given['keepalived-ha']!.firewall, 'none');
    assert.equal(runbookInputs(hosts, 'systemd')['keepalived-ha']!.firewall, 'auto');
    // lab up --firewalld: auto, which must find firewalld running on every host.
    assert.equal(runbookInputs(hosts, 'systemd', true)['install-cluster']!.firewall, 'auto');
  });
});
