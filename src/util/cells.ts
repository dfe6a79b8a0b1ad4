// Widths in terminal cells, as Ink measures them (string-width: CJK and emoji take two cells,
// combining marks none), never in string length. Every pad, cut and wrap of text for the
// terminal goes through here, so a Chinese title or an emoji lines up like ASCII does.
import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cells the text takes in a terminal. */
export function cells(text: string): number {
  return stringWidth(text);
}

function graphemesOf(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}

/** Pads with spaces on the right to `width` cells (longer text is left as it is). */
export function padCells(text: string, width: number): string {
  const w = cells(text);
  return w >= width ? text : text + ' '.repeat(width - w);
}

/** Pads with spaces on the left to `width` cells. */
export function padCellsStart(text: string, width: number): string {
  const w = cells(text);
  return w >= width ? text : ' '.repeat(width - w) + text;
}

/** Cut to at most `width` cells, ending in … when something was cut (never splits a wide character). */
export function truncateCells(text: string, width: number): string {
  if (width <= 0) return '';
  if (cells(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const g of graphemesOf(text)) {
    const w = cells(g);
    if (used + w > width - 1) break;
    out += g;
    used += w;
  }
  return `${out}…`;
}

/** Exactly `width` cells: cut with … or padded with spaces. */
export function fitCells(text: string, width: number): string {
  return padCells(truncateCells(text, width), width);
}

/** A character a line may break before or after without a space: CJK ideographs, kana, hangul, fullwidth forms. */
function breaksAnywhere(g: string): boolean {
  return cells(g) >= 2 && !/\p{Extended_Pictographic}/u.test(g);
}

/** Punctuation that must not start a line (Chinese and Japanese line-breaking rules). */
const NO_LINE_START = new Set([...'，。、；：？！）」』》〉】〕”’…·%,.;:?!)]}']);

/** Words (runs of narrow characters), single wide characters and spaces: the units a line is broken between. */
function tokens(paragraph: string): { text: string; space: boolean }[] {
  const out: { text: string; space: boolean }[] = [];
  let word = '';
  const flush = () => {
    if (word) out.push({ text: word, space: false });
    word = '';
  };
  for (const g of graphemesOf(paragraph)) {
    if (/^\s+$/u.test(g)) {
      flush();
      if (out.at(-1)?.space !== true) out.push({ text: ' ', space: true });
    } else if (breaksAnywhere(g)) {
      flush();
      out.push({ text: g, space: false });
    } else word += g;
  }
  flush();
  return out;
}

/**
 * Word-wraps one paragraph (its line breaks are spaces) to `width` cells: lines break at
 * spaces and between CJK characters, a word longer than a line is cut by cells, and no line
 * starts with closing punctuation (it takes the character before it along).
 */
export function wrapParagraph(paragraph: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  let used = 0;
  const push = () => {
    lines.push(line.replace(/\s+$/u, ''));
    line = '';
    used = 0;
  };
  for (const t of tokens(paragraph)) {
    if (t.space) {
      if (line !== '') {
        line += ' ';
        used += 1;
      }
      continue;
    }
    const tw = cells(t.text);
    if (used + tw <= w) {
      line += t.text;
      used += tw;
      continue;
    }
    if (tw > w) {
      // A word longer than the line: cut it by cells, on this line's rest first.
      for (const g of graphemesOf(t.text)) {
        const gw = cells(g);
        if (used + gw > w && line.trim() !== '') push();
        line += g;
        used += gw;
      }
      continue;
    }
    if (NO_LINE_START.has(t.text) && line.trim() !== '') {
      // Carry the last character over with the punctuation, unless that leaves nothing behind.
      const gs = graphemesOf(line.replace(/\s+$/u, ''));
      const last = gs.at(-1) ?? '';
      if (gs.length > 1 && cells(last) + tw <= w) {
        line = gs.slice(0, -1).join('');
        push();
        line = last + t.text;
        used = cells(line);
        continue;
      }
    }
    push();
    line = t.text;
    used = tw;
  }
  if (line !== '' || lines.length === 0) push();
  return lines;
}

/** Wraps text to `width` cells; each line break of the text starts a new line, blank lines are kept. */
export function wrapCells(text: string, width: number): string[] {
  return text
    .replace(/\s+$/u, '')
    .split('\n')
    .flatMap((line) => (line.trim() === '' ? [''] : wrapParagraph(line, width)));
}

/** Pads each cell of a table to its column's width in cells, two spaces between columns; the last column is not padded. */
export function tableLines(rows: readonly (readonly string[])[], gap = 2): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, cells(c))));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : padCells(c, widths[i]!)))
      .join(' '.repeat(gap))
      .trimEnd(),
  );
}
