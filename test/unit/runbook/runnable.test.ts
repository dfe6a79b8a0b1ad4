// Only valid runbooks run: runnableRunbook is the one way to a runbook that may start, and
// it refuses any with a problem whatever the path form (a relative or absolute folder, a
// file path, a symlink); one broken file never stops the others from loading.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunbookRefused, runnableLibrary, runnableRunbook } from '../../../src/runbook/runnable.ts';
import { oneFolder } from '../../../src/runbook/catalog.ts';

const root = mkdtempSync(join(tmpdir(), 'mfs-tui-runnable-'));
after(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, 'books');
mkdirSync(dir);

const book = (id: string, block: string) => `---
id: ${id}
title: T ${id}
summary: S.
when: W.
risk: high
---

## Stop it {#stop}

${block}
`;
const fence = '```';
writeFileSync(join(dir, 'good.md'), book('good', `${fence}sh on=all confirm=typed requires=no-split-brain\necho ok\n${fence}`));
// A destructive step whose precondition is misspelt: it must never run without its check.
writeFileSync(join(dir, 'typo.md'), book('typo', `${fence}sh on=all confirm=typed requires=no-splitbrain\necho stop\n${fence}`));
writeFileSync(join(dir, 'nofm.md'), '# no front matter\n');
symlinkSync(join(dir, 'typo.md'), join(root, 'link.md'));

function refused(fn: () => unknown): RunbookRefused {
  try {
    fn();
  } catch (e) {
    if (e instanceof RunbookRefused) return e;
    throw e;
  }
  assert.fail('expected the runbook to be refused');
}

describe('runnableRunbook', () => {
  it('gives a valid runbook by id, from an absolute or a relative folder', () => {
    assert.equal(runnableRunbook('good', { folders: oneFolder(dir) }).id, 'good');
    assert.equal(runnableRunbook('good', { folders: oneFolder(relative(process.cwd(), dir)) }).id, 'good');
  });

  for (const [form, ref, folder] of [
    ['id, absolute folder', 'typo', dir],
    ['id, relative folder', 'typo', relative(process.cwd(), dir)],
    ['absolute file', join(dir, 'typo.md'), dir],
    ['relative file', relative(process.cwd(), join(dir, 'typo.md')), dir],
    ['symlink to the file', join(root, 'link.md'), dir],
    ['file outside the folder', join(root, 'link.md'), join(root, 'nowhere')],
  ] as const) {
    it(`refuses an invalid runbook with its located problem: ${form}`, () => {
      const e = refused(() => runnableRunbook(ref, { folders: oneFolder(folder) }));
      assert.equal(e.reason, 'invalid');
      assert.equal(e.problems.length, 1);
      assert.match(e.message, /(typo|link)\.md:11:37: unknown requirement "no-splitbrain"/);
      assert.match(e.message, /cannot run/);
    });
  }

  it('says when there is no such runbook, naming the ones there are', () => {
    const e = refused(() => runnableRunbook('nope', { folders: oneFolder(dir) }));
    assert.equal(e.reason, 'not-found');
    assert.match(e.message, /no runbook 'nope' in .*\(runbooks: good, typo\)/);
  });

  it('refuses a file over the size limit, before reading it, as bad input', () => {
    const big = join(root, 'big.md');
    writeFileSync(big, book('big', 'x'.repeat(1024 * 1024)));
    const t0 = performance.now();
    const e = refused(() => runnableRunbook(big, { folders: oneFolder(dir) }));
    assert.ok(performance.now() - t0 < 5000);
    assert.match(e.message, /big\.md:1:1: the file is 1\.0 MB, over the limit of 1 MB: not read/);
    assert.equal(e.problems[0]!.limit, true);
  });
});

describe('runnableLibrary', () => {
  it('loads every good runbook and lists each broken file with its problems', () => {
    const lib = runnableLibrary(oneFolder(dir));
    assert.deepEqual(
      lib.runbooks.map((r) => r.id),
      ['good'],
    );
    assert.deepEqual(
      lib.broken.map((b) => [b.path.slice(dir.length + 1), b.problems.length]),
      [
        ['nofm.md', 1],
        ['typo.md', 1],
      ],
    );
  });
});
