// Reading an Ansible inventory (INI or YAML) into the shape `ansible-inventory --list` prints,
// and turning it into an mfs-tui inventory. When Ansible is installed its own
// `ansible-inventory --list` is used (plugins, vaults and group_vars as the operator's Ansible
// sees them); otherwise the two static formats are read here. No npm package reads Ansible's
// INI dialect (host lines with `key=value` vars, `[g:vars]`, `[g:children]`, `web[01:20]`
// ranges): the `ini` package would take `m1 ansible_host=…` as one key. YAML goes through `yaml`.
import { isMap, parseDocument } from 'yaml';
import { ROLES, type Role } from './types.ts';
import { t } from '../i18n/index.ts';
import { yamlSyntaxDetail } from '../util/yaml-syntax.ts';

export type Vars = Record<string, unknown>;

/** What `ansible-inventory --list` gives: each group's direct hosts and children, and every host's merged vars. */
export interface AnsibleInventory {
  groups: Map<string, { hosts: string[]; children: string[] }>;
  hostvars: Map<string, Vars>;
}

export class AnsibleInventoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnsibleInventoryError';
  }
}

// --- `ansible-inventory --list` JSON ---------------------------------------------------

export function fromAnsibleListJson(text: string): AnsibleInventory {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AnsibleInventoryError(t('ansible.error.listNoJson', { error: (err as Error).message }));
  }
  if (!raw || typeof raw !== 'object') throw new AnsibleInventoryError(t('ansible.error.listNoObject'));
  const obj = raw as Record<string, unknown>;
  const groups: AnsibleInventory['groups'] = new Map();
  for (const [name, g] of Object.entries(obj)) {
    if (name === '_meta' || !g || typeof g !== 'object') continue;
    const group = g as { hosts?: unknown; children?: unknown };
    groups.set(name, { hosts: strings(group.hosts), children: strings(group.children) });
  }
  const meta = (obj._meta ?? {}) as { hostvars?: Record<string, Vars> };
  const hostvars: AnsibleInventory['hostvars'] = new Map();
  for (const hosts of groups.values()) for (const h of hosts.hosts) hostvars.set(h, {});
  for (const [h, v] of Object.entries(meta.hostvars ?? {})) hostvars.set(h, v && typeof v === 'object' ? v : {});
  return { groups, hostvars };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

// --- The static formats ------------------------------------------------------------------

interface RawGroup {
  hosts: Map<string, Vars>;
  children: Set<string>;
  vars: Vars;
}

class Builder {
  readonly groups = new Map<string, RawGroup>();
  group(name: string): RawGroup {
    let g = this.groups.get(name);
    if (!g) this.groups.set(name, (g = { hosts: new Map(), children: new Set(), vars: {} }));
    return g;
  }
}

/** Reads an inventory file's text; `file` only names it in errors. INI unless it parses as a YAML mapping. */
export function parseAnsibleInventory(text: string, file: string): AnsibleInventory {
  const b = new Builder();
  b.group('all');
  b.group('ungrouped');
  if (looksLikeYaml(text)) readYaml(text, file, b);
  else readIni(text, file, b);
  return resolve(b);
}

