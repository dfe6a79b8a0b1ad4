// bench/vrrp-soak: would a VRRP timer shorter than keepalived-ha's move the VIP without a
// fault on a busy machine? On the practice cluster built by the runbooks, m1 and m2 run,
// beside the real instance (mfs_vip, untouched), test instances shaped like the design
// (VRRPv3, unicast between the two candidates, nopreempt, priorities 254/253) with their
// own address, no scripts, and the advert intervals asked for: a lost host is noticed after
// 3 × advert_int + skew.
// Then, with `burners` CPU-bound loops added to the machine's own load for `minutes`, every
// VRRP transition of each instance after it settled is a false failover (nothing failed),
// and the holders of each address are sampled every second (two holders: a split brain).
// Run: node --import tsx bench/vrrp-soak.ts [minutes=10] [burners=2] [adverts=0.3,0.4]
//      (root; takes the lab lock)
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labDown, labUp } from '../src/lab/index.ts';
import { hostAddresses } from '../src/lab/net.ts';
import { hostDir } from '../src/lab/paths.ts';
import { readState } from '../src/lab/state.ts';
import { holdMachineLabLock } from '../test/support/lab.ts';

const MINUTES = Number(process.argv[2] ?? 10);
const BURNERS = Number(process.argv[3] ?? 2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-lab-soak-'));
process.env.MFS_TUI_LAB_DIR = dir;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ADVERTS = (process.argv[4] ?? '0.3,0.4').split(',').map(Number);
const soakName = (advert: number) => `soak_${String(advert).replace('.', '_')}`;
const ADDRS: Record<string, string> = { mfs_vip: '10.77.0.100', ...Object.fromEntries(ADVERTS.map((a, i) => [soakName(a), `10.77.0.${201 + i}`])) };
const CANDIDATE_ADDRESS: Record<string, string> = { m1: '10.77.0.11', m2: '10.77.0.12' };

function ssh(host: string, script: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn('ssh', ['-F', path.join(dir, 'ssh_config'), '-o', 'BatchMode=yes', host, 'bash', '-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('close', (code) => resolve({ code, out }));
    c.stdin.end(script);
  });
}

const instances = (self: 'm1' | 'm2', prio: number) =>
  ADVERTS.map(
    (advert, i) => `
vrrp_instance ${soakName(advert)} {
  state BACKUP
  nopreempt
  interface eth0
  virtual_router_id ${201 + i}
  version 3
  priority ${prio}
  advert_int ${advert}
  unicast_src_ip ${CANDIDATE_ADDRESS[self]}
  check_unicast_src
  unicast_peer {
    ${CANDIDATE_ADDRESS[self === 'm1' ? 'm2' : 'm1']} min_ttl 255
  }
  virtual_ipaddress {
    ${ADDRS[soakName(advert)]}/24 dev eth0
  }
}`,
  ).join('\n');

/** keepalived's transitions per instance in a host's syslog after `since` (ms). */
function transitions(host: string, since: number): { at: number; instance: string; state: string }[] {
  const text = fs.readFileSync(path.join(hostDir(host), 'var/log/syslog'), 'utf8');
  const out: { at: number; instance: string; state: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+) \S+ Keepalived_vrrp\[\d+\]: \((\w+)\) Entering (\w+) STATE/.exec(line);
    if (!m) continue;
    const at = Date.parse(m[1]!);
    if (at >= since) out.push({ at, instance: m[2]!, state: m[3]! });
  }
  return out;
}

async function main(): Promise<void> {
  holdMachineLabLock();
  const burners: ChildProcess[] = [];
  try {
    await labUp({ via: 'runbooks' });
    for (const [h, prio] of [
      ['m1', 254],
      ['m2', 253],
    ] as const) {
      const r = await ssh(h, `cat >> /etc/keepalived/keepalived.conf <<'EOF'\n${instances(h, prio)}\nEOF\nkeepalived -t && kill -HUP "$(cat /run/keepalived.pid)"`);
      if (r.code !== 0) throw new Error(`${h}: ${r.out}`);
    }
    // Settled: each test address on exactly one host.
    const state = readState()!;
    const cands = state.hosts.filter((h) => h.name === 'm1' || h.name === 'm2');
    const holders = async () => {
      const addrs = await Promise.all(cands.map((h) => hostAddresses(h.netns)));
      return Object.fromEntries(Object.entries(ADDRS).map(([i, a]) => [i, cands.filter((_, k) => addrs[k]!.includes(a)).map((h) => h.name)]));
    };
    for (let i = 0; i < 60; i++) {
      const hs = await holders();
      if (Object.values(hs).every((x) => x.length === 1)) break;
      await sleep(1000);
    }
    await sleep(5000);
    const t0 = Date.now();
    for (let i = 0; i < BURNERS; i++) burners.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    process.stderr.write(`soak: ${MINUTES} min, ${BURNERS} burners (PIDs ${burners.map((b) => b.pid).join(' ')}), start holders ${JSON.stringify(await holders())}\n`);
    const samples: Record<string, { none: number; two: number; total: number }> = Object.fromEntries(Object.keys(ADDRS).map((i) => [i, { none: 0, two: 0, total: 0 }]));
    const loads: number[] = [];
    while (Date.now() - t0 < MINUTES * 60_000) {
      const hs = await holders();
      for (const [i, x] of Object.entries(hs)) {
        samples[i]!.total++;
        if (x.length === 0) samples[i]!.none++;
        if (x.length > 1) samples[i]!.two++;
      }
      loads.push(Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]));
      await sleep(1000);
    }
    for (const b of burners) b.kill('SIGKILL');
    const trans = [...transitions('m1', t0).map((t) => ({ host: 'm1', ...t })), ...transitions('m2', t0).map((t) => ({ host: 'm2', ...t }))].sort((a, b) => a.at - b.at);
    const result = {
      date: new Date().toISOString(),
      adverts: ADVERTS,
      minutes: MINUTES,
      burners: BURNERS,
      load: { min: Math.min(...loads), median: [...loads].sort((a, b) => a - b)[Math.floor(loads.length / 2)], max: Math.max(...loads) },
      transitions: Object.fromEntries(Object.keys(ADDRS).map((i) => [i, trans.filter((t) => t.instance === i).length])),
      samples,
      log: trans.map((t) => `${new Date(t.at).toISOString()} ${t.host} ${t.instance} ${t.state}`),
    };
    const out = new URL(`./vrrp-soak-${ADVERTS.join('-')}.json`, import.meta.url);
    fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const b of burners) if (b.exitCode === null) b.kill('SIGKILL');
    await labDown().catch((e) => process.stderr.write(`lab down: ${String(e)}\n`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
