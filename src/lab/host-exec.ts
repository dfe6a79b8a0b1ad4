// The lab's own way into a practice host: its namespaces entered from this machine (nsenter
// into the host's PID 1, as root), never over SSH. The hosts' sshd is the operator's door
// only, so a host can refuse root's login (`lab up --as ops`) and the lab still breaks,
// builds and checks it, as a console would on a real server.
import fs from 'node:fs';
import { t } from '../i18n/index.ts';
import { LabError, isAlive, run, type RunResult } from './proc.ts';
import { readState, type LabHostState } from './state.ts';

/** What a login shell's environment holds (sshd sets these; LANG is not sent, as with the lab's ssh). */
const HOST_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'USER=root', 'LOGNAME=root', 'SHELL=/bin/bash'];

/** The namespaces a host has (systemd hosts add a cgroup namespace: entering a missing one fails). */
export function hostEnterArgs(initPid: number, cgroup: boolean): string[] {
  return ['-t', String(initPid), '-m', '-u', '-i', '-n', '-p', ...(cgroup ? ['-C'] : []), '--'];
}

/**
 * The argv that runs `bash -s` as root inside a host with a login's environment. `timeout`
 * inside the host ends the script and whatever it started in its process group when the limit
 * passes (killing nsenter from here would leave them running in the host); daemons the script
 * starts detach from that group, as they would from an SSH session. timeout's last resort
 * (KILL to its own group) kills timeout too: the `sh` around it still reports 137.
 */
export function hostScriptArgv(initPid: number, cgroup: boolean, timeoutMs: number): string[] {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  return [...hostEnterArgs(initPid, cgroup), 'env', '-i', ...HOST_ENV, 'sh', '-c', `timeout -k 2 ${seconds} bash -s; exit $?`];
}

/** The script as the host runs it: in root's home, as a login would start. */
export function hostScriptInput(script: string): string {
  return `cd /root 2>/dev/null || cd /\n${script}`;
}

/**
 * Whether `pid` is still the host's first process: alive, and in the network namespace the
 * lab made for the host. A PID reused by another process (the host died without `lab break`
 * knowing) must never be entered: its namespaces may be this machine's own.
 */
export function isHostInit(pid: number, netns: string): boolean {
  try {
    return isAlive(pid) && fs.statSync(`/proc/${pid}/ns/net`).ino === fs.statSync(`/run/netns/${netns}`).ino;
  } catch {
    return false;
  }
}

/** The host by name when it may be entered: recorded with its PID 1, not lost, and that PID still its own. */
export function enterableHost(hosts: readonly LabHostState[], name: string): (LabHostState & { initPid: number }) | undefined {
  const h = hosts.find((x) => x.name === name);
  return h?.initPid && !h.lost && isHostInit(h.initPid, h.netns) ? (h as LabHostState & { initPid: number }) : undefined;
}

/** Runs a bash script (on stdin, so nothing needs quoting) as root on a running lab host. */
export async function hostScript(host: string, script: string, timeoutMs = 30_000): Promise<RunResult> {
  const h = enterableHost(readState()?.hosts ?? [], host);
  if (!h) {
    return { code: 255, stdout: '', stderr: t('lab.exec.notRunning', { host }), timedOut: false };
  }
  // The outer limit only backs up the host's own `timeout` (nsenter itself never hangs).
  const r = await run('nsenter', hostScriptArgv(h.initPid, Boolean(h.cgroup), timeoutMs), { input: hostScriptInput(script), timeoutMs: timeoutMs + 5_000 });
  // timeout(1) exits 124 (137 after its KILL) when the limit passed.
  return r.code === 124 || r.code === 137 ? { ...r, timedOut: true } : r;
}

/** Like hostScript, but a failure becomes an error naming the host, the step and its output. */
export async function hostStep(host: string, what: string, script: string, timeoutMs = 30_000): Promise<string> {
  const r = await hostScript(host, script, timeoutMs);
  if (r.code !== 0) {
    const why = r.timedOut ? t('lab.ssh.why.timedOut', { seconds: timeoutMs / 1000 }) : t('lab.ssh.why.exit', { code: String(r.code) });
    const out = (r.stderr + r.stdout).trim().split('\n').slice(-12).join('\n');
    throw new LabError(`${t('lab.ssh.error.failed', { host, what, why })}${out ? `:\n${out}` : ''}`);
  }
  return r.stdout;
}
