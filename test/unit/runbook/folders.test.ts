// The operator's runbook folders are ADDED to the built-in library: their runbooks run and
// may hand over to built-in ones; a file that takes a built-in runbook's id never replaces it
// (located problem on the operator's file, the built-in one stays), and an id two files claim
// is run by neither through its id.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { catalogDirs, type LibraryFolders } from '../../../src/runbook/catalog.ts';
import { formatProblem, loadRunbookDirs } from '../../../src/runbook/library.ts';
import { RunbookRefused, runnableLibrary, runnableRunbook } from '../../../src/runbook/runnable.ts';
import { checkLibrary } from '../../../src/runbook/cache.ts';

const root = mkdtempSync(join(tmpdir(), 'mfs-tui-folders-'));
after(() => rmSync(root, { recursive: true, force: true }));
const builtin = join(root, 'builtin');
const mine = join(root, 'mine');
const theirs = join(root, 'theirs');
for (const d of [builtin, mine, theirs]) mkdirSync(d);

const book = (id: string, title: string, risk: string, extra = '') => `---
id: ${id}
title: ${title}
summary: S.
when: W.
risk: ${risk}
---

## Say {#say}

\`\`\`sh on=all
echo ${title}
\`\`\`
${extra}`;
writeFileSync(join(builtin, 'fence-it.md'), book('fence-it', 'Built-in fence', 'critical'));
writeFileSync(join(builtin, 'look.md'), book('look', 'Built-in look', 'low'));
// Same id as a built-in critical runbook: must never be what `run fence-it` starts.
writeFileSync(join(mine, 'my-fence.md'), book('fence-it', 'My fence', 'low'));
// Hands over to a built-in runbook.
writeFileSync(
  join(mine, 'check-then-look.md'),
  book(
    'check-then-look',
    'Check then look',
    'low',
    `\n## Next {#next}\n\n\`\`\`decision\nquestion: Go on?\nchoices:\n  - label: Look\n    runbook: look\n  - label: Stop\n    goto: end\n\`\`\`\n\n## End {#end}\n\nDone.\n`,
  ),
);
writeFileSync(join(mine, 'shared.md'), book('shared', 'Mine shared', 'low'));
writeFileSync(join(theirs, 'shared.md'), book('shared', 'Theirs shared', 'low'));

const folders: LibraryFolders = { dirs: [mine, theirs, builtin], builtin };

function refused(fn: () => unknown): RunbookRefused {
  try {
    fn();
  } catch (e) {
    if (e instanceof RunbookRefused) return e;
    throw e;
  }
  assert.fail('expected a refusal');
}

describe('runbook folders added to the built-in library', () => {
  it('a built-in id taken by an operator file: located problem on the operator file only, naming the built-in', () => {
    const lib = loadRunbookDirs(folders);
    const clash = lib.problems.filter((p) => /built-in/.test(p.message));
    assert.equal(clash.length, 1);
    assert.equal(clash[0]!.file, join(mine, 'my-fence.md'));
    assert.match(formatProblem(clash[0]!), /my-fence\.md:2:\d+: runbook id "fence-it" is the built-in runbook .*builtin\/fence-it\.md's: an added runbook folder never replaces a built-in runbook/);
    const builtinFile = lib.files.find((f) => f.path === join(builtin, 'fence-it.md'))!;
    assert.deepEqual(builtinFile.problems, []);
  });

  it('the built-in wins even when the operator folder is listed first; two operator folders: the first wins', () => {
    const lib = runnableLibrary(folders);
    const ids = lib.runbooks.map((r) => `${r.id}:${r.title}`);
    assert.ok(ids.includes('fence-it:Built-in fence'));
    assert.ok(!ids.includes('fence-it:My fence'));
    assert.ok(ids.includes('shared:Mine shared'));
    assert.match(lib.problems.map(formatProblem).join('\n'), /theirs\/shared\.md:2:\d+: duplicate runbook id "shared" \(also in .*mine\/shared\.md\)/);
  });

  it('an id two files claim runs by neither id (both named); each valid file still runs by its path', () => {
    const e = refused(() => runnableRunbook('fence-it', { folders }));
    assert.equal(e.reason, 'invalid');
    assert.match(e.message, /runbook id 'fence-it' is claimed by 2 files \(.*mine\/my-fence\.md, .*builtin\/fence-it\.md\)/);
    assert.equal(runnableRunbook(join(builtin, 'fence-it.md'), { folders }).title, 'Built-in fence');
    const mineByPath = refused(() => runnableRunbook(join(mine, 'my-fence.md'), { folders }));
    assert.match(mineByPath.message, /never replaces a built-in runbook/);
  });

  it('an operator runbook runs by id and hands over to a built-in one', () => {
    assert.equal(runnableRunbook('check-then-look', { folders }).title, 'Check then look');
    assert.equal(runnableRunbook('look', { folders }).title, 'Built-in look');
    // Alone, the handover target is unknown: the same file has a problem.
    const alone = loadRunbookDirs({ dirs: [mine] });
    assert.match(alone.problems.map(formatProblem).join('\n'), /check-then-look\.md:\d+:\d+: .*look/);
  });

  it('the home screen catalog reports the same problems as the full loader', async () => {
    const cat = await catalogDirs(folders);
    assert.deepEqual(cat.files.map((f) => f.path.slice(root.length + 1)).slice(0, 3), ['mine/check-then-look.md', 'mine/my-fence.md', 'mine/shared.md']);
    const got = (await checkLibrary(cat, undefined, undefined)).map(formatProblem);
    assert.deepEqual(got, loadRunbookDirs(folders).problems.map(formatProblem));
  });

  it('a folder that cannot be listed is the one problem, named', () => {
    const gone = join(root, 'gone');
    assert.deepEqual(loadRunbookDirs({ dirs: [gone, builtin], builtin }).problems.map(formatProblem), [`${gone}:1:1: cannot list the runbook folder (ENOENT)`]);
  });
});
