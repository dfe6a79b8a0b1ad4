// The runbook library as a whole: it validates clean, every destructive command asks for a
// typed confirmation and names its risk, and the commands the seeds got wrong never appear.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { builtinRunbookDir, formatProblem, loadRunbookDir } from '../../../src/runbook/library.ts';
import type { CommandBlock, Runbook } from '../../../src/runbook/types.ts';
import { masterDownIntervalS, parseKeepalivedConf } from '../../../src/status/keepalived-conf.ts';
import { heredoc, labInventory, library, renderBlock, runbook } from '../../support/runbook-library.ts';

const EXPECTED = ['power-cut', 'lost-master', 'planned-restart', 'keepalived-ha', 'install-cluster', 'rebuild-master', 'ssh-trust', 'unison-sync', 'monitoring', 'restart-daemon', 'fence-master'];

/** Every command block of the library with where it comes from, for messages. */
function allBlocks(): { rb: Runbook; stepId: string; block: CommandBlock; where: string }[] {
  return library().flatMap((rb) => rb.steps.flatMap((s) => s.commands.map((block) => ({ rb, stepId: s.id, block, where: `${rb.id}#${s.id} (line ${block.pos.line})` }))));
}

/** A script without the bodies of its heredocs: writing a script is not running it. */
function withoutHeredocs(script: string): string {
  return script.replace(/<<-?\s*'?(\w+)'?[^\n]*\n[\s\S]*?\n\1\n/g, '<<HEREDOC\n');
}

// What a command may remove without asking for a typed confirmation: its own temp files.
const TEMP_FILE = /(\.new\b|mfs-tui|\$TMP|mfs-ha\.role)/;

