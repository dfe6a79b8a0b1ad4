// Where each part of a parsed runbook sits in its file, beyond the `pos` fields of the
// model: attribute keys and values, script lines, goto targets. The parser records them
// here, keyed by the model objects, so the validator can point at the exact column
// without the model carrying a position for every string. A runbook built by hand has
// none and the validator falls back to the object's `pos`.
import type { SourcePos } from './types.ts';

/** Maps an offset inside a string (a script, an attribute value) to its place in the file. */
export type Locator = (offset: number) => SourcePos;

const table = new WeakMap<object, Map<string, Locator>>();

export function recordLocation(owner: object, field: string, at: Locator): void {
  let fields = table.get(owner);
  if (!fields) table.set(owner, (fields = new Map()));
  fields.set(field, at);
}

/** A locator for a one-line string that starts at `pos`. */
export function lineLocator(pos: SourcePos): Locator {
  return (offset) => ({ line: pos.line, column: pos.column + offset });
}

/**
 * The place of `offset` inside `field` of `owner` (offset 0 = start of that string), or
 * `fallback` when the parser recorded nothing for it.
 */
export function locate(owner: object, field: string, offset: number, fallback: SourcePos): SourcePos {
  const at = table.get(owner)?.get(field);
  return at ? at(offset) : fallback;
}

export function hasLocation(owner: object, field: string): boolean {
  return table.get(owner)?.has(field) ?? false;
}

// The file name as the caller passed it to the parser, for messages.
const displayNames = new WeakMap<object, string>();

export function recordDisplayName(owner: object, file: string): void {
  displayNames.set(owner, file);
}

export function displayName(owner: object, fallback: string): string {
  return displayNames.get(owner) ?? fallback;
}

// A fenced block's info string as written (language and attributes): a translation must
// repeat it byte for byte (translations.ts).
const fenceInfos = new WeakMap<object, string>();

export function recordFenceInfo(owner: object, info: string): void {
  fenceInfos.set(owner, info);
}

export function fenceInfo(owner: object): string | undefined {
  return fenceInfos.get(owner);
}
