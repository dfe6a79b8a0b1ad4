// Loading an inventory: YAML (with positions) → schema check → cross-field rules →
// ssh_config resolution per host (in parallel) → Inventory. Every problem names the file,
// the line, the field path and what is wrong; all problems are reported at once.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { ZodIssue } from 'zod';
import type { Inventory, InventoryHost } from './types.ts';
import { didYouMean, formatFieldPath, InventoryError, withHint, type InventoryProblem } from './problems.ts';
import { addressProblem, inventorySchema, knownKeys, printable, rawIssues, USER_NAME, type InventoryFile } from './schema.ts';
import { othersCanChange } from '../util/trusted-path.ts';
import { MAX_YAML_ALIASES, MAX_YAML_DEPTH, readLimitedText } from '../runbook/limits.ts';
import { aliasProblem, yamlTooDeep } from '../runbook/yaml-limits.ts';
import { expandTilde, resolveSshConfig, SshConfigError, type ResolvedSshConfig } from './ssh-config.ts';
import { isMessageKey, t, type MessageKey } from '../i18n/index.ts';
import { yamlSyntaxDetail } from '../util/yaml-syntax.ts';
import { yamlErrorMap } from '../util/yaml-zod-errors.ts';

export { InventoryError, formatInventoryProblems, type InventoryProblem } from './problems.ts';
export { resolveSshConfig, type ResolvedSshConfig, type SshConfigQuery } from './ssh-config.ts';

type FieldPath = (string | number)[];

/** Where fields are in the source text. */
class SourceMap {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  private at(offset: number | undefined, path: FieldPath, message: string): InventoryProblem {
    const pos = offset === undefined ? { line: 1, col: 1 } : this.lines.linePos(offset);
    return { file: this.file, line: pos.line, column: pos.col, path: formatFieldPath(path), message };
  }

  /** The value at `path`, or the closest existing parent when the field is missing. */
  problem(path: FieldPath, message: string): InventoryProblem {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return this.at(range[0], path, message);
    }
    return this.at(undefined, path, message);
  }

  /** The position of key `key` in the mapping at `path`. */
  keyProblem(path: FieldPath, key: string, message: string): InventoryProblem {
    const map = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    if (isMap(map)) {
      const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return this.at(range[0], [...path, key], message);
    }
    return this.problem([...path, key], message);
  }
}

/** A message without placeholders named by its key (one the schema gave as a key, say). */
function message(key: MessageKey): string {
  return (t as (k: MessageKey) => string)(key);
}

/** A schema issue's text in the operator's language. */
function describeZodIssue(issue: ZodIssue): string {
  return isMessageKey(issue.message) ? message(issue.message as MessageKey) : issue.message;
}

/** Turns zod issues into positioned problems; unknown keys get one problem each, with a hint. */
function schemaProblems(issues: ZodIssue[], src: SourceMap): InventoryProblem[] {
  const out: InventoryProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const hint = didYouMean(key, knownKeys(issue.path));
        out.push(src.keyProblem(issue.path, key, withHint(t('inventory.error.unknownField', { key }), hint)));
      }
    } else {
      out.push(src.problem(issue.path, describeZodIssue(issue)));
    }
  }
  return out;
}

