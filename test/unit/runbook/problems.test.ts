// Each broken runbook is reported at the exact file:line:col of the offending text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProblem } from '../../../src/runbook/library.ts';
import { parseRunbook } from '../../../src/runbook/parse.ts';
import { validateRunbook } from '../../../src/runbook/validate.ts';
import type { ValidateContext } from '../../../src/runbook/validate.ts';
import { sampleInventory } from '../../support/sample-inventory.ts';

// Lines 1-7; the body starts on line 8.
const FM = '---\nid: t\ntitle: T\nsummary: S\nwhen: W\nrisk: low\n---\n';
const FENCE = '```';

function problems(text: string, ctx: ValidateContext = {}): string[] {
  const parsed = parseRunbook(text, 'bad.md');
  const validated = parsed.runbook ? validateRunbook(parsed.runbook, ctx) : [];
  return [...parsed.problems, ...validated].map(formatProblem);
}

/** Asserts exactly one problem, at `where`, whose message matches `message`. */
function expectOne(text: string, where: string, message: RegExp, ctx: ValidateContext = {}): void {
  const found = problems(text, ctx);
  assert.equal(found.length, 1, `expected one problem, got:\n${found.join('\n')}`);
  assert.ok(found[0]!.startsWith(`bad.md:${where}: `), `expected bad.md:${where}, got ${found[0]}`);
  assert.match(found[0]!, message);
}

const step = (meta: string, script = 'true') => `${FM}\n## S\n\n${FENCE}sh ${meta}\n${script}\n${FENCE}\n`;
// In step(): line 9 is the heading, line 11 the fence, line 12 the script's first line.

describe('front matter problems', () => {
  it('no front matter', () => {
    expectOne('# Title\n\n## S\n', '1:1', /no front matter/);
  });

  it('missing fields are reported at the opening ---', () => {
    const found = problems('---\nid: t\ntitle: T\n---\n');
    assert.deepEqual(found, ['bad.md:1:1: missing front matter field "summary"', 'bad.md:1:1: missing front matter field "when"', 'bad.md:1:1: missing front matter field "risk"']);
  });

  it('bad YAML at its line in the file', () => {
    expectOne('---\nid: t\ntitle: T\nsummary: [unclosed\nwhen: W\nrisk: low\n---\n', '5:1', /^bad\.md:5:1: bad YAML: /);
  });

  it('duplicate keys are YAML errors', () => {
    expectOne(`${FM.replace('risk: low\n', 'risk: low\nrisk: high\n')}`, '7:1', /bad YAML: Map keys must be unique/);
  });

  it('unknown role in roles, at the item', () => {
    expectOne(FM.replace('risk: low\n', 'risk: low\nroles: [chunkserver, chunkservers]\n'), '7:22', /unknown role "chunkservers" in roles/);
  });

  it('bad risk level, at the value', () => {
    expectOne(FM.replace('risk: low', 'risk: extreme'), '6:7', /bad risk "extreme": write one of low, medium, high, critical/);
  });

  it('front matter that is not a map', () => {
    expectOne('---\n- id: t\n---\n\n## S\n', '2:1', /the front matter must be a YAML map of fields \(Expected object, received array\)/);
  });

  it('unknown front matter field, at the key', () => {
    expectOne(FM.replace('risk: low\n', 'risk: low\nauthor: me\n'), '7:1', /unknown front matter field "author"/);
  });

  it('input problems: missing prompt, bad pattern, default not matching', () => {
    const inputs = 'inputs:\n  - name: a\n  - name: b\n    prompt: B\n    pattern: "[a-"\n  - name: c\n    prompt: C\n    pattern: "[0-9]+"\n    default: x1\n';
    assert.deepEqual(problems(FM.replace('risk: low\n', `risk: low\n${inputs}`) + '\n## S\n'), ['bad.md:8:5: missing front matter field "inputs[0].prompt"']);
    const fixed = inputs.replace('  - name: a\n', '  - name: a\n    prompt: A\n');
    const found = problems(FM.replace('risk: low\n', `risk: low\n${fixed}`) + '\n## S\n');
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0]!, /^bad\.md:12:15: bad pattern for input "b": Invalid regular expression/);
    assert.equal(found[1], 'bad.md:16:14: default "x1" of input "c" does not match its pattern');
  });
});

