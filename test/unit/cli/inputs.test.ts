import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveInputs, checkInput } from '../../../src/runbook/inputs.ts';
import type { Runbook, RunbookInput } from '../../../src/runbook/types.ts';

const pos = { line: 1, column: 1 };
const host: RunbookInput = { name: 'host', prompt: 'Host to promote', pattern: '[a-z0-9-]+', default: '{{hosts.metalogger.name}}', pos };
const mode: RunbookInput = { name: 'mode', prompt: 'Mode', choices: ['fast', 'safe'], pos };
const rb = { id: 'demo', inputs: [host, mode], steps: [] } as unknown as Runbook;

test('defaults are rendered from variables and values are checked', () => {
  const r = resolveInputs(rb, { mode: 'safe' }, { 'hosts.metalogger.name': 'ml' });
  assert.deepEqual(r.values, { host: 'ml', mode: 'safe' });
  assert.deepEqual(r.problems, []);
});

test('every problem is reported at once, each naming the input', () => {
  const r = resolveInputs(rb, { host: 'Bad Host!', extra: '1' }, {});
  assert.deepEqual(
    r.problems.map((p) => p.message),
    ['extra: runbook demo has no such input (inputs: host, mode)', 'host must match /[a-z0-9-]+/ (got "Bad Host!")', 'mode: missing (Mode)'],
  );
});

test('a pattern must match the whole value', () => {
  assert.equal(checkInput(host, 'm1'), undefined);
  assert.match(checkInput(host, 'm1;reboot') ?? '', /must match/);
  assert.match(checkInput(mode, 'other') ?? '', /must be one of fast, safe/);
});
