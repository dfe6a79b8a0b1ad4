// The inventory file's schema (zod). Unknown keys are errors; messages say what is wrong
// in operator words. Cross-field rules (duplicates, VIP vs hosts) live in load.ts.
import { isIP } from 'node:net';
import { z } from 'zod';
import { ROLES, type Role } from './types.ts';
import { didYouMean, withHint } from './problems.ts';

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
      message: withHint(`unknown role '${s}'`, didYouMean(s, ROLES)) + ` (roles: ${ROLES.join(', ')})`,
    });
  })
  .transform((s) => s as Role);

// Inventory values reach commands (runbooks may insert them as they are, `{{{paths.data}}}`):
// each is checked against what it is, so none can carry shell or config syntax.
const SAFE_PATH = /^\/[A-Za-z0-9._+@%,:=/-]*$/;
const absolutePath = z.string().superRefine((s, ctx) => {
  if (!s.startsWith('/')) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `'${printable(s)}' must be an absolute path` });
  else if (!SAFE_PATH.test(s) || s.includes('//') || /(^|\/)\.\.?(\/|$)/.test(s))
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `'${printable(s)}' must be an absolute path of letters, digits and . _ + @ % , : = - (no spaces, quotes or shell characters, no . or .. parts)`,
    });
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
  if (/^[\d.]+$/.test(s) || s.includes(':') || !HOSTNAME.test(s)) return `'${printable(s)}' is not a valid IP address or host name`;
  return undefined;
}

export const hostSchema = z
  .object({
    name: z.string().regex(HOST_NAME, 'must be a host name (letters, digits, ".", "_", "-"; starting with a letter or digit)'),
    address: address.optional(),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().regex(USER_NAME, 'must be a user name (letters, digits, ".", "_", "-"; starting with a letter or "_"; at most 32)').optional(),
    identity: z.string().min(1).optional(),
    agent: z.boolean().optional(),
    become: z.boolean().default(false),
    // A host with no role yet (a spare waiting to be rebuilt into a master) is allowed.
    roles: z.array(role),
    // A chunkserver's data folders (mfshdd.cfg), one per disk, as the seeds' /mnt/mfs1 and /mnt/mfs2.
    chunk_folders: z.array(absolutePath).min(1, 'needs at least one folder (or leave chunk_folders out: install-cluster then asks for one)').max(64).optional(),
  })
  .strict();

export const inventorySchema = z
  .object({
    cluster: z.string().regex(CLUSTER_NAME, 'must be a cluster name (letters, digits, ".", "_", "-"; starting with a letter or digit; at most 63)'),
    vip: z
      .object({
        address: z.string().refine((s) => isIP(s) !== 0, { message: 'must be an IP address' }),
        interface: z.string().regex(INTERFACE, 'must be a network interface name like eth0 (at most 15 letters, digits, "_", ".", ":", "@", "-"; not starting with "-")'),
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
    hosts: z.array(hostSchema).min(1, 'an inventory needs at least one host'),
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
    return [{ code: z.ZodIssueCode.custom, path: ['vip', 'prefix'], message: 'an IPv4 prefix is at most 32' }];
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