describe('attribute problems', () => {
  it('unknown attribute, at its key', () => {
    expectOne(step('on=all colour=red'), '11:14', /unknown attribute "colour"/);
  });

  it('bare word that is not check', () => {
    expectOne(step('on=all dangerous'), '11:14', /unknown attribute "dangerous": attributes are written key=value/);
  });

  it('bad values, at the value', () => {
    expectOne(step('on=all confirm=maybe'), '11:22', /bad confirm "maybe"/);
    expectOne(step('on=all timeout=soon'), '11:22', /bad timeout "soon"/);
    expectOne(step('on=all expect-exit=0,x'), '11:26', /bad expect-exit "0,x"/);
    expectOne(step('on=all parallel=0'), '11:23', /bad parallel "0"/);
    expectOne(step('on=all requires="vip-held,no-splitbrain"'), '11:33', /unknown requirement "no-splitbrain"/);
  });

  it('a bad condition in when= is reported at that condition', () => {
    expectOne(step('on=all when="os=debian arch=x86"'), '11:30', /unknown fact "arch"/);
  });

  it('unclosed quote', () => {
    expectOne(step('on=all risk="oops'), '11:19', /the quote is never closed/);
  });

  it('attribute given twice', () => {
    expectOne(step('on=all timeout=5 timeout=6'), '11:24', /attribute "timeout" is given twice/);
  });

  it('missing on=', () => {
    expectOne(step('confirm=yes'), '11:1', /needs on=/);
  });

  it('confirm=none with risk= is a contradiction, at confirm', () => {
    expectOne(step('on=all confirm=none risk="may delete data"'), '11:22', /confirm=none contradicts risk=/);
  });

  it('bad regex in expect-output, at the value', () => {
    expectOne(step('on=all expect-output="(unclosed"'), '11:29', /bad expect-output: Invalid regular expression/);
  });

  it('a markdown escape in expect-output is kept as written', () => {
    const parsed = parseRunbook(step('on=all expect-output="^a\\|b"'), 'ok.md');
    assert.equal(parsed.runbook!.steps[0]!.commands[0]!.expectOutput, '^a\\|b');
  });
});

describe('target problems', () => {
  it('a misspelt role in on=, at the item', () => {
    expectOne(step('on=master-candidate,chunkservers'), '11:27', /unknown role "chunkservers" in on= \(did you mean the role chunkserver\?\)/);
  });

  it('with an inventory, an unknown host in on=', () => {
    expectOne(step('on=m1,m9'), '11:13', /unknown host or role "m9" in on=: not a role and no such host in \/etc\/mfs-tui\/lab\.yaml/, {
      inventory: sampleInventory(),
    });
    assert.deepEqual(problems(step('on=m1,cs2,vip-holder'), { inventory: sampleInventory() }), []);
  });

  it('bad target syntax', () => {
    expectOne(step('on=all,,local'), '11:14', /empty target in on=/);
  });

  it('blocks of one step with different targets', () => {
    const text = `${FM}\n## S\n\n${FENCE}sh on=all when="os=debian"\ntrue\n${FENCE}\n\n${FENCE}sh on=chunkserver\ntrue\n${FENCE}\n`;
    expectOne(text, '15:10', /same on= targets: this one has chunkserver, the block at line 11 has all/);
  });

  it('a block after one without when= is never used', () => {
    const text = `${FM}\n## S\n\n${FENCE}sh on=all\ntrue\n${FENCE}\n\n${FENCE}sh on=all when="os=rhel"\ntrue\n${FENCE}\n`;
    expectOne(text, '15:1', /this block is never used: the block at line 11 has no when=/);
  });
});

describe('variable problems', () => {
  it('undeclared input in a script, at the {{', () => {
    expectOne(step('on=all', 'echo ok\n  echo {{ inputs.nope }}'), '13:8', /undefined variable \{\{inputs\.nope\}\}: no input "nope" is declared/);
  });

  it('unknown namespace', () => {
    expectOne(step('on=all', 'ping {{vipp}}'), '12:6', /unknown variable \{\{vipp\}\}/);
  });

  it('unknown host with an inventory, none without', () => {
    const text = step('on=all', 'ssh {{hosts.m9.address}}');
    expectOne(text, '12:5', /"m9" is neither a role nor a host/, { inventory: sampleInventory() });
    assert.deepEqual(problems(text), []);
  });

  it('in an on= template', () => {
    expectOne(step('on="{{inputs.host}}"'), '11:11', /no input "host" is declared/);
  });

  it('in a check script, indented content lines keep their columns', () => {
    const text = `${FM}\n## S\n\n   ${FENCE}sh on=all\n   true\n   ${FENCE}\n   ${FENCE}sh check\n   echo {{nope}}\n   ${FENCE}\n`;
    expectOne(text, '15:9', /unknown variable \{\{nope\}\}/);
  });

  it('host.* in prose or an input default is an error; vip in prose is fine', () => {
    expectOne(`${FM}\n## S\n\nOn {{vip}} and\nthen {{host.name}} here.\n`, '12:6', /only defined inside a command block/);
    const withInput = FM.replace('risk: low\n', 'risk: low\ninputs:\n  - name: a\n    prompt: A\n    default: "x{{host.name}}"\n');
    expectOne(`${withInput}\n## S\n`, '10:16', /only defined inside a command block/);
  });

  it('in a decision question', () => {
    const text = `${FM}\n## S\n\n${FENCE}decision\nquestion: Is {{inputs.x}} ok?\nchoices:\n  - label: Yes\n    goto: s\n${FENCE}\n`;
    expectOne(text, '12:14', /no input "x" is declared/);
  });
});

