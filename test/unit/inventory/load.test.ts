// Inventory loading: fixtures through the real loader, including real `ssh -G -F` runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadInventory, InventoryError, formatInventoryProblems, resolveSshConfig } from '../../../src/inventory/load.ts';
import type { InventoryProblem } from '../../../src/inventory/problems.ts';
import { didYouMean } from '../../../src/inventory/problems.ts';
import { parseSshG, sshGArgs } from '../../../src/inventory/ssh-config.ts';

const FIX = resolve(import.meta.dirname, '../../fixtures/inventory');
const fixture = (name: string) => join(FIX, name);

async function problemsOf(file: string): Promise<InventoryProblem[]> {
  try {
    await loadInventory(file);
  } catch (err) {
    assert.ok(err instanceof InventoryError, `expected InventoryError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail(`${file} loaded without problems`);
}

test('a complete inventory loads, explicit fields win, aliases resolve through ssh_config', async () => {
  const inv = await loadInventory(fixture('valid.yaml'));
  assert.equal(inv.cluster, 'prod-a');
  assert.equal(inv.file, fixture('valid.yaml'));
  assert.deepEqual(inv.vip, { address: '192.0.2.100', interface: 'eth0', prefix: 24 });
  assert.deepEqual(inv.paths, { data: '/srv/mfs', config: '/etc/mfs', mount: '/mnt/mfs' });
  assert.deepEqual(inv.knownHosts, [fixture('known_hosts')]);
  assert.equal(inv.sshConfig, fixture('ssh_config'));
  const [m1, m2, cs1] = inv.hosts;
  assert.deepEqual(m1, {
    name: 'm1',
    address: '192.0.2.11',
    port: 2201,
    user: 'root',
    identityFile: fixture('id_fixture'),
    agent: false,
    become: false,
    roles: ['master-candidate', 'client'],
    proxyJump: undefined,
  });
  // m2 has no address: ssh_config's `Host m2` block gives HostName, User, Port, ProxyJump.
  assert.equal(m2!.address, '192.0.2.12');
  assert.equal(m2!.user, 'admin');
  assert.equal(m2!.port, 2222);
  assert.equal(m2!.proxyJump, 'jump@bastion.example:2200');
  // The `Host *` IdentityFile does not exist, so it is not used; the agent is.
  assert.equal(m2!.identityFile, undefined);
  assert.equal(m2!.agent, true);
  // cs1 has an explicit address: it wins over HostName, but the block's User and Port apply.
  assert.equal(cs1!.address, '192.0.2.21');
  assert.equal(cs1!.user, 'ops');
  assert.equal(cs1!.port, 2022);
  assert.equal(cs1!.become, true);
});

test('paths default, known_hosts defaults to ~/.ssh/known_hosts', async () => {
  const inv = await loadInventory(fixture('minimal.yaml'));
  assert.deepEqual(inv.paths, { data: '/var/lib/mfs', config: '/etc/mfs', mount: '/mnt/mfs' });
  assert.equal(inv.knownHosts.length, 1);
  assert.match(inv.knownHosts[0]!, /\/\.ssh\/known_hosts$/);
  assert.equal(inv.hosts[0]!.port, 22);
  assert.equal(inv.hosts[0]!.become, false);
});

test('an unknown role names file, line, field path and suggests the right one', async () => {
  const problems = await problemsOf(fixture('bad-role.yaml'));
  assert.equal(problems.length, 1);
  const p = problems[0]!;
  assert.equal(p.file, fixture('bad-role.yaml'));
  assert.equal(p.path, 'hosts[2].roles[0]');
  assert.equal(p.line, 12);
  assert.equal(p.column, 13);
  assert.match(p.message, /unknown role 'chunk-server'; did you mean 'chunkserver'\?/);
  assert.match(formatInventoryProblems(problems), new RegExp(`^${fixture('bad-role.yaml')}:12:13: hosts\\[2\\]\\.roles\\[0\\]: unknown role`));
});

test('an unknown key is an error at the key, with a hint', async () => {
  const problems = await problemsOf(fixture('unknown-key.yaml'));
  assert.deepEqual(
    problems.map((p) => [p.line, p.column, p.path, p.message]),
    [[5, 5, 'hosts[0].adress', "unknown field 'adress'; did you mean 'address'?"]],
  );
});

test('duplicate host names are an error pointing at the second, naming the first', async () => {
  const problems = await problemsOf(fixture('duplicate-host.yaml'));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.path, 'hosts[1].name');
  assert.equal(problems[0]!.line, 7);
  assert.match(problems[0]!.message, /duplicate host name 'm1' \(first defined on line 4\)/);
});

test('invalid VIP, prefix, host address and a port given as a string are all reported', async () => {
  const problems = await problemsOf(fixture('bad-addresses.yaml'));
  const byPath = new Map(problems.map((p) => [p.path, p]));
  assert.equal(byPath.get('vip.address')?.line, 3);
  assert.match(byPath.get('vip.address')!.message, /must be an IP address/);
  assert.equal(byPath.get('vip.prefix')?.line, 5);
  assert.match(byPath.get('vip.prefix')!.message, /at most 32/);
  assert.equal(byPath.get('hosts[0].address')?.line, 8);
  assert.match(byPath.get('hosts[0].address')!.message, /'10\.0\.0\.256' is not a valid IP address/);
  assert.equal(byPath.get('hosts[0].port')?.line, 9);
  assert.match(byPath.get('hosts[0].port')!.message, /must be a number \(got a string\)/);
  assert.equal(problems.length, 4);
});

test('a value of the wrong kind is named in YAML words, with the right article', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-inv-'));
  try {
    const roles = join(dir, 'roles.yaml');
    writeFileSync(roles, 'cluster: c\nvip: { address: 10.0.0.100, interface: eth0, prefix: 24 }\nhosts:\n  - { name: m1, address: 10.0.0.1, roles: master-candidate }\n');
    assert.deepEqual(
      (await problemsOf(roles)).map((p) => `${p.path}: ${p.message}`),
      ['hosts[0].roles: must be a list (got a string)'],
    );
    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- m1\n');
    assert.match((await problemsOf(list))[0]!.message, /^must be a mapping \(got a list\)$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('broken YAML is reported with its position', async () => {
  const problems = await problemsOf(fixture('bad-yaml.yaml'));
  assert.ok(problems.length >= 1);
  assert.ok(problems[0]!.line >= 2, `line ${problems[0]!.line}`);
  assert.match(problems[0]!.message, /^YAML: /);
});

test('a missing file is an InventoryError, not a stack trace', async () => {
  const problems = await problemsOf(fixture('does-not-exist.yaml'));
  assert.match(problems[0]!.message, /cannot read the inventory: no such file/);
});

test('missing identity and ssh config files are named with their field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-inv-'));
  try {
    const file = join(dir, 'inv.yaml');
    writeFileSync(
      file,
      [
        'cluster: c',
        'vip: { address: 10.0.0.100, interface: eth0, prefix: 24 }',
        'ssh: { config: ./nope_config }',
        'hosts:',
        '  - { name: a, address: 10.0.0.1, identity: ./missing_key, roles: [client] }',
        '',
      ].join('\n'),
    );
    const problems = await problemsOf(file);
    assert.deepEqual(
      problems.map((p) => [p.path, p.line]),
      [
        ['ssh.config', 3],
        ['hosts[0].identity', 5],
      ],
    );
    assert.match(problems[1]!.message, new RegExp(`identity file ${join(dir, 'missing_key')} does not exist`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resolveSshConfig: IdentityFile order kept, only existing files, real ssh -G -F', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-sshg-'));
  try {
    const keyA = join(dir, 'key_a');
    const keyB = join(dir, 'key_b');
    writeFileSync(keyA, 'x');
    writeFileSync(keyB, 'x');
    const config = join(dir, 'config');
    writeFileSync(config, `Host db*\n  User dba\n  IdentityFile ${join(dir, 'missing')}\n  IdentityFile ${keyB}\n  IdentityFile ${keyA}\nHost *\n  Port 2200\n`);
    const r = await resolveSshConfig({ name: 'db7', configFile: config });
    assert.deepEqual(r, { hostname: 'db7', port: 2200, user: 'dba', identityFiles: [keyB, keyA], proxyJump: undefined });
    const explicit = await resolveSshConfig({ name: 'db7', configFile: config, port: 22, user: 'root', address: '10.9.9.9' });
    assert.equal(explicit.port, 22);
    assert.equal(explicit.user, 'root');
    assert.equal(explicit.hostname, '10.9.9.9');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resolveSshConfig: a broken ssh_config fails with ssh’s own message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-sshg-'));
  try {
    const config = join(dir, 'config');
    writeFileSync(config, 'Host x\n  NoSuchOption yes\n');
    await assert.rejects(resolveSshConfig({ name: 'x', configFile: config }), /ssh -G x failed: .*NoSuchOption|Bad configuration option/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pure helpers: ssh -G parsing, arguments, did-you-mean', () => {
  const g = parseSshG('user bob\nhostname h\nidentityfile ~/a\nidentityfile ~/b\n');
  assert.deepEqual(g.get('identityfile'), ['~/a', '~/b']);
  assert.deepEqual(sshGArgs({ name: 'm1', port: 2, user: 'u', address: '1.2.3.4', configFile: '/c' }), ['-G', '-F', '/c', '-p', '2', '-l', 'u', '-o', 'HostName=1.2.3.4', '--', 'm1']);
  assert.equal(didYouMean('chunk-server', ['master-candidate', 'chunkserver']), 'chunkserver');
  assert.equal(didYouMean('metaloger', ['metalogger', 'client']), 'metalogger');
  assert.equal(didYouMean('zzz', ['metalogger', 'client']), undefined);
});

test('chunk_folders: a list of checked absolute paths per chunkserver; each mistake named at its field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-inv-folders-'));
  const write = (hosts: string) => {
    const f = join(dir, 'inv.yaml');
    writeFileSync(f, `cluster: c\nvip: { address: 192.0.2.100, interface: eth0, prefix: 24 }\nhosts:\n${hosts}`);
    return f;
  };
  try {
    const ok = await loadInventory(
      write(
        '  - { name: c1, address: 192.0.2.21, user: root, roles: [chunkserver], chunk_folders: [/mnt/mfs1, /mnt/mfs2] }\n  - { name: c2, address: 192.0.2.22, user: root, roles: [chunkserver] }\n',
      ),
    );
    assert.deepEqual(ok.hosts[0]!.chunkFolders, ['/mnt/mfs1', '/mnt/mfs2']);
    assert.equal(ok.hosts[1]!.chunkFolders, undefined);
    const cases: [string, RegExp][] = [
      [
        '  - { name: c1, address: 192.0.2.21, user: root, roles: [chunkserver], chunk_folders: [/mnt/mfs1, mnt/mfs2] }\n',
        /inv\.yaml:4:\d+: hosts\[0\]\.chunk_folders\[1\]: 'mnt\/mfs2' must be an absolute path/,
      ],
      [
        '  - { name: c1, address: 192.0.2.21, user: root, roles: [chunkserver], chunk_folders: ["/mnt/mfs 1"] }\n',
        /hosts\[0\]\.chunk_folders\[0\]: '\/mnt\/mfs 1' must be an absolute path of letters/,
      ],
      ['  - { name: c1, address: 192.0.2.21, user: root, roles: [chunkserver], chunk_folders: ["/mnt/$(reboot)"] }\n', /hosts\[0\]\.chunk_folders\[0\]: .*no spaces, quotes or shell characters/],
      ['  - { name: c1, address: 192.0.2.21, user: root, roles: [chunkserver], chunk_folders: [] }\n', /hosts\[0\]\.chunk_folders: needs at least one folder/],
      ['  - { name: c1, address: 192.0.2.21, user: root, roles: [chunkserver], chunk_folders: /mnt/mfs1 }\n', /hosts\[0\]\.chunk_folders: /],
      [
        '  - { name: c1, address: 192.0.2.21, user: root, roles: [chunkserver], chunk_folders: [/mnt/mfs1, /mnt/mfs1] }\n',
        /hosts\[0\]\.chunk_folders\[1\]: '\/mnt\/mfs1' is listed twice \(also chunk_folders\[0\]\)/,
      ],
      [
        '  - { name: c1, address: 192.0.2.21, user: root, roles: [chunkserver], chunk_folders: [/mnt/mfs1, /mnt/mfs1/a] }\n',
        /hosts\[0\]\.chunk_folders\[1\]: '\/mnt\/mfs1\/a' is inside chunk_folders\[0\]/,
      ],
      [
        '  - { name: m1, address: 192.0.2.11, user: root, roles: [master-candidate], chunk_folders: [/mnt/mfs1] }\n',
        /hosts\[0\]\.chunk_folders: only a host with the role chunkserver has chunk folders \(m1 has master-candidate\)/,
      ],
      [
        '  - { name: c1, address: 192.0.2.21, user: root, roles: [chunkserver], chunk_folder: [/mnt/mfs1] }\n',
        /hosts\[0\]\.chunk_folder: unknown field 'chunk_folder'; did you mean 'chunk_folders'\?/,
      ],
    ];
    for (const [hosts, want] of cases) {
      const text = formatInventoryProblems(await problemsOf(write(hosts)));
      assert.match(text, want);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
