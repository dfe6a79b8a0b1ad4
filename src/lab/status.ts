// `lab status`: what is running, seen from outside the hosts (namespaces, links, PIDs, the
// VIP on each eth0, sshd ports, and the master's own view through the VIP).
import { t } from '../i18n/index.ts';
import net from 'node:net';
import { VIP, planHosts, type LabHostPlan } from './layout.ts';
import { readClusterView, type ClusterView } from './mfs-view.ts';
import { hostAddresses, linkState, listLabLinks, listLabNetns, netnsPids } from './net.ts';
import { labDir, labInventoryPath } from './paths.ts';
import { isAlive, processName } from './proc.ts';
import { readState } from './state.ts';
import { readRole } from './up.ts';

/** Daemons worth showing, by their process name inside a host. */
const DAEMONS = ['mfsmaster', 'mfsmetalogger', 'mfschunkserver', 'mfsmount', 'keepalived', 'sshd', 'rsyslogd', 'systemd-journal'];

export interface LabHostStatus {
  name: string;
  address: string;
  roles: string[];
  /** PID 1 of the host is alive. */
  running: boolean;
  /** up; down (link down); cut (link up, bridge port disabled: a silent partition); missing. */
  link: 'up' | 'down' | 'cut' | 'missing';
  sshd: boolean;
  /** Daemons running in the host (one entry per name, with a count when several). */
  daemons: string[];
  holdsVip: boolean;
  /** The keepalived role the role script last recorded (master candidates only). */
  haRole?: string;
  lost?: boolean;
}

export interface LabStatusReport {
  dir: string;
  up: boolean;
  phase?: 'building' | 'up';
  bare?: boolean;
  /** What the hosts' PID 1 is: systemd, or the lab's shell (none). */
  init?: 'systemd' | 'none';
  inventory?: string;
  vip: string;
  vipHolders: string[];
  hosts: LabHostStatus[];
  /** The master's view through the VIP (not for a bare lab). */
  master?: ClusterView;
  healthy: boolean;
  problems: string[];
  /** Lab-named namespaces/links with no state file: a crashed lab; `lab down` removes them. */
  leftovers: string[];
}

export async function labStatus(): Promise<LabStatusReport> {
  const state = readState();
  const netnsList = await listLabNetns();
  const links = await listLabLinks();
  if (!state) {
    const leftovers = [...netnsList.map((n) => `netns ${n}`), ...links.map((l) => `${l.kind} ${l.name}`)];
    return {
      dir: labDir(),
      up: false,
      vip: VIP,
      vipHolders: [],
      hosts: [],
      healthy: false,
      problems: leftovers.length > 0 ? [t('lab.status.leftovers')] : [],
      leftovers,
    };
  }
  const plans: LabHostPlan[] = state.hosts.length > 0 ? state.hosts : planHosts(state.chunkservers);
  // Ports first, on their own: spawning the `ip` calls below blocks the event loop long
  // enough on a busy machine to make a connect look like a timeout.
  const sshOpen = await Promise.all(plans.map((h) => tcpOpen(h.address, 22, 3000)));
  const hosts = await Promise.all(
    plans.map(async (h, i): Promise<LabHostStatus> => {
      const rec = state.hosts.find((s) => s.name === h.name);
      const hasNs = netnsList.includes(h.netns);
      const sshd = sshOpen[i] ?? false;
      const [pids, addrs, link] = await Promise.all([hasNs ? netnsPids(h.netns) : Promise.resolve([]), hasNs ? hostAddresses(h.netns) : Promise.resolve([]), linkState(h.veth)]);
      const counts = new Map<string, number>();
      for (const pid of pids) {
        const name = processName(pid);
        if (name && DAEMONS.includes(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      // sshd and keepalived fork helpers: show them once.
      const daemons = DAEMONS.filter((d) => counts.has(d)).map((d) =>
        (d === 'mfschunkserver' || d === 'mfsmaster' || d === 'mfsmetalogger') && (counts.get(d) ?? 0) > 2 ? `${d}×${counts.get(d)}` : d,
      );
      return {
        name: h.name,
        address: h.address,
        roles: h.roles,
        running: rec?.initPid !== undefined && isAlive(rec.initPid),
        link: !link.exists ? 'missing' : !link.up ? 'down' : link.portState === 'disabled' ? 'cut' : 'up',
        sshd,
        daemons,
        holdsVip: addrs.includes(VIP) && rec?.initPid !== undefined && isAlive(rec.initPid),
        haRole: h.roles.includes('master-candidate') ? readRole(h.name) : undefined,
        lost: rec?.lost,
      };
    }),
  );
  const vipHolders = hosts.filter((h) => h.holdsVip).map((h) => h.name);
  const problems: string[] = [];
  if (state.phase === 'building') problems.push(t('lab.status.building'));
  for (const h of hosts) {
    if (!h.running) problems.push(t('lab.status.hostDown', { host: h.name }));
    else if (h.link !== 'up') problems.push(t('lab.status.link', { host: h.name, state: h.link }));
    else if (!h.sshd) problems.push(t('lab.status.noSshd', { host: h.name, address: h.address }));
  }
  let master: ClusterView | undefined;
  if (!state.bare) {
    for (const h of hosts) {
      if (h.roles.includes('master-candidate') && h.running && !h.holdsVip && h.daemons.some((d) => d.startsWith('mfsmaster'))) {
        problems.push(t('lab.status.staleMaster', { host: h.name }));
      }
    }
    if (vipHolders.length === 0) problems.push(t('lab.status.nobodyHoldsVip', { vip: VIP }));
    if (vipHolders.length > 1) problems.push(t('lab.status.splitBrain', { vip: VIP, hosts: vipHolders.join(t('lab.break.and')) }));
    master = await readClusterView(VIP);
    if (master.error) problems.push(t('lab.status.noMaster', { error: master.error }));
    else {
      if (master.chunkservers.length < state.chunkservers) problems.push(t('lab.status.chunkservers', { connected: master.chunkservers.length, want: state.chunkservers }));
      if (master.metaloggers.length < 2) problems.push(t('lab.status.metaloggers', { connected: master.metaloggers.length }));
    }
  }
  const extra = [...netnsList.filter((n) => !plans.some((p) => p.netns === n)), ...links.filter((l) => l.kind !== 'bridge' && !plans.some((p) => p.veth === l.name)).map((l) => l.name)];
  return {
    dir: labDir(),
    up: state.phase === 'up',
    phase: state.phase,
    bare: state.bare,
    init: state.init ?? 'none',
    inventory: state.phase === 'up' ? labInventoryPath() : undefined,
    vip: VIP,
    vipHolders,
    hosts,
    master,
    healthy: problems.length === 0,
    problems,
    leftovers: extra,
  };
}

export function tcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}
