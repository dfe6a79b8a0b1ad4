// A broken inventory under --lang zh: every problem in Chinese (zod's own messages for a wrong
// type, a missing field or an unknown key included), still at file:line:col and naming the field
// path exactly as in English; the Ansible import's errors and notes too. Through the real loader
// and the real `ssh -G`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadInventory, InventoryError, formatInventoryProblems } from '../../../src/inventory/load.ts';
import { parseAnsibleInventory, toMfsInventory, AnsibleInventoryError } from '../../../src/inventory/ansible.ts';
import { setLanguage } from '../../../src/i18n/index.ts';
import { englishPhrase } from '../../support/english-phrase.ts';

const FIX = resolve(import.meta.dirname, '../../fixtures/inventory');
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfs-inv-zh-'));
  setLanguage('zh');
});
after(() => {
  setLanguage('en');
  rmSync(dir, { recursive: true, force: true });
});

/** The problems of loading `file` (or of `text` written to a file), as `line:col: path: message` lines. */
async function problems(textOrFile: string): Promise<string[]> {
  let file = textOrFile;
  if (textOrFile.includes('\n')) {
    file = join(dir, `inv-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, textOrFile);
  }
  try {
    await loadInventory(file);
  } catch (err) {
    assert.ok(err instanceof InventoryError, `expected InventoryError, got ${String(err)}`);
    const lines = formatInventoryProblems(err.problems).split('\n');
    for (const l of lines) assert.ok(l.startsWith(`${file}`), l);
    // No English prose reaches a Chinese operator (field names, values and file names are not prose).
    for (const l of lines) assert.equal(englishPhrase(l.slice(file.length)), undefined, l);
    return lines.map((l) => l.slice(file.length + 1));
  }
  assert.fail(`${file} loaded without problems`);
}

const VIP = 'vip: { address: 10.0.0.100, interface: eth0, prefix: 24 }';

test('zod: a value of the wrong type, in YAML words, with the field path', async () => {
  const text = ['cluster: c', 'vip: { address: 10.0.0.100, interface: eth0, prefix: "24" }', 'hosts:', '  - name: m1', '    port: 22.5', '    become: "yes"', '    roles: chunkserver', ''].join('\n');
  assert.deepEqual(await problems(text), [
    '2:54: vip.prefix: 必须是数字（实际写的是字符串）',
    '5:11: hosts[0].port: 必须是整数（实际写的是小数）',
    '6:13: hosts[0].become: 必须是布尔值（true/false）（实际写的是字符串）',
    '7:12: hosts[0].roles: 必须是列表（实际写的是字符串）',
  ]);
  assert.deepEqual(await problems('- m1\n'), ['1:1: 必须是映射（键: 值）（实际写的是列表）']);
});

test('zod: a missing field, a missing role list, a list too short, numbers out of range', async () => {
  const text = ['cluster: c', 'vip: { address: 10.0.0.100, interface: eth0, prefix: 200 }', 'ssh: { known_hosts: [] }', 'hosts:', '  - name: m1', '    port: 0', ''].join('\n');
  assert.deepEqual(await problems(text), [
    '2:54: vip.prefix: 不能大于 128',
    '2:54: vip.prefix: IPv4 的前缀长度最大是 32',
    '3:21: ssh.known_hosts: 至少要有 1 项',
    '5:5: hosts[0].roles: 缺少这个必填字段',
    '6:11: hosts[0].port: 不能小于 1',
  ]);
  assert.deepEqual(await problems(`cluster: c\nhosts: []\n`), ['1:1: vip: 缺少这个必填字段', '2:8: hosts: inventory 里至少要有一台主机']);
});

test('zod: an unknown key, with the near miss named; an unknown role with the roles there are', async () => {
  assert.deepEqual(await problems(join(FIX, 'unknown-key.yaml')), ["5:5: hosts[0].adress: 未知字段 'adress'；是不是想写 'address'？"]);
  const text = ['cluster: c', VIP, 'hots: []', 'hosts:', '  - { name: m1, roles: [metaloger, mastr] }', ''].join('\n');
  assert.deepEqual(await problems(text), [
    "3:1: hots: 未知字段 'hots'；是不是想写 'hosts'？",
    "5:25: hosts[0].roles[0]: 未知角色 'metaloger'；是不是想写 'metalogger'？（可用角色：master-candidate, metalogger, chunkserver, client, cgi）",
    "5:36: hosts[0].roles[1]: 未知角色 'mastr'（可用角色：master-candidate, metalogger, chunkserver, client, cgi）",
  ]);
});

test('the schema’s own messages: names, addresses, interface, paths, the IPv4 prefix', async () => {
  const text = [
    'cluster: "-c"',
    'vip: { address: 10.0.0.300, interface: "eth 0", prefix: 33 }',
    'paths: { data: var/lib/mfs, mount: "/mnt/mfs; rm -rf /" }',
    'hosts:',
    '  - { name: "-m1", address: 10.0.0.256, user: "1ops", roles: [] }',
    '  - { name: c1, roles: [chunkserver], chunk_folders: [] }',
    '',
  ].join('\n');
  assert.deepEqual(await problems(text), [
    '1:10: cluster: 必须是集群名（字母、数字、"."、"_"、"-"，以字母或数字开头，最多 63 个字符）',
    '2:17: vip.address: 必须是 IP 地址',
    '2:40: vip.interface: 必须是网卡名，例如 eth0（最多 15 个字母、数字、"_"、"."、":"、"@"、"-"，不能以 "-" 开头）',
    '2:57: vip.prefix: IPv4 的前缀长度最大是 32',
    "3:16: paths.data: 'var/lib/mfs' 必须是绝对路径",
    "3:36: paths.mount: '/mnt/mfs; rm -rf /' 必须是只含字母、数字和 . _ + @ % , : = - 的绝对路径（不能有空格、引号或 shell 特殊字符，也不能有 . 或 .. 这样的路径段）",
    '5:13: hosts[0].name: 必须是主机名（字母、数字、"."、"_"、"-"，以字母或数字开头）',
    "5:29: hosts[0].address: '10.0.0.256' 不是有效的 IP 地址或主机名",
    '5:47: hosts[0].user: 必须是用户名（字母、数字、"."、"_"、"-"，以字母或 "_" 开头，最多 32 个字符）',
    '6:54: hosts[1].chunk_folders: 至少要写一个目录（或者干脆不写 chunk_folders：install-cluster 运行时会询问）',
  ]);
});

test('rules across fields: a duplicate host, the VIP as an address, chunk folders', async () => {
  const text = [
    'cluster: c',
    VIP,
    'hosts:',
    '  - { name: m1, address: 10.0.0.100, roles: [master-candidate], chunk_folders: [/mnt/a] }',
    '  - { name: m1, roles: [] , chunk_folders: [/mnt/b] }',
    '  - { name: c1, roles: [chunkserver], chunk_folders: [/mnt/c, /mnt/c, /mnt/c/d] }',
    '',
  ].join('\n');
  assert.deepEqual(await problems(text), [
    '4:26: hosts[0].address: 这是 VIP 10.0.0.100；每台主机要有自己的地址',
    '4:80: hosts[0].chunk_folders: 只有角色为 chunkserver 的主机才有 chunk 目录（m1 的角色是 master-candidate）',
    "5:13: hosts[1].name: 主机名 'm1' 重复（第 4 行已经定义过）",
    '5:44: hosts[1].chunk_folders: 只有角色为 chunkserver 的主机才有 chunk 目录（m1 没有角色）',
    "6:63: hosts[2].chunk_folders[1]: '/mnt/c' 写了两次（chunk_folders[0] 也是它）",
    "6:71: hosts[2].chunk_folders[2]: '/mnt/c/d' 位于 chunk_folders[0] '/mnt/c' 之内：每个目录存放各自的 chunk，不能嵌套",
  ]);
});

test('broken YAML and files that cannot be read', async () => {
  const [yaml] = await problems(join(FIX, 'bad-yaml.yaml'));
  assert.match(yaml!, /^\d+:\d+: YAML 格式错误：\S/);
  assert.deepEqual(await problems('cluster: c\n\thosts: []\n'), ['2:1: YAML 格式错误：YAML 不能用 Tab 缩进：请用空格']);
  assert.deepEqual(await problems('cluster: c\ncluster: d\n'), ['2:1: YAML 格式错误：同一个映射里有重复的键']);
  assert.deepEqual(await problems(`${'['.repeat(100)}\n`), ['1:65: YAML 嵌套超过 64 层：不予读取']);
  const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', ''].join('\n');
  assert.deepEqual(await problems(laughs), ['2:8: YAML 别名展开后的节点太多（使用超过 100 次）：不予读取']);
  assert.deepEqual(await problems(join(dir, 'nothing-here.yaml')), [' 无法读取 inventory：文件不存在']);
});

test('files the inventory names: missing identity and ssh config, the HostName ssh_config gives', async () => {
  const text = ['cluster: c', VIP, 'ssh: { config: ./no-such-config }', 'hosts:', '  - { name: m1, address: 10.0.0.1, identity: ./no-key, roles: [] }', ''].join('\n');
  assert.deepEqual(await problems(text), [`3:16: ssh.config: ssh 配置文件 ${join(dir, 'no-such-config')} 不存在`, `5:46: hosts[0].identity: 私钥文件 ${join(dir, 'no-key')} 不存在`]);
  const config = join(dir, 'ssh_config');
  writeFileSync(config, 'Host m1\n  HostName bad_host!\n  Port 2222\n', { mode: 0o600 });
  const viaConfig = ['cluster: c', VIP, `ssh: { config: ${config}, known_hosts: [${join(FIX, 'known_hosts')}] }`, 'hosts:', '  - { name: m1, user: ops, roles: [] }', ''].join('\n');
  assert.deepEqual(await problems(viaConfig), ["5:13: hosts[0].name: ssh_config 给这台主机的 HostName 是 'bad_host!'，不是有效的 IP 地址或主机名"]);
});

test('a known_hosts file every user can write is not trusted, said in Chinese', async () => {
  const knownHosts = join(dir, 'known_hosts_open');
  writeFileSync(knownHosts, '');
  chmodSync(knownHosts, 0o666);
  const text = ['cluster: c', VIP, `ssh: { known_hosts: [${knownHosts}] }`, 'hosts:', '  - { name: m1, address: 10.0.0.1, roles: [] }', ''].join('\n');
  assert.deepEqual(await problems(text), [
    `3:22: ssh.known_hosts[0]: known_hosts 文件 ${knownHosts}：这个文件所有用户都可写（权限 0666）：本机任何人都能改动它；请收紧权限（chmod o-w）；因此不予信任`,
  ]);
});

test('an Ansible inventory that cannot be read or imported: Chinese, with the file and line or the host', () => {
  const err = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof AnsibleInventoryError, String(e));
      assert.equal(englishPhrase(e.message.replace(/^\S+?:(\d+:)? /, '')), undefined, e.message);
      return e.message;
    }
    assert.fail('no error');
  };
  assert.equal(
    err(() => parseAnsibleInventory('[masters]\nm1 ansible_host\n', 'x.ini')),
    "x.ini:2: 主机名后面应写 key=value，这里却是 'ansible_host'",
  );
  assert.equal(
    err(() => parseAnsibleInventory('[c]\nc[0:99999]\n', 'y.ini')),
    'y.ini:2: c[0:99999] 展开后超过 10,000 台主机',
  );
  assert.equal(
    err(() => parseAnsibleInventory('[masters\nm1\n', 'h.ini')),
    'h.ini:1: 不是合法的节标题：[masters',
  );
  assert.equal(
    err(() => parseAnsibleInventory('[a:children]\nb\n[b:children]\na\n[a]\nh1\n', 'z.ini')),
    "组 'a' 成了自己的上级组（children 形成了循环）",
  );
  assert.equal(
    err(() => parseAnsibleInventory('all:\n  hosts: [m1]\n', 'l.yaml')),
    'l.yaml: all.hosts 必须是以主机名为键的映射',
  );
  assert.equal(
    err(() => parseAnsibleInventory('all:\n  host:\n    m1:\n', 'k.yaml')),
    "k.yaml: 组 'all' 下有 'host'：这里只能写 hosts、children 或 vars",
  );
  const seeds = parseAnsibleInventory('[masters]\nm1 ansible_host=10.0.0.1 ansible_become=maybe\n', 's.ini');
  assert.equal(
    err(() => toMfsInventory(seeds, { cluster: 'c', map: {} })),
    "主机 m1：ansible_become 的值 'maybe' 不是布尔值",
  );
  const plain = parseAnsibleInventory('[masters]\nm1 ansible_host=10.0.0.1\n[web]\nw1 ansible_password=secret ansible_ssh_common_args="-o ProxyCommand=x"\n', 'p.ini');
  assert.equal(err(() => toMfsInventory(plain, { cluster: 'c', map: {} })).split('：')[0], '没有 VIP');
  assert.equal(
    err(() => toMfsInventory(plain, { cluster: 'c', map: { web: 'webserver' } })),
    "--map web=webserver：未知角色 'webserver'（可用角色：master-candidate, metalogger, chunkserver, client, cgi）",
  );
  assert.equal(
    err(() => toMfsInventory(plain, { cluster: 'c', map: { db: 'client' } })),
    "--map db=client：Ansible inventory 里没有组 'db'（现有的组：masters, web）",
  );
  const { notes } = toMfsInventory(plain, { cluster: 'c', map: {}, vip: { address: '10.0.0.100', prefix: 24, interface: 'eth0' } });
  assert.deepEqual(notes, [
    'w1：没有 MooseFS 角色（它所在的组都对应不到角色；可用 --map GROUP=ROLE 指定）：照样保留，但不带角色',
    'w1：ansible_ssh_common_args 没有导入（mfs-tui 从不执行 inventory 里的 ssh 选项或命令；跳板机请写进 ssh_config 的 ProxyJump，再在 inventory 的 ssh.config 里指定这个文件）',
    'w1：Ansible inventory 里的密码没有导入（mfs-tui 需要时会询问，且从不保存密码）',
  ]);
});
