// `lab break`: real faults injected from outside the hosts (signals by PID, links, bridge
// ports). Each returns what it did; the claimed state is checked by the tests from outside.
import { t } from '../i18n/index.ts';
import { startHost } from './hosts.ts';
import { PREFIX_LEN, VIP, chunkserverHosts } from './layout.ts';
import { hostAddresses, netnsPids } from './net.ts';
import { LabError, isAlive, isOneShotMfsCommand, processArgs, processName, run, runChecked, waitFor } from './proc.ts';
import { hostStep } from './host-exec.ts';
import { LAB_OPERATION_LOCK, withLock } from './lock.ts';
import { readState, writeState, type LabHostState, type LabState } from './state.ts';
import { unitRestartPolicy } from './systemd-host.ts';

export const BREAK_SCENARIOS = [
  { name: 'power-cut', help: 'lab.break.help.powerCut' },
  { name: 'lose-master', help: 'lab.break.help.loseMaster' },
  { name: 'chunkserver-down', help: 'lab.break.help.chunkserverDown' },
  { name: 'metalogger-down', help: 'lab.break.help.metaloggerDown' },
  { name: 'partition', help: 'lab.break.help.partition' },
  { name: 'split-brain', help: 'lab.break.help.splitBrain' },
  { name: 'stale-master-returns', help: 'lab.break.help.staleMasterReturns' },
  { name: 'heal', help: 'lab.break.help.heal' },
] as const;
export type BreakScenario = (typeof BREAK_SCENARIOS)[number]['name'];

export interface BreakResult {
  scenario: BreakScenario;
  /** The host the fault was applied to (when there is one). */
  host?: string;
  /** One line per action, for the operator. */
  did: string[];
  summary: string;
}

export async function labBreak(scenario: BreakScenario, hostName?: string): Promise<BreakResult> {
  return withLock(LAB_OPERATION_LOCK, () => applyBreak(scenario, hostName));
}

