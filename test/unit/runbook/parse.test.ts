import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseRunbook, slugify } from '../../../src/runbook/parse.ts';
import { validateRunbook } from '../../../src/runbook/validate.ts';
import type { Runbook } from '../../../src/runbook/types.ts';

const FILE = fileURLToPath(new URL('../../fixtures/runbooks/valid/swap-disk.md', import.meta.url));
const TEXT = readFileSync(FILE, 'utf8');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
/** The source of a step: from its heading to the next `## ` heading or the end. */
const stepSource = (heading: string) => {
  const start = TEXT.indexOf(heading);
  const next = TEXT.indexOf('\n## ', start + 1);
  return TEXT.slice(start, next < 0 ? TEXT.length : next + 1);
};

describe('parseRunbook on a valid file', () => {
  const { runbook, problems } = parseRunbook(TEXT, FILE);

  it('reports no problems, and validation finds none', () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(validateRunbook(runbook!, { knownRunbookIds: new Set(['health-check']) }), []);
  });

  it('gives the exact model', () => {
    const markScript = "sed -i 's|^{{{inputs.disk}}}$|*{{{inputs.disk}}}|' {{paths.config}}/mfshdd.cfg";
    const expected: Runbook = {
      id: 'swap-disk',
      title: 'Swap a chunkserver disk',
      summary: 'Marks a disk for removal, waits for replication, then lets the operator swap it.',
      when: 'A disk reports errors.',
      risk: 'high',
      roles: ['chunkserver', 'master-candidate'],
      inputs: [
        { name: 'host', prompt: 'Which chunkserver?', default: '{{hosts.chunkserver.name}}', pattern: '[a-z0-9-]+', pos: { line: 9, column: 5 } },
        { name: 'disk', prompt: 'Which disk path?', choices: ['/mnt/hdd1', '/mnt/hdd2'], help: 'As written in mfshdd.cfg.', pos: { line: 13, column: 5 } },
      ],
      steps: [
        {
          id: 'mark',
          title: 'Mark the disk for removal',
          prose: 'Prefix the line with `*`.',
          kind: 'command',
          commands: [
            {
              script: `${markScript} && systemctl reload moosefs-chunkserver`,
              targets: [{ kind: 'template', template: '{{inputs.host}}' }],
              confirm: 'typed',
              timeoutMs: 300_000,
              expectExit: [0],
              when: [
                { fact: 'os', op: '=', value: 'debian' },
                { fact: 'init', op: '=', value: 'systemd' },
              ],
              parallel: 1,
              risk: 'Replication load',
              check: {
                script: "grep -F '{{{inputs.disk}}}' {{paths.config}}/mfshdd.cfg",
                timeoutMs: 10_000,
                expectExit: [0],
                expectOutput: '^\\*',
                pos: { line: 31, column: 1 },
              },
              pos: { line: 27, column: 1 },
            },
            {
              script: `${markScript} && mfschunkserver reload`,
              targets: [{ kind: 'template', template: '{{inputs.host}}' }],
              confirm: 'yes',
              timeoutMs: 300_000,
              expectExit: [0],
              when: [],
              parallel: 1,
              pos: { line: 35, column: 1 },
            },
          ],
          requires: ['no-missing-chunks'],
          hash: sha(stepSource('## Mark the disk')),
          pos: { line: 23, column: 1 },
        },
        {
          id: 'wait-for-replication',
          title: 'Wait for replication',
          prose: '```text\nthis block is prose\n```',
          kind: 'command',
          commands: [
            {
              script: "mfscli -ns '|' -SHD -H {{vip}}",
              targets: [
                { kind: 'role', role: 'master-candidate' },
                { kind: 'host', name: 'm1' },
              ],
              confirm: 'none',
              timeoutMs: 60_000,
              expectExit: [0, 1],
              when: [],
              parallel: 2,
              pos: { line: 45, column: 1 },
            },
          ],
          requires: [],
          hash: sha(stepSource('## Wait for')),
          pos: { line: 39, column: 1 },
        },
        {
          id: 'swap',
          title: 'Swap the disk',
          prose: 'Power the machine off, swap the disk, power it on.',
          kind: 'manual',
          commands: [],
          requires: [],
          hash: sha(stepSource('## Swap the disk')),
          pos: { line: 49, column: 1 },
        },
        {
          id: 'ask',
          title: 'Did it work?',
          prose: '',
          kind: 'decision',
          commands: [],
          decision: {
            question: 'Is the new disk listed?',
            choices: [
              { key: 'yes', label: 'Yes', goto: 'mark', pos: { line: 58, column: 5 } },
              { key: 'other', label: 'No, check the cluster', runbook: 'health-check', pos: { line: 60, column: 5 } },
            ],
            pos: { line: 55, column: 1 },
          },
          requires: [],
          hash: sha(stepSource('## Did it work')),
          pos: { line: 53, column: 1 },
        },
      ],
      file: FILE,
      hash: sha(TEXT),
    };
    assert.deepEqual(runbook, expected);
  });

  it("a changed step changes only that step's hash", () => {
    const changed = parseRunbook(TEXT.replace('power it on.', 'power it on again.'), FILE).runbook!;
    const before = runbook!.steps.map((s) => s.hash);
    const after = changed.steps.map((s) => s.hash);
    assert.deepEqual(
      after.map((h, i) => h === before[i]),
      [true, true, false, true],
    );
    assert.notEqual(changed.hash, runbook!.hash);
  });
});

describe('parseRunbook details', () => {
  const fm = '---\nid: t\ntitle: T\nsummary: S\nwhen: W\nrisk: low\n---\n';

  it('slugs titles and ignores the # title and text before the first step', () => {
    const { runbook, problems } = parseRunbook(`${fm}# Title\n\nintro\n\n## Stop the Master: now!\n\n### Sub heading\n\ntext\n`, 't.md');
    assert.deepEqual(problems, []);
    assert.equal(runbook!.steps.length, 1);
    assert.equal(runbook!.steps[0]!.id, 'stop-the-master-now');
    assert.equal(runbook!.steps[0]!.prose, '### Sub heading\n\ntext');
    assert.equal(runbook!.roles.length, 0);
    assert.equal(runbook!.inputs.length, 0);
  });

  it('slugify', () => {
    assert.equal(slugify('  Ça marche -- très bien  '), 'ca-marche-tres-bien');
    assert.equal(slugify('No, check the cluster'), 'no-check-the-cluster');
  });

  it('attribute defaults and duration forms', () => {
    const { runbook, problems } = parseRunbook(`${fm}## A\n\n\`\`\`shell on=local timeout=90\ntrue\n\`\`\`\n\n## B\n\n\`\`\`sh on=all timeout=1h\ntrue\n\`\`\`\n`, 't.md');
    assert.deepEqual(problems, []);
    const a = runbook!.steps[0]!.commands[0]!;
    assert.deepEqual([a.confirm, a.timeoutMs, a.expectExit, a.parallel, a.when, a.targets], ['yes', 90_000, [0], 1, [], [{ kind: 'local' }]]);
    assert.equal(runbook!.steps[1]!.commands[0]!.timeoutMs, 3_600_000);
  });
});
