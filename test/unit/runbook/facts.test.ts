import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { FACTS_SCRIPT, extractMfsVersion, parseFacts } from '../../../src/runbook/facts.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/runbooks/captured/${name}`, import.meta.url), 'utf8');

// Captured from `mfsmaster -v` of Debian 12's moosefs-master 3.0.117-1 on this machine.
const MFSMASTER_V = fixture('mfsmaster-v.txt');

const DEBIAN_OS_RELEASE = `os_id=debian
os_like=
os_version=12
init=none
mfs=${MFSMASTER_V.trim()}
hostname=m1
`;

describe('parseFacts', () => {
  it('reads a Debian host without systemd, version from mfsmaster -v', () => {
    assert.equal(MFSMASTER_V.trim(), 'version: 3.0.117-1 ; build: 1341');
    assert.deepEqual(parseFacts(DEBIAN_OS_RELEASE), {
      os: 'debian',
      osId: 'debian',
      osVersion: '12',
      init: 'none',
      mfs: '3.0.117',
      hostname: 'm1',
    });
  });

  it('maps ID_LIKE to the family (Rocky is rhel, Ubuntu is debian) and reads mfsmount -V', () => {
    const rocky = parseFacts('os_id=rocky\nos_like=rhel centos fedora\nos_version=9.3\ninit=systemd\nmfs=MFS version: 3.0.116-1 ; build: 1200\nhostname=cs7\n');
    assert.deepEqual(rocky, { os: 'rhel', osId: 'rocky', osVersion: '9.3', init: 'systemd', mfs: '3.0.116', hostname: 'cs7' });
    const ubuntu = parseFacts('os_id=ubuntu\nos_like=debian\nos_version=22.04\ninit=systemd\nmfs=3.0.116-1\nhostname=c1\n');
    assert.equal(ubuntu.os, 'debian');
    assert.equal(ubuntu.osId, 'ubuntu');
    assert.equal(ubuntu.mfs, '3.0.116', 'a dpkg-query version');
  });

  it('tolerates banners, CRLF, quotes and missing MooseFS', () => {
    const f = parseFacts('Welcome to host\r\nos_id="opensuse-leap"\r\nos_like="suse opensuse"\r\nos_version="15.5"\r\ninit=none\r\nmfs=\r\nhostname=x\r\n');
    assert.deepEqual(f, { os: 'suse', osId: 'opensuse-leap', osVersion: '15.5', init: 'none', mfs: undefined, hostname: 'x' });
    assert.deepEqual(parseFacts(''), { os: 'unknown', osId: 'unknown', osVersion: '', init: 'none', mfs: undefined, hostname: '' });
  });

  it('extractMfsVersion', () => {
    assert.equal(extractMfsVersion('version: 3.0.117-1 ; build: 1341'), '3.0.117');
    assert.equal(extractMfsVersion('mfsmaster: command not found'), undefined);
  });
});

const hasMfsmaster = spawnSync('sh', ['-c', 'PATH="$PATH:/usr/sbin:/sbin" command -v mfsmaster']).status === 0;

describe('on this machine', () => {
  it('the real mfsmaster -v prints what the fixture holds', { skip: !hasMfsmaster && 'moosefs-master is not installed' }, () => {
    const out = execFileSync('sh', ['-c', 'PATH="$PATH:/usr/sbin:/sbin" mfsmaster -v'], { encoding: 'utf8' });
    assert.equal(extractMfsVersion(out), extractMfsVersion(MFSMASTER_V));
  });

  it("FACTS_SCRIPT runs under sh and its output parses to this machine's facts", () => {
    const res = spawnSync('sh', ['-c', FACTS_SCRIPT], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    const facts = parseFacts(res.stdout);
    const osRelease = readFileSync(existsSync('/etc/os-release') ? '/etc/os-release' : '/usr/lib/os-release', 'utf8');
    const id = /^ID="?([^"\n]*)"?$/m.exec(osRelease)?.[1];
    assert.equal(facts.osId, id);
    assert.equal(facts.hostname, hostname());
    const systemd = existsSync('/run/systemd/system') && statSync('/run/systemd/system').isDirectory();
    assert.equal(facts.init, systemd ? 'systemd' : 'none');
    if (hasMfsmaster) assert.equal(facts.mfs, '3.0.117');
  });

  it('FACTS_SCRIPT also works under dash with an empty PATH entry for sbin', { skip: !existsSync('/bin/dash') && 'no dash' }, () => {
    const res = spawnSync('/bin/dash', ['-c', FACTS_SCRIPT], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    assert.equal(res.status, 0, res.stderr);
    if (hasMfsmaster) assert.equal(parseFacts(res.stdout).mfs, '3.0.117', 'mfsmaster found in /usr/sbin although PATH lacks it');
  });
});