describe('structure problems', () => {
  it('goto to a missing step, at the target', () => {
    const text = `${FM}\n## S\n\n${FENCE}decision\nquestion: Q?\nchoices:\n  - label: Again\n    goto: s\n  - label: On\n    goto: nowhere\n${FENCE}\n`;
    expectOne(text, '17:11', /goto "nowhere": no step has this id \(ids: s\)/);
  });

  it('runbook: to an unknown id, only when known ids are given', () => {
    const text = `${FM}\n## S\n\n${FENCE}decision\nquestion: Q?\nchoices:\n  - label: Other\n    runbook: "nope"\n${FENCE}\n`;
    expectOne(text, '15:15', /runbook "nope": no runbook has this id/, { knownRunbookIds: new Set(['health-check']) });
    assert.deepEqual(problems(text), []);
  });

  it('bad YAML in a decision block, at its line in the file', () => {
    const text = `${FM}\n## S\n\n${FENCE}decision\nquestion: Q?\nchoices: [\n${FENCE}\n`;
    const found = problems(text);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /^bad\.md:13:\d+: bad YAML: /);
  });

  it('a choice without goto or runbook, and duplicate keys', () => {
    const text = `${FM}\n## S\n\n${FENCE}decision\nquestion: Q?\nchoices:\n  - label: A\n  - label: a\n    goto: s\n${FENCE}\n`;
    assert.deepEqual(problems(text), ['bad.md:14:5: a choice needs goto: <step-id> or runbook: <runbook-id>', 'bad.md:15:5: two choices have the key "a": give one an explicit key:']);
  });

  it('duplicate step ids, at the second id', () => {
    const text = `${FM}\n## Check it\n\n## Other {#check-it}\n`;
    expectOne(text, '11:12', /duplicate step id "check-it" \(first at line 9\)/);
  });

  it('a check block with no command block before it', () => {
    const text = `${FM}\n## S\n\nText.\n\n${FENCE}sh check\ntrue\n${FENCE}\n`;
    expectOne(text, '13:1', /a check block must follow the command block it checks/);
  });

  it('a check block does not attach across steps', () => {
    const text = `${FM}\n## A\n\n${FENCE}sh on=all\ntrue\n${FENCE}\n\n## B\n\n${FENCE}sh check\ntrue\n${FENCE}\n`;
    expectOne(text, '17:1', /a check block must follow/);
  });

  it('commands and a decision in one step', () => {
    const text = `${FM}\n## S\n\n${FENCE}sh on=all\ntrue\n${FENCE}\n\n${FENCE}decision\nquestion: Q?\nchoices:\n  - label: A\n    goto: s\n${FENCE}\n`;
    expectOne(text, '15:1', /either a decision or commands, not both/);
  });

  it('a command block inside a list', () => {
    const text = `${FM}\n## S\n\n- do this:\n\n  ${FENCE}sh on=all\n  true\n  ${FENCE}\n`;
    expectOne(text, '13:3', /must stand on its own under the step heading/);
  });

  it('a command block before the first step', () => {
    expectOne(`${FM}\n${FENCE}sh on=all\ntrue\n${FENCE}\n\n## S\n`, '9:1', /must be under a ## step heading/);
  });

  it('a runbook without steps', () => {
    expectOne(`${FM}\n# Title\n\nJust text.\n`, '8:1', /no steps: each step is a "## Title" heading/);
  });

  it('a setext heading made by a --- line under text', () => {
    expectOne(`${FM}\n## S\n\nSome text\n---\n`, '11:1', /a line of --- under text makes that text a step heading/);
  });
});

describe('nested bash problems', () => {
  // Over SSH, `bash -c` reads the login user's ~/.bashrc first (pyenv, conda, echo lines).
  it('bash -c without --norc is reported where bash stands', () => {
    expectOne(step('on=all', "timeout 8 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9421'"), '12:11', /bash --norc --noprofile -c/);
  });

  it('combined options and a path are caught too', () => {
    expectOne(step('on=all', 'true; /usr/bin/bash -ec "true"'), '12:7', /~\/\.bashrc/);
  });

  it('bash --norc -c and bash running a script file pass', () => {
    assert.deepEqual(problems(step('on=all', "timeout 1 bash --norc --noprofile -c 'true'\nbash /tmp/x.sh\n# not bash -c here: a comment\ntrue # nor bash -c here")), []);
  });
});
