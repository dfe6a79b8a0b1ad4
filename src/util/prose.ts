// A runbook's prose (markdown source) as lines for a terminal of a given width: each
// paragraph is one paragraph on screen, re-flowed to the width at hand (the line breaks of
// the source are not kept), list items get a hanging indent, code keeps its lines.
import { fromMarkdown } from 'mdast-util-from-markdown';
import type { List, ListItem, Nodes, RootContent } from 'mdast';
import { cells, wrapCells, wrapParagraph } from './cells.ts';

/** A source line break inside a paragraph becomes a space, except between two CJK characters (Chinese has no spaces between words). */
export function joinSourceLines(text: string): string {
  const lines = text.split('\n').map((l) => l.trim());
  let out = '';
  for (const line of lines) {
    if (line === '') continue;
    if (out === '') out = line;
    else {
      const before = [...out].at(-1) ?? '';
      const after = [...line][0] ?? '';
      out += cells(before) >= 2 && cells(after) >= 2 ? line : ` ${line}`;
    }
  }
  return out;
}

/** A paragraph's source: hard line breaks (two trailing spaces or a backslash) are kept, the others re-flow. */
function paragraphLines(source: string): string[] {
  return source.split(/(?: {2,}|\\)\n/).map(joinSourceLines);
}

function sourceOf(node: Nodes, text: string): string {
  const s = node.position?.start.offset;
  const e = node.position?.end.offset;
  return s === undefined || e === undefined ? '' : text.slice(s, e);
}

/** Wraps each line after the first with `indent`; the first gets `first` (a list marker). */
function hanging(parts: string[], first: string, indent: string, width: number): string[] {
  const out: string[] = [];
  const w = Math.max(4, width - cells(indent));
  for (const part of parts) {
    for (const l of wrapParagraph(part, w)) out.push((out.length === 0 ? first : indent) + l);
  }
  return out;
}

function blockLines(node: RootContent, text: string, width: number): string[] {
  switch (node.type) {
    case 'paragraph':
    case 'heading':
      return paragraphLines(sourceOf(node, text)).flatMap((l) => wrapParagraph(l, width));
    case 'list':
      return listLines(node, text, width);
    case 'blockquote': {
      const inner = node.children.flatMap((c, i) => [...(i > 0 ? [''] : []), ...blockLines(c, text, Math.max(4, width - 2))]);
      return inner.map((l) => `│ ${l}`.trimEnd());
    }
    case 'code':
      // Code keeps its lines; a line too long for the width continues on the next.
      return node.value.split('\n').flatMap((l) => (l === '' ? [''] : wrapCells(`  ${l}`, width)));
    case 'thematicBreak':
      return ['─'.repeat(Math.min(20, width))];
    default:
      return wrapCells(sourceOf(node, text), width);
  }
}

function listLines(list: List, text: string, width: number): string[] {
  const out: string[] = [];
  list.children.forEach((item: ListItem, i) => {
    const marker = list.ordered ? `${(list.start ?? 1) + i}. ` : '- ';
    const indent = ' '.repeat(cells(marker));
    let first = true;
    for (const child of item.children) {
      if (child.type === 'paragraph') {
        const lines = hanging(paragraphLines(sourceOf(child, text)), first ? marker : indent, indent, width);
        out.push(...lines);
      } else {
        const nested = blockLines(child, text, Math.max(4, width - cells(indent)));
        out.push(...nested.map((l, j) => (first && j === 0 ? marker : indent) + l));
      }
      first = false;
    }
    if (first) out.push(marker.trimEnd());
  });
  return out;
}

/**
 * Display lines of markdown prose wrapped to `width` cells, blocks separated by one blank
 * line. Inline markup (`code`, **bold**, links) is shown as written.
 */
export function proseLines(markdown: string, width: number): string[] {
  const w = Math.max(10, width);
  if (markdown.trim() === '') return [];
  let tree;
  try {
    tree = fromMarkdown(markdown);
  } catch {
    return wrapCells(markdown, w);
  }
  const out: string[] = [];
  for (const node of tree.children) {
    const lines = blockLines(node, markdown, w);
    if (lines.length === 0) continue;
    if (out.length > 0) out.push('');
    out.push(...lines);
  }
  return out;
}
