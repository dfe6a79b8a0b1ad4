// install-cluster's firewalld path, run for real: `lab up --init systemd --firewalld` boots
// every practice host with Debian's firewalld enabled in its own private root (never on this
// machine), then builds the cluster as the operator `ops` through sudo with install-cluster
// (firewall `auto`, which must pick firewalld) and keepalived-ha (the same shared lines in add
// mode on the candidates and chunkservers, before keepalived starts). From this machine,
// outside every host: each listening TCP port answers only when the host's roles open it,
// 9425 (the CGI) does not, VRRP passes (one VIP holder) and the cluster is healthy. Then, as
// ops, the two runbooks that give a host the master's role on these hosts: lost-master
// promotes the standby m2 after m1 is lost (keepalived crashed on both), rebuild-master
// switches the master over to spare, whose firewall let only SSH in; after each, from outside,
// the new master's 9419-9421 answer and 9425 does not, chunkservers, metaloggers and the
// client reconnect, and every file reads back with its checksum. This machine itself runs no
// firewalld, keeps it disabled, and its own network namespace gets no firewalld table.
// Needs `npm run build` (the lab runs the runbooks through the bundle's engine).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../../src/lab/proc.ts';
import { readState } from '../../../src/lab/state.ts';
import { labBreak } from '../../../src/lab/index.ts';
import {
  assertClusterHealthy,
  assertFilesIntact,
  crashKeepalived,
  haLogs,
  hostState,
  inventory,
  lab,
  labSkip,
  masterVersion,
  onHost,
  pidsOf,
  runRunbook,
  settledHolder,
  startLab,
  stopLab,
  tryOnHost,
  vipHolderNames,
  writeFiles,
} from '../../support/lab-runbook.ts';
import { tcpOpen } from '../../support/tcp.ts';

const firewalldMissing = (): string | false =>
  spawnSync('sh', ['-c', 'command -v firewalld && command -v firewall-cmd'], { env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } }).status === 0
    ? false
    : 'firewalld is not installed (scripts/install-deps.sh)';
let up = false;

/** The network namespace of a process, as the kernel names it (`net:[4026…]`). */
const netnsOf = (pid: number | 'self') => fs.readlinkSync(`/proc/${pid}/ns/net`);

const PROBED = [8099, 9419, 9420, 9421, 9422, 9425];

/**
 * From this machine, outside the host: listeners on the MooseFS ports its daemons leave free
 * and on one the cluster never uses, then every TCP port it listens on answers from outside
 * exactly when it is in `ports`.
 */
async function assertOutsideView(host: string, ports: number[]): Promise<void> {
  onHost(
    host,
    `systemd-run --unit mfs-fw-probe --quiet python3 -c 'import socket,time
ls=[]
for p in (${PROBED.join(', ')}):
    s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try: s.bind(("0.0.0.0", p)); s.listen(16); ls.append(s)
    except OSError: pass
time.sleep(3600)'`,
  );
  try {
    const listening = await waitFor(
      () => {
        const l = tryOnHost(host, "ss -Hltn | awk '{ print $4 }' | sed 's/.*://' | sort -nu").out.trim().split('\n').map(Number);
        return PROBED.every((p) => l.includes(p)) ? l : undefined;
      },
      15_000,
      200,
    );
    assert.ok(listening, `the probe listeners on ${host}`);
    for (const port of listening) {
      const fromOutside = await tcpOpen(hostState(host).address, port, 3000);
      if (ports.includes(port)) assert.ok(fromOutside, `${host}:${port} answers from outside`);
      else assert.equal(fromOutside, false, `${host}:${port} answers from outside`);
    }
  } finally {
    onHost(host, 'systemctl stop mfs-fw-probe');
  }
}

/** The TCP ports of the host's firewalld service moosefs, sorted. */
const servicePorts = (host: string) =>
  onHost(host, 'firewall-cmd --info-service=moosefs | sed -n "s/^ *ports: //p"')
    .trim()
    .split(/\s+/)
    .sort((a, b) => parseInt(a) - parseInt(b))
    .join(' ');

