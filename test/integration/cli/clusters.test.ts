// Named clusters: `mfs-tui clusters` (list, add, rename, remove, import from Ansible), picking
// one with --cluster / MFS_TUI_CLUSTER, and the refusal of dangerous work on a cluster nobody
// named. mfs-tui's own reading of Ansible inventories is checked against the real
// `ansible-inventory --list` (Debian's ansible-core, installed by the test command).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fromAnsibleListJson, parseAnsibleInventory, type AnsibleInventory } from '../../../src/inventory/ansible.ts';

const BIN = path.resolve('bin/mfs-tui');
const FIXTURES = path.resolve('test/fixtures/ansible');
const fixtures = fs.readdirSync(FIXTURES).filter((f) => /\.(ini|yaml)$/.test(f));

function normalized(a: AnsibleInventory): unknown {
  const sortKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));
  return {
    hostvars: Object.fromEntries([...a.hostvars].map(([h, v]) => [h, sortKeys(v)]).sort(([x], [y]) => String(x).localeCompare(String(y)))),
    // ansible-inventory leaves out groups with neither hosts nor children.
    groups: Object.fromEntries(
      [...a.groups]
        .filter(([, g]) => g.hosts.length + g.children.length > 0)
        .map(([n, g]) => [n, { hosts: [...g.hosts].sort(), children: [...g.children].sort() }] as const)
        .sort(([x], [y]) => x.localeCompare(y)),
    ),
  };
}

describe('reading Ansible inventories without Ansible gives what ansible-inventory --list gives', () => {
  test('ansible-inventory is installed (scripts/install-deps.sh): the comparison below is real', () => {
    assert.equal(spawnSync('ansible-inventory', ['--version']).status, 0);
  });
  for (const f of fixtures) {
    test(f, () => {
      const file = path.join(FIXTURES, f);
      const r = spawnSync('ansible-inventory', ['-i', file, '--list'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_LOCALHOST_WARNING: 'false' } });
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /Unable to parse/);
      assert.deepEqual(normalized(parseAnsibleInventory(fs.readFileSync(file, 'utf8'), f)), normalized(fromAnsibleListJson(r.stdout)));
    });
  }
  test('a broken INI line and an absurd host range are named with file and line', () => {
    assert.throws(() => parseAnsibleInventory('[masters]\nm1 ansible_host\n', 'x.ini'), /x\.ini:2: expected key=value/);
    assert.throws(() => parseAnsibleInventory('[c]\nc[0:99999]\n', 'y.ini'), /y\.ini:2: .* more than 10,000 hosts/);
    assert.throws(() => parseAnsibleInventory('[a:children]\nb\n[b:children]\na\n[a]\nh1\n', 'z.ini'), /its own ancestor/);
  });
});

