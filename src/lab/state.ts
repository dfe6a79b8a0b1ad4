// The lab's state file: what it created, by PID and namespace. Mode 0600; written atomically.
import fs from 'node:fs';
import { labFile } from './paths.ts';
import type { LabHostPlan } from './layout.ts';
import type { LabInit } from './systemd-host.ts';

export interface LabHostState extends LabHostPlan {
  /** `ip netns exec ... unshare` (its PID stays the same through the exec). */
  launcherPid?: number;
  /** PID 1 of the host's PID namespace, as seen from the root namespace. */
  initPid?: number;
  /** systemd hosts: the host's folder in the machine's cgroup2 tree. */
  cgroup?: string;
  /** `lab break` marks a host it took away, so status and stale-master-returns know. */
  lost?: boolean;
}

export interface LabState {
  version: 1;
  startedAt: string;
  /** building: `lab up` is (or was, when it crashed) still creating things. */
  phase: 'building' | 'up';
  chunkservers: number;
  bare: boolean;
  /** How the cluster was built (absent for bare hosts): the lab's scripts or the runbooks. */
  build?: 'scripts' | 'runbooks';
  /** What the hosts' PID 1 is (absent in a state from before: none). */
  init?: LabInit;
  /** systemd hosts that run firewalld (`lab up --firewalld`). */
  firewalld?: boolean;
  /** Who logs in to the hosts: root by key, or only ops (`lab up --as ops`; absent: root). */
  operator?: 'root' | 'ops';
  bridge: string;
  hosts: LabHostState[];
  /** Seconds `lab up` took per phase, for status and the speed report. */
  timings?: Record<string, number>;
}

export function readState(): LabState | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(labFile('state.json'), 'utf8')) as LabState;
    return s && s.version === 1 && Array.isArray(s.hosts) ? s : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(state: LabState): void {
  const file = labFile('state.json');
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export function removeState(): boolean {
  try {
    fs.unlinkSync(labFile('state.json'));
    return true;
  } catch {
    return false;
  }
}
