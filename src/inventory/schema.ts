// The inventory file's schema (zod). Unknown keys are errors; messages say what is wrong
// in operator words. Cross-field rules (duplicates, VIP vs hosts) live in load.ts.
// A message fixed when the schema is built (before the language is chosen) is a catalogue
// key, put in the operator's language by load.ts; one made while checking is already in it.
import { isIP } from 'node:net';
import { z } from 'zod';
import { ROLES, type Role } from './types.ts';
import { didYouMean, withHint } from './problems.ts';
import { t } from '../i18n/index.ts';

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** An IP address or a DNS name; something that looks like an IPv4 address must be a valid one. */
const address = z.string().superRefine((s, ctx) => {
  const problem = addressProblem(s);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

const role = z
  .string()
  .superRefine((s, ctx) => {
    if ((ROLES as readonly string[]).includes(s)) return;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: t('inventory.error.roles', { message: withHint(t('inventory.error.unknownRole', { role: s }), didYouMean(s, ROLES)), roles: ROLES.join(', ') }),
    });
  })
  .transform((s) => s as Role);

// Inventory values reach commands (runbooks may insert them as they are, `{{{paths.data}}}`):
// each is checked against what it is, so none can carry shell or config syntax.
const SAFE_PATH = /^\/[A-Za-z0-9._+@%,:=/-]*$/;
const absolutePath = z.string().superRefine((s, ctx) => {
  if (!s.startsWith('/')) ctx.addIssue({ code: z.ZodIssueCode.custom, message: t('inventory.error.notAbsolute', { value: printable(s) }) });
  else if (!SAFE_PATH.test(s) || s.includes('//') || /(^|\/)\.\.?(\/|$)/.test(s)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: t('inventory.error.unsafePath', { value: printable(s) }) });
});

/** A value for an error message: control characters shown as escapes, long values cut. */
export function printable(s: string): string {
  const shown = JSON.stringify(s).slice(1, -1);
  return shown.length > 80 ? `${shown.slice(0, 79)}…` : shown;
}

/** A host name as in the inventory (also an ssh_config alias): letters, digits, `.`, `_`, `-`, not starting with `-` or `.`. */
export const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** A login name: portable POSIX user names (letters, digits, `.`, `_`, `-`, not starting with `-`), at most 32. */
export const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
/** A Linux network interface name: 1-15 characters, no `/`, spaces or shell characters; `eth0:1` labels too. */
const INTERFACE = /^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,14}$/;
/** A cluster name: it names the cluster in journals, metrics labels and config comments. */
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Why `s` is not an IP address or a DNS name, or undefined when it is one. */
export function addressProblem(s: string): string | undefined {
  if (isIP(s)) return undefined;
  if (/^[\d.]+$/.test(s) || s.includes(':') || !HOSTNAME.test(s)) return t('inventory.error.badAddress', { value: printable(s) });
  return undefined;
}

export const hostSchema = z
  .object({
    name: z.string().regex(HOST_NAME, 'inventory.field.hostName'),
    address: address.optional(),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().regex(USER_NAME, 'inventory.field.userName').optional(),
    identity: z.string().min(1).optional(),
    agent: z.boolean().optional(),
    become: z.boolean().default(false),
    // A host with no role yet (a spare waiting to be rebuilt into a master) is allowed.
    roles: z.array(role),
    // A chunkserver's data folders (mfshdd.cfg), one per disk, as the seeds' /mnt/mfs1 and /mnt/mfs2.
    chunk_folders: z.array(absolutePath).min(1, 'inventory.field.chunkFoldersEmpty').max(64).optional(),
  })
  .strict();

export const inventorySchema = z
  .object({
    cluster: z.string().regex(CLUSTER_NAME, 'inventory.field.clusterName'),
    vip: z
      .object({
        address: z.string().refine((s) => isIP(s) !== 0, { message: 'inventory.field.ipAddress' }),
        interface: z.string().regex(INTERFACE, 'inventory.field.interface'),
        prefix: z.number().int().min(0).max(128),
      })
      .strict(),
    paths: z
      .object({
        data: absolutePath.default('/var/lib/mfs'),
        config: absolutePath.default('/etc/mfs'),
        mount: absolutePath.default('/mnt/mfs'),
      })
      .strict()
      .default({}),
    ssh: z
      .object({
        known_hosts: z.array(z.string().min(1)).min(1).optional(),
        config: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    hosts: z.array(hostSchema).min(1, 'inventory.field.noHosts'),
  })
  .strict();

export type InventoryFile = z.infer<typeof inventorySchema>;
export type HostEntry = z.infer<typeof hostSchema>;

/**
 * Rules zod would skip once a sibling field is invalid (object refinements only run on
 * valid objects): checked on the raw data so every problem shows in one pass.
 */
export function rawIssues(raw: unknown): z.ZodIssue[] {
  const vip = (raw as { vip?: { address?: unknown; prefix?: unknown } } | null)?.vip;
  const addr = vip?.address;
  if (typeof vip?.prefix === 'number' && vip.prefix > 32 && !(typeof addr === 'string' && isIP(addr) === 6)) {
    return [{ code: z.ZodIssueCode.custom, path: ['vip', 'prefix'], message: t('inventory.error.ipv4Prefix') }];
  }
  return [];
}

/** Field names per object path, for "did you mean" on unknown keys. */
export function knownKeys(path: readonly (string | number)[]): string[] {
  const p = path.filter((x) => typeof x === 'string').join('.');
  switch (p) {
    case '':
      return Object.keys(inventorySchema.shape);
    case 'hosts':
      return Object.keys(hostSchema.shape);
    case 'vip':
      return ['address', 'interface', 'prefix'];
    case 'paths':
      return ['data', 'config', 'mount'];
    case 'ssh':
      return ['known_hosts', 'config'];
    default:
      return [];
  }
}
