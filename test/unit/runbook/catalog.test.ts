// The home screen's fast path reads only front matter: it must agree with the full
// parser (micromark + mdast) on what the front matter is, what it says, and where its
// problems are, and the library's problems assembled file by file must be exactly the
// full loader's.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { frontmatter } from 'micromark-extension-frontmatter';
import { checkLibrary } from '../../../src/runbook/cache.ts';
import { builtinRunbookDir, catalogDir, catalogFiles, runbookFilesIn } from '../../../src/runbook/catalog.ts';
import { frontMatterText } from '../../../src/runbook/header.ts';
import { readRunbookHeader } from '../../../src/runbook/header.ts';
import { formatProblem, loadRunbookDir, loadRunbookFiles } from '../../../src/runbook/library.ts';
import { locate } from '../../../src/runbook/locations.ts';
import { parseRunbook } from '../../../src/runbook/parse.ts';
import { sampleInventory } from '../../support/sample-inventory.ts';

/** The front matter as the full parser sees it: mdast's yaml node, when it is the first child. */
function micromarkFrontMatter(text: string): { yaml: string; firstLine: number } | undefined {
  const tree = fromMarkdown(text, { extensions: [frontmatter(['yaml'])], mdastExtensions: [frontmatterFromMarkdown(['yaml'])] });
  const first = tree.children[0];
  return first?.type === 'yaml' ? { yaml: first.value, firstLine: (first.position?.start.line ?? 1) + 1 } : undefined;
}

const builtinFiles = runbookFilesIn(builtinRunbookDir());
const FM = 'id: t\ntitle: T\nsummary: S\nwhen: W\nrisk: low';

describe('frontMatterText agrees with micromark-extension-frontmatter', () => {
  it('on every built-in runbook', () => {
    assert.ok(builtinFiles.length >= 5, 'the library has runbooks');
    for (const file of builtinFiles) {
      const text = readFileSync(file, 'utf8');
      const ours = frontMatterText(text);
      assert.ok(ours, `${file} has front matter`);
      assert.deepEqual(ours, micromarkFrontMatter(text), file);
    }
  });

  const cases: Record<string, string> = {
    plain: `---\n${FM}\n---\n\n## S\n`,
    'CRLF line endings': `---\r\n${FM.replaceAll('\n', '\r\n')}\r\n---\r\n\r\n## S\r\n`,
    'CR line endings': `---\r${FM.replaceAll('\n', '\r')}\r---\r\r## S\r`,
    'spaces and tabs after the fences': `--- \t\n${FM}\n---  \n## S\n`,
    'byte order mark': `\uFEFF---\n${FM}\n---\n## S\n`,
    'empty front matter': '---\n---\n## S\n',
    'blank lines only': '---\n\n\n---\n## S\n',
    'blank lines around the YAML': `---\n\n${FM}\n\n---\n## S\n`,
    'closing fence at the end of the text': `---\n${FM}\n---`,
    'never closed': `---\n${FM}\n## S\n`,
    'opening fence at the end of the text': '---',
    'four dashes open nothing': `----\n${FM}\n---\n`,
    'four dashes do not close': `---\n${FM}\n----\n---\n## S\n`,
    'text after a closing fence makes it content': `---\n${FM}\n--- x\n---\n## S\n`,
    'indented fence does not open': ` ---\n${FM}\n---\n`,
    'indented fence does not close': `---\n${FM}\n ---\n---\n## S\n`,
    'no front matter': '# Title\n\n## S\n',
    'empty file': '',
    'heading first': `# T\n---\n${FM}\n---\n`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(name, () => assert.deepEqual(frontMatterText(text), micromarkFrontMatter(text)));
  }
});

