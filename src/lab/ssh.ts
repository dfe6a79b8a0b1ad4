// Running commands on lab hosts with plain OpenSSH and the lab's own ssh_config, which
// pins each host's key (StrictHostKeyChecking yes against the lab's known_hosts).
import { t } from '../i18n/index.ts';
import { spawn } from 'node:child_process';
import { labFile } from './paths.ts';
import { LabError, run, type RunResult } from './proc.ts';

export function sshArgs(host: string, extra: string[] = []): string[] {
  return ['-F', labFile('ssh_config'), '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', ...extra, host];
}

/** Runs a bash script on a host (sent on stdin, so nothing needs quoting). */
export function sshScript(host: string, script: string, timeoutMs = 30_000): Promise<RunResult> {
  return run('ssh', [...sshArgs(host), 'bash', '-s'], { input: script, timeoutMs });
}

/** Like sshScript, but a failure becomes an error naming the host, the step and its output. */
export async function sshStep(host: string, what: string, script: string, timeoutMs = 30_000): Promise<string> {
  const r = await sshScript(host, script, timeoutMs);
  if (r.code !== 0) {
    const why = r.timedOut ? t('lab.ssh.why.timedOut', { seconds: timeoutMs / 1000 }) : r.code === 255 ? t('lab.ssh.why.sshFailed') : t('lab.ssh.why.exit', { code: String(r.code) });
    const out = (r.stderr + r.stdout).trim().split('\n').slice(-12).join('\n');
    throw new LabError(`${t('lab.ssh.error.failed', { host, what, why })}${out ? `:\n${out}` : ''}`);
  }
  return r.stdout;
}

/** An interactive shell or command on a host, wired to this terminal. Resolves with its exit code. */
export function sshInteractive(host: string, command: string[]): Promise<number> {
  return new Promise((resolve) => {
    const tty = process.stdin.isTTY ? ['-t'] : [];
    const child = spawn('ssh', ['-F', labFile('ssh_config'), ...tty, host, ...command], { stdio: 'inherit' });
    child.on('error', (err) => {
      process.stderr.write(`mfs-tui: ssh: ${err.message}\n`);
      resolve(255);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 255)));
  });
}