function looksLikeYaml(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '' && !/^\s*[#;]/.test(l));
  if (first === undefined) return false;
  if (first.trim() === '---') return true;
  return !first.trim().startsWith('[') && /^[A-Za-z0-9_.-]+:\s*(#.*)?$/.test(first.trim());
}

function readYaml(text: string, file: string, b: Builder): void {
  const doc = parseDocument(text, { uniqueKeys: true, version: '1.1' });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new AnsibleInventoryError(`${file}:${e.linePos?.[0]?.line ?? 1}: ${yamlSyntaxDetail(e)}`);
  }
  if (!isMap(doc.contents)) throw new AnsibleInventoryError(`${file}: ${t('ansible.error.notMapping')}`);
  const top = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  const walk = (name: string, body: unknown, depth: number): void => {
    if (depth > 50) throw new AnsibleInventoryError(`${file}: ${t('ansible.error.tooDeep')}`);
    const g = b.group(name);
    if (body === null || body === undefined) return;
    if (typeof body !== 'object' || Array.isArray(body)) throw new AnsibleInventoryError(`${file}: ${t('ansible.error.groupNotMapping', { group: name })}`);
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (key === 'hosts') {
        if (value === null) continue;
        if (typeof value !== 'object' || Array.isArray(value)) throw new AnsibleInventoryError(`${file}: ${t('ansible.error.hostsNotMapping', { group: name })}`);
        for (const [pattern, vars] of Object.entries(value as Record<string, unknown>)) {
          for (const h of expandHostPattern(pattern, file)) g.hosts.set(h, { ...(g.hosts.get(h) ?? {}), ...((vars as Vars | null) ?? {}) });
        }
      } else if (key === 'vars') {
        if (value !== null && (typeof value !== 'object' || Array.isArray(value))) throw new AnsibleInventoryError(`${file}: ${t('ansible.error.varsNotMapping', { group: name })}`);
        Object.assign(g.vars, value ?? {});
      } else if (key === 'children') {
        if (value === null) continue;
        if (typeof value !== 'object' || Array.isArray(value)) throw new AnsibleInventoryError(`${file}: ${t('ansible.error.childrenNotMapping', { group: name })}`);
        for (const [child, childBody] of Object.entries(value as Record<string, unknown>)) {
          g.children.add(child);
          walk(child, childBody, depth + 1);
        }
      } else {
        throw new AnsibleInventoryError(`${file}: ${t('ansible.error.unknownGroupKey', { group: name, key })}`);
      }
    }
  };
  for (const [name, body] of Object.entries(top)) {
    walk(name, body, 0);
    if (name !== 'all') b.group('all').children.add(name);
  }
}

function readIni(text: string, file: string, b: Builder): void {
  let section = { group: 'ungrouped', kind: 'hosts' as 'hosts' | 'vars' | 'children' };
  const lines = text.split('\n');
  lines.forEach((rawLine, i) => {
    const where = `${file}:${i + 1}`;
    const line = rawLine.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]:]+)(?::(vars|children))?\]\s*([#;].*)?$/.exec(line);
    if (header) {
      section = { group: header[1]!.trim(), kind: (header[2] as 'vars' | 'children' | undefined) ?? 'hosts' };
      b.group(section.group);
      return;
    }
    if (line.startsWith('[')) throw new AnsibleInventoryError(`${where}: ${t('ansible.error.notSection', { line })}`);
    const g = b.group(section.group);
    if (section.kind === 'children') {
      const child = line.split(/\s+/)[0]!;
      g.children.add(child);
      b.group(child);
      return;
    }
    if (section.kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq <= 0) throw new AnsibleInventoryError(`${where}: ${t('ansible.error.varsKeyValue', { group: section.group })}`);
      g.vars[line.slice(0, eq).trim()] = iniValue(line.slice(eq + 1).trim());
      return;
    }
    const words = shellWords(line, where);
    const pattern = words.shift()!;
    const vars: Vars = {};
    for (const w of words) {
      if (w.startsWith('#')) break;
      const eq = w.indexOf('=');
      if (eq <= 0) throw new AnsibleInventoryError(`${where}: ${t('ansible.error.hostVarKeyValue', { word: w })}`);
      vars[w.slice(0, eq)] = iniValue(w.slice(eq + 1));
    }
    for (const h of expandHostPattern(pattern, where)) g.hosts.set(h, { ...(g.hosts.get(h) ?? {}), ...vars });
  });
}

/** Ansible reads INI values as Python literals when they are one (numbers, True/False, quoted strings), else as text. */
function iniValue(v: string): unknown {
  const unq = /^(['"])(.*)\1$/.exec(v);
  if (unq) return unq[2];
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (v === 'True') return true;
  if (v === 'False') return false;
  return v;
}

function shellWords(line: string, where: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let started = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) out.push(cur);
      cur = '';
      started = false;
    } else {
      cur += ch;
      started = true;
    }
  }
  if (quote) throw new AnsibleInventoryError(`${where}: ${t('ansible.error.unterminatedQuote', { quote })}`);
  if (started) out.push(cur);
  return out;
}

