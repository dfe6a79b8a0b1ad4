// YAML that would cost too much to read: nested deeper than MAX_YAML_DEPTH (the yaml
// package recurses per level: a few hundred thousand `[` take seconds, then the memory),
// or aliases that expand past MAX_YAML_ALIASES uses (a "billion laughs" file). Used by the
// runbook and inventory readers before and while parsing; each gives a located problem.
import { Lexer, type Document } from 'yaml';
import { MAX_YAML_ALIASES, MAX_YAML_DEPTH } from './limits.ts';
import type { SourcePos } from './types.ts';
import { t } from '../i18n/index.ts';

// The yaml lexer's own tokens (linear time, exact about quotes, comments and block
// scalars) give the flow nesting; it marks documents, scalars and flow ends with these.
const LEXER_MARKS = new Set(['\x02', '\x18', '\x1f']);

/**
 * Where YAML text first nests deeper than `max` levels, as a 1-based line and column in
 * the text, or undefined. Flow collections (`[`, `{`) are counted on the yaml lexer's
 * tokens; block nesting on lines: one level per deeper indentation and one per `- ` or
 * `? ` entry at the start of a line (`- - - x` nests three sequences).
 */
export function yamlTooDeep(text: string, max = MAX_YAML_DEPTH): SourcePos | undefined {
  const posAt = (offset: number): SourcePos => {
    let line = 1;
    let start = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
      line++;
      start = i + 1;
    }
    return { line, column: offset - start + 1 };
  };
  // Block nesting, line by line.
  const indents: number[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    let j = 0;
    while (line[j] === ' ') j++;
    if (j < line.length && line[j] !== '#' && line[j] !== '\r') {
      while (indents.length > 0 && indents[indents.length - 1]! >= j) indents.pop();
      indents.push(j);
      let depth = indents.length;
      while ((line[j] === '-' || line[j] === '?') && (line[j + 1] === ' ' || line[j + 1] === '\t')) {
        depth++;
        if (depth > max) return posAt(offset + j);
        j += 2;
        while (line[j] === ' ' || line[j] === '\t') j++;
      }
      if (depth > max) return posAt(offset + j);
    }
    offset += line.length + 1;
  }
  // Flow nesting: only possible with more than `max` brackets in the text at all.
  let brackets = 0;
  for (let i = 0; i < text.length && brackets <= max; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) brackets++;
  }
  if (brackets <= max) return undefined;
  let flow = 0;
  let at = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      if (++flow > max) return posAt(at);
    } else if (token === ']' || token === '}') flow = Math.max(0, flow - 1);
    if (!LEXER_MARKS.has(token[0] ?? '')) at += token.length;
  }
  return undefined;
}

/** The first alias (`*name`) of a YAML document, for a problem about alias expansion. */
export function firstAliasOffset(text: string): number {
  let at = 0;
  for (const token of new Lexer().lex(text)) {
    if (token.startsWith('*')) return at;
    if (!LEXER_MARKS.has(token[0] ?? '')) at += token.length;
  }
  return 0;
}

/**
 * Why the document's aliases may not be expanded (a "billion laughs" file: a few lines
 * that expand to millions of nodes), with the offset of the first alias; undefined when
 * they may. The yaml package counts the expansion and stops at MAX_YAML_ALIASES.
 */
export function aliasProblem(doc: Document, text: string): { offset: number; message: string } | undefined {
  if (!text.includes('*')) return undefined;
  try {
    doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    return undefined;
  } catch (e) {
    if (!(e instanceof ReferenceError) || !/alias/i.test(e.message)) throw e;
    return { offset: firstAliasOffset(text), message: t('yaml.limit.aliases', { max: MAX_YAML_ALIASES }) };
  }
}
