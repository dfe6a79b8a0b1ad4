// `lab deps`: the Debian packages the practice cluster needs, installed with visible progress.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { t } from '../i18n/index.ts';
import { builtinRunbookDir } from '../runbook/catalog.ts';
import { LabError, run } from './proc.ts';

/** scripts/no-daemon-start.sh, shipped beside runbooks/ (scripts/install-deps.sh uses it too). */
export function noDaemonStartScript(): string {
  const script = path.join(path.dirname(builtinRunbookDir()), 'scripts', 'no-daemon-start.sh');
  if (!fs.existsSync(script)) throw new LabError(t('lab.deps.error.script', { script }));
  return script;
}

/** Same list as scripts/install-deps.sh (CI). */
export const LAB_PACKAGES = [
  'moosefs-master',
  'moosefs-metalogger',
  'moosefs-chunkserver',
  'moosefs-client',
  'moosefs-cli',
  'moosefs-cgi',
  'moosefs-cgiserv',
  'keepalived',
  'openssh-server',
  'openssh-client',
  'unison',
  'inotify-tools',
  'arping',
  'rsyslog',
  'fuse3',
  'iproute2',
  'procps',
  'psmisc',
  'util-linux',
  'sudo',
  // the seeds' firewall of install-cluster on systemd practice hosts
  'iptables',
  // `lab up --firewalld`: the same firewall step's firewalld path (disabled on this machine)
  'firewalld',
];

export async function missingPackages(): Promise<string[]> {
  const r = await run('dpkg-query', ['-W', '-f', '${Package} ${Status}\n', ...LAB_PACKAGES]);
  const installed = new Set(
    r.stdout
      .split('\n')
      // english: dpkg-query's status words
      .filter((l) => l.endsWith(' install ok installed'))
      .map((l) => l.split(' ')[0]),
  );
  return LAB_PACKAGES.filter((p) => !installed.has(p));
}

/** Installs what is missing; `print` gets apt's own output lines. Returns what was installed. */
export async function labDeps(progress: (phase: string, detail?: string) => void = () => {}, print: (line: string) => void = () => {}): Promise<string[]> {
  if (process.platform !== 'linux' || !fs.existsSync('/usr/bin/dpkg-query') || !fs.existsSync('/usr/bin/apt-get')) {
    throw new LabError(t('lab.deps.error.notDebian'));
  }
  progress('check', t('lab.deps.packages', { count: LAB_PACKAGES.length }));
  // A policy-rc.d left by an install of ours that was killed: remove it, whatever else happens.
  if (process.getuid?.() === 0) await run('bash', [noDaemonStartScript(), '--cleanup']);
  const missing = await missingPackages();
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw new LabError(t('lab.deps.error.needsRoot', { packages: missing.join(' ') }));
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  progress('apt-get update');
  await stream('apt-get', ['update'], env, print);
  progress('apt-get install', missing.join(' '));
  // The packages' scripts must not start daemons on this machine, and the machine must behave
  // as before once the install is over: the wrapper keeps a policy-rc.d only while apt runs.
  await stream('bash', [noDaemonStartScript(), 'apt-get', 'install', '-y', '--no-install-recommends', ...missing], env, print);
  // firewalld's package enables its unit: this machine must not start a firewall at its next
  // boot (the practice hosts enable it in their own roots with `lab up --firewalld`).
  if (missing.includes('firewalld')) await run('systemctl', ['--root=/', '--quiet', 'disable', 'firewalld.service']);
  const still = await missingPackages();
  if (still.length > 0) throw new LabError(t('lab.deps.error.stillMissing', { packages: still.join(' ') }));
  return missing;
}

function stream(cmd: string, args: string[], env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let tail: string[] = [];
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        print(l);
        tail = [...tail.slice(-9), l];
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new LabError(`${cmd}: ${err.message}`)));
    const shown = cmd === 'bash' ? args.slice(1, 3).join(' ') : `${cmd} ${args[0]}`;
    child.on('close', (code) => (code === 0 ? resolve() : reject(new LabError(t('lab.deps.error.failed', { command: shown, code: String(code), tail: tail.join('\n') })))));
  });
}