/** `web[01:03].example` → web01…web03 (numeric, zero-padded as written) and `[a:c]`; at most 10,000 hosts. */
export function expandHostPattern(pattern: string, where: string): string[] {
  const m = /^(.*?)\[([0-9a-z]+):([0-9a-z]+)(?::(\d+))?\](.*)$/.exec(pattern);
  if (!m) return [pattern];
  const [, head, from, to, stepText, tail] = m as unknown as [string, string, string, string, string | undefined, string];
  const step = stepText ? Number(stepText) : 1;
  const out: string[] = [];
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const width = from.length > 1 && from.startsWith('0') ? from.length : 0;
    for (let n = Number(from); n <= Number(to); n += step) {
      if (out.length >= 10_000) throw new AnsibleInventoryError(`${where}: ${t('ansible.error.rangeTooBig', { pattern })}`);
      for (const rest of expandHostPattern(`${head}${String(n).padStart(width, '0')}${tail}`, where)) out.push(rest);
    }
  } else if (/^[a-z]$/.test(from) && /^[a-z]$/.test(to)) {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c += step) out.push(...expandHostPattern(`${head}${String.fromCharCode(c)}${tail}`, where));
  } else {
    throw new AnsibleInventoryError(`${where}: ${t('ansible.error.rangeBad', { pattern })}`);
  }
  if (out.length === 0) throw new AnsibleInventoryError(`${where}: ${t('ansible.error.rangeEmpty', { pattern })}`);
  return out;
}

/**
 * Ansible's merge: `all` vars, then group vars by depth (parents before children, then by
 * name), then the host's own vars. Groups with no parent hang under `all`; hosts in no group
 * are in `ungrouped`.
 */
function resolve(b: Builder): AnsibleInventory {
  const all = b.group('all');
  const parents = new Map<string, Set<string>>();
  for (const [name, g] of b.groups) for (const c of g.children) (parents.get(c) ?? parents.set(c, new Set()).get(c)!).add(name);
  for (const name of b.groups.keys()) if (name !== 'all' && !parents.has(name)) all.children.add(name);
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen: Set<string>): number => {
    if (name === 'all') return 0;
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) throw new AnsibleInventoryError(t('ansible.error.ownAncestor', { group: name }));
    seen.add(name);
    const ps = [...(parents.get(name) ?? new Set(['all']))];
    const d = 1 + Math.max(...ps.map((p) => depthOf(p, seen)));
    depth.set(name, d);
    return d;
  };
  const hostGroups = new Map<string, Set<string>>();
  const hostOwn = new Map<string, Vars>();
  for (const [name, g] of b.groups) {
    for (const [h, vars] of g.hosts) {
      (hostGroups.get(h) ?? hostGroups.set(h, new Set()).get(h)!).add(name);
      hostOwn.set(h, { ...(hostOwn.get(h) ?? {}), ...vars });
    }
  }
  const ancestors = (name: string, acc = new Set<string>()): Set<string> => {
    if (acc.has(name)) return acc;
    acc.add(name);
    for (const p of parents.get(name) ?? []) ancestors(p, acc);
    return acc;
  };
  const hostvars: AnsibleInventory['hostvars'] = new Map();
  for (const [h, direct] of hostGroups) {
    const groups = new Set<string>(['all']);
    for (const g of direct) for (const a of ancestors(g)) groups.add(a);
    const ordered = [...groups].sort((x, y) => depthOf(x, new Set()) - depthOf(y, new Set()) || x.localeCompare(y));
    const vars: Vars = {};
    for (const g of ordered) Object.assign(vars, b.groups.get(g)?.vars ?? {});
    Object.assign(vars, hostOwn.get(h));
    hostvars.set(h, vars);
  }
  // A host listed only under `all` or in no named group is `ungrouped`, as in Ansible.
  const ungrouped = b.group('ungrouped');
  for (const [h, direct] of hostGroups) {
    if ([...direct].every((g) => g === 'all' || g === 'ungrouped')) ungrouped.hosts.set(h, {});
  }
  all.hosts.clear();
  const groups: AnsibleInventory['groups'] = new Map();
  for (const [name, g] of b.groups) groups.set(name, { hosts: [...g.hosts.keys()], children: [...g.children] });
  return { groups, hostvars };
}