describe('firewalld on systemd practice hosts: install-cluster and keepalived-ha take its path', { skip: labSkip() || firewalldMissing(), timeout: 900_000 }, () => {
  before(async () => {
    const t0 = performance.now();
    up = true;
    await startLab('firewalld', { init: 'systemd', firewalld: true, operator: 'ops' });
    process.stdout.write(`# lab up --init systemd --firewalld --as ops: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  });
  after(async () => {
    if (up) await stopLab();
  });

  it('every host runs firewalld from boot; install-cluster put the ports in its service moosefs, keepalived-ha added the master ports on both candidates', () => {
    assert.equal(readState()!.firewalld, true);
    const want: Record<string, string> = {
      m1: '22/tcp 9419/tcp 9420/tcp 9421/tcp',
      m2: '22/tcp 9419/tcp 9420/tcp 9421/tcp',
      ml: '22/tcp',
      c1: '22/tcp 9422/tcp',
      c3: '22/tcp 9422/tcp',
      cl: '22/tcp',
      spare: '22/tcp',
    };
    for (const [host, ports] of Object.entries(want)) {
      assert.equal(onHost(host, 'systemctl is-active firewalld; firewall-cmd --state').trim(), 'active\nrunning', host);
      const zone = onHost(host, 'firewall-cmd --get-default-zone').trim();
      assert.match(onHost(host, `firewall-cmd --zone=${zone} --list-services`), /\bmoosefs\b/, host);
      assert.match(onHost(host, `firewall-cmd --zone=${zone} --list-rich-rules`), /rule protocol value="vrrp" accept/, host);
      assert.equal(servicePorts(host), ports, host);
    }
    // The journal of lab up's install-cluster run says which way each host went.
    const journals = fs.readdirSync(`${lab.dir}/runs`).map((f) => fs.readFileSync(`${lab.dir}/runs/${f}`, 'utf8'));
    assert.ok(
      journals.some((j) => /m1 \(firewalld, zone public\) accepts TCP/.test(j)),
      'install-cluster took the firewalld path',
    );
    // (The journals hold the rendered scripts too: the iptables path's report has the ports in digits.)
    assert.ok(!journals.some((j) => /\b(m1|m2|ml|c[1-3]|cl|spare) accepts TCP \d/.test(j)), 'no host took the iptables path');
  });

  it('from outside only SSH and the MooseFS ports of the host’s roles answer; 9425 does not; VRRP passes (one VIP holder)', async () => {
    const allowed: Record<string, number[]> = { m1: [22, 9419, 9420, 9421], m2: [22, 9419, 9420, 9421], ml: [22], c1: [22, 9422], cl: [22] };
    for (const [host, ports] of Object.entries(allowed)) await assertOutsideView(host, ports);
    // The CGI (no login) answers on ml itself, for an SSH tunnel, not from outside.
    assert.equal(tryOnHost('ml', "timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9425'").code, 0);
    assert.equal(await tcpOpen(hostState('ml').address, 9425, 3000), false, 'the CGI port from outside');
    // Both candidates run keepalived: were VRRP adverts dropped, m2 would take the VIP too.
    assert.deepEqual(await vipHolderNames(), ['m1']);
    const cs = spawnSync('mfscli', ['-ns', '|', '-SCS', '-H', '10.77.0.100'], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(cs.stdout.split('\n').filter((l) => l.startsWith('chunk servers:|')).length, 3, cs.stdout);
  });

  it('this machine runs no firewalld, keeps it disabled, and its own namespace has no firewalld table', () => {
    const pids = spawnSync('pgrep', ['-f', '^/usr/bin/python3 /usr/sbin/firewalld'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    assert.ok(pids.length >= 8, `a firewalld per host: ${pids.join(' ')}`);
    const mine = netnsOf('self');
    for (const pid of pids) assert.notEqual(netnsOf(pid), mine, `firewalld ${pid} runs in this machine's network namespace`);
    assert.equal(spawnSync('systemctl', ['--root=/', 'is-enabled', 'firewalld.service'], { encoding: 'utf8' }).stdout.trim(), 'disabled');
    // Through libnftables (firewalld's own dependency): the `nft` program is not installed with it.
    const tables = spawnSync('/usr/bin/python3', ['-c', 'import nftables; rc, out, err = nftables.Nftables().cmd("list tables"); print(out); raise SystemExit(rc)'], { encoding: 'utf8' });
    assert.equal(tables.status, 0, tables.stderr);
    assert.doesNotMatch(tables.stdout, /firewalld/);
  });
  it('fence-master as ops: in a split brain (VRRP dropped both ways) it fences m2, keeps m1, and disables m2\u2019s units; healed, m2 rejoins as the standby; nothing lost', async () => {
    assert.equal(await settledHolder(), 'm1');
    writeFiles('s');
    const v0 = masterVersion()!;
    await labBreak('split-brain');
    try {
      assert.deepEqual(await vipHolderNames(), ['m1', 'm2']);
      const r = runRunbook('fence-master', [
        '--input',
        'fence=m2',
        '--input',
        `fence_address=${hostState('m2').address}`,
        '--input',
        'keep=m1',
        '--input',
        `keep_address=${hostState('m1').address}`,
        '--decide',
        'next=later',
      ]);
      assert.equal(r.code, 0, `${r.out}\n${haLogs(['m2'])}`);
      assert.match(r.out, /FENCED: no mfsmaster, no keepalived and no VIP on m2/);
      assert.deepEqual(await vipHolderNames(), ['m1']);
      // Through sudo as ops: a reboot of m2 would not bring a second master back.
      assert.equal(tryOnHost('m2', 'systemctl is-enabled keepalived moosefs-master').out.trim(), 'disabled\ndisabled');
      assert.equal((await pidsOf('m2', 'mfsmaster')).length, 0, 'no master on m2');
    } finally {
      await labBreak('heal');
    }
    // The cause fixed, the operator enables keepalived on m2 again: its role script makes it the standby.
    onHost('m2', 'systemctl enable --now keepalived');
    assert.equal(await settledHolder(), 'm1');
    await assertClusterHealthy(v0, [hostState('ml').address, hostState('m2').address]);
    writeFiles('S');
    assertFilesIntact();
  });

  it('lost-master as ops: keepalived crashed on both candidates, m1 lost; m2 promoted, its master ports answer from outside and 9425 does not; chunkservers, metaloggers and the client reconnect', async () => {
    assert.equal(await settledHolder(), 'm1');
    writeFiles('l');
    const v0 = masterVersion()!;
    await crashKeepalived(['m1', 'm2'], 'm1');
    assert.deepEqual(await vipHolderNames(), ['m1']);
    const broken = await labBreak('lose-master');
    assert.equal(broken.host, 'm1');
    const r = runRunbook('lost-master', [
      '--input',
      'old=m1',
      '--input',
      `old_address=${hostState('m1').address}`,
      '--input',
      'target=m2',
      '--input',
      `target_address=${hostState('m2').address}`,
      '--decide',
      'fence=fenced',
      '--decide',
      'next=later',
    ]);
    assert.equal(r.code, 0, `${r.out}\n${haLogs(['m2'])}`);
    assert.match(r.out, /m2 \(firewalld, zone public\) accepts TCP/);
    assert.match(r.out, /OK: the new master has every change the metalogger logged/);
    assert.equal(servicePorts('m2'), '22/tcp 9419/tcp 9420/tcp 9421/tcp');
    assert.deepEqual(await vipHolderNames(), ['m2']);
    await assertOutsideView('m2', [22, 9419, 9420, 9421]);
    await assertClusterHealthy(v0, [hostState('ml').address]);
    writeFiles('L'); // the client writes through the promoted master
    assertFilesIntact();
  });

  it('rebuild-master as ops: spare (SSH only so far) becomes the master; the runbook opened 9419-9421 in its firewalld service, they answer from outside, 9425 does not; everything reconnects', async () => {
    // The operator removed the lost m1 from the inventory and copied the master configuration
    // to spare (what ssh-trust and unison-sync do; systemd-lab.test.ts runs those).
    const inv = inventory({}, ['m1'], 'inventory-rebuild.yaml');
    for (const f of ['mfsmaster.cfg', 'mfsexports.cfg']) {
      const b64 = onHost('m2', `base64 -w0 /etc/mfs/${f}`).trim();
      onHost('spare', `mkdir -p /etc/mfs && echo ${b64} | base64 -d > /etc/mfs/${f}`);
    }
    assert.equal(servicePorts('spare'), '22/tcp');
    writeFiles('r');
    const v0 = masterVersion()!;
    const r = runRunbook(
      'rebuild-master',
      ['--input', 'new=spare', '--input', `new_address=${hostState('spare').address}`, '--input', 'current=m2', '--decide', 'same-config=same', '--decide', 'switch=now', '--decide', 'next=later'],
      inv,
    );
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /spare \(firewalld, zone public\) accepts TCP/);
    assert.match(r.out, /OK: the version did not go back/);
    assert.equal(servicePorts('spare'), '22/tcp 9419/tcp 9420/tcp 9421/tcp');
    assert.deepEqual(await vipHolderNames(), ['spare']);
    assert.ok((await pidsOf('spare', 'mfsmaster')).length > 0, 'spare runs the master');
    assert.equal((await pidsOf('m2', 'mfsmaster')).length, 0, 'no master on m2');
    await assertOutsideView('spare', [22, 9419, 9420, 9421]);
    // m2 is the standby now (its metalogger against the VIP): its ports are what keepalived-ha gave it.
    await assertClusterHealthy(v0, [hostState('m2').address, hostState('ml').address]);
    writeFiles('R');
    assertFilesIntact();
  });
});
