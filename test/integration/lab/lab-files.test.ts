// The files `lab up` writes, without building a lab: the inventory loads with the app's own
// loader, the ssh_config pins each host's key, and the embedded shell parses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadInventory } from '../../../src/inventory/load.ts';
import { missingPackages } from '../../../src/lab/deps.ts';
import { hostFiles, inventoryYaml, knownHosts, sshConfig } from '../../../src/lab/files.ts';
import { planHosts } from '../../../src/lab/layout.ts';
import { systemdRootFiles } from '../../../src/lab/systemd-host.ts';
import { freeId, operatorFiles, sudoersFor } from '../../../src/lab/operator.ts';
import { CLIENT_FILES_SCRIPT, CLIENT_MOUNT_SCRIPT, DEV_TEMPLATE, HOST_INIT, WAIT_FOR_CHECK_SCRIPT, bootstrapMasterScript, hostFstab } from '../../../src/lab/scripts.ts';

describe('practice cluster files (no lab needed)', () => {
  it('plans hosts m1 m2 ml c1..cN cl spare on the lab subnet, and refuses a bad count', () => {
    const hosts = planHosts(4);
    assert.deepEqual(
      hosts.map((h) => `${h.name}=${h.address}`),
      ['m1=10.77.0.11', 'm2=10.77.0.12', 'ml=10.77.0.13', 'c1=10.77.0.21', 'c2=10.77.0.22', 'c3=10.77.0.23', 'c4=10.77.0.24', 'cl=10.77.0.14', 'spare=10.77.0.15'],
    );
    assert.ok(hosts.every((h) => h.netns.startsWith('mfslab-') && h.veth.length <= 15));
    assert.throws(() => planHosts(0), /from 1 to 79/);
    assert.throws(() => planHosts(80), /from 1 to 79/, 'c80 would take the VIP .100');
    // The largest lab: every address its own, all below the VIP, every kernel name within 15 bytes.
    const big = planHosts(79);
    assert.equal(new Set(big.map((h) => h.address)).size, big.length);
    assert.ok(
      big.every((h) => Number(h.address.split('.')[3]) < 100 && h.veth.length <= 15),
      big.map((h) => h.address).join(' '),
    );
    assert.throws(() => planHosts(2.5), /whole number/);
  });

  it("the inventory loads with the app's loader: VIP, paths, roles (spare has none), key and known_hosts", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-lab-files-'));
    try {
      const hosts = planHosts(3);
      fs.writeFileSync(path.join(dir, 'id_ed25519'), 'not a real key\n', { mode: 0o600 });
      fs.writeFileSync(path.join(dir, 'known_hosts'), knownHosts(hosts, new Map(hosts.map((h) => [h.name, `ssh-ed25519 AAAA${h.name}`]))));
      fs.writeFileSync(path.join(dir, 'ssh_config'), sshConfig(hosts, path.join(dir, 'id_ed25519'), path.join(dir, 'known_hosts')));
      fs.writeFileSync(path.join(dir, 'inventory.yaml'), inventoryYaml(hosts));
      const inv = await loadInventory(path.join(dir, 'inventory.yaml'));
      assert.equal(inv.cluster, 'lab');
      assert.deepEqual(inv.vip, { address: '10.77.0.100', interface: 'eth0', prefix: 24 });
      assert.deepEqual(inv.knownHosts, [path.join(dir, 'known_hosts')]);
      const m1 = inv.hosts.find((h) => h.name === 'm1')!;
      assert.equal(m1.address, '10.77.0.11');
      assert.equal(m1.user, 'root');
      assert.deepEqual(m1.roles, ['master-candidate']);
      assert.equal(inv.hosts.find((h) => h.name === 'cl')!.roles[0], 'client');
      assert.match(fs.readFileSync(path.join(dir, 'known_hosts'), 'utf8'), /^m1,10\.77\.0\.11 ssh-ed25519 AAAAm1$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keepalived on both candidates: BACKUP, nopreempt, priorities 254/253, weight-0 checks (a dead master fails at once) and one role script', () => {
    const hosts = planHosts(3);
    const conf = (name: string) =>
      hostFiles(
        hosts.find((h) => h.name === name)!,
        hosts,
        'ssh-ed25519 AAAA lab',
      ).find((f) => f.path === 'etc/keepalived/keepalived.conf')!.content;
    for (const [name, prio] of [
      ['m1', 254],
      ['m2', 253],
    ] as const) {
      const c = conf(name);
      assert.match(c, /state BACKUP/);
      assert.match(c, /nopreempt/);
      assert.match(c, new RegExp(`priority ${prio}\\b`));
      assert.match(c, /weight 0/);
      assert.match(c, /script "\/etc\/keepalived\/mfs-check.sh master"\n\s+interval 1\n\s+timeout 30\n\s+fall 1\n/);
      // keepalived-ha's design (ha-design.ts): VRRPv3, half-second adverts, unicast to the other candidate.
      assert.match(c, /vrrp_version 3\n/);
      assert.match(c, /advert_int 0\.5\n/);
      assert.match(c, new RegExp(`unicast_peer \\{\\n\\s+10\\.77\\.0\\.${name === 'm1' ? 12 : 11} min_ttl 255\\n`));
      assert.match(c, /10\.77\.0\.100\/24 dev eth0/);
      for (const s of ['MASTER', 'BACKUP', 'FAULT', 'STOP']) assert.match(c, new RegExp(`mfs-role\\.sh ${s}"`));
    }
    assert.equal(
      hostFiles(
        hosts.find((h) => h.name === 'c1')!,
        hosts,
        'k',
      ).some((f) => f.path.startsWith('etc/keepalived/')),
      false,
    );
  });

  it("the lab operator: each sudoers variant passes visudo; accounts are the machine's plus ops; the hosts bind them privately", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-lab-sudoers-'));
    try {
      for (const v of ['password', 'nopasswd-some', 'requiretty'] as const) {
        const f = path.join(dir, v);
        fs.writeFileSync(f, sudoersFor(v), { mode: 0o440 });
        const r = spawnSync('visudo', ['-c', '-q', '-f', f], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${v}: ${r.stderr}${r.stdout}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // The last matching rule wins in sudoers: NOPASSWD must come after the ALL rule.
    const some = sudoersFor('nopasswd-some').trim().split('\n');
    assert.match(some.at(-1)!, /^ops ALL=\(root\) NOPASSWD: /);
    const base = { passwd: 'root:x:0:0::/root:/bin/bash\nops:x:5:5::/x:/bin/sh\nu:x:2000:2000::/h:/bin/sh\n', group: 'root:x:0:\n', shadow: 'root:*:1::::::\n', gshadow: 'root:*::\n' };
    assert.equal(freeId(base), 2001);
    const hosts = planHosts(3);
    const files = operatorFiles(
      hosts.find((h) => h.name === 'ml')!,
      { uid: 2001, gid: 2001, passwordHash: '$6$s$h', publicKey: 'ssh-ed25519 AAAA ops' },
      base,
    );
    const passwd = files.find((f) => f.path === 'etc/passwd')!.content;
    assert.match(passwd, /^root:x:0:0/m);
    assert.equal(passwd.match(/^ops:/gm)?.length, 1, 'one ops line: an existing one is replaced');
    assert.match(passwd, /^ops:x:2001:2001:[^:]*:\/home\/ops:\/bin\/bash$/m);
    assert.match(files.find((f) => f.path === 'etc/shadow')!.content, /^ops:\$6\$s\$h:\d+:/m);
    assert.equal(files.find((f) => f.path === 'etc/sudoers.d/ops')!.content, sudoersFor('nopasswd-some'));
    assert.deepEqual(files.find((f) => f.path === 'home/ops/.ssh/authorized_keys')!.owner, { uid: 2001, gid: 2001 });
    for (const p of ['/etc/passwd', '/etc/shadow', '/etc/sudoers.d', '/home']) assert.match(hostFstab(), new RegExp(`^/run/host${p} ${p} none bind`, 'm'));
  });

  it("the seeds' layout: each chunkserver has /mnt/mfs1 and /mnt/mfs2, each bind-mounted after /mnt; the inventory lists them as chunk_folders", async () => {
    const hosts = planHosts(3);
    const fstab = (n: string) =>
      hostFiles(
        hosts.find((h) => h.name === n)!,
        hosts,
        'k',
      ).find((f) => f.path === 'fstab')!.content;
    const c1 = fstab('c1').split('\n');
    const mnt = c1.findIndex((l) => l.startsWith('mfslab-mnt /mnt '));
    assert.ok(mnt >= 0);
    assert.ok(c1.indexOf('/run/host/mnt/mfs1 /mnt/mfs1 none bind,X-mount.mkdir 0 0') > mnt);
    assert.ok(c1.indexOf('/run/host/mnt/mfs2 /mnt/mfs2 none bind,X-mount.mkdir 0 0') > mnt);
    assert.doesNotMatch(fstab('m1'), /mfs1/);
    assert.equal(
      hostFiles(
        hosts.find((h) => h.name === 'c2')!,
        hosts,
        'k',
      ).find((f) => f.path === 'etc/mfs/mfshdd.cfg')!.content,
      '/mnt/mfs1\n/mnt/mfs2\n',
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-lab-inv-'));
    try {
      fs.writeFileSync(path.join(dir, 'id_ed25519'), 'k\n');
      fs.writeFileSync(path.join(dir, 'ssh_config'), sshConfig(hosts, path.join(dir, 'id_ed25519'), path.join(dir, 'known_hosts')));
      fs.writeFileSync(path.join(dir, 'inventory.yaml'), inventoryYaml(hosts));
      const inv = await loadInventory(path.join(dir, 'inventory.yaml'));
      assert.deepEqual(inv.hosts.find((h) => h.name === 'c3')!.chunkFolders, ['/mnt/mfs1', '/mnt/mfs2']);
      assert.equal(inv.hosts.find((h) => h.name === 'm1')!.chunkFolders, undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a lab built --as ops refuses root from this machine (sshd -T on the files written), lets it in by key from another practice host (ssh-trust's unison login), and gives root no lab key", () => {
    const hosts = planHosts(3);
    const m1 = hosts.find((h) => h.name === 'm1')!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-lab-sshd-'));
    try {
      const key = path.join(dir, 'hostkey');
      assert.equal(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]).status, 0);
      /** What the real sshd decides for root connecting from `from`, with the config as written (its HostKey pointed at a test key). */
      const rootLogin = (config: string, from: string) => {
        const file = path.join(dir, 'sshd_config');
        fs.writeFileSync(file, config.replace(/^HostKey .*$/m, `HostKey ${key}`));
        const r = spawnSync('/usr/sbin/sshd', ['-T', '-f', file, '-C', `addr=${from},user=root,host=x,laddr=${m1.address},lport=22`], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return /^permitrootlogin (.*)$/m.exec(r.stdout)?.[1];
      };
      const shellHost = (rootKey: string | undefined) => hostFiles(m1, hosts, rootKey);
      const systemdHost = (rootLogin: boolean) => systemdRootFiles(m1, '', { key: 'K', pub: 'P' }, [], 'c'.repeat(32), { rootLogin }).files;
      const sshd = (files: { path: string; content?: string }[]) => files.find((f) => f.path.endsWith('sshd_config'))!.content!;
      // --as ops: no lab key for root, and sshd refuses root from the bridge (this machine).
      assert.equal(
        shellHost(undefined).find((f) => f.path === 'root/.ssh/authorized_keys'),
        undefined,
      );
      for (const config of [sshd(shellHost(undefined)), sshd(systemdHost(false))]) {
        assert.equal(rootLogin(config, '10.77.0.1'), 'no');
        assert.equal(rootLogin(config, '10.77.0.12'), 'without-password');
        assert.equal(rootLogin(config, '192.0.2.7'), 'no');
      }
      // The plain lab: root by the lab key, from anywhere.
      assert.equal(shellHost('ssh-ed25519 AAAA lab').find((f) => f.path === 'root/.ssh/authorized_keys')!.content, 'ssh-ed25519 AAAA lab\n');
      for (const config of [sshd(shellHost('ssh-ed25519 AAAA lab')), sshd(systemdHost(true))]) assert.equal(rootLogin(config, '10.77.0.1'), 'without-password');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lab deps finds every package it needs installed here', { skip: fs.existsSync('/usr/bin/dpkg-query') ? false : 'not a Debian-like system' }, async () => {
    assert.deepEqual(await missingPackages(), []);
  });

  it('every embedded shell script parses (bash -n)', () => {
    const scripts = {
      HOST_INIT,
      DEV_TEMPLATE,
      CLIENT_MOUNT_SCRIPT,
      CLIENT_FILES_SCRIPT,
      bootstrap: bootstrapMasterScript('10.77.0.100', 24, 'eth0'),
      WAIT_FOR_CHECK_SCRIPT,
    };
    for (const [name, text] of Object.entries(scripts)) {
      const r = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    }
  });
});
