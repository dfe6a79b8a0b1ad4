// The sudo marker prompt: stripped from stderr wherever the chunks split it, counted once per
// appearance; and the command shapes that carry it. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newSudoPrompt, sudoPrefix, SudoPromptWatcher, wrapScript } from '../../../src/ssh/remote-command.ts';

function feed(prompt: string, chunks: string[]): { out: string; prompts: number[] } {
  const seen: number[] = [];
  const w = new SudoPromptWatcher(prompt, (n) => seen.push(n));
  let out = '';
  for (const c of chunks) out += w.push(Buffer.from(c)).toString();
  out += w.flush().toString();
  return { out, prompts: seen };
}

test('the marker is removed and counted, also when split across chunks at every position', () => {
  const p = newSudoPrompt();
  const text = `lecture\n${p}Sorry, try again.\n${p}sudo: 1 incorrect password attempt\n`;
  for (let a = 0; a < text.length; a++) {
    for (const b of [a + 1, a + 7, a + p.length]) {
      const r = feed(p, [text.slice(0, a), text.slice(a, b), text.slice(b)]);
      assert.equal(r.out, 'lecture\nSorry, try again.\nsudo: 1 incorrect password attempt\n', `split at ${a},${b}`);
      assert.deepEqual(r.prompts, [1, 2]);
    }
  }
});

test('text that only starts like the marker is passed on, at the end too', () => {
  const p = newSudoPrompt();
  const r = feed(p, ['__mfs_tui_sud', 'o is not it\n', '__mfs']);
  assert.equal(r.out, '__mfs_tui_sudo is not it\n__mfs');
  assert.deepEqual(r.prompts, []);
});

test("once done (the command started), nothing is looked for: the script's own output is its own", () => {
  const p = newSudoPrompt();
  const seen: number[] = [];
  const w = new SudoPromptWatcher(p, (n) => seen.push(n));
  w.done = true;
  assert.equal(w.push(Buffer.from(`${p}x`)).toString(), `${p}x`);
  assert.deepEqual(seen, []);
});

test('password mode: sudo -S with the marker as its prompt, no -k (cached credentials are used), never the password', () => {
  const p = newSudoPrompt();
  assert.match(p, /^__mfs_tui_sudo_[0-9a-f]{18}__:$/);
  assert.notEqual(p, newSudoPrompt());
  assert.equal(sudoPrefix('password', p), `sudo -S -p '${p}' -- `);
  assert.throws(() => sudoPrefix('password'), /marker/);
  assert.throws(() => sudoPrefix('password', "x' ; id '"), /marker/);
  assert.ok(wrapScript('id', 'password', 'tok', p).command.startsWith(`exec sudo -S -p '${p}' -- /bin/sh -c `));
  assert.ok(wrapScript('id', 'nopasswd', 'tok').command.startsWith('exec sudo -n -- /bin/sh -c '));
});
