// One full status sweep over N real hosts (the mini cluster of test/integration/status:
// network + PID namespaces with their own sshd), warm, side by side with the same host probe
// script run by a bare ssh2 script (one connection per host), OpenSSH with ControlMaster,
// parallel-ssh (Debian's pssh) and `ansible all -m shell` (Debian's ansible-core) when
// installed. Also the status screen's frame time at N hosts.
// Run as root: node --import tsx bench/status/sweep.bench.ts [sizes...]   (default 6 12 24)
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { readFileSync } from 'node:fs';
import { openClusterSession } from '../../src/cluster/session.ts';
import { nonInteractivePrompts } from '../../src/cluster/non-interactive-prompts.ts';
import { StatusPoller } from '../../src/status/poller.ts';
import { hostProbeScript, probeHost } from '../../src/status/probe.ts';
import { MiniCluster, VIP, whyNoMiniCluster } from '../../test/support/minicluster.ts';

const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

async function timeRuns(fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn(); // warm
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return Math.round(median(t));
}

function ssh2Exec(c: Client, script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    c.exec(script, (err, stream) => {
      if (err) return reject(err);
      let out = '';
      stream.on('data', (d: Buffer) => (out += d));
      stream.stderr.on('data', () => {});
      stream.on('close', () => resolve(out));
    });
  });
}

async function bench(n: number): Promise<Record<string, number | string>> {
  const spec = [
    { name: 'm1', octet: 11, roles: ['master-candidate' as const] },
    { name: 'm2', octet: 12, roles: ['master-candidate' as const] },
    ...Array.from({ length: n - 2 }, (_, i) => ({ name: `c${i + 1}`, octet: 21 + i, roles: ['chunkserver' as const] })),
  ];
  const mc = new MiniCluster(spec);
  const row: Record<string, number | string> = { hosts: n };
  try {
    await mc.start();
    // The VIP exists (on m1) so mfscli is not left waiting for ARP on an unused address.
    spawnSync('ip', ['-n', mc.host('m1').netns, 'addr', 'add', `${VIP}/24`, 'dev', 'eth0']);
    const inv = mc.inventory();
    const script = hostProbeScript({ vip: VIP, dataPath: '/var/lib/mfs', parts: { keepalived: true, version: false } });
    // Every other tool runs the same script from a file on the shared file system with sh
    // (as ansible's shell module does), so no login shell start-up differs between them.
    const scriptFile = join(mc.root, 'probe.sh');
    writeFileSync(scriptFile, script);
    const remote = `sh ${scriptFile}`;
    // mfs-tui: the session's pool, all host probes of one tick; and a whole poller sweep (+ mfscli).
    const session = await openClusterSession(inv, nonInteractivePrompts());
    row['mfs-tui host probes'] = await timeRuns(() =>
      Promise.all(inv.hosts.map((h) => probeHost(session.executorFor(h.name), { vip: VIP, dataPath: '/var/lib/mfs', parts: { keepalived: true, version: false } }, 10_000))),
    );
    const poller = new StatusPoller(session, { intervalMs: 1000, concurrency: n });
    row['mfs-tui full sweep (+mfscli)'] = await timeRuns(() => poller.sweep());
    poller.stop();
    await session.close();

    // Bare ssh2: one connection per host, exec the probe.
    const key = readFileSync(mc.clientKey);
    const clients = await Promise.all(
      inv.hosts.map(
        (h) =>
          new Promise<Client>((resolve, reject) => {
            const c = new Client();
            c.on('ready', () => resolve(c))
              .on('error', reject)
              .connect({ host: h.address, port: 22, username: 'root', privateKey: key });
          }),
      ),
    );
    row['bare ssh2'] = await timeRuns(() => Promise.all(clients.map((c) => ssh2Exec(c, remote))));
    clients.forEach((c) => c.end());

    // OpenSSH with ControlMaster (masters opened by the warm-up run).
    const sshOpts = [
      '-o',
      `UserKnownHostsFile=${mc.knownHosts}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-i',
      mc.clientKey,
      '-o',
      `ControlPath=${mc.root}/cm-%h`,
      '-o',
      'ControlMaster=auto',
      '-o',
      'ControlPersist=60',
      '-o',
      'BatchMode=yes',
    ];
    const par = (cmds: string[]) => spawnSync('sh', ['-c', cmds.map((c) => `(${c}) >/dev/null 2>&1 &`).join('\n') + '\nwait']);
    row['OpenSSH ControlMaster'] = await timeRuns(() => par(inv.hosts.map((h) => `ssh ${sshOpts.join(' ')} root@${h.address} ${remote}`)));
    spawnSync('sh', ['-c', inv.hosts.map((h) => `ssh ${sshOpts.join(' ')} -O exit root@${h.address}`).join('; ')]);

    const hostsFile = join(mc.root, 'hosts.txt');
    writeFileSync(hostsFile, inv.hosts.map((h) => `root@${h.address}`).join('\n') + '\n');
    const pssh = has('parallel-ssh') ? 'parallel-ssh' : has('pssh') ? 'pssh' : undefined;
    if (pssh) {
      const args = ['-h', hostsFile, '-p', String(n), '-t', '30', '-x', `-o UserKnownHostsFile=${mc.knownHosts} -o StrictHostKeyChecking=yes -i ${mc.clientKey} -o BatchMode=yes`, remote];
      row['parallel-ssh'] = await timeRuns(() => spawnSync(pssh, args));
    } else row['parallel-ssh'] = 'not installed';

    if (has('ansible')) {
      const invFile = join(mc.root, 'ansible.ini');
      writeFileSync(
        invFile,
        `[all]\n${inv.hosts.map((h) => h.address).join('\n')}\n[all:vars]\nansible_user=root\nansible_ssh_private_key_file=${mc.clientKey}\nansible_ssh_common_args=-o UserKnownHostsFile=${mc.knownHosts} -o ControlPath=${mc.root}/an-%h\n`,
      );
      const env = { ...process.env, ANSIBLE_HOST_KEY_CHECKING: 'True', ANSIBLE_FORKS: String(n), ANSIBLE_PYTHON_INTERPRETER: 'auto_silent', ANSIBLE_LOCAL_TEMP: join(mc.root, 'ans-tmp') };
      row['ansible -m shell'] = await timeRuns(() => spawnSync('ansible', ['all', '-i', invFile, '-m', 'shell', '-a', `sh ${scriptFile}`, '-f', String(n)], { env }));
    } else row['ansible -m shell'] = 'not installed';
  } finally {
    await mc.stop();
  }
  return row;
}

const why = whyNoMiniCluster();
if (why) {
  console.error(`bench skipped: ${why}`);
  process.exit(0);
}
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((x) => x >= 3);
const rows = [];
for (const n of sizes.length ? sizes : [6, 12, 24]) {
  const r = await bench(n);
  console.log(JSON.stringify(r));
  rows.push(r);
}
const keys = Object.keys(rows[0]!);
console.log(
  [
    '| ' + keys.join(' | ') + ' |',
    '|' + keys.map(() => '---').join('|') + '|',
    ...rows.map((r) => '| ' + keys.map((k) => (typeof r[k] === 'number' && k !== 'hosts' ? `${r[k]} ms` : r[k])).join(' | ') + ' |'),
  ].join('\n'),
);
