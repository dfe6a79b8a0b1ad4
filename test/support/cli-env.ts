// Running the real bin/mfs-tui (the built bundle) against a test sshd, each test in its
// own state, config and runbook folders.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sshd } from './sshd.ts';

export const BIN = fileURLToPath(new URL('../../bin/mfs-tui', import.meta.url));

export interface CliEnv {
  dir: string;
  env: NodeJS.ProcessEnv;
  inventory: string;
  knownHosts: string;
  runbooks: string;
}

/** A scratch world: state dir, config dir, known_hosts trusting the sshd, inventory with host h1, runbook folder. */
export function cliEnv(sshd: Sshd, opts: { trust?: boolean } = {}): CliEnv {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-cli-'));
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, opts.trust === false ? '' : `[127.0.0.1]:${sshd.port} ${sshd.hostPubKey}\n`);
  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(
    inventory,
    [
      'cluster: clitest',
      'vip: { address: 127.0.0.100, interface: lo, prefix: 8 }',
      `ssh: { known_hosts: [${knownHosts}] }`,
      'hosts:',
      `  - { name: h1, address: 127.0.0.1, port: ${sshd.port}, user: ${sshd.user}, identity: ${sshd.clientKey}, roles: [master-candidate] }`,
      '',
    ].join('\n'),
  );
  const runbooks = join(dir, 'runbooks');
  mkdirSync(runbooks);
  const env = {
    ...process.env,
    MFS_TUI_STATE_DIR: join(dir, 'state'),
    MFS_TUI_CONFIG_DIR: join(dir, 'config'),
    NO_COLOR: '1',
  };
  return { dir, env, inventory, knownHosts, runbooks };
}

export function runCli(e: CliEnv, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: e.env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function spawnCli(e: CliEnv, args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: e.env, stdio: ['ignore', 'pipe', 'pipe'] });
}
