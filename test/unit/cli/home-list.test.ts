// The home screen's list: every runbook file, a broken one carrying its located problems
// (shown greyed, not startable), a file whose front matter cannot be read listed by name.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { homeRunbookList } from '../../../app/tui/home.ts';
import { catalogDir, formatProblem } from '../../../src/runbook/catalog.ts';
import { checkLibrary } from '../../../src/runbook/cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'mfs-tui-home-list-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const book = (id: string, script: string) => `---\nid: ${id}\ntitle: T ${id}\nsummary: S.\nwhen: W.\nrisk: low\n---\n\n## S {#s}\n\n\`\`\`sh on=all\n${script}\n\`\`\`\n`;

it('lists good, broken and unreadable files; only the good one has no problems', async () => {
  writeFileSync(join(dir, 'a-good.md'), book('good', 'echo ok'));
  writeFileSync(join(dir, 'b-bad.md'), book('bad', 'echo "{{vip}}"'));
  writeFileSync(join(dir, 'c-nofm.md'), '# nothing\n');
  const catalog = await catalogDir(dir);
  const before = homeRunbookList(catalog, undefined, formatProblem);
  assert.deepEqual(
    before.map((r) => [r.title, r.problems?.length ?? 0]),
    [
      ['T good', 0],
      ['T bad', 0],
      ['c-nofm.md', 1],
    ],
  );
  const problems = await checkLibrary(catalog, undefined, undefined);
  const list = homeRunbookList(catalog, problems, formatProblem);
  assert.deepEqual(
    list.map((r) => [r.title, r.problems?.length ?? 0]),
    [
      ['T good', 0],
      ['T bad', 1],
      ['c-nofm.md', 1],
    ],
  );
  assert.match(list[1]!.problems![0]!, /b-bad\.md:12:7: \{\{vip\}\} inside double quotes/);
  assert.match(list[2]!.problems![0]!, /c-nofm\.md:1:1: no front matter/);
});
