// `run --dry-run` shows every byte of what would run, the decision questions as the operator
// will read them, and per host the SSH login and whether it runs under sudo.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderDryRun } from '../../../src/engine/dry-run.ts';
import { parseRunbook } from '../../../src/runbook/parse.ts';
import { sampleInventory } from '../../support/sample-inventory.ts';

const BOOK = `---
id: dry
title: Dry
summary: s
when: w
risk: low
inputs:
  - name: who
    prompt: Who?
    default: m1
---

## Look {#look}

\`\`\`sh on=master-candidate confirm=yes risk="stops {{inputs.who}}"
printf 'a\\tb  '
echo done
\`\`\`

## Choose {#choose}

\`\`\`decision
question: Bring {{inputs.who}} back?
choices:
  - key: yes
    label: Yes, {{inputs.who}}
    goto: look
  - label: No
    goto: look
\`\`\`
`;

test('dry run: SSH login and sudo per host, decisions rendered, every byte shown', () => {
  const { runbook, problems } = parseRunbook(BOOK, 'dry.md');
  assert.deepEqual(problems, []);
  const inv = sampleInventory();
  inv.hosts = inv.hosts.map((h) => (h.name === 'm2' ? { ...h, become: true } : h));
  const text = renderDryRun(runbook!, inv, { who: 'm2' });
  assert.match(text, /\[m1\] \(ssh ops@10\.99\.0\.11:2222, as ops, no sudo\)/);
  assert.match(text, /\[m2\] \(ssh \S+@10\.99\.0\.12:22, under sudo\)/);
  assert.match(text, /RISK: stops m2/);
  assert.match(text, /Bring m2 back\?/);
  assert.match(text, /- yes: Yes, m2 → step look/);
  // The tab and the trailing spaces of the script are there to see, not trimmed away.
  assert.match(text, /\$ printf 'a\\tb {2}'\n/);
  assert.doesNotMatch(text, /\{\{inputs\.who\}\}/);
});

test('dry run: a control character in a value is shown escaped, never sent to the terminal', () => {
  const { runbook } = parseRunbook(BOOK, 'dry.md');
  const text = renderDryRun(runbook!, sampleInventory(), { who: 'm2\x1b[2J' });
  assert.doesNotMatch(text, /\x1b/);
  assert.match(text, /\\x1b\[2J/);
});
