// Fake hosts for the status layer's pure logic: an Executor that answers the probe scripts
// with probe-shaped output built from a small description (real captures for mfscli).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostError, type Executor, type ExecRequest, type ExecResult } from '../../src/exec/types.ts';
import type { Inventory } from '../../src/inventory/types.ts';
import type { Role } from '../../src/runbook/types.ts';

export const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/status', name), 'utf8');

export interface FakeHost {
  name: string;
  address: string;
  roles: Role[];
  vip?: boolean;
  daemons?: string[];
  vrrp?: string;
  changelog?: number;
  /**
   * 'hang': the SSH connection never comes up (a held TCP socket): the fake gives up after
   * the cluster's connectTimeoutMs with a HostError, as SshPool does. A number: the command
   * answers after so many ms (a timeoutMs shorter than that times it out, as on a host).
   */
  delay?: number | 'hang';
  /** The probe answers only once this settles (after `delay`): a test decides when a slow host is done. */
  gate?: Promise<void>;
  /** Connected, but the probe command never finishes: only its timeoutMs (or an abort) ends it. */
  probeHangs?: boolean;
  /** Seconds every daemon of the host has been running (ps etimes; default 50). */
  uptimeS?: number;
  /** Epoch seconds of keepalived's last VRRP transition (the state dump's `Last transition`). */
  vrrpSince?: number;
  /** keepalived-ha's role file: PROMOTING, MASTER, ... for so many seconds. */
  haRole?: { role: string; ageS: number };
  /** The keepalived.conf text the probe reads (auth_pass already stripped on a real host). */
  kaconf?: string;
  /** keepalived-ha's role log lines the probe's grep keeps (read with kaconf). */
  haLog?: string[];
  /**
   * The probe logs in as a user who is not root (no become), as the probe script sees it on a
   * real host: keepalived.conf (0640) unreadable, and the state dump the one root last asked
   * for, an hour old (SIGUSR1 takes root).
   */
  notRoot?: boolean;
  /** Cannot connect: every exec rejects with a HostError with this message. */
  fail?: string;
  /** The HostError kind of `fail` (default unreachable): auth-refused, host-key-changed, ... */
  failKind?: HostError['kind'];
}

export function inventoryOf(hosts: FakeHost[]): Inventory {
  return {
    cluster: 'test',
    vip: { address: '10.9.0.100', interface: 'eth0', prefix: 24 },
    paths: { data: '/var/lib/mfs', config: '/etc/mfs', mount: '/mnt/mfs' },
    hosts: hosts.map((h) => ({ name: h.name, address: h.address, port: 22, user: 'root', agent: false, become: false, roles: h.roles })),
    knownHosts: [],
    file: '/test/inventory.yaml',
  };
}

/** What the probe prints on this host; `script`: the probe asked (keepalived.conf only on the ticks that read it). */
export function hostOutput(h: FakeHost, script?: string): string {
  const asked = (part: string) => script === undefined || script.includes(`@@mfs-tui:${part}'`);
  const out = ['@@mfs-tui:vip'];
  if (h.vip) out.push(`2: eth0    inet 10.9.0.100/24 scope global secondary eth0`);
  out.push('@@mfs-tui:ps');
  (h.daemons ?? []).forEach((d, i) => out.push(`${100 + i} 1 ${h.uptimeS ?? 50} ${d}`));
  if (h.vrrp) {
    out.push('@@mfs-tui:keepalived', h.notRoot ? 'age 3600 refused' : 'age 0', ' VRRP Instance = VI_1', `   State = ${h.vrrp}`);
    if (h.vrrpSince !== undefined) out.push(`   Last transition = ${h.vrrpSince} (${new Date(h.vrrpSince * 1000).toUTCString()})`);
    if (h.haRole) out.push('@@mfs-tui:harole', `${h.haRole.role} ${h.haRole.ageS}`);
    if (h.kaconf && asked('kaconf')) {
      if (h.notRoot) out.push('@@mfs-tui:kaconf', '@@mfs-tui:kaconfUnreadable', '/etc/keepalived/keepalived.conf');
      else out.push('@@mfs-tui:kaconf', ...h.kaconf.split('\n'));
      if (h.haLog) out.push('@@mfs-tui:halog', ...h.haLog);
    }
  }
  out.push('@@mfs-tui:version', 'version: 3.0.117-1 ; build: 1341', '@@mfs-tui:changelog');
  if (h.changelog !== undefined) out.push('2', `${h.changelog}: 1|X`);
  out.push('@@mfs-tui:time', '10.00 10.01');
  return out.join('\n') + '\n';
}

