// Fake hosts for the status layer's pure logic: an Executor that answers the probe scripts
// with probe-shaped output built from a small description (real captures for mfscli).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Executor, ExecRequest, ExecResult } from '../../../src/exec/types.ts';
import type { Inventory } from '../../../src/inventory/types.ts';
import type { Role } from '../../../src/runbook/types.ts';

export const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/status', name), 'utf8');

export interface FakeHost {
  name: string;
  address: string;
  roles: Role[];
  vip?: boolean;
  daemons?: string[];
  vrrp?: string;
  changelog?: number;
  /** 'hang': never answers until aborted; a number: delay in ms. */
  delay?: number | 'hang';
  fail?: string;
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

export function hostOutput(h: FakeHost): string {
  const out = ['@@mfs-tui:vip'];
  if (h.vip) out.push(`2: eth0    inet 10.9.0.100/24 scope global secondary eth0`);
  out.push('@@mfs-tui:ps');
  (h.daemons ?? []).forEach((d, i) => out.push(`${100 + i} 1 50 ${d}`));
  if (h.vrrp) out.push('@@mfs-tui:keepalived', 'age 0', ' VRRP Instance = VI_1', `   State = ${h.vrrp}`);
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
  executorFor(host: string): Executor;
}

export function fakeCluster(hosts: FakeHost[], mfscli: { viaVip: string; candidates: string }): FakeCluster {
  const c: FakeCluster = {
    hosts: new Map(hosts.map((h) => [h.name, h])),
    mfscli,
    scripts: [],
    executorFor(name: string): Executor {
      return {
        target: name,
        exec: (req: ExecRequest) => {
          c.scripts.push({ host: name, script: req.script });
          const h = c.hosts.get(name)!;
          const cluster = req.script.includes('mfscli');
          const result = (stdout: string): ExecResult => ({ exitCode: 0, timedOut: false, cancelled: false, durationMs: 5, stdout, stderr: '' });
          return new Promise<ExecResult>((resolve, reject) => {
            const answer = () => (h.fail ? reject(new Error(h.fail)) : resolve(result(cluster ? clusterOutput(c.mfscli.viaVip, c.mfscli.candidates) : hostOutput(h))));
            const cancel = () => resolve({ exitCode: null, timedOut: false, cancelled: true, durationMs: 0, stdout: '', stderr: '' });
            if (req.signal?.aborted) return cancel();
            req.signal?.addEventListener('abort', cancel, { once: true });
            if (h.delay === 'hang') return;
            setTimeout(answer, h.delay ?? 1);
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
