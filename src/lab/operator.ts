// The practice cluster's operator who is not root: a user `ops` on every host with an SSH key
// of its own and sudo that asks for a password, as most real servers have it, so every
// runbook can be run (and tested) the way a real operator logs in. Host variants: sudo with
// NOPASSWD for a few commands on one host (VARIANT_HOSTS), and `Defaults requiretty` written
// by a test when it wants it (sudoersFor('requiretty')). On a lab built `--as ops` root
// cannot log in from this machine at all (files.ts); the lab's own machinery (lab break,
// its outside probes, the scripts build) never logs in: it enters the hosts (host-exec.ts).
//
// The user exists only inside the hosts: each host gets private copies of the machine's
// /etc/passwd, group, shadow and gshadow with `ops` added, its own /etc/sudoers.d and /home
// (bind-mounted, see hostFstab). The machine's own files are never changed.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { HostFile } from './files.ts';
import type { LabHostPlan } from './layout.ts';
import { labFile } from './paths.ts';
import { LabError } from './proc.ts';
import { t } from '../i18n/index.ts';

export const LAB_OPERATOR = 'ops';

/** How sudo treats `ops` on a host. */
export type SudoVariant = 'password' | 'nopasswd-some' | 'requiretty';

/** Hosts whose sudoers differ from the plain password rule. */
export const VARIANT_HOSTS: Record<string, SudoVariant> = { ml: 'nopasswd-some' };

export function sudoVariant(host: string): SudoVariant {
  return VARIANT_HOSTS[host] ?? 'password';
}

/** /etc/sudoers.d/ops for a variant (checked with `visudo -c` by the tests). */
export function sudoersFor(variant: SudoVariant): string {
  const all = `${LAB_OPERATOR} ALL=(ALL:ALL) ALL\n`;
  switch (variant) {
    case 'password':
      // english: a comment in the sudoers file written
      return `# lab operator: every command as root, after the password\n${all}`;
    case 'nopasswd-some':
      // Read-only tools without a password, as some sites allow; mfs-tui runs every command as
      // `sudo /bin/sh -c …`, which is not among them, so it still needs the password here.
      return (
        // english: a comment in the sudoers file written
        '# lab operator: a few read-only tools without a password, the rest after it (the last\n# matching rule wins: NOPASSWD comes after ALL)\n' +
        all +
        `${LAB_OPERATOR} ALL=(root) NOPASSWD: /usr/bin/mfscli, /usr/bin/systemctl status *, /usr/bin/journalctl\n`
      );
    case 'requiretty':
      // english: a comment in the sudoers file written
      return `# lab operator: sudo only from a terminal\nDefaults:${LAB_OPERATOR} requiretty\n${all}`;
  }
}

export interface OperatorAccount {
  uid: number;
  gid: number;
  /** crypt(3) hash of the password ($6$: SHA-512). */
  passwordHash: string;
  publicKey: string;
}

/** The machine's account files the hosts' copies start from. */
export interface AccountFiles {
  passwd: string;
  group: string;
  shadow: string;
  gshadow: string;
}

export function readMachineAccounts(): AccountFiles {
  const read = (f: string) => {
    try {
      return fs.readFileSync(`/etc/${f}`, 'utf8');
    } catch {
      return '';
    }
  };
  return { passwd: read('passwd'), group: read('group'), shadow: read('shadow'), gshadow: read('gshadow') };
}

/** The first id from 2000 that neither passwd nor group uses (one number for uid and gid). */
export function freeId(files: AccountFiles): number {
  const used = new Set<number>();
  for (const text of [files.passwd, files.group]) for (const line of text.split('\n')) used.add(Number(line.split(':')[2]));
  let id = 2000;
  while (used.has(id)) id++;
  return id;
}

const withoutUser = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith(`${LAB_OPERATOR}:`));
const lines = (ls: string[]) => ls.join('\n') + '\n';

/** Folders of the operator's home, relative to the host's folder (owned by ops). */
export const OPERATOR_DIRS = [
  { path: `home/${LAB_OPERATOR}`, mode: 0o700 },
  { path: `home/${LAB_OPERATOR}/.ssh`, mode: 0o700 },
];

/** The operator's account, home and sudo rule on one host (paths relative to its folder). */
export function operatorFiles(host: LabHostPlan, acct: OperatorAccount, base: AccountFiles): HostFile[] {
  const days = Math.floor(Date.now() / 86_400_000);
  const owner = { uid: acct.uid, gid: acct.gid };
  return [
    { path: 'etc/passwd', mode: 0o644, content: lines([...withoutUser(base.passwd), `${LAB_OPERATOR}:x:${acct.uid}:${acct.gid}:mfs-tui practice operator:/home/${LAB_OPERATOR}:/bin/bash`]) },
    { path: 'etc/group', mode: 0o644, content: lines([...withoutUser(base.group), `${LAB_OPERATOR}:x:${acct.gid}:`]) },
    { path: 'etc/shadow', mode: 0o640, content: lines([...withoutUser(base.shadow), `${LAB_OPERATOR}:${acct.passwordHash}:${days}:0:99999:7:::`]) },
    { path: 'etc/gshadow', mode: 0o640, content: lines([...withoutUser(base.gshadow), `${LAB_OPERATOR}:!::`]) },
    { path: `etc/sudoers.d/${LAB_OPERATOR}`, mode: 0o440, content: sudoersFor(sudoVariant(host.name)) },
    { path: `home/${LAB_OPERATOR}/.ssh/authorized_keys`, mode: 0o600, content: acct.publicKey.trim() + '\n', owner },
  ];
}

/**
 * The operator's key pair and password for this lab (made once per `lab up`, 0600 in the lab
 * dir: the practice cluster's own secret, which the tests hand to mfs-tui on a descriptor).
 */
export async function prepareOperator(keygen: (file: string) => Promise<void>): Promise<OperatorAccount> {
  const key = labFile('ops_ed25519');
  if (!fs.existsSync(key) || !fs.existsSync(`${key}.pub`)) {
    fs.rmSync(key, { force: true });
    fs.rmSync(`${key}.pub`, { force: true });
    await keygen(key);
  }
  fs.chmodSync(key, 0o600);
  const password = randomBytes(12).toString('base64url');
  fs.writeFileSync(labFile('ops-password'), `${password}\n`, { mode: 0o600 });
  fs.chmodSync(labFile('ops-password'), 0o600);
  const id = freeId(readMachineAccounts());
  return { uid: id, gid: id, passwordHash: cryptSha512(password), publicKey: fs.readFileSync(`${key}.pub`, 'utf8') };
}

/** The lab operator's sudo password (written by `lab up`). */
export function operatorPassword(): string {
  try {
    return fs.readFileSync(labFile('ops-password'), 'utf8').replace(/\n$/, '');
  } catch {
    throw new LabError(t('lab.operator.noPassword', { file: labFile('ops-password') }));
  }
}

/** glibc's crypt(3) through perl (Essential on Debian); the password goes on stdin, never in argv. */
function cryptSha512(password: string): string {
  const salt = randomBytes(12)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 16);
  const hash = execFileSync('perl', ['-e', 'my $p = <STDIN>; chomp $p; print crypt($p, "\\$6\\$" . $ARGV[0] . "\\$")', salt], { input: `${password}\n`, encoding: 'utf8' });
  if (!hash.startsWith(`$6$${salt}$`)) throw new LabError(t('lab.operator.noHash'));
  return hash;
}
