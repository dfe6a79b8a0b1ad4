// Where each placeholder of a command sits in the shell's quoting: a small scanner of POSIX
// sh quoting (quotes, backslashes, $(...), `...`, ${...}, $((...)), comments and
// here-documents). `{{x}}` renders as a single-quoted word, which is right only where a
// word may start: in plain command text. Inside quotes, a here-document, ${...} or
// $((...)) those quotes would become part of the text, so the validator asks for another
// form there. Placeholders are opaque to the scanner (their braces are not shell).
import { placeholders, type Placeholder } from './template.ts';

/**
 * - command: plain command text (also inside $(...) and `...`), or a comment;
 * - double-quoted, single-quoted: inside "..." or '...';
 * - heredoc: a here-document's body;
 * - parameter: inside ${...};
 * - arithmetic: inside $((...)).
 */
export type ShellContext = 'command' | 'double-quoted' | 'single-quoted' | 'heredoc' | 'parameter' | 'arithmetic';

type Frame = { kind: 'command'; closer?: ')' | '`'; depth: number } | { kind: 'double-quoted' } | { kind: 'parameter'; depth: number } | { kind: 'arithmetic'; depth: number };

interface PendingHeredoc {
  delimiter: string;
  stripTabs: boolean;
}

const WORD_END = /[\s;&|<>()]/;