async function applyBreak(scenario: BreakScenario, hostName?: string): Promise<BreakResult> {
  const state = readState();
  if (!state || state.phase !== 'up') throw new LabError(t('lab.error.notUp'));
  if (state.bare && scenario !== 'partition' && scenario !== 'heal') throw new LabError(t('lab.break.error.bare', { scenario }));
  const host = (name: string): LabHostState => {
    const h = state.hosts.find((x) => x.name === name);
    if (!h) throw new LabError(t('cli.lab.error.noHost', { host: name, hosts: state.hosts.map((x) => x.name).join(', ') }));
    return h;
  };
  const did: string[] = [];
  switch (scenario) {
    case 'power-cut': {
      const holder = await vipHolder(state);
      const pids = await daemonPids(holder, 'mfsmaster');
      if (pids.length === 0) throw new LabError(t('lab.break.error.noMaster', { host: holder.name }));
      await killAll(pids);
      did.push(t('lab.break.did.killMaster', { host: holder.name, pids: pids.join(' ') }));
      await sayRestartPolicy(state, holder, 'moosefs-master.service', did);
      return { scenario, host: holder.name, did, summary: t('lab.break.summary.powerCut', { host: holder.name }) };
    }
    case 'lose-master': {
      const holder = await vipHolder(state);
      const n = await killHost(holder);
      did.push(t('lab.break.did.killHost', { host: holder.name, pid: String(holder.initPid), count: n }));
      // A powered-off server holds no addresses: the VIP does not come back with it.
      await run('ip', ['-n', holder.netns, 'addr', 'del', `${VIP}/${PREFIX_LEN}`, 'dev', 'eth0']);
      await runChecked('ip', ['link', 'set', holder.veth, 'down']);
      did.push(t('lab.break.did.linkDown', { veth: holder.veth, host: holder.name }));
      holder.lost = true;
      writeState(state);
      return { scenario, host: holder.name, did, summary: t('lab.break.summary.loseMaster', { host: holder.name }) };
    }
    case 'chunkserver-down': {
      const cs = chunkserverHosts(state.hosts);
      const target = host(hostName ?? cs[cs.length - 1]!.name);
      if (!target.roles.includes('chunkserver')) throw new LabError(t('lab.break.error.notChunkserver', { host: target.name, chunkservers: cs.map((h) => h.name).join(', ') }));
      const pids = await daemonPids(target, 'mfschunkserver');
      if (pids.length === 0) throw new LabError(t('lab.break.error.noDaemon', { daemon: 'mfschunkserver', host: target.name }));
      await killAll(pids);
      did.push(t('lab.break.did.kill', { daemon: 'mfschunkserver', host: target.name, pids: pids.join(' ') }));
      await sayRestartPolicy(state, target, 'moosefs-chunkserver.service', did);
      return { scenario, host: target.name, did, summary: t('lab.break.summary.chunkserverDown', { host: target.name }) };
    }
    case 'metalogger-down': {
      const target = host('ml');
      const pids = await daemonPids(target, 'mfsmetalogger');
      if (pids.length === 0) throw new LabError(t('lab.break.error.noDaemon', { daemon: 'mfsmetalogger', host: 'ml' }));
      await killAll(pids);
      did.push(t('lab.break.did.kill', { daemon: 'mfsmetalogger', host: 'ml', pids: pids.join(' ') }));
      await sayRestartPolicy(state, target, 'moosefs-metalogger.service', did);
      return { scenario, host: 'ml', did, summary: t('lab.break.summary.metaloggerDown') };
    }
    case 'partition': {
      if (!hostName) throw new LabError(t('lab.break.error.partitionHost'));
      const target = host(hostName);
      await runChecked('bridge', ['link', 'set', 'dev', target.veth, 'state', '0']);
      did.push(t('lab.break.did.portDisabled', { veth: target.veth, host: target.name }));
      return { scenario, host: target.name, did, summary: t('lab.break.summary.partition', { host: target.name }) };
    }
    case 'split-brain': {
      for (const name of ['m1', 'm2']) {
        await runChecked('bridge', ['link', 'set', 'dev', host(name).veth, 'mcast_flood', 'off']);
        // keepalived-ha sends its adverts unicast to the peer (VRRPv3), so blocking multicast is
        // not enough, and the candidates must still reach each other (fence-master compares
        // their masters): each drops the VRRP packets it receives, by a policy rule looked up
        // before the local table (the machine has no iptables, nor tc actions). A sender's
        // rule would not do: keepalived writes its own IP header, routed as raw, not VRRP.
        const ns = host(name).netns;
        await run('ip', ['-n', ns, 'rule', 'del', 'priority', VRRP_DROP_PRIORITY]);
        await runChecked('ip', ['-n', ns, 'rule', 'add', 'priority', VRRP_DROP_PRIORITY, 'iif', 'eth0', 'ipproto', 'vrrp', 'blackhole']);
        await run('ip', ['-n', ns, 'rule', 'add', 'priority', LOCAL_MOVED_PRIORITY, 'lookup', 'local']);
        await run('ip', ['-n', ns, 'rule', 'del', 'priority', '0', 'lookup', 'local']);
        did.push(t('lab.break.did.vrrpBlocked', { veth: host(name).veth, host: name }));
      }
      const both = await waitFor(async () => (await vipHolders(state)).length === 2, 15_000, 200);
      const holders = (await vipHolders(state)).map((h) => h.name);
      did.push(t('lab.break.did.vipOn', { vip: VIP, holders: holders.join(t('lab.break.and')) || t('lab.break.nobody') }));
      if (!both) throw new LabError(t('lab.break.error.splitBrainFailed', { holders: holders.join(t('lab.break.and')) || t('lab.break.nobody') }));
      return { scenario, did, summary: t('lab.break.summary.splitBrain') };
    }
    case 'stale-master-returns': {
      const lost = state.hosts.find((h) => h.lost);
      if (!lost) throw new LabError(t('lab.break.error.noLostHost'));
      await runChecked('ip', ['link', 'set', lost.veth, 'up']);
      did.push(t('lab.break.did.linkUp', { veth: lost.veth }));
      const started = await startHost(lost, state.init ?? 'none');
      Object.assign(lost, started, { lost: false });
      writeState(state);
      did.push(t('lab.break.did.booted', { host: lost.name, pid: String(started.initPid), address: lost.address }));
      // Like a server whose mfsmaster starts at boot: its metadata is what it had when it died.
      if (state.init === 'systemd') {
        // Its units start as enabled (keepalived too, when it was); the master is started through its unit if boot did not.
        const out = await hostStep(
          lost.name,
          t('lab.step.staleMaster'),
          'systemctl is-active --quiet moosefs-master || systemctl start moosefs-master || { journalctl -u moosefs-master -n 20 --no-pager; exit 1; }; echo "keepalived: $(systemctl is-enabled keepalived 2>/dev/null) $(systemctl is-active keepalived 2>/dev/null)"',
          60_000,
        );
        did.push(t('lab.break.did.staleUnit', { host: lost.name, address: lost.address, output: out.trim() }));
      } else {
        await hostStep(lost.name, t('lab.step.staleMaster'), 'mfsmaster -a >/dev/null 2>&1 || { tail -n 20 /var/log/syslog; exit 1; }', 60_000);
        did.push(t('lab.break.did.staleMaster', { host: lost.name, address: lost.address }));
      }
      return { scenario, host: lost.name, did, summary: t('lab.break.summary.staleMasterReturns', { host: lost.name }) };
    }
    case 'heal': {
      const targets = hostName ? [host(hostName)] : state.hosts;
      for (const h of targets) {
        await run('bridge', ['link', 'set', 'dev', h.veth, 'state', '3', 'mcast_flood', 'on']);
        // split-brain's VRRP drop, and the local table back at priority 0 (each a no-op when absent).
        await run('ip', ['-n', h.netns, 'rule', 'add', 'priority', '0', 'lookup', 'local']);
        await run('ip', ['-n', h.netns, 'rule', 'del', 'priority', LOCAL_MOVED_PRIORITY, 'lookup', 'local']);
        await run('ip', ['-n', h.netns, 'rule', 'del', 'priority', VRRP_DROP_PRIORITY]);
      }
      did.push(t('lab.break.did.healed', { hosts: targets.map((h) => h.name).join(', ') }));
      return { scenario, host: hostName, did, summary: t('lab.break.summary.heal') };
    }
  }
}