// --- To an mfs-tui inventory -----------------------------------------------------------

/** Group names that mean a MooseFS role when no --map says otherwise (seeds and common playbooks). */
export const DEFAULT_GROUP_ROLES: Record<string, Role> = {
  master: 'master-candidate',
  masters: 'master-candidate',
  mfsmaster: 'master-candidate',
  mfsmasters: 'master-candidate',
  'master-candidate': 'master-candidate',
  'master-candidates': 'master-candidate',
  master_candidates: 'master-candidate',
  metalogger: 'metalogger',
  metaloggers: 'metalogger',
  mfsmetalogger: 'metalogger',
  chunkserver: 'chunkserver',
  chunkservers: 'chunkserver',
  mfschunkserver: 'chunkserver',
  mfschunkservers: 'chunkserver',
  client: 'client',
  clients: 'client',
  mfsclient: 'client',
  mfsclients: 'client',
  mfsmount: 'client',
  cgi: 'cgi',
  mfscgi: 'cgi',
};

export interface ImportOptions {
  cluster: string;
  /** GROUP → ROLE, on top of DEFAULT_GROUP_ROLES. */
  map: Record<string, string>;
  vip?: { address: string; prefix: number; interface: string };
}

export interface ImportResult {
  /** The mfs-tui inventory, as plain data ready for YAML. */
  inventory: Record<string, unknown>;
  /** Hosts that got no role, and other things the operator should look at before saving. */
  notes: string[];
}

/** Maps groups to roles and Ansible connection vars to host fields; errors name the group or host. */
export function toMfsInventory(ans: AnsibleInventory, opts: ImportOptions): ImportResult {
  const roleOf = new Map<string, Role>();
  for (const [g, r] of Object.entries(DEFAULT_GROUP_ROLES)) roleOf.set(g, r);
  for (const [g, r] of Object.entries(opts.map)) {
    if (!(ROLES as readonly string[]).includes(r)) throw new AnsibleInventoryError(t('ansible.error.mapUnknownRole', { group: g, role: r, roles: ROLES.join(', ') }));
    if (!ans.groups.has(g))
      throw new AnsibleInventoryError(
        t('ansible.error.mapNoGroup', { group: g, role: r, groups: [...ans.groups.keys()].filter((x) => x !== 'all' && x !== 'ungrouped').join(', ') || t('ansible.word.none') }),
      );
    roleOf.set(g, r as Role);
  }
  const rolesOfHost = new Map<string, Set<Role>>();
  const addRoles = (group: string, role: Role, seen = new Set<string>()): void => {
    if (seen.has(group)) return;
    seen.add(group);
    const g = ans.groups.get(group);
    if (!g) return;
    for (const h of g.hosts) (rolesOfHost.get(h) ?? rolesOfHost.set(h, new Set()).get(h)!).add(role);
    for (const c of g.children) addRoles(c, role, seen);
  };
  for (const [group, role] of roleOf) addRoles(group, role);

  const notes: string[] = [];
  const hosts: Record<string, unknown>[] = [];
  for (const [name, vars] of [...ans.hostvars].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    const roles = ROLES.filter((r) => rolesOfHost.get(name)?.has(r));
    if (roles.length === 0) notes.push(t('ansible.note.noRole', { host: name }));
    const host: Record<string, unknown> = { name };
    const address = str(vars.ansible_host) ?? str(vars.ansible_ssh_host);
    if (address !== undefined) host.address = address;
    const port = vars.ansible_port ?? vars.ansible_ssh_port;
    if (port !== undefined) {
      const n = typeof port === 'number' ? port : Number(String(port));
      if (!Number.isInteger(n)) throw new AnsibleInventoryError(t('ansible.error.badPort', { host: name, port: String(port) }));
      host.port = n;
    }
    const user = str(vars.ansible_user) ?? str(vars.ansible_ssh_user);
    if (user !== undefined) host.user = user;
    const key = str(vars.ansible_ssh_private_key_file) ?? str(vars.ansible_private_key_file);
    if (key !== undefined) host.identity = key;
    const become = vars.ansible_become ?? vars.ansible_sudo;
    if (become !== undefined) host.become = truthy(become, name, 'ansible_become');
    notes.push(...connectionVarNotes(name, vars));
    if (vars.ansible_password !== undefined || vars.ansible_ssh_pass !== undefined || vars.ansible_become_password !== undefined || vars.ansible_become_pass !== undefined) {
      notes.push(t('ansible.note.password', { host: name }));
    }
    host.roles = roles;
    hosts.push(host);
  }
  if (hosts.length === 0) throw new AnsibleInventoryError(t('ansible.error.noHosts'));
  const vip = opts.vip ?? vipFromVars(ans);
  if (!vip) {
    throw new AnsibleInventoryError(t('ansible.error.noVip'));
  }
  return { inventory: { cluster: opts.cluster, vip, hosts }, notes };
}

