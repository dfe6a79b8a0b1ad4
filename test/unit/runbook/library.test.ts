import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { builtinRunbookDir, formatProblem, loadRunbookDir, loadRunbookFiles, runbookFilesIn } from '../../../src/runbook/library.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const rb = (id: string, body = '\n## Only step\n') => `---\nid: ${id}\ntitle: T\nsummary: S\nwhen: W\nrisk: low\n---\n${body}`;

describe('builtinRunbookDir', () => {
  it("is the repository's runbooks folder", () => {
    assert.equal(builtinRunbookDir(), join(REPO, 'runbooks'));
  });
});

describe('the built-in runbooks', () => {
  it('all validate clean, health-check among them', () => {
    const { runbooks, problems } = loadRunbookDir(builtinRunbookDir());
    assert.deepEqual(problems.map(formatProblem), []);
    assert.ok(runbooks.some((r) => r.id === 'health-check'));
    assert.ok(!runbookFilesIn(builtinRunbookDir()).some((f) => f.endsWith('README.md')), 'README.md is not a runbook');
  });
});

describe('loadRunbookFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-tui-runbooks-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('cross-checks runbook: jumps between the loaded files', () => {
    const decision = '\n## Ask\n\n```decision\nquestion: Q?\nchoices:\n  - label: Other\n    runbook: b\n  - label: Missing\n    runbook: c\n```\n';
    const a = write('a.md', rb('a', decision));
    const b = write('b.md', rb('b'));
    const { runbooks, problems } = loadRunbookFiles([a, b]);
    assert.equal(runbooks.length, 2);
    assert.deepEqual(problems.map(formatProblem), [`${a}:17:14: runbook "c": no runbook has this id`]);
    // Ids known from elsewhere (e.g. the built-in library) count too.
    assert.deepEqual(loadRunbookFiles([a, b], { knownRunbookIds: new Set(['c']) }).problems, []);
  });

  it("reports duplicate runbook ids at the second file's id", () => {
    const x = write('x.md', rb('same'));
    const y = write('y.md', rb('same'));
    assert.deepEqual(loadRunbookFiles([x, y]).problems.map(formatProblem), [`${y}:2:5: duplicate runbook id "same" (also in ${x})`]);
  });

  it('reports a missing file without a stack trace', () => {
    const missing = join(dir, 'nope.md');
    assert.deepEqual(loadRunbookFiles([missing]).problems.map(formatProblem), [`${missing}:1:1: cannot read the file (ENOENT)`]);
  });

  it('loadRunbookDir skips README.md and reports a missing folder', () => {
    write('README.md', '# not a runbook\n');
    assert.ok(runbookFilesIn(dir).every((f) => !f.endsWith('README.md')));
    const gone = join(dir, 'gone');
    assert.deepEqual(loadRunbookDir(gone).problems.map(formatProblem), [`${gone}:1:1: cannot list the runbook folder (ENOENT)`]);
  });
});

describe('builtinRunbookDir from a bundle', () => {
  // The app ships as one esbuild bundle in dist/: bundle the library the same way into a
  // folder of the repository and ask it where the runbooks are.
  it("walks up from the bundle's folder to the repository", async () => {
    const { build } = await import('esbuild');
    mkdirSync(join(REPO, 'dist'), { recursive: true });
    const out = mkdtempSync(join(REPO, 'dist', 'test-bundle-'));
    try {
      const outfile = join(out, 'library.mjs');
      await build({
        stdin: { contents: "export { builtinRunbookDir } from './src/runbook/library.ts';", resolveDir: REPO, loader: 'ts' },
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        logLevel: 'silent',
        // As scripts/build.mjs does: bundled CommonJS dependencies need a require().
        banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      });
      const mod = (await import(outfile)) as { builtinRunbookDir: () => string };
      assert.equal(mod.builtinRunbookDir(), join(REPO, 'runbooks'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