/** split-brain's rule that drops received VRRP, and where the local table moves to so that rule comes first. */
const VRRP_DROP_PRIORITY = '1';
const LOCAL_MOVED_PRIORITY = '2';

/**
 * Hosts that hold the VIP now (a dead or lost host does not count, even if its namespace
 * still has it). Any host, not only the lab's master candidates: rebuild-master can make
 * spare the master and give it the VIP.
 */
export async function vipHolders(state: LabState): Promise<LabHostState[]> {
  const cands = state.hosts.filter((h) => !h.lost && h.initPid !== undefined && isAlive(h.initPid));
  const has = await Promise.all(cands.map(async (h) => (await hostAddresses(h.netns)).includes(VIP)));
  return cands.filter((_, i) => has[i]);
}

async function vipHolder(state: LabState): Promise<LabHostState> {
  const holders = await vipHolders(state);
  if (holders.length !== 1)
    throw new LabError(holders.length === 0 ? t('lab.break.error.nobodyHoldsVip', { vip: VIP }) : t('lab.break.error.vipSplit', { hosts: holders.map((h) => h.name).join(t('lab.break.and')) }));
  return holders[0]!;
}

/** PIDs (root namespace) of a running daemon inside one host: found by the host's namespace, then its name; one-shot commands of the same program (`mfsmaster test`) are not the daemon. */
export async function daemonPids(h: LabHostState, daemon: string): Promise<number[]> {
  return (await netnsPids(h.netns)).filter((pid) => processName(pid) === daemon && isAlive(pid) && !isOneShotMfsCommand(processArgs(pid)));
}

/** SIGKILL by PID, then wait until they are gone (a zombie counts as gone). */
async function killAll(pids: number[]): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await waitFor(() => pids.every((p) => !isAlive(p)), 3000, 20);
}

/** On a systemd host, says what its unit makes systemd do about the killed daemon (a drill must not be undone silently). */
async function sayRestartPolicy(state: LabState, h: LabHostState, unit: string, did: string[]): Promise<void> {
  if (state.init !== 'systemd' || h.initPid === undefined) return;
  did.push((await unitRestartPolicy(h.initPid, unit)).text);
}

/** Kills a host's PID 1: the kernel then kills everything in its PID namespace. */
async function killHost(h: LabHostState): Promise<number> {
  const pids = await netnsPids(h.netns);
  if (h.initPid === undefined || !isAlive(h.initPid)) throw new LabError(t('lab.break.error.hostNotRunning', { host: h.name }));
  process.kill(h.initPid, 'SIGKILL');
  await waitFor(() => pids.every((p) => !isAlive(p)), 3000, 20);
  return pids.length;
}
