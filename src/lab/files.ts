// What each host's private folders hold, and the inventory/ssh files `lab up` writes.
// Pure: text in, text out; up.ts writes them.
import { keepalivedHaFiles } from './ha-design.ts';
import { BRIDGE_ADDRESS, LAB_CHUNK_FOLDERS, LAB_CLUSTER, PREFIX_LEN, SUBNET_PREFIX, VIP, VIP_INTERFACE, type LabHostPlan } from './layout.ts';
import { hostFstab } from './scripts.ts';

export interface HostFile {
  /** Relative to the host's folder (which holds etc/, var/, root/, ...). */
  path: string;
  content: string;
  mode: number;
  /** Owned by the mfs user (the daemons' working user), else root. */
  mfsOwned?: boolean;
  /** Owned by this uid/gid (the lab operator's files), else root. */
  owner?: { uid: number; gid: number };
}

/** Folders every host gets (bind-mounted over the real ones inside the host). */
export const HOST_DIRS: { path: string; mode: number; mfsOwned?: boolean }[] = [
  { path: 'etc/mfs', mode: 0o755 },
  { path: 'etc/keepalived', mode: 0o755 },
  { path: 'etc/sysctl.d', mode: 0o755 },
  { path: 'var/lib/mfs', mode: 0o755, mfsOwned: true },
  { path: 'root', mode: 0o700 },
  { path: 'root/.ssh', mode: 0o700 },
  { path: 'tmp', mode: 0o1777 },
  { path: 'var/log', mode: 0o755 },
  { path: 'ssh', mode: 0o700 },
  // The lab operator (operator.ts): its sudo rule and home, private to the host.
  { path: 'etc/sudoers.d', mode: 0o750 },
  { path: 'home', mode: 0o755 },
];

/** After a failover, try the new master every second (default 5 s), as install-cluster writes it. */
const RECONNECT = (cfg: string) => `${cfg}MASTER_RECONNECTION_DELAY = 1\n`;

/**
 * `rootKey`: the lab key root accepts; absent on a lab built `--as ops`, whose hosts refuse
 * root's login altogether (the lab itself enters them without SSH: host-exec.ts).
 */
export function hostFiles(host: LabHostPlan, all: LabHostPlan[], rootKey: string | undefined): HostFile[] {
  const files: HostFile[] = [
    { path: 'etc/hostname', content: `${host.name}\n`, mode: 0o644 },
    { path: 'etc/hosts', content: hostsFile(host, all), mode: 0o644 },
    // english: a comment in the file written
    { path: 'etc/fstab', content: `# ${host.name}: file systems mounted at boot (the practice host's own)\n`, mode: 0o644 },
    ...(rootKey ? [{ path: 'root/.ssh/authorized_keys', content: rootKey.trim() + '\n', mode: 0o600 }] : []),
    { path: 'sshd_config', content: sshdConfig(host, rootKey !== undefined), mode: 0o644 },
    { path: 'fstab', content: hostFstab(host.roles.includes('chunkserver') ? LAB_CHUNK_FOLDERS : []), mode: 0o644 },
    { path: 'rsyslog.conf', content: 'module(load="imuxsock")\n*.* /var/log/syslog\n', mode: 0o644 },
  ];
  const roles = host.roles;
  const cfg = (name: string, content: string): HostFile => ({ path: `etc/mfs/${name}`, content, mode: 0o644 });
  if (roles.includes('master-candidate')) {
    // keepalived-ha's own files (ha-design.ts): the quick build runs the runbook's HA design.
    const ha = keepalivedHaFiles(host, all);
    files.push(
      // english: comments in the files written
      cfg('mfsmaster.cfg', '# practice cluster master: defaults (DATA_PATH /var/lib/mfs)\n'),
      // english: a comment in the file written
      cfg('mfsexports.cfg', `# the lab's own subnet only\n${SUBNET_PREFIX}.0/${PREFIX_LEN} / rw,alldirs,maproot=0\n${SUBNET_PREFIX}.0/${PREFIX_LEN} . rw\n`),
      // The standby candidate runs a metalogger against the VIP (see mfs-role.sh).
      cfg('mfsmetalogger.cfg', RECONNECT('MASTER_HOST = mfsmaster\n')),
      { path: 'etc/keepalived/keepalived.conf', content: ha['keepalived.conf'], mode: 0o644 },
      { path: 'etc/keepalived/mfs-role.sh', content: ha['mfs-role.sh'], mode: 0o755 },
      { path: 'etc/keepalived/mfs-check.sh', content: ha['mfs-check.sh'], mode: 0o755 },
      { path: 'etc/keepalived/mfs-chunkservers', content: ha['mfs-chunkservers'], mode: 0o644 },
    );
  }
  if (roles.includes('metalogger')) files.push(cfg('mfsmetalogger.cfg', RECONNECT('MASTER_HOST = mfsmaster\n')));
  if (roles.includes('chunkserver')) {
    files.push(
      cfg('mfschunkserver.cfg', RECONNECT('MASTER_HOST = mfsmaster\n')),
      // No size limit: the chunk folders share one disk (a limit would make used = total).
      cfg('mfshdd.cfg', LAB_CHUNK_FOLDERS.join('\n') + '\n'),
    );
  }
  return files;
}

