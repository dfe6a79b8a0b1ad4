// The message catalogue: every key in both languages, with the same placeholders, each one
// used by the code; values are inserted verbatim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { en } from '../../../src/i18n/en.ts';
import { zh } from '../../../src/i18n/zh.ts';
import { tIn } from '../../../src/i18n/index.ts';

const root = new URL('../../../', import.meta.url).pathname;
const PLURAL = /_(zero|one|two|few|many|other)$/;
const catalogues = { en: en as Record<string, string>, zh: zh as Record<string, string> };

function baseKeys(cat: Record<string, string>): Set<string> {
  return new Set(Object.keys(cat).map((k) => k.replace(PLURAL, '')));
}

function pluralBases(cat: Record<string, string>): Set<string> {
  return new Set(
    Object.keys(cat)
      .filter((k) => PLURAL.test(k))
      .map((k) => k.replace(PLURAL, '')),
  );
}

function placeholders(message: string): string[] {
  return [...new Set([...message.matchAll(/\{\{\s*-?\s*([^},\s]+)[^}]*\}\}/g)].map((m) => m[1]!))].sort();
}

test('every message exists in English and in Chinese, with each plural form the language has', () => {
  const problems: string[] = [];
  const all = new Set([...baseKeys(catalogues.en), ...baseKeys(catalogues.zh)]);
  const plural = new Set([...pluralBases(catalogues.en), ...pluralBases(catalogues.zh)]);
  for (const [lang, cat] of Object.entries(catalogues)) {
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const key of all) {
      const wanted = plural.has(key) ? categories.map((c) => `${key}_${c}`) : [key];
      for (const k of wanted) if (typeof cat[k] !== 'string' || cat[k] === '') problems.push(`${lang}: missing ${k}`);
    }
    for (const k of Object.keys(cat)) {
      const m = PLURAL.exec(k);
      if (m && !categories.includes(m[1] as Intl.LDMLPluralRule)) problems.push(`${lang}: ${k}: ${lang} has no plural form '${m[1]}'`);
      if (!/^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)+$/.test(k.replace(PLURAL, ''))) problems.push(`${lang}: ${k}: keys are dotted camelCase words`);
      if (cat[k]!.includes('$t(')) problems.push(`${lang}: ${k}: no $t() nesting in messages`);
    }
  }
  assert.deepEqual(problems, []);
});

test('a message has the same placeholders in both languages', () => {
  const problems: string[] = [];
  for (const [key, message] of Object.entries(catalogues.zh)) {
    const english = catalogues.en[key];
    if (english === undefined) continue;
    const [a, b] = [placeholders(english), placeholders(message)];
    if (a.join() !== b.join()) problems.push(`${key}: en {{${a.join(', ')}}} zh {{${b.join(', ')}}}`);
  }
  assert.deepEqual(problems, []);
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

test('every message is used by the code (a key is written out whole where it is used)', () => {
  // The catalogues: en.ts, zh.ts and their parts (en-triage.ts, zh-triage.ts, ...).
  const catalogueFile = /^src\/i18n\/(en|zh)(-[a-z]+)?\.ts$/;
  const code = [...sourceFiles(join(root, 'app')), ...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'screens'))]
    .filter((f) => !catalogueFile.test(relative(root, f)))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const unused = [...baseKeys(catalogues.en)].filter((k) => !code.includes(`'${k}'`) && !code.includes(`"${k}"`));
  assert.deepEqual(unused, []);
});

test('an interpolated value is inserted verbatim: no HTML escaping, no template in it is expanded', () => {
  const value = `<a href="x">&'{{value}} $t(cli.option.lang)`;
  assert.equal(tIn('en', 'cli.error.badLanguage', { value }), `--lang: '${value}' is not a language mfs-tui speaks (en, zh)`);
  assert.equal(tIn('zh', 'cli.error.badLanguage', { value }), `--lang：不支持 '${value}'，可选 en 或 zh`);
});