/** What the one mfscli run prints: the VIP's -SIM row first, then the candidates', then the sections. */
export function clusterOutput(viaVip: string, candidates: string): string {
  const lines = viaVip.split('\n');
  const vipRows = lines.filter((l) => l.startsWith('metadata servers:')).map((l) => l.replace(/^metadata servers:\|[^|]*\|/, 'metadata servers:|10.9.0.100|'));
  const rest = lines.filter((l) => !l.startsWith('metadata servers:') && !l.startsWith('Working master servers not found'));
  const candidateRows = candidates.split('\n').filter((l) => l.startsWith('metadata servers:'));
  const anyAnswer = [...vipRows, ...candidateRows].some((l) => !l.includes('|DEAD|'));
  const head = anyAnswer ? [] : ['Working master servers not found !!! - maybe you are using wrong port number or wrong dns name'];
  return ['@@mfs-tui:mfscli', ...head, ...(vipRows.length ? vipRows : []), ...candidateRows, ...rest, '@@mfs-tui:mfscli-exit 0', ''].join('\n');
}

export interface FakeCluster {
  hosts: Map<string, FakeHost>;
  mfscli: { viaVip: string; candidates: string };
  scripts: { host: string; script: string }[];
  /** Scripts that have answered, in the order they did. */
  answered: { host: string; script: string }[];
  executorFor(host: string): Executor;
}

export function fakeCluster(hosts: FakeHost[], mfscli: { viaVip: string; candidates: string }, opts: { connectTimeoutMs?: number } = {}): FakeCluster {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 250;
  const c: FakeCluster = {
    hosts: new Map(hosts.map((h) => [h.name, h])),
    mfscli,
    scripts: [],
    answered: [],
    executorFor(name: string): Executor {
      return {
        target: name,
        exec: (req: ExecRequest) => {
          c.scripts.push({ host: name, script: req.script });
          const h = c.hosts.get(name)!;
          const cluster = req.script.includes('mfscli');
          const result = (stdout: string): ExecResult => ({ exitCode: 0, timedOut: false, cancelled: false, durationMs: 5, stdout, stderr: '' });
          return new Promise<ExecResult>((resolve, reject) => {
            const stopped = { exitCode: null, timedOut: false, cancelled: false, durationMs: 0, stdout: '', stderr: '' };
            let timer: NodeJS.Timeout | undefined;
            const later = (ms: number, f: () => void) => (timer = setTimeout(f, ms));
            const cancel = () => {
              clearTimeout(timer);
              // As SshPool says: an abort before the (hung) connection came up never reached the host.
              resolve({ ...stopped, cancelled: true, ...(h.delay === 'hang' ? { unconnected: true } : {}) });
            };
            if (req.signal?.aborted) return cancel();
            req.signal?.addEventListener('abort', cancel, { once: true });
            if (h.fail) return reject(new HostError(name, h.failKind ?? 'unreachable', h.fail));
            if (h.delay === 'hang') {
              later(connectTimeoutMs, () => reject(new HostError(name, 'timeout', `${name}: no SSH answer from ${h.address}:22 within ${connectTimeoutMs} ms`)));
              return;
            }
            const delay = h.probeHangs ? Infinity : (h.delay ?? 1);
            if (req.timeoutMs !== undefined && req.timeoutMs < delay) later(req.timeoutMs, () => resolve({ ...stopped, timedOut: true }));
            else if (delay !== Infinity)
              later(
                delay,
                () =>
                  void (h.gate ?? Promise.resolve()).then(() => {
                    c.answered.push({ host: name, script: req.script });
                    resolve(result(cluster ? clusterOutput(c.mfscli.viaVip, c.mfscli.candidates) : hostOutput(h, req.script)));
                  }),
              );
          });
        },
      };
    },
  };
  return c;
}

/** A healthy HA-ish cluster: m1 holds the VIP and runs the master, m2 a standby metalogger. */
export function healthyHosts(): FakeHost[] {
  return [
    { name: 'm1', address: '10.251.9.1', roles: ['master-candidate'], vip: true, daemons: ['mfsmaster', 'keepalived'], vrrp: 'MASTER' },
    { name: 'm2', address: '10.251.9.2', roles: ['master-candidate'], daemons: ['mfsmetalogger', 'keepalived'], vrrp: 'BACKUP', changelog: 1509 },
    { name: 'c1', address: '10.251.9.21', roles: ['chunkserver'], daemons: ['mfschunkserver'] },
  ];
}

/** -SIM rows for the candidates: answering ones copied from a real row, others from a real DEAD row. */
export function simRows(rows: { ip: string; version?: number }[]): string {
  return rows
    .map((r) =>
      r.version === undefined
        ? `metadata servers:|${r.ip}|0.0.0|DEAD|not available|0|not available|not available|not available|-|-|-|-`
        : `metadata servers:|${r.ip}|3.0.117|-|1795635347.600361|${r.version.toLocaleString('en').replace(/,/g, ' ')}|not available|207532032|not available|-|-|-|60031CB7B5B13C8D`,
    )
    .join('\n');
}
