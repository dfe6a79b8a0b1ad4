// The inventory model: one cluster, its hosts and its VIP. Loaded from YAML (see load.ts).

/** Roles a host can have in an inventory. */
export const ROLES = ['master-candidate', 'metalogger', 'chunkserver', 'client', 'cgi'] as const;
export type Role = (typeof ROLES)[number];

export interface InventoryHost {
  name: string;
  address: string;
  port: number;
  user: string;
  /** Path of a private key, or undefined to use the ssh-agent. */
  identityFile?: string;
  /** Use the ssh-agent (SSH_AUTH_SOCK). */
  agent: boolean;
  /** Run commands through sudo; the sudo password is asked once per session when needed. */
  become: boolean;
  roles: Role[];
  /** A ProxyJump host, as `ssh -G` resolved it ("none" becomes undefined). */
  proxyJump?: string;
  /** A chunkserver's data folders (inventory `chunk_folders`), each a checked absolute path. */
  chunkFolders?: string[];
}

export interface Inventory {
  /** A name for the cluster, shown in headers and reports. */
  cluster: string;
  vip: { address: string; interface: string; prefix: number };
  paths: { data: string; config: string; mount: string };
  hosts: InventoryHost[];
  /** known_hosts files checked for host keys (default: ~/.ssh/known_hosts). */
  knownHosts: string[];
  /** An ssh_config file to resolve host aliases with (`ssh -G -F`), when not ~/.ssh/config. */
  sshConfig?: string;
  /** Absolute path of the file, for messages and the journal. */
  file: string;
}
