// The complete example in runbooks/README.md must stay a valid runbook.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { builtinRunbookDir, formatProblem, loadRunbookDir } from '../../../src/runbook/library.ts';
import { parseRunbook } from '../../../src/runbook/parse.ts';
import { validateRunbook } from '../../../src/runbook/validate.ts';
import { sampleInventory } from '../../support/sample-inventory.ts';

const README = join(builtinRunbookDir(), 'README.md');
const text = readFileSync(README, 'utf8');

/** The ````markdown block under "## A complete example". */
function completeExample(): string {
  const m = /^## A complete example\n[\s\S]*?^````markdown\n([\s\S]*?)^````$/m.exec(text);
  assert.ok(m, 'README has a ````markdown block under "## A complete example"');
  return m[1]!;
}

describe('runbooks/README.md', () => {
  it('its complete example validates clean', () => {
    const { runbook, problems } = parseRunbook(completeExample(), 'README-example.md');
    assert.deepEqual(problems.map(formatProblem), []);
    const knownRunbookIds = new Set(loadRunbookDir(builtinRunbookDir()).runbooks.map((r) => r.id));
    assert.deepEqual(validateRunbook(runbook!, { knownRunbookIds, inventory: sampleInventory() }).map(formatProblem), []);
  });

  it('the example uses each kind of step, variants, a check and requires', () => {
    const rb = parseRunbook(completeExample(), 'README-example.md').runbook!;
    assert.deepEqual(
      rb.steps.map((s) => s.kind),
      ['command', 'command', 'command', 'decision', 'manual'],
    );
    const restart = rb.steps[1]!;
    assert.equal(restart.commands.length, 2);
    assert.ok(restart.commands.every((c) => c.check && c.confirm === 'typed' && c.risk));
    assert.deepEqual(restart.requires, ['master-running', 'no-missing-chunks']);
    assert.deepEqual(
      rb.inputs.map((i) => [i.name, i.default]),
      [
        ['host', '{{hosts.chunkserver.name}}'],
        ['wait', '30'],
      ],
    );
  });

  it('documents every attribute the parser accepts', async () => {
    const { COMMAND_ATTRIBUTES, REQUIREMENTS } = await import('../../../src/runbook/attributes.ts');
    for (const a of COMMAND_ATTRIBUTES) assert.ok(text.includes(`\`${a}=\``), `README documents ${a}=`);
    for (const r of REQUIREMENTS) assert.ok(text.includes(`\`${r}\``), `README documents ${r}`);
  });

  it('its runbook written only in Chinese validates clean, with ids from the Chinese headings and keys from 是/否', () => {
    const m = /^### A runbook written only in Chinese\n[\s\S]*?^````markdown\n([\s\S]*?)^````$/m.exec(text);
    assert.ok(m, 'README has a ````markdown block under "### A runbook written only in Chinese"');
    const { runbook, problems } = parseRunbook(m[1]!, 'README-zh-example.md');
    assert.deepEqual(problems.map(formatProblem), []);
    assert.deepEqual(validateRunbook(runbook!, { knownRunbookIds: new Set(), inventory: sampleInventory() }).map(formatProblem), []);
    assert.deepEqual(
      runbook!.steps.map((s) => s.id),
      ['第一步确认没有缺失的-chunk', 'restart', '它回来了吗', '完成'],
    );
    assert.deepEqual(
      runbook!.steps[2]!.decision!.choices.map((c) => c.key),
      ['是', '否-再重启一次'],
    );
  });
});
