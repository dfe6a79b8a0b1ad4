// `{{variables}}` in runbook scripts, targets and input defaults: building the flat
// variable map from an inventory and rendering templates with it. No loops, no
// conditionals: a template is plain text with `{{ name }}` placeholders.
import type { Inventory, InventoryHost } from '../inventory/types.ts';
import { ROLES } from './types.ts';

/** Flat names to values: 'vip', 'vip.address', 'hosts.m1.address', 'hosts.metalogger.address', 'host.name', 'inputs.x', ... */
export type Variables = Record<string, string>;

/** Fields a `hosts.<host-or-role>.<field>` variable may name. */
export const HOST_FIELDS = ['address', 'name', 'port', 'user'] as const;

/** Variables that exist for every inventory (besides hosts.*, host.* and inputs.*). */
export const FIXED_VARIABLES = [
  'vip',
  'vip.address',
  'vip.interface',
  'vip.prefix',
  'cluster',
  'paths.data',
  'paths.config',
  'paths.mount',
] as const;

// `{{` anything but braces `}}`: the name is checked afterwards, so a typo like
// `{{ hosts..m1 }}` is reported instead of silently left in a command.
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

function hostVariables(prefix: string, host: InventoryHost, vars: Variables): void {
  vars[`${prefix}.address`] = host.address;
  vars[`${prefix}.name`] = host.name;
  vars[`${prefix}.port`] = String(host.port);
  vars[`${prefix}.user`] = host.user;
}

/**
 * Every variable a template may use for this inventory, inputs and (optionally) the host
 * a command is about to run on. A role name selects the first host with that role in
 * inventory order; a host whose name equals a role wins over the role.
 */
export function buildVariables(inv: Inventory, inputs: Record<string, string>, host?: InventoryHost): Variables {
  const vars: Variables = {
    vip: inv.vip.address,
    'vip.address': inv.vip.address,
    'vip.interface': inv.vip.interface,
    'vip.prefix': String(inv.vip.prefix),
    cluster: inv.cluster,
    'paths.data': inv.paths.data,
    'paths.config': inv.paths.config,
    'paths.mount': inv.paths.mount,
  };
  for (const role of ROLES) {
    const first = inv.hosts.find((h) => h.roles.includes(role));
    if (first) hostVariables(`hosts.${role}`, first, vars);
  }
  for (const h of inv.hosts) hostVariables(`hosts.${h.name}`, h, vars);
  if (host) {
    vars['host.name'] = host.name;
    vars['host.address'] = host.address;
  }
  for (const [name, value] of Object.entries(inputs)) vars[`inputs.${name}`] = value;
  return vars;
}

/**
 * Replaces each `{{ name }}` with its value. Unknown names are left in the text as
 * written and listed in `missing` (each once), so a caller can refuse to run it.
 */
export function renderTemplate(template: string, vars: Variables): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (whole, inner: string) => {
    const name = inner.trim();
    if (Object.hasOwn(vars, name)) return vars[name] as string;
    if (!missing.includes(name)) missing.push(name);
    return whole;
  });
  return { text, missing };
}

/** Each placeholder's trimmed name and the offset of its `{{` in the template. */
export function templateNames(template: string): { name: string; offset: number }[] {
  const found: { name: string; offset: number }[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) found.push({ name: (m[1] ?? '').trim(), offset: m.index });
  return found;
}

export interface VariableContext {
  /** Declared input names. */
  inputs: ReadonlySet<string>;
  /** When given, `hosts.<name>` must name one of its hosts or a role. */
  inventory?: Inventory;
  /** Whether `host.*` is meaningful here (inside a command block, not in a default). */
  hostScope: boolean;
}

/** Why a variable name is not defined, or undefined when it is. */
export function variableProblem(name: string, ctx: VariableContext): string | undefined {
  if ((FIXED_VARIABLES as readonly string[]).includes(name)) return undefined;
  const parts = name.split('.');
  const [ns] = parts;
  if (name === '') return 'empty variable {{}}';
  if (ns === 'inputs') {
    if (parts.length !== 2 || !parts[1]) return `bad variable {{${name}}}: write {{inputs.<name>}}`;
    if (!ctx.inputs.has(parts[1])) return `undefined variable {{${name}}}: no input "${parts[1]}" is declared in the front matter`;
    return undefined;
  }
  if (ns === 'host') {
    if (parts.length !== 2 || (parts[1] !== 'name' && parts[1] !== 'address'))
      return `unknown variable {{${name}}}: host.* has only host.name and host.address`;
    if (!ctx.hostScope) return `{{${name}}} is only defined inside a command block (the host it runs on)`;
    return undefined;
  }
  if (ns === 'hosts') {
    const field = parts[2];
    if (parts.length !== 3 || !parts[1] || !(HOST_FIELDS as readonly string[]).includes(field ?? ''))
      return `bad variable {{${name}}}: write {{hosts.<host-or-role>.${HOST_FIELDS.join('|')}}}`;
    const who = parts[1];
    const inv = ctx.inventory;
    if ((ROLES as readonly string[]).includes(who)) {
      // A role stands for its first host: with an inventory, there must be one.
      if (inv && !inv.hosts.some((h) => h.name === who || (h.roles as string[]).includes(who)))
        return `undefined variable {{${name}}}: no host in ${inv.file} has the role ${who}`;
      return undefined;
    }
    if (inv && !inv.hosts.some((h) => h.name === who))
      return `undefined variable {{${name}}}: "${who}" is neither a role nor a host in ${inv.file}`;
    return undefined;
  }
  if (ns === 'vip' || ns === 'paths' || ns === 'cluster')
    return `unknown variable {{${name}}}: known are ${FIXED_VARIABLES.join(', ')}`;
  return `unknown variable {{${name}}}: use vip, vip.*, cluster, paths.*, hosts.<host-or-role>.*, host.*, inputs.*`;
}
