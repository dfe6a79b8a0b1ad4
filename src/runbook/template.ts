// `{{variables}}` in runbook scripts, targets and input defaults: building the flat
// variable map from an inventory and rendering templates with it. No loops, no
// conditionals: a template is plain text with `{{ name }}` placeholders.
//
// In a command (a script or check script) `{{x}}` becomes exactly one POSIX shell word:
// its value single-quoted (a plain word such as `m1` or `/var/lib/mfs` stays bare), so no
// value can add a command, a redirection or a second word. `{{{x}}}` (Mustache's raw
// form) inserts the value as it is; the validator accepts it only for values whose shape
// is checked (inventory fields, inputs with a pattern or choices). Elsewhere (targets,
// input defaults, prose) both forms insert the value as it is: that text is not shell.
import type { Inventory, InventoryHost } from '../inventory/types.ts';
import { ROLES } from './types.ts';
import { t } from '../i18n/index.ts';

/** Flat names to values: 'vip', 'vip.address', 'hosts.m1.address', 'hosts.metalogger.address', 'host.name', 'inputs.x', ... */
export type Variables = Record<string, string>;

/** Fields a `hosts.<host-or-role>.<field>` variable may name. */
export const HOST_FIELDS = ['address', 'name', 'port', 'user'] as const;

/** Fields of `hosts.<role>.*` only: every host with that role, in inventory order, space-separated (for a `for` list). */
export const ROLE_FIELDS = ['addresses'] as const;

/** Fields of `host.*`, the host a command runs on. */
export const HOST_SCRIPT_FIELDS = ['name', 'address', 'chunk_folders'] as const;

/** Variables that exist for every inventory (besides hosts.*, host.* and inputs.*). */
export const FIXED_VARIABLES = ['vip', 'vip.address', 'vip.interface', 'vip.prefix', 'cluster', 'paths.data', 'paths.config', 'paths.mount'] as const;

// `{{{` name `}}}` (raw) or `{{` name `}}`, anything but braces inside: the name is
// checked afterwards, so a typo like `{{ hosts..m1 }}` is reported instead of silently
// left in a command.
const PLACEHOLDER = /\{\{\{([^{}]*)\}\}\}|\{\{([^{}]*)\}\}/g;

/** One placeholder in a template: its trimmed name, where it starts, its length, and whether it is the raw `{{{x}}}` form. */
export interface Placeholder {
  name: string;
  offset: number;
  length: number;
  raw: boolean;
}

/** Every placeholder of a template, in order. */
export function placeholders(template: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const raw = m[1] !== undefined;
    found.push({ name: (raw ? m[1]! : (m[2] ?? '')).trim(), offset: m.index, length: m[0].length, raw });
  }
  return found;
}

// Characters that mean nothing to the shell in any position of a word: such a value needs no quotes.
const PLAIN_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;

/** `value` as exactly one POSIX shell word: bare when plain, else single-quoted with `'\''` for each quote. */
export function shellWord(value: string): string {
  if (PLAIN_WORD.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

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
    const all = inv.hosts.filter((h) => h.roles.includes(role));
    if (all[0]) hostVariables(`hosts.${role}`, all[0], vars);
    if (all.length) vars[`hosts.${role}.addresses`] = all.map((h) => h.address).join(' ');
  }
  for (const h of inv.hosts) hostVariables(`hosts.${h.name}`, h, vars);
  if (host) {
    vars['host.name'] = host.name;
    vars['host.address'] = host.address;
    // Several words (one per folder, each a checked path): for `{{{host.chunk_folders}}}` in a
    // `for` list. Empty when the inventory lists none for this host.
    vars['host.chunk_folders'] = (host.chunkFolders ?? []).join(' ');
  }
  for (const [name, value] of Object.entries(inputs)) vars[`inputs.${name}`] = value;
  return vars;
}

/** Characters that make shell code of a raw value: expansion, quoting, command separators, redirection, subshells. */
export const SHELL_METACHARACTERS = ['$', '`', ';', "'", '"', '\\', '\n', '&', '|', '<', '>', '(', ')', '#', '{', '}'] as const;

/** The shell metacharacters a value holds, each once, in the order of SHELL_METACHARACTERS (`newline` for \n). */
export function shellMetacharactersIn(value: string): string[] {
  return SHELL_METACHARACTERS.filter((c) => value.includes(c)).map((c) => (c === '\n' ? 'newline' : c));
}

