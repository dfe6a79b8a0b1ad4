// The attribute grammar of a fenced block's info string: ```` ```sh on=all timeout=5m risk="..." ````.
// Pure functions: tokenizing `key=value` pairs with their columns, and reading each value.
import { ROLES } from './types.ts';
import type { Role, TargetSpec } from './types.ts';
import { t } from '../i18n/index.ts';

/** Status preconditions a command block may name in `requires=` (checked by the engine, issue 5). */
export const REQUIREMENTS = ['no-split-brain', 'vip-held', 'master-running', 'no-missing-chunks'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

/** Attributes a command block accepts, in the order the README documents them. */
export const COMMAND_ATTRIBUTES = ['on', 'confirm', 'timeout', 'expect-exit', 'expect-output', 'when', 'parallel', 'risk', 'requires'] as const;
/** Attributes a `check` block accepts. */
export const CHECK_ATTRIBUTES = ['timeout', 'expect-exit', 'expect-output'] as const;

/** Fenced block languages that are commands. */
export const SHELL_LANGS = ['sh', 'bash', 'shell'] as const;

export const DEFAULT_TIMEOUT_MS = 60_000;

export interface MetaAttr {
  key: string;
  value: string;
  /** 0-based index of the key / of the value's first character in the meta string. */
  keyIndex: number;
  valueIndex: number;
}

export interface MetaWord {
  word: string;
  index: number;
}

export interface MetaTokens {
  attrs: MetaAttr[];
  words: MetaWord[];
  error?: { index: number; message: string };
}

/** Splits `check on=all risk="may lose data"` into bare words and key=value pairs (double quotes allowed). */
export function tokenizeMeta(meta: string): MetaTokens {
  const attrs: MetaAttr[] = [];
  const words: MetaWord[] = [];
  let i = 0;
  while (i < meta.length) {
    if (/\s/.test(meta[i]!)) {
      i++;
      continue;
    }
    const key = /^[A-Za-z][A-Za-z0-9_-]*/.exec(meta.slice(i))?.[0];
    if (!key) return { attrs, words, error: { index: i, message: t('runbook.attr.unexpected', { char: meta[i]! }) } };
    const keyIndex = i;
    i += key.length;
    if (meta[i] !== '=') {
      if (i < meta.length && !/\s/.test(meta[i]!)) return { attrs, words, error: { index: i, message: t('runbook.attr.unexpectedAfter', { char: meta[i]!, key }) } };
      words.push({ word: key, index: keyIndex });
      continue;
    }
    i++;
    if (meta[i] === '"') {
      const close = meta.indexOf('"', i + 1);
      if (close < 0) return { attrs, words, error: { index: i, message: t('runbook.attr.unclosedQuote', { key }) } };
      attrs.push({ key, value: meta.slice(i + 1, close), keyIndex, valueIndex: i + 1 });
      i = close + 1;
      if (i < meta.length && !/\s/.test(meta[i]!)) return { attrs, words, error: { index: i, message: t('runbook.attr.spaceAfter', { key }) } };
    } else {
      const end = meta.slice(i).search(/\s/);
      const value = end < 0 ? meta.slice(i) : meta.slice(i, i + end);
      if (value === '') return { attrs, words, error: { index: keyIndex, message: t('runbook.attr.noValue', { key }) } };
      attrs.push({ key, value, keyIndex, valueIndex: i });
      i += value.length;
    }
  }
  return { attrs, words };
}

/** `30` (seconds), `30s`, `5m`, `1h` to milliseconds; undefined when malformed or zero. */
export function parseDuration(s: string): number | undefined {
  const m = /^(\d+)(s|m|h)?$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * ({ s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
  return n > 0 ? n : undefined;
}

/** `0,1` to [0, 1]; undefined unless every item is an exit code 0-255. */
export function parseExitCodes(s: string): number[] | undefined {
  if (!/^\d+(,\d+)*$/.test(s)) return undefined;
  const codes = s.split(',').map(Number);
  return codes.every((c) => c <= 255) ? [...new Set(codes)] : undefined;
}

/** Splits a comma list, keeping each trimmed item's index in the original string. */
export function splitList(s: string): { item: string; index: number }[] {
  const out: { item: string; index: number }[] = [];
  let start = 0;
  for (const part of s.split(',')) {
    const lead = part.length - part.trimStart().length;
    out.push({ item: part.trim(), index: start + lead });
    start += part.length + 1;
  }
  return out;
}

/** Reads one `on=` item: a role (`cgi?`: optional), `vip-holder`, `local`, `all`, a `{{template}}` or a host name. */
export function parseTarget(item: string): TargetSpec | { error: string } {
  if (item === '') return { error: t('runbook.attr.emptyTarget') };
  if (item === 'vip-holder' || item === 'local' || item === 'all') return { kind: item };
  if ((ROLES as readonly string[]).includes(item)) return { kind: 'role', role: item as Role };
  // `cgi?`: the hosts with that role, if the inventory has any (a part a cluster may lack).
  if (item.endsWith('?') && (ROLES as readonly string[]).includes(item.slice(0, -1))) return { kind: 'role', role: item.slice(0, -1) as Role, optional: true };
  if (/^\{\{[^{}]*\}\}$/.test(item)) return { kind: 'template', template: item };
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(item)) return { kind: 'host', name: item };
  return { error: t('runbook.attr.badTarget', { item, variable: '{{variable}}' }) };
}

/** A canonical text for a target list, to compare the targets of a step's blocks. */
export function targetsKey(targets: TargetSpec[]): string {
  return targets
    .map((t) => (t.kind === 'role' ? `role:${t.role}${t.optional ? '?' : ''}` : t.kind === 'host' ? `host:${t.name}` : t.kind === 'template' ? `tpl:${t.template.replace(/\s+/g, '')}` : t.kind))
    .sort()
    .join(',');
}

/** Levenshtein distance, to suggest `chunkserver` for `chunkservers`. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The role a misspelt name probably meant, if any (distance 2 or less). */
export function nearestRole(name: string): Role | undefined {
  let best: { role: Role; d: number } | undefined;
  for (const role of ROLES) {
    const d = editDistance(name.toLowerCase(), role);
    if (d <= 2 && (!best || d < best.d)) best = { role, d };
  }
  return best?.role;
}
