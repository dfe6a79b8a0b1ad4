// Nothing an operator reads is English-only under --lang zh: the modules listed here write
// their prose through the catalogue (no string literal in them holds an English phrase), and
// no Chinese message holds one either. Commands in backticks, placeholders, names and single
// technical words (mfsmaster, keepalived MASTER, advert_int) are not prose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { zh } from '../../../src/i18n/zh.ts';
import { englishPhrase, englishWords } from '../../support/english-phrase.ts';

const root = new URL('../../../', import.meta.url).pathname;

/** Modules whose every user-visible string comes from the catalogue (add a module once it does). */
const TRANSLATED = [
  'src/triage',
  'src/runbook/parse.ts',
  'src/drill',
  // Every practice-cluster module but scripts.ts, which holds only the shell scripts run on the hosts.
  ...[
    'break',
    'deps',
    'down',
    'files',
    'ha-design',
    'host-namespaces',
    'hosts',
    'index',
    'layout',
    'lock',
    'mfs-view',
    'monitoring',
    'net',
    'operator',
    'paths',
    'practice-guard',
    'preflight',
    'proc',
    'progress',
    'runbook-build',
    'ssh',
    'state',
    'status',
    'systemd-host',
    'up',
  ].map((m) => `src/lab/${m}.ts`),
  'src/engine',
  'src/journal/report.ts',
  'src/ssh/connect.ts',
  'src/ssh/pool.ts',
  'src/ssh/host-connection.ts',
  'src/ssh/keys.ts',
  'src/ssh/known-hosts.ts',
  'src/cluster/session.ts',
  'src/status/preconditions.ts',
  'src/journal/read.ts',
  'src/journal/list.ts',
  'src/inventory',
  'src/util/yaml-syntax.ts',
  ...['validate', 'limits', 'inputs', 'template', 'translations', 'attributes'].map((m) => `src/runbook/${m}.ts`),
  'src/util/trusted-path.ts',
  'src/runbook/yaml-limits.ts',
  ...['live-roles', 'probe', 'failover-timeline'].map((m) => `src/status/${m}.ts`),
  ...['frontmatter', 'yaml-source', 'conditions', 'catalog', 'header', 'library', 'runnable'].map((m) => `src/runbook/${m}.ts`),
  'src/util/yaml-zod-errors.ts',
  ...['non-interactive-prompts', 'prompt-broker', 'sudo-password-fd'].map((m) => `src/cluster/${m}.ts`),
  'src/ssh/remote-command.ts',
  'src/journal/writer.ts',
  'src/journal/schema.ts',
  ...['parse-mfscli', 'poller', 'dashboard-data'].map((m) => `src/status/${m}.ts`),
  // Every screen and command: JSX text is checked word by word, string literals for phrases.
  'screens',
  'app',
  'src/status/text.ts',
];

function sourceFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return /\.tsx?$/.test(path) ? [path] : [];
  return readdirSync(path).flatMap((name) => sourceFiles(join(path, name)));
}

/** String literals and template parts of a module that hold an English phrase, as `file:line: phrase`. */
function englishLiterals(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  // A literal that is not a message (a comment written into a saved file, say) is marked on
  // its line or the line above with `// english: why`.
  const exempt = (line: number) => /\/\/ english: /.test(lines[line] ?? '') || /\/\/ english: /.test(lines[line - 1] ?? '');
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    // JSX text (`<Text>words</Text>`) is read by the operator as much as a string literal.
    const literal = ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n) || ts.isJsxText(n);
    if (literal && !ts.isImportDeclaration(n.parent) && !ts.isExportDeclaration(n.parent)) {
      const text = (n as ts.LiteralLikeNode).text;
      // JSX text is always shown, so a single English word there is one too (a string literal
      // may be a key, a colour or a code word: only its phrases count).
      const phrase = englishPhrase(text) ?? (ts.isJsxText(n) ? englishWords(text).join(' ') || undefined : undefined);
      const line = sf.getLineAndCharacterOfPosition(n.getStart()).line;
      if (phrase && !exempt(line)) found.push(`${relative(root, file)}:${line + 1}: ${phrase}`);
    }
    // A template's words read across its substitutions (`${host}: jump host ${jump} cannot reach`).
    if (ts.isTemplateExpression(n)) {
      const phrase = englishPhrase([n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join(' ').replace(/ +/g, ' '));
      const line = sf.getLineAndCharacterOfPosition(n.getStart()).line;
      if (phrase && !exempt(line)) found.push(`${relative(root, file)}:${line + 1}: ${phrase}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

test('the phrase detector: English prose is found, commands, names and Chinese are not', () => {
  assert.equal(englishPhrase('no master answers at {{vip}}'), 'no master answers at');
  assert.equal(englishPhrase('在 {{host}} 上：`mfsmetalogger restart`，keepalived MASTER'), undefined);
  assert.equal(englishPhrase('SSH 探测（keepalived 状态转储）'), undefined);
  assert.equal(englishPhrase('{{vip}} 上没有 master 应答（Working master servers not found）'), undefined);
});

test('the translated modules hold no English prose of their own: it comes from the catalogue', () => {
  assert.deepEqual(TRANSLATED.flatMap((p) => sourceFiles(join(root, p))).flatMap(englishLiterals), []);
});

test('no Chinese message holds an English phrase', () => {
  assert.deepEqual(
    Object.entries(zh as Record<string, string>).flatMap(([k, v]) => (englishPhrase(v) ? [`${k}: ${englishPhrase(v)}`] : [])),
    [],
  );
});