function render(template: string, vars: Variables, quote: (value: string, raw: boolean) => string | undefined): { text: string; missing: string[]; unsafe: string[] } {
  const missing: string[] = [];
  const unsafe: string[] = [];
  const text = template.replace(PLACEHOLDER, (whole, rawInner: string | undefined, inner: string | undefined) => {
    const name = (rawInner ?? inner ?? '').trim();
    if (Object.hasOwn(vars, name)) {
      const out = quote(vars[name] as string, rawInner !== undefined);
      if (out !== undefined) return out;
      if (!unsafe.includes(name)) unsafe.push(name);
      return whole;
    }
    if (!missing.includes(name)) missing.push(name);
    return whole;
  });
  return { text, missing, unsafe };
}

/**
 * Text that is not shell (targets, input defaults, prose, questions): each `{{ name }}`
 * or `{{{ name }}}` is replaced with its value as it is. Unknown names are left in the
 * text as written and listed in `missing` (each once), so a caller can refuse to use it.
 */
export function renderTemplate(template: string, vars: Variables): { text: string; missing: string[] } {
  const { text, missing } = render(template, vars, (value) => value);
  return { text, missing };
}

/**
 * A command: each `{{ name }}` becomes one shell word (shellWord), each `{{{ name }}}` its
 * value as it is. Unknown names are left as written and listed in `missing`. A raw value
 * holding a shell metacharacter is never inserted, whatever check let it through (a pattern
 * the validator's probes missed, a value handed over or remembered): it is left as written
 * and listed in `unsafe`, and the caller refuses the command.
 */
export function renderScript(template: string, vars: Variables): { text: string; missing: string[]; unsafe: string[] } {
  return render(template, vars, (value, raw) => (!raw ? shellWord(value) : shellMetacharactersIn(value).length > 0 ? undefined : value));
}

/** The inputs a runbook's commands insert raw (`{{{inputs.x}}}` in a script or check script). */
export function rawInputNames(steps: readonly { commands: readonly { script: string; check?: { script: string } }[] }[]): Set<string> {
  const out = new Set<string>();
  for (const step of steps)
    for (const block of step.commands)
      for (const script of [block.script, block.check?.script ?? '']) for (const p of placeholders(script)) if (p.raw && p.name.startsWith('inputs.')) out.add(p.name.slice('inputs.'.length));
  return out;
}

/** Each placeholder's trimmed name and the offset of its first `{` in the template. */
export function templateNames(template: string): { name: string; offset: number }[] {
  return placeholders(template).map(({ name, offset }) => ({ name, offset }));
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
  const variable = `{{${name}}}`;
  if (name === '') return t('runbook.variable.empty', { quoted: '{{}}' });
  if (ns === 'inputs') {
    if (parts.length !== 2 || !parts[1]) return t('runbook.variable.badInput', { variable, form: '{{inputs.<name>}}' });
    if (!ctx.inputs.has(parts[1])) return t('runbook.variable.undefinedInput', { variable, input: parts[1] });
    return undefined;
  }
  if (ns === 'host') {
    if (parts.length !== 2 || !(HOST_SCRIPT_FIELDS as readonly string[]).includes(parts[1] ?? ''))
      return t('runbook.variable.hostFields', { variable, fields: HOST_SCRIPT_FIELDS.map((f) => `host.${f}`).join(', ') });
    if (!ctx.hostScope) return t('runbook.variable.hostScope', { variable });
    return undefined;
  }
  if (ns === 'hosts') {
    const field = parts[2];
    if (parts.length === 3 && (ROLE_FIELDS as readonly string[]).includes(field ?? '')) {
      const role = parts[1] ?? '';
      if (!(ROLES as readonly string[]).includes(role)) return t('runbook.variable.roleField', { variable, field: field ?? '', role });
      if (ctx.inventory && !ctx.inventory.hosts.some((h) => (h.roles as string[]).includes(role))) return t('runbook.variable.noRoleHost', { variable, file: ctx.inventory.file, role });
      return undefined;
    }
    if (parts.length !== 3 || !parts[1] || !(HOST_FIELDS as readonly string[]).includes(field ?? ''))
      return t('runbook.variable.badHost', { variable, form: `{{hosts.<host-or-role>.${HOST_FIELDS.join('|')}}}` });
    const who = parts[1];
    const inv = ctx.inventory;
    if ((ROLES as readonly string[]).includes(who)) {
      // A role stands for its first host: with an inventory, there must be one.
      if (inv && !inv.hosts.some((h) => h.name === who || (h.roles as string[]).includes(who))) return t('runbook.variable.noRoleHost', { variable, file: inv.file, role: who });
      return undefined;
    }
    if (inv && !inv.hosts.some((h) => h.name === who)) return t('runbook.variable.noSuchHost', { variable, who, file: inv.file });
    return undefined;
  }
  if (ns === 'vip' || ns === 'paths' || ns === 'cluster') return t('runbook.variable.unknownFixed', { variable, known: FIXED_VARIABLES.join(', ') });
  return t('runbook.variable.unknown', { variable });
}
