// The practice cluster run by an operator who is not root: `lab up` builds it with
// install-cluster and keepalived-ha logged in as `ops` through sudo with a password; then
// health-check and restart-daemon run through the real CLI as ops, the sudo password given
// on a descriptor (MFS_TUI_SUDO_PASSWORD_FD) as CI would. The host variants: ml's sudo lets
// ops run a few tools without a password (mfs-tui still needs it: it runs /bin/sh), and a
// host switched to `Defaults requiretty` is refused before step 1 with sudo's own words.
// Afterwards the password is looked for in every journal, state file, job folder, host log
// and output: it must be nowhere. Any other runbook test runs as ops the same way with
// MFS_TUI_LAB_TEST_OPERATOR=ops (test/support/lab-runbook.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hostDir } from '../../../src/lab/paths.ts';
import { sudoersFor } from '../../../src/lab/operator.ts';
import { sh } from '../../support/lab.ts';
import { assertClusterHealthy, hostState, inventory, lab, labSkip, masterVersion, mfscli, onHost, pidsOf, runRunbook, startLab, stopLab } from '../../support/lab-runbook.ts';

const BIN = fileURLToPath(new URL('../../../bin/mfs-tui', import.meta.url));
const outputs: string[] = [];
const run = (id: string, args: string[] = []) => {
  const r = runRunbook(id, args, inventory({}, [], 'inventory-runbooks-ops.yaml', 'ops'));
  outputs.push(r.out);
  return r;
};
const password = () => fs.readFileSync(path.join(lab.dir, 'ops-password'), 'utf8').trim();

/** ssh to a lab host as ops with ops' own key (the lab's ssh_config pins the host keys). */
function asOps(host: string, script: string, identity = 'ops_ed25519', user = 'ops') {
  // Not the lab's ssh_config: it offers root's key too. Only this key, the host key pinned.
  return sh(
    'ssh',
    ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${path.join(lab.dir, 'known_hosts')}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes',
      '-i', path.join(lab.dir, identity), '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-l', user, hostState(host).address, 'bash', '-s'],
    script,
  );
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