/** Rules that span fields: unique host names, the VIP is not a host's address. */
function crossFieldProblems(data: InventoryFile, src: SourceMap): InventoryProblem[] {
  const out: InventoryProblem[] = [];
  const seen = new Map<string, number>();
  data.hosts.forEach((h, i) => {
    const first = seen.get(h.name);
    if (first !== undefined) {
      const firstLine = src.problem(['hosts', first, 'name'], '').line;
      out.push(src.problem(['hosts', i, 'name'], t('inventory.error.duplicateHost', { name: h.name, line: firstLine })));
    } else seen.set(h.name, i);
    if (h.address !== undefined && h.address === data.vip.address) {
      out.push(src.problem(['hosts', i, 'address'], t('inventory.error.vipAsAddress', { vip: data.vip.address })));
    }
    if (h.chunk_folders !== undefined) {
      if (!h.roles.includes('chunkserver'))
        out.push(
          src.problem(
            ['hosts', i, 'chunk_folders'],
            h.roles.length > 0 ? t('inventory.error.chunkFoldersRoles', { host: h.name, roles: h.roles.join(', ') }) : t('inventory.error.chunkFoldersNoRole', { host: h.name }),
          ),
        );
      h.chunk_folders.forEach((f, j) => {
        const k = h.chunk_folders!.indexOf(f);
        if (k < j) out.push(src.problem(['hosts', i, 'chunk_folders', j], t('inventory.error.folderTwice', { folder: f, index: k })));
        else {
          const outer = h.chunk_folders!.findIndex((o) => f.startsWith(`${o}/`));
          if (outer >= 0) out.push(src.problem(['hosts', i, 'chunk_folders', j], t('inventory.error.folderInside', { folder: f, index: outer, outer: h.chunk_folders![outer]! })));
        }
      });
    }
  });
  return out;
}

/** `~` and paths relative to the inventory file's directory. */
function fileRelative(baseDir: string, p: string): string {
  const expanded = expandTilde(p);
  return isAbsolute(expanded) ? expanded : resolvePath(baseDir, expanded);
}

export interface ParsedInventory {
  data: InventoryFile;
  src: SourceMap;
}

/** Parses and checks the text; throws InventoryError listing every problem found. Pure. */
export function parseInventory(text: string, file: string): ParsedInventory {
  // Absurd nesting is refused before the parser, which recurses per level.
  const deep = yamlTooDeep(text);
  if (deep) throw new InventoryError([{ file, line: deep.line, column: deep.column, path: '', message: t('inventory.error.tooDeep', { max: MAX_YAML_DEPTH }) }]);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const src = new SourceMap(file, doc, lines);
  if (doc.errors.length > 0) {
    throw new InventoryError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, path: '', message: t('inventory.error.yaml', { detail: yamlSyntaxDetail(e) }) };
      }),
    );
  }
  const aliases = aliasProblem(doc, text);
  if (aliases) {
    const pos = lines.linePos(aliases.offset);
    throw new InventoryError([{ file, line: pos.line, column: pos.col, path: '', message: aliases.message }]);
  }
  const raw: unknown = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) ?? {};
  const parsed = inventorySchema.safeParse(raw, { errorMap: yamlErrorMap });
  const issues = [...(parsed.success ? [] : parsed.error.issues), ...rawIssues(raw)];
  if (!parsed.success || issues.length > 0) {
    throw new InventoryError(schemaProblems(issues, src).sort((a, b) => a.line - b.line || a.column - b.column));
  }
  const cross = crossFieldProblems(parsed.data, src);
  if (cross.length > 0) throw new InventoryError(cross);
  return { data: parsed.data, src };
}

/** `ssh -G` processes at once: all hosts in parallel, but not hundreds of processes. */
const SSH_G_PARALLEL = 16;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface LoadOptions {
  /** The ssh binary used for `ssh -G` (tests). */
  sshBinary?: string;
}

/**
 * Reads, checks and resolves an inventory file. Each host is resolved through ssh_config
 * with `ssh -G` (all hosts at once); explicit inventory fields win over ssh_config.
 * Throws InventoryError (never anything else for a bad file).
 */
