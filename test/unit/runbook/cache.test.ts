// The runbook cache (front matter and check results between starts): hits only for the
// same file content, context and checker; anything doubtful is ignored; the file is
// private (0600) and replaced atomically.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunbookCache, cachedLibraryProblems, checkLibrary, checkerId } from '../../../src/runbook/cache.ts';
import { catalogDir } from '../../../src/runbook/catalog.ts';
import type { RunbookHeader } from '../../../src/runbook/catalog.ts';
import { formatProblem, loadRunbookDir } from '../../../src/runbook/library.ts';
import { sampleInventory } from '../../support/sample-inventory.ts';

const root = mkdtempSync(join(tmpdir(), 'mfs-tui-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const FENCE = '```';
const rb = (id: string, script = 'echo ok') => `---\nid: ${id}\ntitle: T ${id}\nsummary: S\nwhen: W\nrisk: low\n---\n\n## Run\n\n${FENCE}sh on=m1 confirm=none\n${script}\n${FENCE}\n`;

/** A folder with runbooks a and b, and a state folder for the cache. */
function world(): { dir: string; cacheFile: string } {
  const base = join(root, `w${n++}`);
  const dir = join(base, 'runbooks');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a.md'), rb('a'));
  writeFileSync(join(dir, 'b.md'), rb('b', 'echo {{hosts.metalogger.address}}'));
  return { dir, cacheFile: join(base, 'runbook-cache.json') };
}

const CHECKER = 'test-checker';
const full = (dir: string, inventory = sampleInventory()) => loadRunbookDir(dir, { inventory }).problems.map(formatProblem);

describe('RunbookCache', () => {
  it("misses, then hits with exactly the full loader's problems; the file is 0600 and replaced atomically", async () => {
    const { dir, cacheFile } = world();
    const inv = sampleInventory();
    const cold = RunbookCache.open(cacheFile, CHECKER);
    assert.equal(cold.ignored, 'ENOENT');
    const catalog = await catalogDir(dir, cold);
    assert.equal(cachedLibraryProblems(catalog, inv, cold), undefined, 'nothing cached yet');
    const problems = await checkLibrary(catalog, inv, cold);
    assert.deepEqual(problems.map(formatProblem), full(dir));

    assert.equal(statSync(cacheFile).mode & 0o777, 0o600);
    assert.deepEqual(
      readdirSync(join(cacheFile, '..')).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file left',
    );

    const warm = RunbookCache.open(cacheFile, CHECKER);
    assert.equal(warm.ignored, undefined);
    const again = await catalogDir(dir, warm);
    assert.deepEqual(again.headers, catalog.headers, 'front matter from the cache');
    assert.deepEqual(cachedLibraryProblems(again, inv, warm)?.map(formatProblem), full(dir));
  });

  it('the saved file is 0600 even with a permissive umask', async () => {
    const { dir, cacheFile } = world();
    const old = process.umask(0);
    try {
      const cache = RunbookCache.open(cacheFile, CHECKER);
      await checkLibrary(await catalogDir(dir, cache), undefined, cache);
    } finally {
      process.umask(old);
    }
    assert.equal(statSync(cacheFile).mode & 0o777, 0o600);
  });

  it('a changed file, another inventory or a new runbook id misses; checking again gives the new problems', async () => {
    const { dir, cacheFile } = world();
    const inv = sampleInventory();
    const first = RunbookCache.open(cacheFile, CHECKER);
    await checkLibrary(await catalogDir(dir, first), inv, first);

    // Same content: hit.
    let cache = RunbookCache.open(cacheFile, CHECKER);
    assert.ok(cachedLibraryProblems(await catalogDir(dir, cache), inv, cache));

    // Another inventory (one host less): the variable check depends on it.
    const smaller = { ...inv, hosts: inv.hosts.filter((h) => !h.roles.includes('metalogger')) };
    cache = RunbookCache.open(cacheFile, CHECKER);
    assert.equal(cachedLibraryProblems(await catalogDir(dir, cache), smaller, cache), undefined);
    const withSmaller = await checkLibrary(await catalogDir(dir, cache), smaller, cache);
    assert.deepEqual(withSmaller.map(formatProblem), full(dir, smaller));
    assert.ok(
      withSmaller.some((p) => /role metalogger/.test(p.message)),
      'the new problem is found',
    );

    // The file changed: a new problem in it.
    writeFileSync(join(dir, 'a.md'), rb('a', 'echo {{nope}}'));
    cache = RunbookCache.open(cacheFile, CHECKER);
    const changed = await catalogDir(dir, cache);
    assert.equal(cachedLibraryProblems(changed, inv, cache), undefined);
    const found = await checkLibrary(changed, inv, cache);
    assert.deepEqual(found.map(formatProblem), full(dir));
    assert.ok(found.some((p) => p.message.includes('{{nope}}')));

    // A new runbook: the ids a decision may name changed, so every check misses.
    writeFileSync(join(dir, 'c.md'), rb('c'));
    cache = RunbookCache.open(cacheFile, CHECKER);
    assert.equal(cachedLibraryProblems(await catalogDir(dir, cache), inv, cache), undefined);
  });

  it('keeps what it checked when checking is stopped half-way', async () => {
    const { dir, cacheFile } = world();
    const cache = RunbookCache.open(cacheFile, CHECKER);
    let pauses = 0;
    const pause = async () => {
      if (++pauses === 2) throw new Error('closed');
    };
    await assert.rejects(checkLibrary(await catalogDir(dir, cache), undefined, cache, pause), /closed/);
    const saved = JSON.parse(readFileSync(cacheFile, 'utf8')) as { entries: Record<string, unknown> };
    // Two headers and the check of a.md.
    assert.equal(Object.keys(saved.entries).length, 3);
  });

  it('ignores a corrupt, truncated, foreign or tampered file, and tampered entries', async () => {
    const { dir, cacheFile } = world();
    const inv = sampleInventory();
    const good = RunbookCache.open(cacheFile, CHECKER);
    await checkLibrary(await catalogDir(dir, good), inv, good);
    const text = readFileSync(cacheFile, 'utf8');
    const expectIgnored = async (contents: string, why: string | RegExp) => {
      writeFileSync(cacheFile, contents, { mode: 0o600 });
      const c = RunbookCache.open(cacheFile, CHECKER);
      if (typeof why === 'string') assert.equal(c.ignored, why);
      else assert.match(c.ignored ?? '', why);
      assert.equal(cachedLibraryProblems(await catalogDir(dir, c), inv, c), undefined);
    };
    await expectIgnored('{"format":1,', 'not JSON');
    await expectIgnored(text.slice(0, text.length / 2), 'not JSON');
    await expectIgnored('', 'not JSON');
    await expectIgnored('[]', 'another format');
    await expectIgnored(JSON.stringify({ format: 99, checker: CHECKER, entries: {} }), 'another format');
    await expectIgnored(text.replace(CHECKER, 'older-checker'), 'another checker');
    await expectIgnored(JSON.stringify({ format: 1, checker: CHECKER, entries: [] }), 'no entries');

    // Entries that are not exactly what the cache writes are left out, one by one.
    const data = JSON.parse(text) as { entries: Record<string, { value: Record<string, unknown> }> };
    const tamper = (edit: (v: Record<string, unknown>) => void) => {
      const copy = structuredClone(data);
      for (const e of Object.values(copy.entries)) edit(e.value);
      writeFileSync(cacheFile, JSON.stringify(copy), { mode: 0o600 });
      return RunbookCache.open(cacheFile, CHECKER);
    };
    // A check whose problem lost its line: the check misses.
    let c = tamper((v) => {
      if (Array.isArray(v.validation) && v.validation[0]) delete (v.validation[0] as { line?: number }).line;
      if (Array.isArray(v.parse)) v.parse.push({ file: 'x', line: 0, column: 1, message: 'm' });
    });
    assert.equal(cachedLibraryProblems(await catalogDir(dir, c), inv, c), undefined);
    // A header with a risk level that does not exist is not used: the front matter is read again.
    c = tamper((v) => {
      if ('risk' in v) v.risk = 'extreme';
    });
    const headers = (await catalogDir(dir, c)).headers;
    assert.deepEqual(
      headers.map((h: RunbookHeader) => h.risk),
      ['low', 'low'],
    );
  });

  it('ignores a file that is not private to the user', async () => {
    const { dir, cacheFile } = world();
    const good = RunbookCache.open(cacheFile, CHECKER);
    await checkLibrary(await catalogDir(dir, good), undefined, good);
    chmodSync(cacheFile, 0o644);
    const c = RunbookCache.open(cacheFile, CHECKER);
    assert.equal(c.ignored, 'mode 644: not private to the user');
    assert.equal(cachedLibraryProblems(await catalogDir(dir, c), undefined, c), undefined);
    // Saving replaces it with a private one.
    await checkLibrary(await catalogDir(dir, c), undefined, c);
    assert.equal(statSync(cacheFile).mode & 0o777, 0o600);
    assert.equal(RunbookCache.open(cacheFile, CHECKER).ignored, undefined);
  });

  it('ignores a folder in its place and never throws when it cannot save', async () => {
    const { dir, cacheFile } = world();
    mkdirSync(cacheFile);
    const c = RunbookCache.open(cacheFile, CHECKER);
    assert.equal(c.ignored, 'not a regular file');
    const problems = await checkLibrary(await catalogDir(dir, c), undefined, c);
    assert.deepEqual(problems.map(formatProblem), loadRunbookDir(dir).problems.map(formatProblem));
    assert.ok(statSync(cacheFile).isDirectory());
    assert.deepEqual(
      readdirSync(join(cacheFile, '..')).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  it('the checker id from sources is a hash of the runbook and inventory code', () => {
    assert.match(checkerId() ?? '', /^src-[0-9a-f]{64}$/);
  });

  it('remembers a fully loaded inventory under its file text: a hit for the same text only, shape-checked', () => {
    const { cacheFile } = world();
    const invFile = join(cacheFile, '..', 'inventory.yaml');
    writeFileSync(invFile, 'cluster: remembered\n');
    const inv = { ...sampleInventory(), file: invFile };
    const first = RunbookCache.open(cacheFile, CHECKER);
    assert.equal(first.inventory(invFile), undefined);
    first.rememberInventory(inv);
    first.save();
    const again = RunbookCache.open(cacheFile, CHECKER);
    assert.deepEqual(again.inventory(invFile), inv);
    // Another file, or the same file with other text: not remembered.
    assert.equal(again.inventory(join(cacheFile, '..', 'other.yaml')), undefined);
    writeFileSync(invFile, 'cluster: remembered # edited\n');
    assert.equal(again.inventory(invFile), undefined);
    // Another checker (src/inventory changed): nothing.
    writeFileSync(invFile, 'cluster: remembered\n');
    assert.equal(RunbookCache.open(cacheFile, 'another-checker').inventory(invFile), undefined);
    // An entry that is not what this code writes (a host without a port) is ignored.
    const data = JSON.parse(readFileSync(cacheFile, 'utf8')) as { entries: Record<string, { value: { hosts: { port?: number }[] } }> };
    for (const e of Object.values(data.entries)) if (Array.isArray(e.value?.hosts)) delete e.value.hosts[0]!.port;
    writeFileSync(cacheFile, JSON.stringify(data), { mode: 0o600 });
    assert.equal(RunbookCache.open(cacheFile, CHECKER).inventory(invFile), undefined);
  });
});
