// YAML embedded in a runbook (front matter, decision blocks), parsed with positions that
// map back into the markdown file, and zod validation whose errors point at the field.
import { currentLanguage, isMessageKey, t } from '../i18n/index.ts';
import { yamlSyntaxDetail } from '../util/yaml-syntax.ts';
import { yamlErrorMap } from '../util/yaml-zod-errors.ts';
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { ZodIssue, ZodType, ZodTypeDef } from 'zod';
import { MAX_YAML_ALIASES, MAX_YAML_DEPTH } from './limits.ts';
import { aliasProblem, yamlTooDeep } from './yaml-limits.ts';
import type { SourcePos } from './types.ts';

export interface YamlProblem {
  pos: SourcePos;
  message: string;
  /** Not parsed at all: nested too deep, or too many aliases (see limits.ts). */
  limit?: true;
}

export interface YamlSource {
  doc: Document.Parsed;
  /** File position of an offset in the YAML text. */
  posAt(offset: number): SourcePos;
  /** File position where the YAML text starts (for problems about the whole block). */
  start: SourcePos;
}

/**
 * Parses YAML whose first line is line `firstLine` of the file, indented by `indent`
 * columns there. Returns the document or its syntax errors in file positions.
 */
export function parseYamlAt(text: string, firstLine: number, indent = 0): { source?: YamlSource; problems: YamlProblem[] } {
  // Checked before the parser, which recurses per level and takes seconds on absurd nesting.
  const deep = yamlTooDeep(text);
  if (deep) {
    return {
      problems: [{ pos: { line: firstLine + deep.line - 1, column: deep.column + indent }, message: t('runbook.yaml.tooDeep', { max: MAX_YAML_DEPTH }), limit: true }],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const posAt = (offset: number): SourcePos => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: firstLine + line - 1, column: col + indent };
  };
  const aliases = aliasProblem(doc, text);
  if (aliases) return { problems: [{ pos: posAt(aliases.offset), message: aliases.message, limit: true }] };
  const start = { line: firstLine, column: 1 + indent };
  const problems = doc.errors.map((e) => ({
    pos: posAt(e.pos[0]),
    // prettyErrors appends " at line N, column M:" and a code frame in YAML-relative terms.
    message: t('runbook.yaml.bad', { detail: yamlSyntaxDetail(e).replace(/ at line \d+, column \d+:?$/, '') }),
  }));
  return problems.length ? { problems } : { source: { doc, posAt, start }, problems };
}

function pathText(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The file position of the node at `path`, or of its nearest existing ancestor. */
export function nodePos(src: YamlSource, path: (string | number)[]): SourcePos {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? src.doc.contents : src.doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return src.posAt(range[0]);
  }
  return src.start;
}

/** The file position of the first character of a scalar's text (inside quotes when quoted). */
export function scalarTextPos(src: YamlSource, path: (string | number)[]): SourcePos | undefined {
  const node = src.doc.getIn(path, true);
  if (!isScalar(node) || !node.range) return undefined;
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const plainOneLine = node.type === 'PLAIN' || quoted;
  if (!plainOneLine) return undefined;
  const pos = src.posAt(node.range[0]);
  return quoted ? { line: pos.line, column: pos.column + 1 } : pos;
}

function keyPos(src: YamlSource, path: (string | number)[], key: string): SourcePos {
  const parent = path.length ? src.doc.getIn(path, true) : src.doc.contents;
  if (isMap(parent)) {
    for (const pair of parent.items) {
      if (isScalar(pair.key) && pair.key.value === key && pair.key.range) return src.posAt(pair.key.range[0]);
    }
  }
  return nodePos(src, path);
}

/**
 * Validates the document with a zod schema. `what` names the block in messages
 * ("front matter", "decision"); `describe` may reword an issue (e.g. unknown roles).
 */
export function validateYaml<T>(
  src: YamlSource,
  schema: ZodType<T, ZodTypeDef, unknown>,
  what: string,
  describe?: (issue: ZodIssue, value: unknown) => string | undefined,
): { value?: T; problems: YamlProblem[] } {
  const json: unknown = src.doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  // zod's own words in English (as before); in another language what each issue means, in YAML words.
  const result = schema.safeParse(json ?? {}, currentLanguage() === 'en' ? {} : { errorMap: yamlErrorMap });
  if (result.success) return { value: result.data, problems: [] };
  const problems: YamlProblem[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path;
    const field = pathText(path);
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        const where = path.length ? t('yaml.error.in', { field }) : '';
        problems.push({ pos: keyPos(src, path, k), message: t('yaml.error.unknownField', { what, key: k, where }) });
      }
      continue;
    }
    const value = path.length ? src.doc.getIn(path) : json;
    if (issue.code === 'invalid_type' && issue.received === 'undefined') {
      // A missing top-level field: point at the line that opens the block (`---` or the fence).
      const pos = path.length === 1 ? { line: src.start.line - 1, column: src.start.column } : nodePos(src, path.slice(0, -1));
      problems.push({ pos, message: t('yaml.error.missingField', { what, field }) });
      continue;
    }
    const custom = describe?.(issue, value);
    // A schema's own message is a catalogue key (a zod message is fixed when the module loads, before the language is chosen).
    const message = isMessageKey(issue.message) ? (t as (key: string) => string)(issue.message) : issue.message;
    const fallback = path.length ? t('yaml.error.field', { what, field, message }) : t('yaml.error.notMap', { what, message });
    problems.push({ pos: nodePos(src, path), message: custom ?? fallback });
  }
  problems.sort((a, b) => a.pos.line - b.pos.line || a.pos.column - b.pos.column);
  return { problems };
}