/** Why a script is destructive, or undefined. */
function destructiveReason(script: string): string | undefined {
  const s = withoutHeredocs(script);
  if (/\bmfsmaster\b[^\n]*\s(stop|restore)\b/.test(s)) return 'mfsmaster stop/restore';
  if (/\bmfsmaster\b[^\n]*\s-a\b/.test(s)) return 'mfsmaster -a';
  if (/\bsystemctl\s+stop\b/.test(s)) return 'systemctl stop';
  if (/\bsystemctl\s+(restart|reload-or-restart)\s+(keepalived|moosefs-)/.test(s)) return 'systemctl restart of keepalived or MooseFS';
  if (/\bkill\s+(?!-0\b)/.test(s)) return 'kill';
  if (/\bip\s+addr\s+del\b/.test(s)) return 'ip addr del';
  for (const line of s.split('\n')) {
    if (/(^|[\s;&|(])rm\s/.test(line) && !TEMP_FILE.test(line)) return `rm: ${line.trim()}`;
  }
  if (/(^|[\s;&|(])mv\s/.test(s) && /metadata|changelog/.test(s)) return 'mv of metadata';
  return undefined;
}

describe('runbook library', () => {
  it('validates clean, alone and against the practice cluster inventory', () => {
    const plain = loadRunbookDir(builtinRunbookDir());
    assert.deepEqual(plain.problems.map(formatProblem), []);
    const withInv = loadRunbookDir(builtinRunbookDir(), { inventory: labInventory() });
    assert.deepEqual(withInv.problems.map(formatProblem), []);
  });

  it('has every runbook of issues 4 and 6', () => {
    const ids = library().map((r) => r.id);
    for (const id of EXPECTED) assert.ok(ids.includes(id), `runbook ${id} is missing`);
  });

  it('asks for a typed confirmation and names the risk of every destructive command', () => {
    const bad: string[] = [];
    let destructive = 0;
    for (const { block, where } of allBlocks()) {
      const why = destructiveReason(block.script);
      if (!why) continue;
      destructive++;
      if (block.confirm !== 'typed' || !block.risk) bad.push(`${where}: ${why} with confirm=${block.confirm}, risk=${block.risk ?? 'none'}`);
    }
    assert.deepEqual(bad, []);
    assert.ok(destructive >= 20, `expected many destructive blocks to be checked, found ${destructive}`);
  });

  it('the destructive-command detector catches what it must', () => {
    assert.ok(destructiveReason('mfsmaster -c /etc/mfs/mfsmaster.cfg stop'));
    assert.ok(destructiveReason('mfsmaster -a'));
    assert.ok(destructiveReason('mfsmaster -c x -a -x restore >log'));
    assert.ok(destructiveReason('systemctl stop keepalived'));
    assert.ok(destructiveReason('systemctl restart keepalived'));
    assert.ok(destructiveReason('systemctl restart moosefs-chunkserver'));
    assert.equal(destructiveReason('systemctl restart mfs-config-sync'), undefined);
    assert.ok(destructiveReason('kill "$pid"'));
    assert.ok(destructiveReason('rm -rf /var/lib/mfs/old'));
    assert.ok(destructiveReason('for f in metadata.mfs*; do mv "$f" old/; done'));
    assert.equal(destructiveReason('kill -0 "$pid" && echo alive'), undefined);
    assert.equal(destructiveReason('mfsmaster -c x test'), undefined);
    assert.equal(destructiveReason('rm -f /var/tmp/mfs-tui-peer-hostkey'), undefined);
    assert.equal(destructiveReason("cat > /x.sh <<'EOF'\nmfsmaster -a restore\nEOF\nchmod 755 /x.sh\n"), undefined);
  });

  it('never runs mfsmetarestore, never turns host key checking off, never removes .metaid or metadata.mfs.lock', () => {
    for (const { block, where } of allBlocks()) {
      for (const text of [block.script, block.check?.script ?? '']) {
        assert.doesNotMatch(text, /^[^#\n]*\bmfsmetarestore\b/m, `${where} runs mfsmetarestore`);
        assert.doesNotMatch(text, /StrictHostKeyChecking\s*=?\s*no/i, `${where} turns host key checking off`);
        assert.doesNotMatch(text, /metadata\.mfs\.lock/, `${where} touches metadata.mfs.lock`);
        for (const line of text.split('\n')) {
          if (line.includes('.metaid')) assert.doesNotMatch(line, /\b(rm|mv|unlink|truncate)\b|>/, `${where}: ${line}`);
        }
      }
    }
  });

  it('renders every script for the practice cluster with no undefined variable, and every one parses as POSIX sh', () => {
    const inv = labInventory();
    const failures: string[] = [];
    for (const { rb, block, where } of allBlocks()) {
      const hostName = inv.hosts.find((h) => h.roles.includes('master-candidate'))!.name;
      const r = renderBlock(rb, block, hostName, inv);
      if (r.missing.length > 0) failures.push(`${where}: undefined ${r.missing.join(', ')}`);
      for (const [kind, text] of [
        ['script', r.script],
        ['check', r.check],
      ] as const) {
        if (text === undefined) continue;
        const res = spawnSync('sh', ['-n'], { input: text, encoding: 'utf8' });
        if (res.status !== 0) failures.push(`${where} ${kind}: ${res.stderr.trim()}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});

describe('keepalived-ha', () => {
  const rb = runbook('keepalived-ha');
  const step = (id: string) => rb.steps.find((s) => s.id === id)!;
  const rendered = (id: string, hostName = 'm1') => renderBlock(rb, step(id).commands[0]!, hostName).script;

  it('writes a keepalived.conf with the safe design: BACKUP + nopreempt both sides, check weight 0, VRRPv3 unicast to the other candidate only, four notify states', () => {
    for (const [hostName, prio] of [
      ['m1', '254'],
      ['m2', '253'],
    ]) {
      const s = rendered('keepalived-conf', hostName);
      assert.match(s, /state BACKUP\n\s+nopreempt/);
      assert.doesNotMatch(s, /state MASTER/);
      assert.match(s, /weight 0/);
      assert.doesNotMatch(s, /auth_pass|authentication/, 'VRRPv3 has no authentication: unicast peers replace it');
      assert.match(s, /vrrp_version 3\n/);
      assert.match(s, /advert_int 0\.5\n/);
      assert.match(s, /unicast_src_ip \$src\n\s+unicast_peer \{\n\$peers {2}\}\n\s+check_unicast_src\n/);
      assert.match(s, /for a in 10\.77\.0\.11 10\.77\.0\.12; do/, 'the peers are every master candidate of the inventory');
      assert.match(s, /virtual_router_id 77/);
      assert.match(s, /prio=253; \[ "[^"]+" = "m1" \] && prio=254/);
      // A dead master on the MASTER node: its own script, FAULT at the first failure.
      assert.match(s, /vrrp_script mfs_master \{\n\s+script "\/etc\/keepalived\/mfs-check.sh master"\n\s+interval 1\n\s+timeout 30\n\s+fall 1\n/);
      // A run that cannot finish (a starved host) is no evidence: both checks get 30 s.
      assert.match(s, /vrrp_script mfs_ready \{\n\s+script "\/etc\/keepalived\/mfs-check.sh"\n\s+interval 1\n\s+timeout 30\n\s+fall 2\n/);
      assert.match(s, /track_script \{\n\s+mfs_ready\n\s+mfs_master\n\s+\}/);
      assert.match(s, /10\.77\.0\.100\/24 dev eth0/);
      for (const st of ['MASTER', 'BACKUP', 'FAULT', 'STOP']) assert.match(s, new RegExp(`notify_${st.toLowerCase()} "/etc/keepalived/mfs-role.sh ${st}"`));
      assert.match(s, /keepalived -t -f/);
      assert.ok(prio);
    }
  });

  // The step run for real (its shell, getent, and the installed keepalived's `-t` config
  // test), writing into a temporary folder instead of /etc/keepalived: what it writes is
  // what keepalived 2.2 accepts, and what triage reads from it is what keepalived runs.
  const keepalived = spawnSync('sh', ['-c', 'PATH="$PATH:/usr/sbin:/sbin"; command -v keepalived'], { encoding: 'utf8' }).stdout.trim();
  // keepalived -t refuses an interface that does not exist here, and the loopback: this machine's first other one.
  const iface = /^\d+: ([^:@\s]+)/m.exec(spawnSync('sh', ['-c', 'ip -o link show | grep -v " lo:"'], { encoding: 'utf8' }).stdout ?? '')?.[1];
  const why = !keepalived ? 'keepalived is not installed here' : !iface ? 'no network interface but the loopback' : process.getuid?.() !== 0 ? 'keepalived -t checks the scripts as root' : false;
  it('the keepalived.conf it writes passes keepalived -t, and reads back as VRRPv3, 0.5 s adverts, unicast to the other candidate', { skip: why }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ka-conf-'));
    try {
      const inv = { ...labInventory(), vip: { address: '10.77.0.100', interface: iface!, prefix: 24 } };
      // The check and role scripts the earlier steps write, as stubs in the temporary folder (keepalived -t wants them).
      for (const f of ['mfs-check.sh', 'mfs-role.sh']) writeFileSync(join(dir, f), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      const runnable = (hostName: string, out: string) =>
        renderBlock(rb, step('keepalived-conf').commands[0]!, hostName, inv).script.replace('f=/etc/keepalived/keepalived.conf', `f=${dir}/${out}`).replaceAll('"/etc/keepalived/mfs-', `"${dir}/mfs-`);
      for (const [hostName, prio, peer] of [
        ['m1', 254, '10.77.0.12'],
        ['m2', 253, '10.77.0.11'],
      ] as const) {
        const script = runnable(hostName, `${hostName}.conf`);
        assert.notEqual(script.indexOf(`f=${dir}/`), -1);
        const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
        const text = readFileSync(join(dir, `${hostName}.conf`), 'utf8');
        assert.match(
          text,
          new RegExp(`unicast_src_ip 10\\.77\\.0\\.${hostName === 'm1' ? 11 : 12}\\n\\s+unicast_peer \\{\\n\\s+${peer.replaceAll('.', '\\.')} min_ttl 255\\n\\s+\\}\\n\\s+check_unicast_src\\n`),
        );
        const inst = parseKeepalivedConf(text).instances[0]!;
        assert.deepEqual([inst.version, inst.advertInt, inst.priority, inst.unicastPeers, inst.nopreempt], [3, 0.5, prio, [peer], true]);
        // A silent peer is noticed after 3 × 0.5 s + skew: 1.5 s, not VRRPv2's 3 s.
        assert.ok(masterDownIntervalS(inst) > 1.5 && masterDownIntervalS(inst) < 1.51, String(masterDownIntervalS(inst)));
      }
      // keepalived refuses what it does not know: the step keeps the old file then.
      const bad = runnable('m1', 'bad.conf').replace('check_unicast_src\n', 'check_unicast_srcX\n');
      const r = spawnSync('sh', ['-c', bad], { encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.match(r.stdout, /keepalived rejects the new configuration/);
      assert.equal(existsSync(join(dir, 'bad.conf')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("its first step refuses candidates that VRRP cannot reach on the VIP's segment", () => {
    const s = rendered('preflight');
    assert.match(s, /for a in 10\.77\.0\.11 10\.77\.0\.12; do/);
    assert.match(s, /is not on eth0: keepalived sends its VRRP adverts from it/);
    assert.match(s, /\*" via "\*\|""\) echo "candidate \$a \(\$p\) is not on m1's segment/);
    assert.equal(spawnSync('sh', ['-n'], { input: s, encoding: 'utf8' }).status, 0);
  });

  it('its role script restores with mfsmaster -a restore on MASTER, closes the lock fd for daemons, and parses', () => {
    const role = heredoc(rendered('role-script'), '/etc/keepalived/mfs-role.sh.new');
    assert.ok(role, 'role script heredoc');
    assert.match(role, /mfsmaster -c "\$CFG\/mfsmaster.cfg" -a restore 9>&-/);
    // One metadata load when the download can seed metadata.mfs.back; -a on start.
    assert.match(role, /if \[ -n "\$fresh" \] && seed_back && chown/);
    assert.match(role, /mfsmaster -c "\$CFG\/mfsmaster.cfg" -a start 9>&-/);
    assert.match(role, /ln "\$m" "\$DATA\/metadata.mfs.back"/);
    // The metalogger is stopped by signal and watched every 50 ms.
    assert.match(role, /kill -TERM "\$p"/);
    assert.match(role, /sleep 0\.05/);
    assert.match(role, /exec 9>\/run\/mfs-ha.lock\nflock 9/);
    assert.match(role, /start_ml\(\) \{[^\n]*9>&-/);
    assert.doesNotMatch(role, /mfsmetarestore|killall|\brm\b/);
    assert.match(role, /CFG="\/etc\/mfs"/);
    assert.equal(spawnSync('sh', ['-n'], { input: role, encoding: 'utf8' }).status, 0);
  });

  // The role script's part that skips a call overtaken by a later transition, run with sh:
  // `ip` is a stand-in on PATH that prints what `ip -o addr show dev eth0` prints on a host
  // with or without the VIP (the real call is checked by the fault matrix on the lab).
  it('its role script skips a MASTER call without the VIP and a BACKUP or FAULT call with it, before it logs a role change', () => {
    const role = heredoc(rendered('role-script'), '/etc/keepalived/mfs-role.sh.new')!;
    const from = role.indexOf('vip_here() {');
    const to = role.indexOf('log "was $prev"\n', from);
    assert.ok(from > 0 && to > from, 'the skip part of the role script');
    assert.match(role.slice(from, to), /ip -o addr show dev "\$IFACE"/);
    const dir = mkdtempSync(join(tmpdir(), 'ka-role-'));
    try {
      writeFileSync(
        join(dir, 'ip'),
        '#!/bin/sh\necho "2: eth0    inet 10.77.0.11/24 brd 10.77.0.255 scope global eth0"\n[ -e "$(dirname "$0")/vip" ] && echo "2: eth0    inet 10.77.0.100/24 scope global secondary eth0"\nexit 0\n',
        { mode: 0o755 },
      );
      const run = (state: string, vip: boolean, prev = 'BACKUP', master = false) => {
        if (vip) writeFileSync(join(dir, 'vip'), '');
        else rmSync(join(dir, 'vip'), { force: true });
        const head = `PATH="${dir}:$PATH"; IFACE=eth0; VIP=10.77.0.100; state=${state}; prev=${prev}\nlog() { echo "$state: $*"; }\nmaster_running() { ${master ? 'true' : 'false'}; }\n`;
        return spawnSync('sh', ['-c', `${head}${role.slice(from, to)}echo "$state: acted"\n`], { encoding: 'utf8' }).stdout.trim();
      };
      assert.match(run('MASTER', false), /^MASTER: skipped \(role BACKUP\): the VIP is not here any more/);
      assert.equal(run('MASTER', true), 'MASTER: acted');
      assert.match(run('BACKUP', true, 'MASTER', true), /^BACKUP: skipped \(role MASTER\): the VIP is here again/);
      assert.match(run('FAULT', true), /^FAULT: skipped/);
      assert.equal(run('BACKUP', false, 'MASTER', true), 'BACKUP: acted');
      assert.equal(run('FAULT', false), 'FAULT: acted');
      assert.equal(run('STOP', true), 'STOP: acted');
      // keepalived's first notify on the node that runs the master (a VIP put on by hand): kept for BOOTSTRAP.
      assert.equal(run('BACKUP', true, 'NONE', true), 'BACKUP: acted');
      // A 10.77.0.1000-like address is not the VIP: the match ends at the prefix's slash.
      assert.doesNotMatch(role.slice(from, to), /grep -qF " \$VIP"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The role script's guard against a second master, run with sh against listeners on
  // loopback addresses standing in for the other candidates' client ports (9421): a promotion
  // starts no master while another candidate's answers, and gives up when the VIP leaves.
  it('its role script finds a master answering on another candidate, waits until it is gone, and gives up when the VIP leaves', async () => {
    const role = heredoc(rendered('role-script'), '/etc/keepalived/mfs-role.sh.new')!;
    assert.match(role, /\nSELF="10\.77\.0\.11"\nCANDIDATES="10\.77\.0\.11 10\.77\.0\.12"\n/);
    const from = role.indexOf('vip_here() {');
    const to = role.indexOf('# abandon WHY', from);
    assert.ok(from > 0 && to > from, 'the guard part of the role script');
    // The promotion asks before it starts the master, and checks the VIP again after.
    assert.match(role, /wait_alone "\$other" \|\| abandon [^\n]*\n {2}# -a picks the newest metadata/);
    assert.match(role, /if \[ -n "\$ok" \] && ! vip_here; then\n\s+stop_master;/);
    const dir = mkdtempSync(join(tmpdir(), 'ka-alone-'));
    writeFileSync(
      join(dir, 'ip'),
      '#!/bin/sh\necho "2: eth0    inet 127.0.0.51/8 scope host eth0"\n[ -e "$(dirname "$0")/vip" ] && echo "2: eth0    inet 10.77.0.100/24 scope global secondary eth0"\nexit 0\n',
      { mode: 0o755 },
    );
    writeFileSync(join(dir, 'vip'), '');
    const head = `PATH="${dir}:$PATH"; IFACE=eth0; VIP=10.77.0.100; SELF=127.0.0.51; CANDIDATES="127.0.0.51 127.0.0.52 127.0.0.53"; state=MASTER\nlog() { echo "log: $*"; }\n`;
    const run = (tail: string) => new Promise<string>((ok) => execFile('sh', ['-c', `${head}${role.slice(from, to)}${tail}`], { encoding: 'utf8' }, (_e, out) => ok(out.trim())));
    const servers: Server[] = [];
    const listen = async (a: string) => {
      const srv = createServer((c) => c.destroy());
      await new Promise<void>((ok, fail) => srv.once('error', fail).listen(9421, a, ok));
      servers.push(srv);
      return srv;
    };
    try {
      // Its own master (SELF) does not count; nobody else listens: nothing, at once.
      await listen('127.0.0.51');
      let t = performance.now();
      assert.equal(await run('master_elsewhere || echo none'), 'none');
      assert.ok(performance.now() - t < 900, 'a refused connection answers at once');
      const third = await listen('127.0.0.53');
      assert.equal(await run('master_elsewhere'), '127.0.0.53');
      // It waits while that master answers, and goes on when it is gone.
      t = performance.now();
      setTimeout(() => third.close(), 1500);
      assert.equal(await run('wait_alone 127.0.0.53 && echo alone'), 'log: a master still answers on 127.0.0.53: waiting until it stops before starting one here\nalone');
      assert.ok(performance.now() - t >= 1400, 'it returned before the other master was gone');
      // The VIP leaves while another master answers: it gives up.
      await listen('127.0.0.52');
      setTimeout(() => rmSync(join(dir, 'vip')), 1000);
      assert.match(await run('wait_alone 127.0.0.52 || echo gave up'), /gave up$/);
      // No master elsewhere, but the VIP is gone: no start either.
      await new Promise((ok) => servers.pop()!.close(ok));
      assert.equal(await run('wait_alone "" || echo gave up'), 'gave up');
    } finally {
      await Promise.all(servers.filter((s) => s.listening).map((s) => new Promise((ok) => s.close(ok))));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('under systemd: -a through a drop-in on the packaged unit, no MooseFS unit of a candidate starts at boot, a promotion waits until the master serves', () => {
    const script = rendered('role-script');
    // The drop-in clears the unit's ExecStart and sets the packaged one plus -a.
    const dropIn = /printf '[^']*\[Service\]\\nExecStart=\\nExecStart=%s (-c \$\{CFGFILE\} -a -f start)\\n'/.exec(script);
    assert.ok(dropIn, 'the drop-in');
    // Debian's moosefs-master.service (this machine's package, when installed) starts
    // `mfsmaster -c ${CFGFILE} -f start`: the drop-in is that with -a, nothing else changed.
    let unit = '';
    try {
      unit = readFileSync('/lib/systemd/system/moosefs-master.service', 'utf8');
    } catch {
      /* package not installed here */
    }
    if (unit) assert.equal(/^ExecStart=\S+ (.*)$/m.exec(unit)?.[1]?.replace(' -f start', ' -a -f start'), dropIn[1]);
    assert.match(script, /systemctl disable moosefs-master moosefs-metalogger/);
    const role = heredoc(script, '/etc/keepalived/mfs-role.sh.new')!;
    const start = /start_master\(\) \{\n([\s\S]*?)\n\}/.exec(role)?.[1] ?? '';
    assert.match(start, /systemctl start moosefs-master 9>&- \|\| return 1/);
    assert.match(start, /systemctl is-active --quiet moosefs-master \|\| \{[^}]*return 1; \}/);
    assert.match(start, /\/dev\/tcp\/127\.0\.0\.1\/9421/);
  });

  it('its check script needs a majority of a sample of the chunkservers on 9422 and parses', () => {
    const check = heredoc(rendered('check-script'), '/etc/keepalived/mfs-check.sh.new');
    assert.ok(check, 'check script heredoc');
    assert.match(check, /\/dev\/tcp\/\$a\/9422/);
    // No process starts to find the daemons or read the role (cheap on a busy host).
    assert.doesNotMatch(check, /mfsmaster -c|mfsmetalogger -c|\$\(cat /);
    // No majority: the cut record says 1 (keepalived's track_file lowers the priority) and the check fails.
    assert.match(check, /if \[ \$\(\(up \* 2\)\) -le "\$n" \]; then\n {2}\[ "\$cut" = 1 \] \|\| echo 1 >"\$CUT"\n {2}echo "\$now" >"\$CUT\.at"\n {2}exit 1\nfi\n/);
    assert.equal(spawnSync('sh', ['-n'], { input: check, encoding: 'utf8' }).status, 0);
  });

  // The check's chunkserver part run for real (sh, its probe), against listeners on
  // loopback addresses standing in for 20 chunkservers: it probes 9 of them (spread over
  // the list), and passes exactly when a majority of those 9 answer. Its cut record (what
  // keepalived's track_file mfs_cut reads): 1 after a run without a majority, still 1 on a
  // passing run less than 5 s later, 0 on a passing run 5 s or more after the last failing one.
  it('its check probes at most 9 chunkservers, the same spread sample for the same list, and needs a majority of them', async () => {
    const check = heredoc(rendered('check-script'), '/etc/keepalived/mfs-check.sh.new')!;
    const from = check.indexOf('probe() {');
    const to = check.indexOf('runs mfsmaster && exit 0\n', from);
    assert.ok(from > 0 && to > from, 'the chunkserver part of the check');
    const dir = mkdtempSync(join(tmpdir(), 'ka-check-'));
    const list = join(dir, 'mfs-chunkservers');
    const cut = join(dir, 'mfs-ha.cut');
    assert.match(check.slice(from, to), /\nCUT=\/run\/mfs-ha\.cut\n/);
    const part = check.slice(from, to).replace('/etc/keepalived/mfs-chunkservers', list).replace('CUT=/run/mfs-ha.cut', `CUT=${cut}`) + 'echo pass\n';
    const record = () => readFileSync(cut, 'utf8').trim();
    const all = Array.from({ length: 20 }, (_, i) => `127.0.0.${101 + i}`);
    // The runbook's chunkserver-list step writes them sorted; the sample is every (20/9)th.
    const sample = [0, 2, 4, 6, 8, 11, 13, 15, 17].map((i) => all[i]!);
    writeFileSync(list, [...all].sort().join('\n') + '\n');
    const accepted = new Map<string, number>();
    const servers: Server[] = [];
    const listen = async (addrs: string[]) => {
      for (const a of addrs) {
        const srv = createServer((c) => {
          accepted.set(a, (accepted.get(a) ?? 0) + 1);
          c.destroy();
        });
        await new Promise<void>((ok, fail) => srv.once('error', fail).listen(9422, a, ok));
        servers.push(srv);
      }
    };
    const closeAll = async () => {
      await Promise.all(servers.splice(0).map((s) => new Promise((ok) => s.close(ok))));
      accepted.clear();
    };
    const run = () => new Promise<string>((ok) => execFile('sh', ['-c', part], { encoding: 'utf8' }, (_e, out) => ok(out.trim())));
    try {
      // All 20 answer: it passes, and only the 9 of the sample were asked.
      await listen(all);
      assert.equal(await run(), 'pass');
      assert.deepEqual([...accepted.keys()].sort(), [...sample].sort());
      await closeAll();
      // The 11 outside the sample and 4 of it answer (15 of 20): not a majority of the sample.
      await listen([...all.filter((a) => !sample.includes(a)), ...sample.slice(0, 4)]);
      assert.equal(await run(), '');
      assert.equal(record(), '1');
      await closeAll();
      // 5 of the sample, nothing else: a majority of the sample. The cut record stays 1
      // for 5 s after the failing run, then the next passing run clears it.
      await listen(sample.slice(4));
      assert.equal(await run(), 'pass');
      assert.equal(record(), '1');
      const up = Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]));
      writeFileSync(`${cut}.at`, `${up - 3}\n`);
      assert.equal(await run(), 'pass');
      assert.equal(record(), '1');
      writeFileSync(`${cut}.at`, `${up - 6}\n`);
      assert.equal(await run(), 'pass');
      assert.equal(record(), '0');
      await closeAll();
      // Three chunkservers, two answer: all are probed, 2 of 3 pass, 1 of 3 does not.
      writeFileSync(list, all.slice(0, 3).join('\n') + '\n');
      await listen(all.slice(0, 2));
      assert.equal(await run(), 'pass');
      await closeAll();
      await listen(all.slice(0, 1));
      assert.equal(await run(), '');
    } finally {
      await closeAll();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asks no VRRP password any more (VRRPv3 has none; unicast peers replace it)', () => {
    assert.equal(
      rb.inputs.find((i) => i.name === 'auth_pass'),
      undefined,
    );
  });
});

describe('power-cut and lost-master', () => {
  it('power-cut recovers with mfsmaster -a and compares with the metalogger before the VIP moves', () => {
    const rb = runbook('power-cut');
    const ids = rb.steps.map((s) => s.id);
    const first = rb.steps[0]!;
    assert.equal(first.kind, 'decision');
    assert.ok(first.decision!.choices.some((c) => c.runbook === 'lost-master'));
    assert.ok(ids.indexOf('no-other-master') < ids.indexOf('restore'));
    assert.ok(ids.indexOf('restore') < ids.indexOf('compare-metalogger'));
    assert.ok(ids.indexOf('compare-metalogger') < ids.indexOf('vip-back'));
    const restore = rb.steps.find((s) => s.id === 'restore')!;
    assert.match(restore.commands[0]!.script, /mfsmaster -c "\{\{\{paths.config\}\}\}\/mfsmaster.cfg" -a -xx restore/);
  });

  it('lost-master refuses while the old master answers on 9419 or 9421, before any typed step', () => {
    const rb = runbook('lost-master');
    const firstTyped = rb.steps.findIndex((s) => s.commands.some((b) => b.confirm === 'typed'));
    const probe = rb.steps.findIndex((s) => s.id === 'fence-probe');
    assert.ok(probe >= 0 && probe < firstTyped);
    const script = rb.steps[probe]!.commands[0]!.script;
    assert.match(script, /for p in 9419 9420 9421/);
    assert.match(script, /\{\{\{?inputs.old_address\}\}/);
    assert.match(script, /\/dev\/tcp/);
    assert.match(script, /nc -z/);
  });
});

describe('status preconditions (requires=) in the library', () => {
  const requiresOf = (id: string) =>
    Object.fromEntries(
      runbook(id)
        .steps.filter((s) => s.requires.length > 0)
        .map((s) => [s.id, s.requires]),
    );
  const dangerous = (id: string, stepId: string) =>
    runbook(id)
      .steps.find((s) => s.id === stepId)!
      .commands.every((b) => b.confirm === 'typed' || b.risk !== undefined);

  it('planned-restart: no split brain, a serving master and no missing chunk before the clients go; no second master before the master stops', () => {
    assert.deepEqual(requiresOf('planned-restart'), {
      unmount: ['no-split-brain', 'master-running', 'no-missing-chunks'],
      'stop-standby': ['no-split-brain', 'master-running'],
      'stop-master': ['no-split-brain'],
    });
    // Each is dangerous, so an unmet precondition refuses it rather than warning.
    for (const id of ['unmount', 'stop-standby', 'stop-master']) assert.ok(dangerous('planned-restart', id), id);
    // Once the master is stopped, neither a running master nor the chunk state can be known:
    // no later step may require them (it would be refused for good).
    const steps = runbook('planned-restart').steps;
    const stop = steps.findIndex((s) => s.id === 'stop-master');
    for (const s of steps.slice(stop)) {
      assert.ok(!s.requires.some((r) => r === 'master-running' || r === 'vip-held' || r === 'no-missing-chunks'), `${s.id}: ${s.requires.join(',')}`);
    }
  });

  it("rebuild-master: no second master at the switchover and the VIP move; the new master serves before the old one's files go aside", () => {
    assert.deepEqual(requiresOf('rebuild-master'), {
      'stop-current': ['no-split-brain'],
      'move-vip': ['no-split-brain'],
      'old-standby': ['no-split-brain', 'master-running'],
    });
    for (const id of ['stop-current', 'move-vip', 'old-standby']) assert.ok(dangerous('rebuild-master', id), id);
  });

  it('lost-master and power-cut require nothing: their master is lost or down, so a candidate cannot answer and every state would be unknown', () => {
    assert.deepEqual(requiresOf('lost-master'), {});
    assert.deepEqual(requiresOf('power-cut'), {});
  });
});

describe('the MooseFS firewall: one set of lines in every runbook that gives a host a role', () => {
  const MARK = '# The MooseFS firewall (';
  /** A firewall block's shared part: from the marker comment to its end. */
  const shared = (script: string) => script.slice(script.indexOf(MARK));
  const reference = shared(runbook('install-cluster').steps.find((s) => s.id === 'firewall')!.commands[0]!.script);

  it("every block that touches a firewall runs install-cluster's lines, after only its roles' ports, method and mode", () => {
    const touching = allBlocks().filter(({ block }) => /firewall-cmd|MFS-INPUT|iptables\s/.test(block.script));
    assert.deepEqual([...new Set(touching.map((b) => b.rb.id))].sort(), ['install-cluster', 'keepalived-ha', 'lost-master', 'rebuild-master']);
    for (const { block, where } of touching) {
      assert.ok(block.script.includes(MARK), `${where} has its own firewall lines`);
      assert.equal(shared(block.script), reference, `${where}: the shared lines differ from install-cluster's`);
      const head = block.script.slice(0, block.script.indexOf(MARK));
      // Before the shared part: PATH and the four variables, nothing that opens a port itself.
      for (const line of head.trim().split('\n')) assert.match(line, /^(PATH=|tcp=|case " \{\{\{hosts\.[a-z-]+\.addresses\}\}\} "|how=)/, `${where}: ${line}`);
      assert.doesNotMatch(head, /9425/, `${where} opens the CGI port`);
    }
  });

  it('the runbooks that make a host a master open its master ports before that master starts (a promoted spare once answered only on itself)', () => {
    for (const [id, host, start] of [
      ['rebuild-master', 'new', 'start-new'],
      ['lost-master', 'target', 'start'],
      ['keepalived-ha', undefined, 'start-first'],
    ] as const) {
      const rb = runbook(id);
      const ids = rb.steps.map((s) => s.id);
      const fw = rb.steps.find((s) => s.id === 'firewall')!;
      assert.ok(ids.indexOf('firewall') < ids.indexOf(start), `${id}: the firewall step comes after ${start}`);
      const block = fw.commands[0]!;
      assert.match(block.script, /^tcp="9419 9420 9421"; how=("\{\{\{inputs\.firewall\}\}\}"|auto); extra=none; mode=add$/m, id);
      assert.deepEqual(block.targets, [host ? { kind: 'template', template: `{{inputs.${host}}}` } : { kind: 'role', role: 'master-candidate' }], id);
    }
    assert.match(runbook('keepalived-ha').steps.find((s) => s.id === 'firewall-chunkservers')!.commands[0]!.script, /^tcp="9422"; how="\{\{\{inputs\.firewall\}\}\}"; extra=none; mode=add$/m);
    assert.match(reference, /if \[ "\$mode" = add \] && \[ "\$how" = iptables \]; then\n {2}kept=\$\(iptables -w -S MFS-INPUT /, 'add keeps the ports the chain accepts');
    assert.match(reference, /grep -q -- '-j REJECT' \|\| closing=no/, 'add closes nothing where the chain refuses nothing yet');
    assert.match(reference, /xargs -n 15/, 'multiport takes at most 15 ports: one rule per 15');
  });
});
