// Text from a host or a file, made safe to put on a terminal: every character the terminal
// would interpret rather than print (escape sequences, carriage returns, backspaces, bidi
// overrides, zero-width and other format characters, line separators) is shown as a
// visible escape (`\x1b`, `\r`, `\u{202e}`), so what the operator sees is what is there.
// The one function every printer and screen uses for such text (runner output, commands,
// values, the event printer, status and triage text).

// C0 and C1 controls and DEL (\p{Cc}), format characters (\p{Cf}: bidi overrides and
// isolates, zero-width characters, soft hyphen, BOM), line and paragraph separators.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const UNSAFE_TEST = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const NAMED: Record<string, string> = { '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0', '\n': '\\n' };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

export interface VisibleOptions {
  /** Keep line feeds (multi-line output); otherwise they are escaped too (one-line values). Default true. */
  newlines?: boolean;
  /** Keep tabs as they are (a printer to a terminal); otherwise shown as `\t`. Default true. */
  tabs?: boolean;
}

/** The text with every non-printable character shown as a visible escape. */
export function visible(text: string, opts: VisibleOptions = {}): string {
  const keepNewlines = opts.newlines ?? true;
  const keepTabs = opts.tabs ?? true;
  const src = text;
  if (!UNSAFE_TEST.test(src)) return src;
  return src.replace(UNSAFE, (c) => ((c === '\n' && keepNewlines) || (c === '\t' && keepTabs) ? c : escapeChar(c)));
}

/** One-line form: newlines escaped too (a value, a host name, a reason in a one-line message). */
export function visibleLine(text: string): string {
  return visible(text, { newlines: false });
}

/** Whether the text holds anything visible() would escape (besides line feeds and tabs). */
export function hasUnprintable(text: string): boolean {
  return visible(text) !== text;
}

/**
 * JSON text for a terminal or a file: JSON.stringify escapes control characters but leaves
 * format characters (bidi overrides, zero-width) and line separators as they are; those are
 * escaped too (`\u202e`): the same value for a JSON reader, inert on a terminal.
 */
export function safeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(/[\p{Cf}\p{Zl}\p{Zp}]/gu, (c) =>
    // Each UTF-16 unit: an astral format character (tag characters) is a surrogate pair.
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}
