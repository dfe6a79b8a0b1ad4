// The inventory file's schema (zod). Unknown keys are errors; messages say what is wrong
// in operator words. Cross-field rules (duplicates, VIP vs hosts) live in load.ts.
import { isIP } from 'node:net';
import { z } from 'zod';
import { ROLES, type Role } from '../runbook/types.ts';
import { didYouMean, withHint } from './problems.ts';

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** An IP address or a DNS name; something that looks like an IPv4 address must be a valid one. */
const address = z.string().superRefine((s, ctx) => {
  if (isIP(s)) return;
  if (/^[\d.]+$/.test(s) || s.includes(':') || !HOSTNAME.test(s)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `'${s}' is not a valid IP address or host name` });
  }
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

const absolutePath = z.string().refine((s) => s.startsWith('/'), { message: 'must be an absolute path' });

export const hostSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a host name (letters, digits, ".", "_", "-")'),
    address: address.optional(),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().min(1).optional(),
    identity: z.string().min(1).optional(),
    agent: z.boolean().optional(),
    become: z.boolean().default(false),
    // A host with no role yet (a spare waiting to be rebuilt into a master) is allowed.
    roles: z.array(role),
  })
  .strict();

export const inventorySchema = z
  .object({
    cluster: z.string().min(1),
    vip: z
      .object({
        address: z.string().refine((s) => isIP(s) !== 0, { message: 'must be an IP address' }),
        interface: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'must be a network interface name like eth0'),
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
