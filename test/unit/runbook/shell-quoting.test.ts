// `{{x}}` in a command is one shell word whatever the value; `{{{x}}}` is the value as it
// is; the validator says where a placeholder's form does not fit the shell text around it.
// The rendered commands are run by the real /bin/sh: nothing in a value may execute.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { placeholderContexts } from '../../../src/runbook/shell-context.ts';
import { parseRunbook } from '../../../src/runbook/parse.ts';
import { validateRunbook } from '../../../src/runbook/validate.ts';
import { buildVariables, renderScript, renderTemplate, shellWord } from '../../../src/runbook/template.ts';
import { resolveInputs } from '../../../src/runbook/inputs.ts';
import { sampleInventory } from '../../support/sample-inventory.ts';

const dir = mkdtempSync(join(tmpdir(), 'mfs-tui-quoting-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const canary = join(dir, 'pwned');

/** Values an attacker would type: each tries to run `touch <canary>`. */
const HOSTILE = [
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `x; touch ${canary}`,
  `x && touch ${canary} #`,
  `'; touch ${canary}; echo '`,
  `"; touch ${canary}; echo "`,
  `x\ntouch ${canary}`,
  `x'\\''; touch ${canary}; '`,
  `$'\\x41'; touch ${canary}`,
  `x | touch ${canary}`,
  `> ${canary}`,
  `*`,
  '',
  `${'$'}{IFS}touch${'$'}{IFS}${canary}`,
];

function sh(script: string): string {
  return execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
}

describe('shellWord', () => {
  it('leaves plain words bare and quotes the rest as one word', () => {
    assert.equal(shellWord('m1'), 'm1');
    assert.equal(shellWord('/var/lib/mfs'), '/var/lib/mfs');
    assert.equal(shellWord('10.77.0.0/24'), '10.77.0.0/24');
    assert.equal(shellWord('a b'), "'a b'");
    assert.equal(shellWord("it's"), "'it'\\''s'");
    assert.equal(shellWord(''), "''");
    assert.equal(shellWord('*'), "'*'");
    assert.equal(shellWord('~root'), "'~root'");
    assert.equal(shellWord('A=1'), "'A=1'", 'never an assignment');
  });

  for (const value of HOSTILE) {
    it(`the real sh sees ${JSON.stringify(value)} as one word, and runs nothing of it`, () => {
      const vars = { 'inputs.x': value };
      const { text, missing } = renderScript('printf "[%s]" {{inputs.x}}; printf "(%s)" $(echo {{inputs.x}} | wc -l)', vars);
      assert.deepEqual(missing, []);
      const out = sh(text);
      assert.ok(out.startsWith(`[${value}]`), `${text} printed ${out}`);
      assert.equal(existsSync(canary), false, `${text} executed part of the value`);
    });
  }

  it('an inventory value through {{...}} stays one word too (the inventory is checked, and quoted anyway)', () => {
    const inv = sampleInventory();
    inv.paths.data = `/srv/a b;touch ${canary}`;
    const { text } = renderScript('cd {{paths.data}} 2>/dev/null; printf "%s" {{paths.data}}', buildVariables(inv, {}));
    assert.equal(sh(text), inv.paths.data);
    assert.equal(existsSync(canary), false);
  });
});

describe('renderScript and renderTemplate', () => {
  const vars = { 'inputs.list': '10.0.0.1 10.0.0.2', vip: '10.99.0.100' };
  it('{{{x}}} is the value as it is; {{x}} one word', () => {
    assert.equal(renderScript('for a in {{{inputs.list}}}; do echo $a; done', vars).text, 'for a in 10.0.0.1 10.0.0.2; do echo $a; done');
    assert.equal(renderScript('for a in {{inputs.list}}; do echo $a; done', vars).text, "for a in '10.0.0.1 10.0.0.2'; do echo $a; done");
    assert.equal(renderScript('echo "{{{ vip }}}"', vars).text, 'echo "10.99.0.100"');
  });
  it('text that is not shell takes both forms as they are', () => {
    assert.equal(renderTemplate('on {{inputs.list}} and {{{ vip }}}', vars).text, 'on 10.0.0.1 10.0.0.2 and 10.99.0.100');
  });
  it('unknown names are listed, raw or not', () => {
    assert.deepEqual(renderScript('{{{nope}}} {{nope2}}', vars).missing, ['nope', 'nope2']);
  });
  it('never inserts a raw value that holds shell code, whatever let it through: it is listed as unsafe', () => {
    for (const value of HOSTILE.filter((v) => /[$`;'"\\\n&|<>()#{}]/.test(v))) {
      const r = renderScript('echo {{{inputs.x}}} {{inputs.x}}', { 'inputs.x': value });
      assert.deepEqual(r.unsafe, ['inputs.x'], JSON.stringify(value));
      assert.ok(r.text.startsWith('echo {{{inputs.x}}} '), r.text);
    }
    assert.deepEqual(renderScript('for a in {{{inputs.list}}}; do :; done', vars).unsafe, []);
  });
});

describe('a raw input whose pattern the validator cannot see through', () => {
  // The validator probes a pattern with one metacharacter between safe letters; this one
  // admits `$(...)` only as a whole, so the probes pass it. Its values still never run.
  const text = `---\nid: t\ntitle: T\nsummary: S\nwhen: W\nrisk: low\ninputs:\n  - { name: x, prompt: X, pattern: "[a-z]+(\\\\$\\\\([A-Za-z0-9 /._-]+\\\\))?" }\n---\n\n## Step\n\n\`\`\`sh on=all\necho {{{inputs.x}}}\n\`\`\`\n`;
  const { runbook: rb, problems } = parseRunbook(text, 'rb.md');
  it('is valid (the probes do not find the hole)', () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(validateRunbook(rb!, {}), []);
  });
  it('refuses a value with shell code before the run starts, and the plan never renders it', () => {
    const hostile = `abc$(touch ${canary})`;
    const resolved = resolveInputs(rb!, { x: hostile }, {});
    assert.deepEqual(resolved.values, {});
    assert.match(resolved.problems[0]?.message ?? '', /^x: .* holds shell characters \(\$ \( \)\); the runbook puts it into a command as it is/);
    assert.deepEqual(resolveInputs(rb!, { x: 'abc' }, {}).problems, []);
    const { text: script, unsafe } = renderScript(rb!.steps[0]!.commands[0]!.script, { 'inputs.x': hostile });
    assert.deepEqual(unsafe, ['inputs.x']);
    sh(script.replace('{{{inputs.x}}}', ''));
    assert.equal(existsSync(canary), false);
  });
});

describe('placeholderContexts', () => {
  const ctx = (script: string) => placeholderContexts(script).map((c) => `${c.placeholder.name}:${c.context}`);
  it('follows quotes, substitutions, parameters, arithmetic, comments and here-documents', () => {
    assert.deepEqual(ctx('echo {{a}} "{{b}}" \'{{c}}\' $(echo "$(cat {{d}})" {{e}}) `echo {{f}}` "x$(echo {{g}})"'), [
      'a:command',
      'b:double-quoted',
      'c:single-quoted',
      'd:command',
      'e:command',
      'f:command',
      'g:command',
    ]);
    assert.deepEqual(ctx('x=${Y:-{{a}}}; n=$(( {{b}} + 1 )); m=$(( $(cat "{{c}}") )) # {{d}} "'), ['a:parameter', 'b:arithmetic', 'c:double-quoted', 'd:command']);
    assert.deepEqual(ctx("cat > f <<'EOF'\nkey {{a}}\n\"{{b}}\nEOF\necho {{c}}\ncat <<-X\n\tv {{d}}\n\tX\n{{e}}"), ['a:heredoc', 'b:heredoc', 'c:command', 'd:heredoc', 'e:command']);
    assert.deepEqual(ctx('echo \\"{{a}} "a\\"{{b}}"'), ['a:command', 'b:double-quoted']);
  });
});

describe('the validator on placeholders and control characters', () => {
  const runbook = (script: string, inputs = '') =>
    `---\nid: t\ntitle: T\nsummary: S\nwhen: W\nrisk: low\ninputs:\n  - { name: free, prompt: Anything }\n  - { name: host, prompt: Host, pattern: "[a-z0-9]+" }\n${inputs}---\n\n## Step\n\n\`\`\`sh on=all\n${script}\n\`\`\`\n`;
  const problems = (script: string) => {
    const { runbook: rb, problems: p } = parseRunbook(runbook(script), 'rb.md');
    assert.deepEqual(p, []);
    return validateRunbook(rb!, {}).map((x) => `${x.line}:${x.column}: ${x.message}`);
  };

  it('accepts {{x}} in command text and {{{x}}} of checked values anywhere', () => {
    assert.deepEqual(problems('echo {{inputs.free}} "{{{inputs.host}}}" "{{{vip}}}" \'{{{paths.data}}}\'\ncat <<EOF\n{{{host.name}}}\nEOF'), []);
  });
  it('reports {{x}} inside quotes or a here-document at file:line:col, with the fix', () => {
    const p = problems('echo "on {{inputs.host}}"\ncat <<EOF\n{{vip}}\nEOF');
    assert.equal(p.length, 2);
    assert.match(p[0]!, /^15:10: \{\{inputs.host\}\} inside double quotes: .*Close the double quotes around it .*\{\{\{inputs.host\}\}\}/);
    assert.match(p[1]!, /^17:1: \{\{vip\}\} in a here-document/);
  });
  it('refuses {{{x}}} of an input without pattern or choices', () => {
    const p = problems('echo "{{{inputs.free}}}"');
    assert.equal(p.length, 1);
    assert.match(p[0]!, /^15:7: \{\{\{inputs.free\}\}\} inserts the value as it is, but input "free" has no pattern or choices/);
  });
  it('refuses {{{x}}} of an input whose pattern or choices still admit shell code (a pattern like .*)', () => {
    const loose = (inputs: string, script: string) => {
      const { runbook: rb, problems: p } = parseRunbook(runbook(script, inputs), 'rb.md');
      assert.deepEqual(p, []);
      return validateRunbook(rb!, {}).map((x) => x.message);
    };
    const any = loose('  - { name: any, prompt: Any, pattern: ".*" }\n', 'echo {{{inputs.any}}}');
    assert.equal(any.length, 1);
    assert.match(any[0]!, /^\{\{\{inputs.any\}\}\} inserts the value as it is, but input "any" admits \$ ` ; ' " \\ & \| < > \( \) # \{ \}: a value could run as shell code/);
    const words = loose('  - { name: w, prompt: W, pattern: "[^;]+" }\n', 'echo {{{inputs.w}}}');
    assert.match(words[0] ?? '', /admits \$ `/, 'a pattern that only forbids ; still lets $( ) through');
    const choice = loose('  - { name: c, prompt: C, choices: ["a", "b;reboot"] }\n', 'echo {{{inputs.c}}}');
    assert.match(choice[0] ?? '', /input "c" admits ;/);
    // Tight ones stay fine, spaces included (a list of addresses split on purpose).
    assert.deepEqual(
      loose('  - { name: ips, prompt: IPs, pattern: "[0-9. ]+" }\n  - { name: r, prompt: R, choices: [metalogger, chunkserver] }\n', 'for a in {{{inputs.ips}}}; do echo {{{inputs.r}}}; done'),
      [],
    );
  });
  it('reports control characters other than tab and newline, and invisible reordering marks', () => {
    const p = problems('echo ok\tfine\necho \u001b[2Jhidden; echo \u202eevil\u202c');
    assert.deepEqual(
      p.map((x) => /^\d+:\d+: .*?\((U\+[0-9A-F]{4})\)/.exec(x)?.slice(0, 2).join(' ')),
      ['16:6: an escape (ESC) (U+001B) U+001B', '16:23: an invisible formatting mark (U+202E) U+202E', '16:28: an invisible formatting mark (U+202C) U+202C'],
    );
    assert.match(p[0]!, /escape \(ESC\) \(U\+001B\) in the command/);
  });
  it('reports unprintable characters in what the operator reads (title, prose, a fence line), with the class visible() escapes', () => {
    const text = runbook('echo ok').replace('title: T', 'title: T\u001b]0;x\u0007').replace('## Step\n', '## Step\n\nRead \u202eevil\u00ad and\u2028more\n');
    const { problems: p } = parseRunbook(text, 'rb.md');
    const found = p.map((x) => `${x.line}:${x.column}: ${/U\+[0-9A-F]+/.exec(x.message)?.[0]}`);
    assert.deepEqual(found, ['3:9: U+001B', '3:14: U+0007', '14:6: U+202E', '14:11: U+00AD', '14:16: U+2028']);
    assert.match(p[0]!.message, /unprintable character \(U\+001B\) in the text the operator reads/);
  });
  it('refuses an unchecked input passed to a command that runs its argument as shell code again (sh -c, eval, ssh, su -c)', () => {
    for (const script of [
      'sh -c {{inputs.free}}',
      'eval {{inputs.free}}',
      'ssh m1 {{inputs.free}}',
      'su - ops -c {{inputs.free}}',
      'x=1; bash -lc {{inputs.free}}',
      '/bin/sh -c {{inputs.free}}',
      'x=1; /usr/bin/env /bin/bash -c {{inputs.free}}',
    ]) {
      // (a nested bash without --norc is reported on its own too: not this test's subject)
      const p = problems(script).filter((x) => !x.includes('~/.bashrc'));
      assert.equal(p.length, 1, script);
      assert.match(p[0]!, /\{\{inputs.free\}\} is an argument of `\w+`, which runs its argument as shell code again/, script);
    }
    // A checked value, or another command on the same line, is fine.
    assert.deepEqual(problems('sh -c {{inputs.host}}'), []);
    assert.deepEqual(problems('echo {{inputs.free}}; sh -c true'), []);
  });
  it('says a CRLF file once, with the fix', () => {
    const { runbook: rb } = parseRunbook(runbook('echo a\necho b').replaceAll('\n', '\r\n'), 'rb.md');
    const p = validateRunbook(rb!, {});
    assert.equal(p.length, 1);
    assert.match(p[0]!.message, /Windows line endings/);
  });
});
