// The lab's shape: host names, addresses, roles and the names of the kernel objects it
// creates. Pure: the same input always gives the same plan, so `lab down` can find
// leftovers of a crashed lab by these names alone.
import type { Role } from '../runbook/types.ts';
import { t } from '../i18n/index.ts';

/** Every network namespace, veth and bridge the lab creates starts with this. */
/** The practice cluster's name in the inventory `lab up` writes (and so in run journals and drills). */
export const LAB_CLUSTER = 'lab';
export const LAB_PREFIX = 'mfslab-';
export const BRIDGE = `${LAB_PREFIX}br`;
export const SUBNET_PREFIX = '10.77.0';
export const PREFIX_LEN = 24;
/** The bridge's own address: how the root namespace (lab status, ssh) reaches the hosts. */
export const BRIDGE_ADDRESS = `${SUBNET_PREFIX}.1`;
export const VIP = `${SUBNET_PREFIX}.100`;
export const VIP_INTERFACE = 'eth0';
/**
 * Chunkservers at .21 up to .99, below the VIP (.100): 79. Measured on this machine at 40
 * (bench/fleet-lab.ts, bench/RESULTS.md): about 135 MiB PSS per chunkserver host.
 */
export const MAX_CHUNKSERVERS = 79;
/** Each chunkserver's data folders, as the seeds' layout (000: two disks per chunkserver). */
export const LAB_CHUNK_FOLDERS = ['/mnt/mfs1', '/mnt/mfs2'] as const;

export interface LabHostPlan {
  name: string;
  address: string;
  roles: Role[];
  /** Network namespace name (also the root-side veth name). */
  netns: string;
  veth: string;
}

/** The host `lab up --monitoring` adds: Prometheus (its node_exporters run on the master candidates). */
export const MONITOR_HOST = 'mon';

export function planHosts(chunkservers: number, opts: { monitoring?: boolean } = {}): LabHostPlan[] {
  if (!Number.isInteger(chunkservers) || chunkservers < 1 || chunkservers > MAX_CHUNKSERVERS) {
    throw new RangeError(t('lab.layout.badChunkservers', { max: MAX_CHUNKSERVERS, value: String(chunkservers) }));
  }
  const host = (name: string, octet: number, roles: Role[]): LabHostPlan => ({
    name,
    address: `${SUBNET_PREFIX}.${octet}`,
    roles,
    netns: LAB_PREFIX + name,
    veth: LAB_PREFIX + name,
  });
  const hosts = [host('m1', 11, ['master-candidate']), host('m2', 12, ['master-candidate']), host('ml', 13, ['metalogger', 'cgi'])];
  for (let i = 1; i <= chunkservers; i++) hosts.push(host(`c${i}`, 20 + i, ['chunkserver']));
  hosts.push(host('cl', 14, ['client']), host('spare', 15, []));
  if (opts.monitoring) hosts.push(host(MONITOR_HOST, 16, []));
  return hosts;
}

export const chunkserverHosts = (hosts: LabHostPlan[]) => hosts.filter((h) => h.roles.includes('chunkserver'));

/** True for a namespace or link name the lab may have created. */
export const isLabObjectName = (name: string) => name.startsWith(LAB_PREFIX);
