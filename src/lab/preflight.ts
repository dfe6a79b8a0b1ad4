// Before building: root, Linux, and the commands the lab needs, with a precise message.
import { t } from '../i18n/index.ts';
import { execFileSync } from 'node:child_process';
import { LabError } from './proc.ts';

const BASE = ['ip', 'unshare', 'nsenter', 'mount', 'sshd', 'ssh', 'ssh-keygen', 'rsyslogd', 'bash', 'flock', 'timeout', 'sudo', 'perl'];
const CLUSTER = ['mfsmaster', 'mfsmetalogger', 'mfschunkserver', 'mfsmount', 'mfscli', 'mfssetgoal', 'keepalived'];

const MONITORING = ['prometheus', 'promtool', 'prometheus-node-exporter'];

/** `lab up --firewalld`: Debian's firewalld in the machine's root, which every host's private root sees (disabled on the machine). */
const FIREWALLD = ['firewalld', 'firewall-cmd'];

export function missingCommands(bare: boolean, monitoring = false, firewalld = false): string[] {
  const want = [...BASE, ...(bare ? [] : CLUSTER), ...(monitoring ? MONITORING : []), ...(firewalld ? FIREWALLD : [])];
  return want.filter((c) => {
    try {
      execFileSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } });
      return false;
    } catch {
      return true;
    }
  });
}

export async function preflight(bare: boolean, monitoring = false, firewalld = false): Promise<void> {
  if (process.platform !== 'linux') throw new LabError(t('lab.preflight.error.linux'));
  if (process.getuid?.() !== 0) throw new LabError(t('lab.preflight.error.root'));
  const missing = missingCommands(bare, monitoring, firewalld);
  if (missing.length > 0) throw new LabError(t('lab.preflight.error.commands', { commands: missing.join(', ') }));
}
