// The pure parts of the systemd practice hosts: what a host inherits of the machine's enabled
// units, the files of its private root, the mounts before it pivots, and how the machine's
// mount table is read. The boot itself is proven by test/integration/lab/systemd-lab.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planHosts } from '../../../src/lab/layout.ts';
import { MASKED_UNITS, cgroup2Mount, inheritedUnits, mountsBelow, systemdFstab, systemdRootFiles } from '../../../src/lab/systemd-host.ts';

// The machine's /etc/systemd/system/*.wants of the Debian 12 machine the lab was built on.
const ENABLED = [
  'getty.target.wants/getty@tty1.service',
  'multi-user.target.wants/e2scrub_reap.service',
  'multi-user.target.wants/keepalived.service',
  'multi-user.target.wants/postgresql.service',
  'multi-user.target.wants/prometheus.service',
  'multi-user.target.wants/remote-fs.target',
  'multi-user.target.wants/rsyslog.service',
  'multi-user.target.wants/ssh.service',
  'multi-user.target.wants/moosefs-master.service',
  'sysinit.target.wants/systemd-timesyncd.service',
  'timers.target.wants/apt-daily.timer',
];

describe('a systemd practice host and the machine it runs on', () => {
  it("starts none of the machine's services but sshd; MooseFS and keepalived are whited out (enable still works), the rest masked", () => {
    const { mask, whiteout } = inheritedUnits(ENABLED);
    assert.deepEqual(whiteout, ['etc/systemd/system/multi-user.target.wants/keepalived.service', 'etc/systemd/system/multi-user.target.wants/moosefs-master.service']);
    for (const u of ['postgresql.service', 'prometheus.service', 'rsyslog.service', 'apt-daily.timer', 'e2scrub_reap.service', 'systemd-timesyncd.service']) assert.ok(mask.includes(u), u);
    assert.ok(!mask.includes('ssh.service') && !mask.includes('keepalived.service') && !mask.includes('moosefs-master.service'));
    // A template instance is not masked by name (getty@tty1 is in the fixed mask list).
    assert.ok(!mask.some((u) => u.includes('@')));
  });

  it('provisions its own identity, its own host key only, a volatile journal and the masks', () => {
    const [m1] = planHosts(1);
    const { files, whiteouts } = systemdRootFiles(m1!, '127.0.0.1\tlocalhost\n', { key: 'PRIVATE', pub: 'ssh-ed25519 AAAA root@m1\n' }, ENABLED, 'a'.repeat(32));
    const get = (p: string) => files.find((f) => f.path === p);
    assert.equal(get('etc/hostname')?.content, 'm1\n');
    assert.equal(get('etc/machine-id')?.content, `${'a'.repeat(32)}\n`);
    assert.equal(get('etc/systemd/system/default.target')?.link, '/lib/systemd/system/multi-user.target');
    assert.match(get('etc/systemd/journald.conf.d/mfs-tui-lab.conf')?.content ?? '', /Storage=volatile/);
    assert.equal(get('etc/ssh/ssh_host_ed25519_key')?.mode, 0o600);
    assert.match(get('etc/ssh/sshd_config')?.content ?? '', /^HostKey \/etc\/ssh\/ssh_host_ed25519_key$/m);
    assert.doesNotMatch(get('etc/ssh/sshd_config')?.content ?? '', /PermitRootLogin yes|PasswordAuthentication yes/);
    for (const u of [...MASKED_UNITS, 'postgresql.service']) assert.equal(get(`etc/systemd/system/${u}`)?.link, '/dev/null', u);
    assert.equal(get('etc/systemd/system/ssh.service'), undefined, 'sshd is not masked');
    // The machine's other host keys are hidden: the host offers only the key in known_hosts.
    assert.ok(whiteouts.includes('etc/ssh/ssh_host_rsa_key') && whiteouts.includes('etc/ssh/ssh_host_ecdsa_key'));
    assert.ok(files.every((f) => !f.path.startsWith('/') && !f.path.includes('..')));
    assert.equal(get('etc/systemd/system/multi-user.target.wants/firewalld.service'), undefined, 'firewalld only with lab up --firewalld');
  });

  it("lab up --firewalld: firewalld enabled in the host's own root (as `systemctl enable` would), unmasked even where the machine enabled it", () => {
    const m1 = planHosts(3).find((h) => h.name === 'm1')!;
    const enabled = [...ENABLED, 'multi-user.target.wants/firewalld.service'];
    const without = systemdRootFiles(m1, '', { key: 'K', pub: 'P' }, enabled, 'b'.repeat(32)).files;
    assert.equal(without.find((f) => f.path === 'etc/systemd/system/firewalld.service')?.link, '/dev/null', "the machine's firewalld stays out of a plain host");
    const { files } = systemdRootFiles(m1, '', { key: 'K', pub: 'P' }, enabled, 'b'.repeat(32), { firewalld: true });
    const get = (p: string) => files.find((f) => f.path === p);
    assert.equal(get('etc/systemd/system/firewalld.service'), undefined, 'not masked');
    for (const p of ['etc/systemd/system/multi-user.target.wants/firewalld.service', 'etc/systemd/system/dbus-org.fedoraproject.FirewallD1.service']) {
      assert.equal(get(p)?.link, '/lib/systemd/system/firewalld.service', p);
    }
  });

  it('mounts the overlay first, then the host folders, a read-only sysfs and fresh /run, /tmp and /var/tmp, all below its own root', () => {
    const fstab = systemdFstab('m1', '/var/lib/mfs-tui-lab/hosts/m1')
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    assert.deepEqual(fstab[0], [
      'mfslab-root-m1',
      '/var/lib/mfs-tui-lab/hosts/m1/rootfs',
      'overlay',
      'lowerdir=/,upperdir=/var/lib/mfs-tui-lab/hosts/m1/upper,workdir=/var/lib/mfs-tui-lab/hosts/m1/work',
      '0',
      '0',
    ]);
    for (const f of fstab) assert.ok(f[1]!.startsWith('/var/lib/mfs-tui-lab/hosts/m1/rootfs'), `${f[1]} is outside the host's root`);
    const at = (t: string) => fstab.find((f) => f[1] === `/var/lib/mfs-tui-lab/hosts/m1/rootfs${t}`);
    assert.equal(at('/tmp')?.[2], 'tmpfs');
    assert.equal(at('/var/tmp')?.[2], 'tmpfs');
    assert.equal(at('/run')?.[2], 'tmpfs');
    assert.equal(at('/dev')?.[2], 'tmpfs');
    assert.match(at('/sys')?.[3] ?? '', /^ro,/);
    assert.equal(at('/sys/fs/cgroup')?.[2], 'cgroup2');
    assert.equal(at('/var/lib/mfs')?.[0], '/var/lib/mfs-tui-lab/hosts/m1/var/lib/mfs');
  });

  it('finds the cgroup2 mount of a hybrid and of a unified machine, and mounts below a folder deepest first', () => {
    // Lines of /proc/self/mountinfo as this kernel writes them (a hybrid cgroup machine).
    const hybrid = [
      '25 1 252:0 / / rw,relatime - ext4 /dev/vda rw',
      '30 29 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755',
      '31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw',
      '40 25 0:40 / /var/lib/mfs-tui-lab/hosts/m1/rootfs rw - overlay mfslab-root-m1 rw',
      '41 40 0:41 / /var/lib/mfs-tui-lab/hosts/m1/rootfs/tmp rw - tmpfs mfslab-tmp rw',
      '42 25 0:42 / /var/lib/mfs-tui-lab/hosts/m10 rw - tmpfs x rw',
      '43 25 0:43 / /var/lib/with\\040space rw - tmpfs x rw',
    ].join('\n');
    assert.equal(cgroup2Mount(hybrid), '/sys/fs/cgroup/unified');
    assert.equal(cgroup2Mount('26 1 0:25 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate'), '/sys/fs/cgroup');
    assert.equal(cgroup2Mount(hybrid.split('\n')[0]!), undefined);
    assert.deepEqual(mountsBelow('/var/lib/mfs-tui-lab/hosts/m1', hybrid), ['/var/lib/mfs-tui-lab/hosts/m1/rootfs/tmp', '/var/lib/mfs-tui-lab/hosts/m1/rootfs']);
    assert.deepEqual(mountsBelow('/var/lib/with space', hybrid), ['/var/lib/with space']);
  });
});
