// `lab break`: real faults injected from outside the hosts (signals by PID, links, bridge
// ports). Each returns what it did; the claimed state is checked by the tests from outside.
import { startHost } from './hosts.ts';
import { PREFIX_LEN, VIP, chunkserverHosts } from './layout.ts';
import { hostAddresses, netnsPids } from './net.ts';
import { LabError, isAlive, isOneShotMfsCommand, processArgs, processName, run, runChecked, waitFor } from './proc.ts';
import { sshStep } from './ssh.ts';
import { LAB_OPERATION_LOCK, withLock } from './lock.ts';
import { readState, writeState, type LabHostState, type LabState } from './state.ts';
import { unitRestartPolicy } from './systemd-host.ts';

export const BREAK_SCENARIOS = [
  { name: 'power-cut', help: "kill -9 the VIP holder's mfsmaster (no metadata stored)" },
  { name: 'lose-master', help: "the VIP holder's host vanishes: all its processes die and its link goes down" },
  { name: 'chunkserver-down', help: 'kill -9 a chunkserver (HOST, default the last one)' },
  { name: 'metalogger-down', help: 'kill -9 the metalogger on ml' },
  { name: 'partition', help: 'cut HOST off: its link stays up, but its bridge port forwards nothing' },
  { name: 'split-brain', help: 'block VRRP between m1 and m2 until both hold the VIP' },
  { name: 'stale-master-returns', help: 'the host lost by lose-master comes back and starts mfsmaster on its old metadata' },
  { name: 'heal', help: 'undo partition/split-brain (HOST, default all): bridge ports forward and flood again' },
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
  return withLock(LAB_OPERATION_LOCK, 'lab operation', () => applyBreak(scenario, hostName));
}

