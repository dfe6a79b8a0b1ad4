// Starting a host: its PID-1 inside its own network, PID, mount, UTS and IPC namespaces.
import { t } from '../i18n/index.ts';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { devTemplateDir, hostDir } from './paths.ts';
import { HOST_INIT } from './scripts.ts';
import { hostNamespaceCommand } from './host-namespaces.ts';
import { LabError, childPids, isAlive, waitFor } from './proc.ts';
import type { LabHostPlan } from './layout.ts';
import { startSystemdHost, type LabInit } from './systemd-host.ts';

export interface StartedHost {
  launcherPid: number;
  initPid: number;
  /** The host's folder in the machine's cgroup2 tree (systemd hosts). */
  cgroup?: string;
}

/**
 * Launches the host and resolves once its sshd listens: systemd hosts once systemd finished
 * booting (systemd-host.ts); the others when their PID-1 shell writes `ready` after starting
 * sshd. Detached: the host outlives this process; `lab down` ends it by PID.
 */
export async function startHost(host: LabHostPlan, init: LabInit = 'none', timeoutMs = 10_000): Promise<StartedHost> {
  if (init === 'systemd') return startSystemdHost(host);
  const dir = hostDir(host.name);
  const ready = path.join(dir, 'ready');
  fs.rmSync(ready, { force: true });
  const consoleLog = fs.openSync(path.join(dir, 'console.log'), 'w', 0o600);
  const [command, ...args] = hostNamespaceCommand(host.netns, { mountProc: true });
  const child = spawn(command, [...args, '/bin/bash', '-c', HOST_INIT, `mfslab-init-${host.name}`, dir, host.name, devTemplateDir()], {
    detached: true,
    stdio: ['ignore', consoleLog, consoleLog],
  });
  fs.closeSync(consoleLog);
  const launcherPid = child.pid;
  if (launcherPid === undefined) throw new LabError(t('lab.hosts.error.launch', { host: host.name }));
  let exited = false;
  child.on('exit', () => (exited = true));
  child.unref();
  const ok = await waitFor(() => exited || fs.existsSync(ready), timeoutMs, 20);
  if (!ok || exited) {
    const log = readTail(path.join(dir, 'console.log'));
    const why = exited ? t('lab.hosts.error.notUp', { host: host.name }) : t('lab.hosts.error.notUpWithin', { host: host.name, seconds: timeoutMs / 1000 });
    throw new LabError(`${why}${log ? `:\n${log}` : ''}`);
  }
  const initPid = childPids(launcherPid).find(isAlive);
  if (initPid === undefined) throw new LabError(t('lab.hosts.error.pid1Gone', { host: host.name }));
  return { launcherPid, initPid };
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    return '';
  }
}