describe('the practice cluster run as ops through sudo', { skip: labSkip(), timeout: 900_000 }, () => {
  const machinePasswd = fs.readFileSync('/etc/passwd', 'utf8');
  before(() => startLab('ops', { operator: 'ops' }));
  after(() => stopLab());

  it('lab up built it as ops: install-cluster and keepalived-ha journals log in as ops with become', () => {
    const runs = path.join(lab.dir, 'runs');
    const journals = fs.readdirSync(runs).map((f) => fs.readFileSync(path.join(runs, f), 'utf8'));
    assert.equal(journals.length, 2);
    const inv = fs.readFileSync(path.join(lab.dir, 'inventory.lab-up.yaml'), 'utf8');
    assert.match(inv, /name: m1, .*user: ops, identity: ops_ed25519, become: true/);
    assert.doesNotMatch(inv, /user: root/);
    for (const j of journals) {
      assert.match(j, /"inventory":\{"file":"[^"]*inventory\.lab-up\.yaml"/);
      // Every job ran as root through sudo: its folder is root's (/run/mfs-tui-0), not ops'.
      assert.match(j, /"dir":"\/run\/mfs-tui-0"/);
      assert.doesNotMatch(j, /"dir":"(?!\/run\/mfs-tui-0")/);
      assert.match(j, /"type":"run-finished"/);
    }
    // The user lives in the hosts only: the machine's own account files did not change.
    assert.equal(fs.readFileSync('/etc/passwd', 'utf8'), machinePasswd);
  });

  it('ops logs in with its own key, is no root, and no key opens root from this machine; sudo asks for the password; the lab logs in as ops', () => {
    const who = asOps('c1', 'id -un; sudo -n true 2>&1; echo "rc=$?"');
    assert.equal(who.code, 0, who.err);
    assert.match(who.out, /^ops\nsudo: a password is required\nrc=1$/m);
    const root = asOps('c1', 'id -un', 'ops_ed25519', 'root');
    assert.notEqual(root.code, 0, 'the ops key must not log in as root');
    // No root login at all from this machine: not with the lab's own key either (sshd says no to root here).
    for (const host of ['m1', 'c1', 'cl']) {
      const lab = asOps(host, 'id -un', 'id_ed25519', 'root');
      assert.equal(lab.code, 255, `${host}: root logged in with the lab key: ${lab.out}`);
      assert.match(lab.err, /Permission denied/);
    }
    // The lab's own inventory and `lab ssh` log in as ops, as a real operator would.
    assert.match(fs.readFileSync(path.join(lab.dir, 'inventory.yaml'), 'utf8'), /name: m1, .*user: ops, identity: ops_ed25519, become: true/);
    const labSsh = sh(process.execPath, [BIN, 'lab', 'ssh', 'm1', '--', 'id', '-un']);
    assert.equal(labSsh.code, 0, labSsh.err);
    assert.equal(labSsh.out.trim(), 'ops');
    // ml: NOPASSWD for read-only tools, not for /bin/sh (what mfs-tui runs).
    const ml = asOps('ml', 'sudo -n /usr/bin/mfscli -v >/dev/null 2>&1 && echo tools-free; sudo -n /bin/sh -c true 2>&1');
    assert.match(ml.out, /^tools-free\nsudo: a password is required$/m, ml.out + ml.err);
  });

  it('the seeds\' layout: install-cluster (as ops) gave every chunkserver its two data folders, each a mount of its own; mfscli -SHD lists each disk', async () => {
    for (const h of ['c1', 'c2', 'c3']) {
      assert.equal(onHost(h, 'grep -v "^#" /etc/mfs/mfshdd.cfg'), '/mnt/mfs1\n/mnt/mfs2\n', h);
      assert.equal(onHost(h, 'mountpoint -q /mnt/mfs1 && mountpoint -q /mnt/mfs2 && stat -c %U /mnt/mfs1 /mnt/mfs2'), 'mfs\nmfs\n', h);
    }
    let rows: string[] = [];
    for (let i = 0; i < 100 && rows.length < 6; i++) {
      rows = mfscli('-SHD').filter((l) => l.startsWith('disks:|'));
      if (rows.length < 6) await new Promise((r) => setTimeout(r, 200));
    }
    const disks = rows.map((l) => l.split('|')[1]).sort();
    assert.deepEqual(disks, ['10.77.0.21:9422:/mnt/mfs1/', '10.77.0.21:9422:/mnt/mfs2/', '10.77.0.22:9422:/mnt/mfs1/', '10.77.0.22:9422:/mnt/mfs2/', '10.77.0.23:9422:/mnt/mfs1/', '10.77.0.23:9422:/mnt/mfs2/'], rows.join('\n'));
    // For the parser's fixture (test/fixtures/status/SHD-two-folders.txt): the real output.
    if (process.env.MFS_TUI_CAPTURE_DIR) fs.writeFileSync(path.join(process.env.MFS_TUI_CAPTURE_DIR, 'SHD-two-folders.txt'), mfscli('-SHD').join('\n'));
  });

  it('health-check as ops with the password on a descriptor: every step through sudo, exit 0', async () => {
    // From a settled cluster: a read-only tour during a failover would rightly report it.
    await assertClusterHealthy(0, ['10.77.0.12', '10.77.0.13']);
    const r = run('health-check');
    assert.equal(r.code, 0, r.out);
  });

  it('restart-daemon as ops: a killed chunkserver is started again as root through sudo', async () => {
    const before = masterVersion() ?? 0;
    const [pid] = await pidsOf('c2', 'mfschunkserver');
    assert.ok(pid, 'c2 runs a chunkserver');
    process.kill(pid, 'SIGKILL');
    const gone = async () => {
      for (let i = 0; i < 100; i++) {
        if ((await pidsOf('c2', 'mfschunkserver')).length === 0) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    };
    assert.ok(await gone(), 'the killed chunkserver is gone');
    const r = run('restart-daemon', ['--input', 'host=c2', '--input', 'daemon=chunkserver']);
    assert.equal(r.code, 0, r.out);
    const after = await pidsOf('c2', 'mfschunkserver');
    assert.equal(after.length, 1);
    assert.match(onHost('c2', `ps -o user= -p $(pidof mfschunkserver)`), /^(root|mfs)\s*$/m);
    await assertClusterHealthy(before, ['10.77.0.12', '10.77.0.13']);
  });

  it('a host with Defaults requiretty: refused before step 1 (exit 3) with sudo\'s words and the fix; nothing ran', () => {
    const file = path.join(hostDir('c3'), 'etc/sudoers.d/ops');
    const was = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, sudoersFor('requiretty'));
    try {
      const state = path.join(lab.work, 'state', 'runs');
      const before = new Set(fs.existsSync(state) ? fs.readdirSync(state) : []);
      const r = run('health-check');
      assert.equal(r.code, 3, r.out);
      assert.match(r.out, /c3: sudo refused ops: sudo: sorry, you must have a tty to run sudo/);
      const fresh = fs.readdirSync(state).filter((f) => !before.has(f));
      for (const f of fresh) assert.doesNotMatch(fs.readFileSync(path.join(state, f), 'utf8'), /"step-started"/, 'no step started');
    } finally {
      fs.writeFileSync(file, was);
    }
  });

  it('the sudo password is in no journal, state file, job folder, host log or output', () => {
    const pw = password();
    assert.ok(pw.length >= 12);
    const files = [
      ...filesUnder(lab.work),
      ...filesUnder(path.join(lab.dir, 'runs')),
      ...['m1', 'ml', 'c2', 'c3'].flatMap((h) => [
        ...filesUnder(path.join(hostDir(h), 'var/log')),
        ...filesUnder(path.join(hostDir(h), 'tmp')),
        ...filesUnder(`/proc/${hostState(h).initPid}/root/run/mfs-tui-0`),
      ]),
    ];
    assert.ok(files.some((f) => f.includes('mfs-tui-0')), 'the root job folders were looked at');
    for (const f of files) assert.ok(!fs.readFileSync(f).includes(pw), `the password is in ${f}`);
    for (const o of outputs) assert.ok(!o.includes(pw), 'the password is in an output');
  });
});