describe('mfs-tui clusters', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000, input: '' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const writeInventory = (name: string, cluster: string, port = 1): string => {
    // 127.0.0.1 port 1: nothing listens there; a run that gets past the refusal fails to connect, on loopback only.
    const file = path.join(work, `${name}.yaml`);
    fs.writeFileSync(
      file,
      `cluster: ${cluster}\nvip: { address: 127.0.0.200, interface: lo, prefix: 32 }\nssh: { known_hosts: [${path.join(work, 'known_hosts')}] }\nhosts:\n` +
        `  - { name: m1, address: 127.0.0.1, port: ${port}, user: root, roles: [master-candidate, metalogger, chunkserver] }\n`,
    );
    return file;
  };

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-clusters-'));
    fs.writeFileSync(path.join(work, 'known_hosts'), '');
    env = {
      ...process.env,
      MFS_TUI_CONFIG_DIR: path.join(work, 'config'),
      MFS_TUI_STATE_DIR: path.join(work, 'state'),
      MFS_TUI_LAB_DIR: path.join(work, 'no-lab'),
      NO_COLOR: '1',
      MFS_TUI_CLUSTER: '',
    };
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  test('add, list, rename, remove; every mistake is exit 2 with what is wrong', () => {
    const prod = writeInventory('prod', 'prod');
    assert.match(cli(['clusters']).out, /No named clusters yet/);
    const added = cli(['clusters', 'add', 'prod', prod]);
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, /added prod → .*prod\.yaml: 1 host/);
    const listed = JSON.parse(cli(['clusters', 'list', '--json']).out) as { clusters: { name: string; inventory: string; hosts: number }[] };
    assert.deepEqual(
      listed.clusters.map((c) => [c.name, c.inventory, c.hosts]),
      [['prod', prod, 1]],
    );

    const dup = cli(['clusters', 'add', 'prod', writeInventory('other', 'other')]);
    assert.equal(dup.code, 2);
    assert.match(dup.err, /a cluster named prod already exists/);
    const bad = path.join(work, 'bad.yaml');
    fs.writeFileSync(bad, 'cluster: x\nvip: { address: 10.0.0.1, interface: eth0, prefix: 24 }\nhosts:\n  - { name: m1, address: 10.0.0.1, roles: [chunk-server] }\n');
    const badAdd = cli(['clusters', 'add', 'broken', bad]);
    assert.equal(badAdd.code, 2);
    assert.match(badAdd.err, /bad\.yaml:4:\d+: hosts\[0\]\.roles\[0\]: unknown role 'chunk-server'/);
    assert.equal(cli(['clusters', 'add', 'no way', prod]).code, 2);

    assert.equal(cli(['clusters', 'rename', 'prod', 'production']).code, 0);
    assert.equal(cli(['clusters', 'rename', 'nope', 'x']).code, 2);
    assert.match(cli(['clusters', 'list']).out, /^production\s+\S+prod\.yaml\s+1 host\(s\), inventory says cluster 'prod'/m);
    const unknown = cli(['--cluster', 'prod', 'run', 'health-check', '--dry-run']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /--cluster prod: no cluster of that name \(known: production/);
    assert.equal(cli(['clusters', 'remove', 'production']).code, 0);
    assert.ok(fs.existsSync(prod), 'remove deletes no inventory file');
    assert.equal(cli(['clusters', 'remove', 'production']).code, 2);
    const both = cli(['--cluster', 'a', '--inventory', prod, 'status']);
    assert.equal(both.code, 2);
    assert.match(both.err, /--inventory and --cluster both choose a cluster/);
  });

  test('the practice cluster and a real one are never taken for each other: the name lab, the lab folder, an inventory calling itself lab', () => {
    const labDir = path.join(work, 'a-lab');
    fs.mkdirSync(labDir, { recursive: true });
    const labInv = path.join(labDir, 'inventory.yaml');
    fs.copyFileSync(writeInventory('lab-copy', 'lab'), labInv);
    const withLab = { MFS_TUI_LAB_DIR: labDir };
    const real = writeInventory('real', 'real');
    // The name lab, in any case, is never a registry entry.
    for (const name of ['lab', 'LAB']) {
      const r = cli(['clusters', 'add', name, real], withLab);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /is the practice cluster's/);
    }
    assert.equal(cli(['clusters', 'add', 'real', real]).code, 0);
    const ren = cli(['clusters', 'rename', 'real', 'Lab']);
    assert.equal(ren.code, 2);
    assert.match(ren.err, /new name 'Lab' is the practice cluster's/);
    const imp = cli(['clusters', 'import', 'lab', path.join(FIXTURES, 'seeds-style.ini'), '--yes']);
    assert.equal(imp.code, 2);
    assert.match(imp.err, /is the practice cluster's/);
    // The practice cluster's files never become a real cluster's, nor does an inventory calling itself lab.
    for (const [file, why] of [
      [labInv, /is the practice cluster's inventory/],
      [path.join(labDir, '..', 'a-lab', 'inventory.yaml'), /is the practice cluster's inventory/],
      [writeInventory('named-lab', 'lab'), /calls its cluster 'lab', the practice cluster's name/],
    ] as const) {
      const r = cli(['clusters', 'add', 'prod2', file], withLab);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, why);
    }
    // A registry written before these checks (or edited by hand) is refused when used, not followed.
    const cfgFile = path.join(work, 'config', 'config.json');
    const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as { clusters: Record<string, string> };
    cfg.clusters.lab = real;
    cfg.clusters.prod3 = labInv;
    fs.writeFileSync(cfgFile, JSON.stringify(cfg));
    // --cluster lab is the practice cluster (here: up), never the entry named lab.
    const asLab = cli(['--cluster', 'lab', 'run', 'health-check', '--dry-run'], withLab);
    assert.equal(asLab.code, 0, asLab.err);
    assert.doesNotMatch(asLab.out, /real/);
    const labDown = cli(['--cluster', 'lab', 'run', 'health-check', '--dry-run']);
    assert.equal(labDown.code, 2);
    assert.match(labDown.err, /practice cluster is not up/);
    const viaProd3 = cli(['run', 'power-cut', '--yes', '--input', 'host=m1'], { MFS_TUI_CLUSTER: 'prod3', ...withLab });
    assert.equal(viaProd3.code, 2, viaProd3.err);
    assert.match(viaProd3.err, /MFS_TUI_CLUSTER prod3: refused: .*is the practice cluster's inventory/);
    assert.equal(cli(['clusters', 'rename', 'lab', 'was-lab']).code, 0, 'an old entry named lab can be renamed away');
    for (const n of ['was-lab', 'prod3', 'real']) assert.equal(cli(['clusters', 'remove', n]).code, 0);
  });

  test('a high- or critical-risk runbook under --yes runs only on a cluster named for that command', () => {
    const staging = writeInventory('staging', 'staging');
    assert.equal(cli(['clusters', 'add', 'staging', staging]).code, 0);
    // A dry run by name makes staging the remembered inventory.
    const dry = cli(['--cluster', 'staging', 'run', 'health-check', '--dry-run']);
    assert.equal(dry.code, 0, dry.err);
    for (const runbook of ['power-cut', 'lost-master']) {
      const r = cli(['run', runbook, '--yes', '--input', 'host=m1']);
      assert.equal(r.code, 2, r.err);
      assert.match(
        r.err,
        new RegExp(
          `refusing to run ${runbook} \\(risk (high|critical)\\) with --yes on a cluster nobody named for this command \\(remembered\\).*--cluster NAME.*MFS_TUI_CLUSTER=NAME.*this would have been 'staging'`,
        ),
      );
      assert.ok(!fs.existsSync(path.join(work, 'state', 'runs')) || fs.readdirSync(path.join(work, 'state', 'runs')).length === 0, 'a refused run leaves no journal');
    }
    // Named by the environment or the command line: not refused (it then fails to connect to 127.0.0.1:1, exit 3).
    for (const [args, extra] of [
      [['run', 'power-cut', '--yes', '--input', 'host=m1'], { MFS_TUI_CLUSTER: 'staging' }],
      [['--cluster', 'staging', 'run', 'power-cut', '--yes', '--input', 'host=m1'], {}],
    ] as const) {
      const r = cli([...args], extra);
      assert.doesNotMatch(r.err, /refusing to run/);
      assert.notEqual(r.code, 0);
    }
    // A low-risk runbook still runs on the remembered cluster (it fails to connect here: exit 3, not 2).
    const low = cli(['run', 'health-check', '--yes']);
    assert.doesNotMatch(low.err, /refusing to run/);
  });

  test("a name that is not the inventory's own counts as not named: --cluster staging on a file that says prod refuses dangerous work", () => {
    // The copied file: registered as staging, but its cluster: field still says prod.
    const copied = writeInventory('copied', 'prod');
    assert.equal(cli(['clusters', 'add', 'staging2', copied]).code, 0);
    for (const [args, extra] of [
      [['--cluster', 'staging2', 'run', 'lost-master', '--yes', '--input', 'host=m1'], {}],
      [['run', 'power-cut', '--yes', '--input', 'host=m1'], { MFS_TUI_CLUSTER: 'staging2' }],
    ] as const) {
      const r = cli([...args], extra);
      assert.equal(r.code, 2, r.err);
      assert.match(
        r.err,
        /refusing to run \S+ \(risk (high|critical)\) with --yes on .*copied\.yaml: (--cluster|MFS_TUI_CLUSTER) named 'staging2', but that inventory's cluster: field says 'prod'.*clusters rename staging2 prod/,
      );
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    }
    const zh = cli(['--lang', 'zh', '--cluster', 'staging2', 'run', 'lost-master', '--yes', '--input', 'host=m1']);
    assert.equal(zh.code, 2);
    assert.match(zh.err, /拒绝用 --yes 执行 lost-master.*'staging2'.*cluster: 写的是 'prod'/);
    // The same file under its own name is named: not refused (then exit 3: nothing listens on 127.0.0.1:1).
    assert.equal(cli(['clusters', 'rename', 'staging2', 'prod']).code, 0);
    const ok = cli(['--lang', 'en', '--cluster', 'prod', 'run', 'lost-master', '--yes', '--input', 'host=m1']);
    assert.doesNotMatch(ok.err, /refusing to run/);
    assert.notEqual(ok.code, 0);
    assert.equal(cli(['clusters', 'remove', 'prod']).code, 0);
  });

  test('import from an Ansible inventory: shown for review, nothing saved without yes, saved 0600 with it', () => {
    const source = path.join(FIXTURES, 'seeds-style.ini');
    const review = cli(['clusters', 'import', 'prod-a', source, '--map', 'misc=client']);
    assert.equal(review.code, 2);
    assert.match(review.out, /cluster: prod-a/);
    assert.match(review.out, /name: m2\n\s+address: 192\.0\.2\.12\n\s+port: 2222\n\s+user: ops/);
    assert.match(review.err, /review the inventory above, then save it with --yes.*nothing saved/);
    assert.equal(
      JSON.parse(cli(['clusters', 'list', '--json']).out).clusters.some((c: { name: string }) => c.name === 'prod-a'),
      false,
    );

    const saved = cli(['clusters', 'import', 'prod-a', source, '--map', 'misc=client', '--yes']);
    assert.equal(saved.code, 0, saved.err);
    const target = path.join(work, 'config', 'clusters', 'prod-a.yaml');
    assert.equal(fs.statSync(target).mode & 0o777, 0o600);
    const text = fs.readFileSync(target, 'utf8');
    assert.match(text, /vip:\n\s+address: 192\.0\.2\.100\n\s+prefix: 24/);
    // Roles from groups and their children; become from group vars; every host kept.
    assert.match(text, /name: c1\n\s+address: 192\.0\.2\.2\n\s+user: ops\n\s+become: true\n\s+roles:\n\s+- chunkserver/);
    assert.match(text, /name: m1\n\s+address: 192\.0\.2\.11\n\s+user: ops\n\s+roles:\n\s+- master-candidate/);
    assert.match(text, /name: web01\n\s+user: ops\n\s+become: false\n\s+roles:\n\s+- client/);
    const dry = cli(['--cluster', 'prod-a', 'run', 'health-check', '--dry-run']);
    assert.equal(dry.code, 0, dry.err);

    // An identity file that does not exist fails the same checks as any inventory: nothing saved.
    const broken = cli(['clusters', 'import', 'other', path.join(FIXTURES, 'ungrouped.yaml'), '--vip', '203.0.113.100/24', '--yes', '--no-ansible']);
    assert.equal(broken.code, 2);
    assert.match(broken.err, /does not validate \(nothing saved\)[\s\S]*hosts\[0\]\.identity: identity file \/nonexistent\/key does not exist/);
    const badMap = cli(['clusters', 'import', 'x', source, '--map', 'nosuch=chunkserver']);
    assert.equal(badMap.code, 2);
    assert.match(badMap.err, /--map nosuch=chunkserver: the Ansible inventory has no group 'nosuch'/);
    const noVip = cli(['clusters', 'import', 'y', path.join(FIXTURES, 'ungrouped.yaml')]);
    assert.equal(noVip.code, 2);
    assert.match(noVip.err, /no VIP: pass --vip/);
  });

  test('an input given twice with different values is refused (which one runs is never a guess); the same value twice is fine', () => {
    const inv = writeInventory('twice', 'twice');
    const r = cli(['--lang', 'en', '--inventory', inv, 'run', 'fence-master', '--dry-run', '--input', 'fence=m1', '--input', 'fence=m2']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--input fence is given twice with different values \('m1' and 'm2'\): give it once/);
    const same = cli(['--lang', 'en', '--inventory', inv, 'run', 'fence-master', '--dry-run', '--input', 'fence=m1', '--input', 'fence=m1']);
    assert.doesNotMatch(same.err, /given twice/);
  });

  test('a hostile Ansible inventory: what Ansible would run differently is refused or named, nothing executes, bad files are cheap', () => {
    const hostile = (name: string, text: string): string => {
      const file = path.join(work, name);
      fs.writeFileSync(file, text, { mode: 0o600 });
      return file;
    };
    const marker = path.join(work, 'proxy-ran');
    const vip = ['--vip', '192.0.2.100/24'];
    for (const noAnsible of [[], ['--no-ansible']]) {
      const how = noAnsible.length ? 'read by mfs-tui' : 'through ansible-inventory';
      // ssh options (a ProxyCommand is a command) are never carried over, and the review says so.
      const opts = hostile('proxy.ini', `[masters]\nm1 ansible_host=192.0.2.11 ansible_ssh_common_args='-o ProxyCommand="touch ${marker}"' ansible_ssh_extra_args='-oLocalCommand=id'\n`);
      const review = cli(['clusters', 'import', 'p', opts, '--map', 'masters=master-candidate', ...vip, ...noAnsible]);
      assert.equal(review.code, 2, `${how}: ${review.err}`);
      assert.match(review.out, /m1: ansible_ssh_common_args was NOT imported/, how);
      assert.match(review.out, /m1: ansible_ssh_extra_args was NOT imported/, how);
      assert.doesNotMatch(review.out, /ProxyCommand|LocalCommand/, `${how}: the option itself is not in the inventory`);
      // A host Ansible reaches locally, or becomes another user on, would run as root over SSH here: refused.
      for (const [line, what] of [
        ['m1 ansible_connection=local', /host m1: ansible_connection 'local': mfs-tui reaches hosts only over SSH/],
        ['m1 ansible_host=192.0.2.11 ansible_become=true ansible_become_user=postgres', /host m1: ansible_become_user 'postgres': mfs-tui's become is sudo to root/],
        ['m1 ansible_host=192.0.2.11 ansible_become=true ansible_become_method=su', /host m1: ansible_become_method 'su': mfs-tui becomes root only through sudo/],
      ] as const) {
        const r = cli(['clusters', 'import', 'q', hostile('other.ini', `[masters]\n${line}\n`), '--map', 'masters=master-candidate', ...vip, '--yes', ...noAnsible]);
        assert.equal(r.code, 2, `${how} ${line}: ${r.err}`);
        assert.match(r.err, what, `${how} ${line}`);
        assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
      }
      assert.equal(
        JSON.parse(cli(['clusters', 'list', '--json']).out).clusters.some((c: { name: string }) => c.name === 'q'),
        false,
      );
      assert.equal(fs.existsSync(marker), false, 'nothing the inventory said was executed');
    }
    // Not a regular file (/dev/zero would be read forever), or one another user could change: refused before a byte is read.
    const zero = cli(['clusters', 'import', 'z', '/dev/zero', ...vip, '--no-ansible']);
    assert.equal(zero.code, 2, zero.err);
    assert.match(zero.err, /\/dev\/zero: not a regular file/);
    const open = path.join(work, 'open');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    const shared = path.join(open, 'inv.ini');
    fs.writeFileSync(shared, '[masters]\nm1 ansible_host=192.0.2.11\n', { mode: 0o644 });
    for (const noAnsible of [[], ['--no-ansible']]) {
      const r = cli(['clusters', 'import', 'w', shared, '--map', 'masters=master-candidate', ...vip, ...noAnsible]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, new RegExp(`the folder ${open} is writable by every user`));
    }
  });
});