describe('readRunbookHeader agrees with the full parser', () => {
  it('on every built-in runbook: the same fields, inputs and id position', () => {
    for (const file of builtinFiles) {
      const text = readFileSync(file, 'utf8');
      const full = parseRunbook(text, file);
      const { header, problems } = readRunbookHeader(text, file);
      assert.deepEqual(problems, [], file);
      assert.ok(header && full.runbook, file);
      const { id, title, summary, when, risk, roles, inputs, hash } = full.runbook;
      assert.deepEqual(
        { id, title, summary, when, risk, roles, inputs, hash },
        {
          id: header.id,
          title: header.title,
          summary: header.summary,
          when: header.when,
          risk: header.risk,
          roles: header.roles,
          inputs: header.inputs,
          hash: header.hash,
        },
        file,
      );
      assert.deepEqual(header.idPos, locate(full.runbook, 'id', 0, { line: 0, column: 0 }), file);
      assert.equal(header.file, file);
    }
  });

  const broken: Record<string, string> = {
    'no front matter': '# Title\n\n## S\n',
    'missing fields': '---\nid: t\ntitle: T\n---\n\n## S\n',
    'bad risk': `---\n${FM.replace('risk: low', 'risk: extreme')}\n---\n\n## S\n`,
    'unknown role': `---\n${FM}\nroles: [master, chunkserver]\n---\n\n## S\n`,
    'bad YAML': `---\n${FM}\ntitle: [unclosed\n---\n\n## S\n`,
    'unknown field': `---\n${FM}\nowner: me\n---\n\n## S\n`,
    'bad input name': `---\n${FM}\ninputs:\n  - { name: 9x, prompt: P }\n---\n\n## S\n`,
    'empty front matter': '---\n---\n\n## S\n',
    'never closed': `---\n${FM}\n\n## S\n`,
  };
  for (const [name, text] of Object.entries(broken)) {
    it(`${name}: no runbook, and the same front matter problems at the same places`, () => {
      const full = parseRunbook(text, 'bad.md');
      const { header, problems } = readRunbookHeader(text, 'bad.md');
      assert.equal(header, undefined);
      assert.equal(full.runbook, undefined);
      assert.ok(problems.length > 0);
      // The full parser reports these and, perhaps, problems of the body besides.
      const all = full.problems.map(formatProblem);
      for (const p of problems.map(formatProblem)) assert.ok(all.includes(p), `${p} not in:\n${all.join('\n')}`);
    });
  }
});

describe('the catalog and the library problems', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-tui-catalog-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const rb = (id: string, body = '\n## Only step\n') => `---\nid: ${id}\ntitle: T ${id}\nsummary: S\nwhen: W\nrisk: low\n---\n${body}`;
  const FENCE = '```';
  writeFileSync(join(dir, 'a.md'), rb('a', `\n## Ask\n\n${FENCE}decision\nquestion: Q?\nchoices:\n  - label: Other\n    runbook: b\n  - label: Missing\n    runbook: c\n${FENCE}\n`));
  writeFileSync(join(dir, 'b.md'), rb('b', `\n## Run\n\n${FENCE}sh on=m9 confirm=none\necho {{hosts.nobody.address}} {{inputs.x}}\n${FENCE}\n`));
  writeFileSync(join(dir, 'c-dup.md'), rb('a'));
  writeFileSync(join(dir, 'd-nofm.md'), '# no front matter\n\n## S\n');
  writeFileSync(join(dir, 'e-badrisk.md'), rb('e').replace('risk: low', 'risk: extreme'));
  writeFileSync(join(dir, 'f-nosteps.md'), rb('f', '\nJust prose.\n'));
  writeFileSync(join(dir, 'g.md'), rb('g'));
  writeFileSync(join(dir, 'README.md'), '# not a runbook\n');

  it('lists the same runbooks, in the same order, as the full loader', async () => {
    for (const d of [builtinRunbookDir(), dir]) {
      const full = loadRunbookDir(d);
      const cat = await catalogDir(d);
      assert.deepEqual(
        cat.headers.map((h) => [h.id, h.title, h.file]),
        full.runbooks.map((r) => [r.id, r.title, r.file]),
        d,
      );
    }
  });

  it("gives exactly the full loader's problems, in its order (built-in library, with and without an inventory)", async () => {
    for (const inventory of [undefined, sampleInventory()]) {
      const expected = loadRunbookDir(builtinRunbookDir(), { inventory }).problems.map(formatProblem);
      const got = (await checkLibrary(await catalogDir(builtinRunbookDir()), inventory, undefined)).map(formatProblem);
      assert.deepEqual(got, expected);
    }
  });

  it("gives exactly the full loader's problems for a broken folder: duplicates, unknown hand-overs, hosts and variables, front matter, no steps", async () => {
    for (const inventory of [undefined, sampleInventory()]) {
      const expected = loadRunbookDir(dir, { inventory }).problems.map(formatProblem);
      assert.ok(expected.length >= 6, expected.join('\n'));
      assert.ok(expected.some((p) => p.includes('duplicate runbook id "a"')));
      const got = (await checkLibrary(await catalogDir(dir), inventory, undefined)).map(formatProblem);
      assert.deepEqual(got, expected);
    }
  });

  it('reports a missing folder and a missing file as the full loader does', async () => {
    const gone = join(dir, 'gone');
    assert.deepEqual((await checkLibrary(await catalogDir(gone), undefined, undefined)).map(formatProblem), loadRunbookDir(gone).problems.map(formatProblem));
    const missing = join(dir, 'nope.md');
    const cat = await catalogFiles([missing]);
    assert.deepEqual(cat.headers, []);
    assert.deepEqual((await checkLibrary(cat, undefined, undefined)).map(formatProblem), loadRunbookFiles([missing]).problems.map(formatProblem));
  });
});
