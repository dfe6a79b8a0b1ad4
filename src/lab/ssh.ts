// `mfs-tui lab ssh`: the operator's login to a practice host with plain OpenSSH and the lab's
// own ssh_config, which pins each host's key (StrictHostKeyChecking yes against the lab's
// known_hosts) and logs in as the lab's operator (root, or ops on a lab built `--as ops`).
// The lab's own machinery never logs in: it enters the hosts (host-exec.ts).
import { spawn } from 'node:child_process';
import { labFile } from './paths.ts';

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