/**
 * Chunk storage: the host folders bind-mounted on each chunkserver's data folders (a mount
 * of their own, as the seeds advise; see hostFstab). Owned by mfs when the lab configures
 * the chunkserver itself; install-cluster chowns them otherwise.
 */
export function hostMfsDirs(host: LabHostPlan): string[] {
  return host.roles.includes('chunkserver') ? LAB_CHUNK_FOLDERS.map((f) => f.slice(1)) : [];
}

function hostsFile(host: LabHostPlan, all: LabHostPlan[]): string {
  const lines = ['127.0.0.1\tlocalhost', `${host.address}\t${host.name}`, `${VIP}\tmfsmaster`];
  for (const h of all) if (h.name !== host.name) lines.push(`${h.address}\t${h.name}`);
  return lines.join('\n') + '\n';
}

/**
 * What every practice host's sshd allows, shell-script hosts and systemd hosts alike: keys
 * only, root by key or not at all (a lab built `--as ops`), and enough sessions for the
 * app's parallel probes. No PAM session: no per-login user manager (systemd --user) on
 * every connection.
 */
export function labSshdPolicy(rootLogin: boolean): string[] {
  return [`PermitRootLogin ${rootLogin ? 'prohibit-password' : 'no'}`, ...SSHD_POLICY];
}

/**
 * The end of a host's sshd_config on a lab built `--as ops`: root may still log in by key
 * from another practice host (the trust ssh-trust sets up for unison between the master
 * candidates, as sites that sync as root allow it), never from this machine (the bridge
 * address, where the operator's laptop sits).
 */
export function labSshdRootFromPeers(rootLogin: boolean): string[] {
  return rootLogin ? [] : [`Match Address ${SUBNET_PREFIX}.0/${PREFIX_LEN},!${BRIDGE_ADDRESS}`, '  PermitRootLogin prohibit-password'];
}

const SSHD_POLICY: readonly string[] = [
  'PasswordAuthentication no',
  'KbdInteractiveAuthentication no',
  'UsePAM no',
  'UseDNS no',
  'PrintMotd no',
  'MaxStartups 200',
  'MaxSessions 50',
  'AcceptEnv LANG LC_*',
];

function sshdConfig(host: LabHostPlan, rootLogin: boolean): string {
  return [
    // english: a comment in the file written
    `# sshd of lab host ${host.name}: its own address and its own host key`,
    `ListenAddress ${host.address}`,
    'HostKey /run/host/ssh/ssh_host_ed25519_key',
    'PidFile /run/sshd.pid',
    ...labSshdPolicy(rootLogin),
    'Subsystem sftp internal-sftp',
    ...labSshdRootFromPeers(rootLogin),
    '',
  ].join('\n');
}

/** How the inventory logs in: root by the lab's key, or the lab operator through sudo. */
export interface InventoryLogin {
  user: string;
  identity: string;
  become: boolean;
}

export const ROOT_LOGIN: InventoryLogin = { user: 'root', identity: 'id_ed25519', become: false };

/** The app's inventory format; paths are relative to the lab dir (where it is written). */
export function inventoryYaml(hosts: LabHostPlan[], login: InventoryLogin = ROOT_LOGIN): string {
  const lines = [
    // english: a comment in the file written
    '# Written by `mfs-tui lab up`: the practice cluster. Removed by `mfs-tui lab down`.',
    `cluster: ${LAB_CLUSTER}`,
    `vip: { address: ${VIP}, interface: ${VIP_INTERFACE}, prefix: ${PREFIX_LEN} }`,
    'paths: { data: /var/lib/mfs, config: /etc/mfs, mount: /mnt/mfs }',
    'ssh: { known_hosts: [known_hosts], config: ssh_config }',
    'hosts:',
    ...hosts.map(
      (h) =>
        `  - { name: ${h.name}, address: ${h.address}, port: 22, user: ${login.user}, identity: ${login.identity}, ${login.become ? 'become: true, ' : ''}roles: [${h.roles.join(', ')}]${h.roles.includes('chunkserver') ? `, chunk_folders: [${LAB_CHUNK_FOLDERS.join(', ')}]` : ''} }`,
    ),
  ];
  return lines.join('\n') + '\n';
}

/** `user`: whom `lab ssh` logs in as (root, or ops on a lab built `--as ops`, with its own key). */
export function sshConfig(hosts: LabHostPlan[], identityFile: string, knownHostsFile: string, user = 'root'): string {
  const blocks = hosts.map((h) =>
    [
      `Host ${h.name}`,
      `  HostName ${h.address}`,
      '  Port 22',
      `  User ${user}`,
      `  IdentityFile ${identityFile}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHostsFile}`,
      '  StrictHostKeyChecking yes',
      '  GlobalKnownHostsFile /dev/null',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  // english: a comment in the file written
  return `# Written by \`mfs-tui lab up\` for the practice cluster (bridge address ${BRIDGE_ADDRESS}).\n` + blocks.join('\n');
}

/** known_hosts from the host keys the lab generated: each host by name and by address. */
export function knownHosts(hosts: LabHostPlan[], publicKeys: Map<string, string>): string {
  return (
    hosts
      .map((h) => {
        const [type, key] = (publicKeys.get(h.name) ?? '').trim().split(/\s+/);
        return `${h.name},${h.address} ${type} ${key}`;
      })
      .join('\n') + '\n'
  );
}
