// Inventory problems: what is wrong, where (file:line:col and the field path), and the
// error that carries them to the operator. Pure: no file system, no processes.
import { t } from '../i18n/index.ts';

export interface InventoryProblem {
  file: string;
  /** 1-based; 0 when the problem is about the whole file (e.g. it cannot be read). */
  line: number;
  column: number;
  /** Field path like `hosts[2].roles[0]`; empty for the whole document. */
  path: string;
  message: string;
}

/** One line per problem: `file:line:col: path: message`. */
export function formatInventoryProblems(problems: readonly InventoryProblem[]): string {
  return problems
    .map((p) => {
      const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
      return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
    })
    .join('\n');
}

export class InventoryError extends Error {
  constructor(readonly problems: InventoryProblem[]) {
    super(formatInventoryProblems(problems));
    this.name = 'InventoryError';
  }
}

/** `['hosts', 2, 'roles', 0]` → `hosts[2].roles[0]`. */
export function formatFieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

/** Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate when it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = norm(word) === norm(c) ? 0 : editDistance(word.toLowerCase(), c.toLowerCase());
    if (!best || d < best.d) best = { c, d };
  }
  if (!best) return undefined;
  return best.d <= Math.max(1, Math.floor(best.c.length / 3)) ? best.c : undefined;
}

export function withHint(message: string, suggestion: string | undefined): string {
  return suggestion ? t('inventory.error.didYouMean', { message, suggestion }) : message;
}
