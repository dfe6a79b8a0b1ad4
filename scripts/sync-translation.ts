// After a change to the commands of a runbook (runbooks/X.md), copy its command and check
// blocks into each translation beside it (X.zh.md), byte for byte with their fence lines,
// leaving the translated prose alone:
//   node --import tsx scripts/sync-translation.ts runbooks/keepalived-ha.md [...]
// With no argument, every runbook of runbooks/ that has a translation. When the blocks no
// longer pair up one to one (a block added, removed or moved, a step added), it changes
// nothing there and says so: translate that part by hand. `mfs-tui validate` then proves
// that the translation runs exactly what the original runs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Code, Nodes } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { frontmatter } from 'micromark-extension-frontmatter';
import { SHELL_LANGS } from '../src/runbook/attributes.ts';
import { builtinRunbookDir, runbookFilesIn } from '../src/runbook/catalog.ts';
import { isTranslation, RUNBOOK_LANGUAGES, translationPath } from '../src/runbook/translations.ts';

/** The command and check blocks of a runbook, with where each sits in the text. */
function shellBlocks(text: string): { start: number; end: number; text: string }[] {
  const tree = fromMarkdown(text, { extensions: [frontmatter(['yaml'])], mdastExtensions: [frontmatterFromMarkdown(['yaml'])] });
  const blocks: { start: number; end: number; text: string }[] = [];
  const visit = (n: Nodes) => {
    if (n.type === 'code' && (SHELL_LANGS as readonly string[]).includes((n as Code).lang ?? '')) {
      const start = n.position!.start.offset!;
      const end = n.position!.end.offset!;
      blocks.push({ start, end, text: text.slice(start, end) });
    } else if ('children' in n) for (const c of n.children as Nodes[]) visit(c);
  };
  visit(tree);
  return blocks;
}

function sync(original: string, translation: string): 'unchanged' | 'updated' | string {
  const from = shellBlocks(readFileSync(original, 'utf8'));
  const text = readFileSync(translation, 'utf8');
  const to = shellBlocks(text);
  if (from.length !== to.length) return `${from.length} command/check blocks in ${original}, ${to.length} in ${translation}: translate the changed part by hand`;
  let out = '';
  let at = 0;
  to.forEach((b, i) => {
    out += text.slice(at, b.start) + from[i]!.text;
    at = b.end;
  });
  out += text.slice(at);
  if (out === text) return 'unchanged';
  writeFileSync(translation, out);
  return 'updated';
}

const given = process.argv.slice(2);
const originals = given.length > 0 ? given : runbookFilesIn(builtinRunbookDir()).filter((f) => !isTranslation(f));
let failed = false;
for (const original of originals) {
  for (const language of RUNBOOK_LANGUAGES) {
    const translation = translationPath(original, language);
    if (translation === original || !existsSync(translation)) continue;
    const result = sync(original, translation);
    if (result !== 'unchanged' && result !== 'updated') failed = true;
    process.stdout.write(`${join(translation)}: ${result}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