/** ssh options Ansible passes on its ssh command line: mfs-tui never runs them (a ProxyCommand is a command). */
const SSH_ARG_VARS = ['ansible_ssh_common_args', 'ansible_ssh_extra_args', 'ansible_ssh_args', 'ansible_ssh_executable', 'ansible_sftp_extra_args', 'ansible_scp_extra_args'];

/**
 * What Ansible would do for this host that the import cannot carry over: a host Ansible
 * reaches other than over SSH, or becomes another user than root, or another way than sudo,
 * would be run differently (and as root) by mfs-tui: refused. ssh options are left out with a note.
 */
function connectionVarNotes(name: string, vars: Record<string, unknown>): string[] {
  const connection = str(vars.ansible_connection);
  if (connection !== undefined && !['ssh', 'smart', 'paramiko', 'paramiko_ssh', 'ansible.builtin.ssh', 'ansible.builtin.paramiko_ssh'].includes(connection)) {
    throw new AnsibleInventoryError(t('ansible.error.connection', { host: name, connection }));
  }
  const becomeUser = str(vars.ansible_become_user) ?? str(vars.ansible_sudo_user);
  if (becomeUser !== undefined && becomeUser !== 'root') {
    throw new AnsibleInventoryError(t('ansible.error.becomeUser', { host: name, user: becomeUser }));
  }
  const method = str(vars.ansible_become_method);
  if (method !== undefined && !['sudo', 'ansible.builtin.sudo'].includes(method)) {
    throw new AnsibleInventoryError(t('ansible.error.becomeMethod', { host: name, method }));
  }
  return SSH_ARG_VARS.filter((v) => vars[v] !== undefined && vars[v] !== '').map((v) => t('ansible.note.sshArgs', { host: name, variable: v }));
}

function vipFromVars(ans: AnsibleInventory): ImportOptions['vip'] | undefined {
  for (const vars of ans.hostvars.values()) {
    const address = str(vars.mfs_vip) ?? str(vars.vip);
    if (!address) continue;
    const prefix = Number(vars.mfs_vip_prefix ?? vars.vip_prefix ?? 24);
    const iface = str(vars.mfs_vip_interface) ?? str(vars.vip_interface) ?? 'eth0';
    return { address, prefix, interface: iface };
  }
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function truthy(v: unknown, host: string, variable: string): boolean {
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (['true', 'yes', 'on', '1', 'y', 't'].includes(s)) return true;
  if (['false', 'no', 'off', '0', 'n', 'f'].includes(s)) return false;
  throw new AnsibleInventoryError(t('ansible.error.notBoolean', { host, variable, value: String(v) }));
}
