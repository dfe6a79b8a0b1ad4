// Inventory values reach commands: each is checked against what it is (host name, address,
// user, port, absolute path, interface, cluster name), with the field named; and bad input
// stays cheap: an alias bomb, a file over 1 MB and absurd nesting give a located error fast.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InventoryError, loadInventory, type InventoryProblem } from '../../../src/inventory/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'mfs-tui-inv-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function problemsOf(text: string): Promise<InventoryProblem[]> {
  const file = join(dir, `inv-${n++}.yaml`);
  writeFileSync(file, text);
  try {
    await loadInventory(file);
  } catch (err) {
    assert.ok(err instanceof InventoryError, `expected InventoryError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('loaded without problems');
}

const base = {
  cluster: 'prod',
  vip: '{ address: 192.0.2.100, interface: eth0, prefix: 24 }',
  paths: '{ data: /var/lib/mfs, config: /etc/mfs, mount: /mnt/mfs }',
  host: '{ name: m1, address: 192.0.2.11, user: root, port: 22, roles: [master-candidate] }',
};
const inventory = (o: Partial<typeof base>) => {
  const v = { ...base, ...o };
  return `cluster: ${v.cluster}\nvip: ${v.vip}\npaths: ${v.paths}\nhosts:\n  - ${base.host}\n  - ${v.host}\n`;
};

describe('inventory values are checked against what they are', () => {
  const cases: [string, Partial<typeof base>, string, RegExp][] = [
    ['a command in the cluster name', { cluster: '"prod$(reboot)"' }, 'cluster', /must be a cluster name/],
    ['a newline in the cluster name', { cluster: '"prod\\n}\\nvrrp_script x {"' }, 'cluster', /must be a cluster name/],
    ['an option as the interface', { vip: '{ address: 192.0.2.100, interface: "-f", prefix: 24 }' }, 'vip.interface', /network interface name/],
    ['a command in the interface', { vip: '{ address: 192.0.2.100, interface: "e;reboot", prefix: 24 }' }, 'vip.interface', /network interface name/],
    ['a relative path', { paths: '{ data: var/lib/mfs }' }, 'paths.data', /must be an absolute path/],
    ['a space in a path', { paths: '{ config: "/etc/m fs" }' }, 'paths.config', /no spaces, quotes or shell characters/],
    ['a command in a path', { paths: '{ mount: "/mnt/$(reboot)" }' }, 'paths.mount', /no spaces, quotes or shell characters/],
    ['backticks in a path', { paths: '{ data: "/srv/`id`" }' }, 'paths.data', /no spaces, quotes or shell characters/],
    ['.. in a path', { paths: '{ data: /srv/../etc }' }, 'paths.data', /no \. or \.\. parts/],
    ['a command as the address', { host: '{ name: m2, address: "$(reboot)", roles: [] }' }, 'hosts[1].address', /not a valid IP address or host name/],
    ['a second command after an address', { host: '{ name: m2, address: "192.0.2.12; reboot", roles: [] }' }, 'hosts[1].address', /not a valid IP address or host name/],
    ['an IPv4 address out of range', { host: '{ name: m2, address: 192.0.2.300, roles: [] }' }, 'hosts[1].address', /not a valid IP address or host name/],
    ['a quote in the user', { host: '{ name: m2, address: 192.0.2.12, user: "ro\'ot", roles: [] }' }, 'hosts[1].user', /must be a user name/],
    ['an option as the host name', { host: '{ name: "-oProxyCommand=x", address: 192.0.2.12, roles: [] }' }, 'hosts[1].name', /must be a host name/],
    ['a port out of range', { host: '{ name: m2, address: 192.0.2.12, port: 70000, roles: [] }' }, 'hosts[1].port', /at most 65535/],
  ];
  for (const [what, o, path, message] of cases) {
    it(`${what}: ${path}`, async () => {
      const problems = await problemsOf(inventory(o));
      const p = problems.find((x) => x.path === path);
      assert.ok(p, `no problem at ${path}: ${JSON.stringify(problems)}`);
      assert.match(p.message, message);
      assert.ok(p.line > 0 && p.column > 0);
    });
  }

  it('IPv6 addresses and DNS names are accepted', async () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, inventory({ host: '{ name: m2.example, address: "2001:db8::12", roles: [] }', vip: '{ address: 192.0.2.100, interface: "eth0.100", prefix: 24 }' }));
    const inv = await loadInventory(file);
    assert.equal(inv.hosts[1]!.address, '2001:db8::12');
  });

  it('a HostName from ssh_config is checked too', async () => {
    const cfg = join(dir, 'ssh_config');
    writeFileSync(cfg, 'Host evil\n  HostName bad_host$name\n');
    const problems = await problemsOf(`cluster: c\nvip: { address: 192.0.2.100, interface: eth0, prefix: 24 }\nssh: { config: ${cfg} }\nhosts:\n  - { name: evil, roles: [] }\n`);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.path, 'hosts[0].name');
    assert.match(problems[0]!.message, /ssh_config gives this host the HostName 'bad_host\$name', which is not a valid IP address or host name/);
  });
});

describe('bad input stays cheap', () => {
  async function timed(text: string): Promise<{ problems: InventoryProblem[]; ms: number }> {
    const t0 = performance.now();
    const problems = await problemsOf(text);
    return { problems, ms: performance.now() - t0 };
  }

  it('an alias bomb: a located error, not millions of nodes', async () => {
    let bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
    let prev = 'a';
    for (let i = 0; i < 9; i++) {
      bomb += `b${i}: &b${i} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]\n`;
      prev = `b${i}`;
    }
    const { problems, ms } = await timed(bomb);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /YAML aliases expand to too many nodes/);
    assert.deepEqual([problems[0]!.line, problems[0]!.column], [2, 10]);
    assert.ok(ms < 5000, `${ms} ms`);
  });

  it('a file over 1 MB is not read', async () => {
    const { problems, ms } = await timed(`cluster: c\n# ${'x'.repeat(1024 * 1024)}\n`);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /the file is 1\.0 MB, over the limit of 1 MB: not read/);
    assert.deepEqual([problems[0]!.line, problems[0]!.column], [1, 1]);
    assert.ok(ms < 5000, `${ms} ms`);
  });

  for (const [what, text, line] of [
    ['flow nesting', `cluster: c\nhosts: ${'['.repeat(500_000)}`, 2],
    ['block sequences', `cluster: c\nhosts:\n  ${'- '.repeat(400_000)}x\n`, 3],
    ['indentation', `cluster: c\n${Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')}\n`, 66],
  ] as const) {
    it(`absurd ${what}: a located error, fast`, async () => {
      const { problems, ms } = await timed(text);
      assert.equal(problems.length, 1);
      assert.match(problems[0]!.message, /YAML nested more than 64 levels deep: not read/);
      assert.equal(problems[0]!.line, line);
      assert.ok(ms < 5000, `${ms} ms`);
    });
  }
});