/** The shell context of each placeholder of `script`, in order. */
export function placeholderContexts(script: string): { placeholder: Placeholder; context: ShellContext }[] {
  const found = placeholders(script);
  const at = new Map(found.map((p) => [p.offset, p]));
  const out: { placeholder: Placeholder; context: ShellContext }[] = [];
  const stack: Frame[] = [{ kind: 'command', depth: 0 }];
  const top = () => stack[stack.length - 1]!;
  let pending: PendingHeredoc[] = [];
  let i = 0;
  const n = script.length;

  const note = (p: Placeholder, context: ShellContext) => out.push({ placeholder: p, context });

  /** Reads the here-document bodies that start after the newline at `i`; returns the offset after them. */
  const readBodies = (from: number): number => {
    let pos = from;
    for (const h of pending) {
      while (pos < n) {
        const eol = script.indexOf('\n', pos);
        const end = eol < 0 ? n : eol;
        const line = script.slice(pos, end);
        const bare = h.stripTabs ? line.replace(/^\t+/, '') : line;
        if (bare === h.delimiter) {
          pos = end + 1;
          break;
        }
        for (const p of found) if (p.offset >= pos && p.offset < end) note(p, 'heredoc');
        pos = end + 1;
      }
    }
    pending = [];
    return pos;
  };

  /** After `<<` at i: the delimiter word, whether it is quoted, and where it ends. */
  const readDelimiter = (from: number): number => {
    let j = from;
    let stripTabs = false;
    if (script[j] === '-') {
      stripTabs = true;
      j++;
    }
    while (script[j] === ' ' || script[j] === '\t') j++;
    let word = '';
    while (j < n && !WORD_END.test(script[j]!)) {
      const c = script[j]!;
      if (c === "'" || c === '"') {
        const close = script.indexOf(c, j + 1);
        const stop = close < 0 ? n : close;
        word += script.slice(j + 1, stop);
        j = stop + 1;
      } else if (c === '\\') {
        word += script[j + 1] ?? '';
        j += 2;
      } else {
        word += c;
        j++;
      }
    }
    if (word) pending.push({ delimiter: word, stripTabs });
    return j;
  };

  while (i < n) {
    const p = at.get(i);
    const frame = top();
    if (p) {
      note(p, frame.kind);
      i += p.length;
      continue;
    }
    const c = script[i]!;
    const next = script[i + 1];
    if (frame.kind === 'double-quoted') {
      if (c === '\\') i += 2;
      else if (c === '"') {
        stack.pop();
        i++;
      } else if (c === '$' && next === '(' && script[i + 2] === '(') {
        stack.push({ kind: 'arithmetic', depth: 0 });
        i += 3;
      } else if (c === '$' && next === '(') {
        stack.push({ kind: 'command', closer: ')', depth: 0 });
        i += 2;
      } else if (c === '$' && next === '{') {
        stack.push({ kind: 'parameter', depth: 0 });
        i += 2;
      } else if (c === '`') {
        stack.push({ kind: 'command', closer: '`', depth: 0 });
        i++;
      } else i++;
      continue;
    }
    if (frame.kind === 'parameter') {
      if (c === '\\') i += 2;
      else if (c === '{') {
        frame.depth++;
        i++;
      } else if (c === '}') {
        if (frame.depth === 0) stack.pop();
        else frame.depth--;
        i++;
      } else if (c === '"') {
        stack.push({ kind: 'double-quoted' });
        i++;
      } else if (c === "'") i = skipSingle(i);
      else i++;
      continue;
    }
    if (frame.kind === 'arithmetic') {
      if (c === '$' && next === '(' && script[i + 2] !== '(') {
        stack.push({ kind: 'command', closer: ')', depth: 0 });
        i += 2;
        continue;
      }
      if (c === '$' && next === '{') {
        stack.push({ kind: 'parameter', depth: 0 });
        i += 2;
        continue;
      }
      if (c === '"') {
        stack.push({ kind: 'double-quoted' });
        i++;
        continue;
      }
      if (c === '`') {
        stack.push({ kind: 'command', closer: '`', depth: 0 });
        i++;
        continue;
      }
      if (c === '(') frame.depth++;
      else if (c === ')') {
        if (frame.depth === 0 && next === ')') {
          stack.pop();
          i += 2;
          continue;
        }
        frame.depth--;
      }
      i++;
      continue;
    }
    // Command text.
    if (c === '\\') i += 2;
    else if (c === "'") i = skipSingle(i);
    else if (c === '"') {
      stack.push({ kind: 'double-quoted' });
      i++;
    } else if (c === '`') {
      if (frame.closer === '`') stack.pop();
      else stack.push({ kind: 'command', closer: '`', depth: 0 });
      i++;
    } else if (c === '$' && next === '(' && script[i + 2] === '(') {
      stack.push({ kind: 'arithmetic', depth: 0 });
      i += 3;
    } else if (c === '$' && next === '(') {
      stack.push({ kind: 'command', closer: ')', depth: 0 });
      i += 2;
    } else if (c === '$' && next === '{') {
      stack.push({ kind: 'parameter', depth: 0 });
      i += 2;
    } else if (c === '(') {
      frame.depth++;
      i++;
    } else if (c === ')') {
      if (frame.closer === ')' && frame.depth === 0) stack.pop();
      else if (frame.depth > 0) frame.depth--;
      i++;
    } else if (c === '#' && (i === 0 || /[\s;&|()]/.test(script[i - 1]!))) {
      // A comment: placeholders in it are harmless whatever form they take.
      const eol = script.indexOf('\n', i);
      const end = eol < 0 ? n : eol;
      for (const q of found) if (q.offset > i && q.offset < end) note(q, 'command');
      i = end;
    } else if (c === '<' && next === '<' && script[i + 2] !== '<') {
      i = readDelimiter(i + 2);
    } else if (c === '\n') {
      i = pending.length > 0 ? readBodies(i + 1) : i + 1;
    } else i++;
  }
  return out.sort((a, b) => a.placeholder.offset - b.placeholder.offset);

  /** Skips a '...' string starting at `from`, noting the placeholders inside it. */
  function skipSingle(from: number): number {
    const close = script.indexOf("'", from + 1);
    const end = close < 0 ? n : close;
    for (const q of found) if (q.offset > from && q.offset < end) note(q, 'single-quoted');
    // A placeholder is never split by a quote inside it: `'` cannot appear in `{{...}}`.
    return end + 1;
  }
}