export async function loadInventory(file: string, opts: LoadOptions = {}): Promise<Inventory> {
  const abs = resolvePath(file);
  // A regular file of at most 1 MB, its size checked before a byte is read.
  const read = readLimitedText(abs);
  if ('problem' in read) {
    const p = read.problem;
    const located = p.limit && !p.unreadable;
    const message = located ? p.message : /ENOENT/.test(p.message) ? t('inventory.error.noSuchFile') : t('inventory.error.cannotRead', { why: p.message });
    throw new InventoryError([{ file: abs, line: located ? 1 : 0, column: located ? 1 : 0, path: '', message }]);
  }
  const text = read.text;
  const { data, src } = parseInventory(text, abs);
  const baseDir = dirname(abs);
  const problems: InventoryProblem[] = [];

  const sshConfig = data.ssh.config !== undefined ? fileRelative(baseDir, data.ssh.config) : undefined;
  if (sshConfig !== undefined && !existsSync(sshConfig)) {
    problems.push(src.problem(['ssh', 'config'], t('inventory.error.sshConfigMissing', { file: sshConfig })));
  }
  const knownHosts = (data.ssh.known_hosts ?? ['~/.ssh/known_hosts']).map((p) => fileRelative(baseDir, p));
  // Whoever can change known_hosts (or ssh_config) can plant a host key (or point a host elsewhere).
  knownHosts.forEach((file, i) => {
    const others = othersCanChange(file);
    if (others) problems.push(src.problem(data.ssh.known_hosts ? ['ssh', 'known_hosts', i] : ['ssh'], t('inventory.error.knownHostsUntrusted', { file, why: others })));
  });
  if (sshConfig !== undefined && existsSync(sshConfig)) {
    const others = othersCanChange(sshConfig);
    if (others) problems.push(src.problem(['ssh', 'config'], t('inventory.error.sshConfigUntrusted', { file: sshConfig, why: others })));
  }
  data.hosts.forEach((h, i) => {
    if (h.identity !== undefined && !existsSync(fileRelative(baseDir, h.identity))) {
      problems.push(src.problem(['hosts', i, 'identity'], t('inventory.error.identityMissing', { file: fileRelative(baseDir, h.identity) })));
    }
  });
  if (problems.length > 0) throw new InventoryError(problems);

  const resolved = await mapLimited(data.hosts, SSH_G_PARALLEL, (h, i) =>
    resolveSshConfig({ name: h.name, address: h.address, port: h.port, user: h.user, configFile: sshConfig }, { sshBinary: opts.sshBinary }).catch((err: unknown) => {
      const message = err instanceof SshConfigError ? err.message : t('inventory.error.sshConfigResolve', { error: String(err) });
      problems.push(src.problem(['hosts', i, 'name'], message));
      return undefined;
    }),
  );
  if (problems.length > 0) throw new InventoryError(problems);
  // What ssh_config gave for fields the inventory left out is checked as the inventory's own would be.
  data.hosts.forEach((h, i) => {
    const r = resolved[i] as ResolvedSshConfig;
    const at: FieldPath = ['hosts', i, 'name'];
    if (h.address === undefined && addressProblem(r.hostname)) problems.push(src.problem(at, t('inventory.error.sshConfigHostName', { value: printable(r.hostname) })));
    if (h.user === undefined && !USER_NAME.test(r.user)) problems.push(src.problem(at, t('inventory.error.sshConfigUser', { value: printable(r.user) })));
    if (h.port === undefined && (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535)) problems.push(src.problem(at, t('inventory.error.sshConfigPort', { port: r.port })));
  });
  if (problems.length > 0) throw new InventoryError(problems);

  const hosts: InventoryHost[] = data.hosts.map((h, i) => {
    const r = resolved[i] as ResolvedSshConfig;
    const identityFile = h.identity !== undefined ? fileRelative(baseDir, h.identity) : r.identityFiles[0];
    return {
      name: h.name,
      address: r.hostname,
      port: r.port,
      user: r.user,
      identityFile,
      // Without an explicit choice: the agent too, unless the inventory names a key file.
      agent: h.agent ?? h.identity === undefined,
      become: h.become,
      roles: h.roles,
      proxyJump: r.proxyJump,
      ...(h.chunk_folders ? { chunkFolders: h.chunk_folders } : {}),
    };
  });

  return {
    cluster: data.cluster,
    vip: data.vip,
    paths: data.paths,
    hosts,
    knownHosts,
    sshConfig,
    file: abs,
  };
}
