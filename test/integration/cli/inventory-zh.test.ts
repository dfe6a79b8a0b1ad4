// A broken inventory or Ansible inventory through the real binary in Chinese: each problem said in
// Chinese, still at file:line:col with the field path as written in English, exit 2 and no
// stack trace; the same file under --lang en gives the English problems. The import's review
// (notes on what was not carried over) in Chinese too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../../support/cli-env.ts';
import { englishPhrase } from '../../support/english-phrase.ts';

function cli(config: string, args: string[], lang: Record<string, string> = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LC_ALL|LC_MESSAGES|LANG|LANGUAGE)$/.test(k)));
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...env, ...lang, MFS_TUI_CONFIG_DIR: config, MFS_TUI_STATE_DIR: join(config, 'state'), NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
    input: '',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BROKEN = `cluster: prod
vip: { address: 10.0.0.100, interface: eth0, prefix: "24" }
hosts:
  - name: m1
    adress: 10.0.0.1
    roles: [metaloger]
  - name: m2
    address: 10.0.0.2
`;

function noStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at |Error:|node:internal/m, stderr);
}

test('clusters add with a broken inventory: every problem in Chinese at file:line:col and its field, exit 2; English under --lang en', () => {
  const config = mkdtempSync(join(tmpdir(), 'mfs-inv-zh-'));
  const file = join(config, 'broken.yaml');
  writeFileSync(file, BROKEN, { mode: 0o600 });
  const zh = cli(config, ['--lang', 'zh', 'clusters', 'add', 'prod', file]);
  assert.equal(zh.code, 2, zh.stderr);
  noStackTrace(zh.stderr);
  assert.equal(
    zh.stderr,
    [
      `mfs-tui: ${file}:2:54: vip.prefix: 必须是数字（实际写的是字符串）`,
      `${file}:5:5: hosts[0].adress: 未知字段 'adress'；是不是想写 'address'？`,
      `${file}:6:13: hosts[0].roles[0]: 未知角色 'metaloger'；是不是想写 'metalogger'？（可用角色：master-candidate, metalogger, chunkserver, client, cgi）`,
      `${file}:7:5: hosts[1].roles: 缺少这个必填字段`,
      '',
    ].join('\n'),
  );
  for (const line of zh.stderr.split('\n')) assert.equal(englishPhrase(line.replaceAll(file, '')), undefined, line);
  assert.equal(readFileSync(join(config, 'config.json'), 'utf8').includes('"prod"'), false, 'nothing added');
  const en = cli(config, ['--lang', 'en', 'clusters', 'add', 'prod', file]);
  assert.equal(en.code, 2, en.stderr);
  assert.match(en.stderr, new RegExp(`${file}:2:54: vip\\.prefix: must be a number \\(got a string\\)\n`));
  assert.match(en.stderr, /hosts\[0\]\.adress: unknown field 'adress'; did you mean 'address'\?\n/);
  assert.match(en.stderr, /hosts\[1\]\.roles: is required\n/);
});

test('broken YAML under LANG=zh_CN.UTF-8: the syntax error in Chinese with its position, exit 2', () => {
  const config = mkdtempSync(join(tmpdir(), 'mfs-inv-zh-'));
  const file = join(config, 'tabs.yaml');
  writeFileSync(file, 'cluster: prod\n\tvip: {}\n', { mode: 0o600 });
  const r = cli(config, ['clusters', 'add', 'prod', file], { LANG: 'zh_CN.UTF-8' });
  assert.equal(r.code, 2, r.stderr);
  noStackTrace(r.stderr);
  assert.equal(r.stderr, `mfs-tui: ${file}:2:1: YAML 格式错误：YAML 不能用 Tab 缩进：请用空格\n`);
});

test('clusters import of a broken Ansible inventory: the file, the line and what is wrong in Chinese, exit 2', () => {
  const config = mkdtempSync(join(tmpdir(), 'mfs-inv-zh-'));
  const ini = join(config, 'hosts.ini');
  writeFileSync(ini, '[masters]\nm1 ansible_host=10.0.0.1\n[chunkservers\nc1\n', { mode: 0o600 });
  const broken = cli(config, ['clusters', 'import', 'prod', ini, '--no-ansible', '--vip', '10.0.0.100/24', '--yes'], { LANG: 'zh_CN.UTF-8' });
  assert.equal(broken.code, 2, broken.stderr);
  noStackTrace(broken.stderr);
  assert.equal(broken.stderr, `mfs-tui: ${ini}:3: 不是合法的节标题：[chunkservers\n`);
  writeFileSync(ini, '[masters]\nm1 ansible_host=10.0.0.1 ansible_become=maybe\n', { mode: 0o600 });
  const become = cli(config, ['--lang', 'zh', 'clusters', 'import', 'prod', ini, '--no-ansible', '--vip', '10.0.0.100/24', '--yes']);
  assert.equal(become.code, 2, become.stderr);
  assert.equal(become.stderr, `mfs-tui: ${ini}: 主机 m1：ansible_become 的值 'maybe' 不是布尔值\n`);
  const en = cli(config, ['--lang', 'en', 'clusters', 'import', 'prod', ini, '--no-ansible', '--vip', '10.0.0.100/24', '--yes']);
  assert.equal(en.code, 2, en.stderr);
  assert.equal(en.stderr, `mfs-tui: ${ini}: host m1: ansible_become 'maybe' is not a boolean\n`);
});

test("clusters import's review in Chinese: what was left out and why, the saved file's comment the same in both languages", () => {
  const config = mkdtempSync(join(tmpdir(), 'mfs-inv-zh-'));
  const ini = join(config, 'hosts.ini');
  writeFileSync(ini, '[masters]\nm1 ansible_host=10.0.0.1\n[web]\nw1 ansible_host=10.0.0.9 ansible_password=secret\n', { mode: 0o600 });
  const r = cli(config, ['--lang', 'zh', 'clusters', 'import', 'prod', ini, '--no-ansible', '--vip', '10.0.0.100/24', '--yes']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^从 ${ini} 导入（由 mfs-tui 读取（--no-ansible））：\n`));
  assert.match(r.stdout, /\n注意：w1：没有 MooseFS 角色（它所在的组都对应不到角色；可用 --map GROUP=ROLE 指定）：照样保留，但不带角色\n/);
  assert.match(r.stdout, /\n注意：w1：Ansible inventory 里的密码没有导入（mfs-tui 需要时会询问，且从不保存密码）\n/);
  assert.doesNotMatch(r.stdout, /secret/);
  const saved = readFileSync(join(config, 'clusters', 'prod.yaml'), 'utf8');
  assert.match(saved, new RegExp(`^# Imported by mfs-tui from ${ini} \\(read by mfs-tui\\) on `));
});