async function applyBreak(scenario: BreakScenario, hostName?: string): Promise<BreakResult> {
  const state = readState();
  if (!state || state.phase !== 'up') throw new LabError('the practice cluster is not up: run `mfs-tui lab up` first');
  if (state.bare && scenario !== 'partition' && scenario !== 'heal') throw new LabError(`${scenario} needs the full cluster; this lab is bare (\`lab up\` without --bare)`);
  const host = (name: string): LabHostState => {
    const h = state.hosts.find((x) => x.name === name);
    if (!h) throw new LabError(`no host '${name}' in the practice cluster (hosts: ${state.hosts.map((x) => x.name).join(', ')})`);
    return h;
  };
  const did: string[] = [];
  switch (scenario) {
    case 'power-cut': {
      const holder = await vipHolder(state);
      const pids = await daemonPids(holder, 'mfsmaster');
      if (pids.length === 0) throw new LabError(`${holder.name} holds the VIP but runs no mfsmaster: nothing to cut`);
      await killAll(pids);
      did.push(`kill -9 mfsmaster on ${holder.name} (the VIP holder), PID ${pids.join(' ')}`);
      await sayRestartPolicy(state, holder, 'moosefs-master.service', did);
      return { scenario, host: holder.name, did, summary: `Power cut on ${holder.name}'s master: it stored no metadata. keepalived's check sees it and the standby may take over.` };
    }
    case 'lose-master': {
      const holder = await vipHolder(state);
      const n = await killHost(holder);
      did.push(`killed ${holder.name}'s PID 1 (${holder.initPid}): ${n} processes gone with its PID namespace`);
      // A powered-off server holds no addresses: the VIP does not come back with it.
      await run('ip', ['-n', holder.netns, 'addr', 'del', `${VIP}/${PREFIX_LEN}`, 'dev', 'eth0']);
      await runChecked('ip', ['link', 'set', holder.veth, 'down']);
      did.push(`link ${holder.veth} down (${holder.name}'s eth0 has no carrier)`);
      holder.lost = true;
      writeState(state);
      return { scenario, host: holder.name, did, summary: `${holder.name} vanished. The standby takes the VIP once VRRP adverts stop (about 3.6 s).` };
    }
    case 'chunkserver-down': {
      const cs = chunkserverHosts(state.hosts);
      const target = host(hostName ?? cs[cs.length - 1]!.name);
      if (!target.roles.includes('chunkserver')) throw new LabError(`${target.name} is not a chunkserver (chunkservers: ${cs.map((h) => h.name).join(', ')})`);
      const pids = await daemonPids(target, 'mfschunkserver');
      if (pids.length === 0) throw new LabError(`no mfschunkserver runs on ${target.name}`);
      await killAll(pids);
      did.push(`kill -9 mfschunkserver on ${target.name}, PID ${pids.join(' ')}`);
      await sayRestartPolicy(state, target, 'moosefs-chunkserver.service', did);
      return { scenario, host: target.name, did, summary: `${target.name}'s chunkserver is down; its chunk copies are missing until it returns.` };
    }
    case 'metalogger-down': {
      const target = host('ml');
      const pids = await daemonPids(target, 'mfsmetalogger');
      if (pids.length === 0) throw new LabError('no mfsmetalogger runs on ml');
      await killAll(pids);
      did.push(`kill -9 mfsmetalogger on ml, PID ${pids.join(' ')}`);
      await sayRestartPolicy(state, target, 'moosefs-metalogger.service', did);
      return { scenario, host: 'ml', did, summary: 'The metalogger on ml is down: it receives no changelogs until restarted.' };
    }
    case 'partition': {
      if (!hostName) throw new LabError('partition needs a HOST, e.g. `mfs-tui lab break partition m1`');
      const target = host(hostName);
      await runChecked('bridge', ['link', 'set', 'dev', target.veth, 'state', '0']);
      did.push(`bridge port ${target.veth} disabled: ${target.name}'s link stays up, nothing passes`);
      return { scenario, host: target.name, did, summary: `${target.name} is cut off (link up, no traffic). Undo with \`mfs-tui lab break heal ${target.name}\`.` };
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
        did.push(`bridge port ${host(name).veth}: multicast not flooded; ${name} drops the VRRP packets it receives (ip rule iif eth0 ipproto vrrp blackhole)`);
      }
      const both = await waitFor(async () => (await vipHolders(state)).length === 2, 15_000, 200);
      const holders = (await vipHolders(state)).map((h) => h.name);
      did.push(`VIP ${VIP} now on: ${holders.join(' and ') || 'nobody'}`);
      if (!both) throw new LabError(`VRRP is blocked but the VIP is on ${holders.join(' and ') || 'nobody'} after 15 s (is keepalived running on both?)`);
      return { scenario, did, summary: 'Split brain: m1 and m2 both hold the VIP. Undo with `mfs-tui lab break heal`.' };
    }
    case 'stale-master-returns': {
      const lost = state.hosts.find((h) => h.lost);
      if (!lost) throw new LabError('stale-master-returns brings back the host taken by `mfs-tui lab break lose-master`: run that first (and let the cluster fail over)');
      await runChecked('ip', ['link', 'set', lost.veth, 'up']);
      did.push(`link ${lost.veth} up`);
      const started = await startHost(lost, state.init ?? 'none');
      Object.assign(lost, started, { lost: false });
      writeState(state);
      did.push(`${lost.name} booted (PID 1 ${started.initPid}, sshd on ${lost.address})`);
      // Like a server whose mfsmaster starts at boot: its metadata is what it had when it died.
      if (state.init === 'systemd') {
        // Its units start as enabled (keepalived too, when it was); the master is started through its unit if boot did not.
        const out = await sshStep(
          lost.name,
          'starting the stale mfsmaster',
          'systemctl is-active --quiet moosefs-master || systemctl start moosefs-master || { journalctl -u moosefs-master -n 20 --no-pager; exit 1; }; echo "keepalived: $(systemctl is-enabled keepalived 2>/dev/null) $(systemctl is-active keepalived 2>/dev/null)"',
          60_000,
        );
        did.push(`moosefs-master.service active on ${lost.name}: serving its old metadata on ${lost.address}; ${out.trim()}`);
      } else {
        await sshStep(lost.name, 'starting the stale mfsmaster', 'mfsmaster -a >/dev/null 2>&1 || { tail -n 20 /var/log/syslog; exit 1; }', 60_000);
        did.push(`mfsmaster -a on ${lost.name}: serving its old metadata on ${lost.address} (keepalived not started)`);
      }
      return { scenario, host: lost.name, did, summary: `${lost.name} is back with a stale master next to the current one: fence it before anything connects to it.` };
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
      did.push(`bridge ports of ${targets.map((h) => h.name).join(', ')}: forwarding, multicast flooded, VRRP received again`);
      return { scenario, host: hostName, did, summary: 'Partitions and VRRP blocks removed.' };
    }
  }
}

/** split-brain's rule that drops received VRRP, and where the local table moves to so that rule comes first. */
const VRRP_DROP_PRIORITY = '1';
const LOCAL_MOVED_PRIORITY = '2';

/** Candidates that hold the VIP now (a dead or lost host does not count, even if its namespace still has it). */
export async function vipHolders(state: LabState): Promise<LabHostState[]> {
  const cands = state.hosts.filter((h) => h.roles.includes('master-candidate') && !h.lost && h.initPid !== undefined && isAlive(h.initPid));
  const has = await Promise.all(cands.map(async (h) => (await hostAddresses(h.netns)).includes(VIP)));
  return cands.filter((_, i) => has[i]);
}

async function vipHolder(state: LabState): Promise<LabHostState> {
  const holders = await vipHolders(state);
  if (holders.length !== 1) throw new LabError(holders.length === 0 ? `nobody holds the VIP ${VIP}` : `the VIP is on ${holders.map((h) => h.name).join(' and ')} (split brain): pick a host`);
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
  if (h.initPid === undefined || !isAlive(h.initPid)) throw new LabError(`${h.name} is not running`);
  process.kill(h.initPid, 'SIGKILL');
  await waitFor(() => pids.every((p) => !isAlive(p)), 3000, 20);
  return pids.length;
}
