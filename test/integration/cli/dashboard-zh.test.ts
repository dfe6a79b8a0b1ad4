// The wall dashboard's own labels and column headers in the operator's language: the real
// binary in a real pty (script(1)), against an inventory whose only host does not answer
// (127.0.0.1 port 1: loopback only), with no locale set (the Chinese still drawn as such, not
// as '?'). q restores the terminal in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../../support/cli-env.ts';
import { until } from '../../support/process.ts';

async function dashboard(lang: 'zh' | 'en', drawn: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-wall-'));
  writeFileSync(join(dir, 'known_hosts'), '');
  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(
    inventory,
    `cluster: walltest\nvip: { address: 127.0.0.200, interface: lo, prefix: 32 }\nssh: { known_hosts: [${join(dir, 'known_hosts')}] }\nhosts:\n` +
      '  - { name: m1, address: 127.0.0.1, port: 1, user: root, roles: [master-candidate, metalogger, chunkserver] }\n',
  );
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LC_ALL|LC_MESSAGES|LANG|LANGUAGE|MFS_TUI_.*)$/.test(k)));
  const cmd = [process.execPath, BIN, '--lang', lang, '-i', inventory, 'dashboard'].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', `stty rows 40 cols 140; exec ${cmd}`, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...env, HOME: dir, MFS_TUI_CONFIG_DIR: dir, MFS_TUI_STATE_DIR: join(dir, 'state'), TERM: 'xterm-256color', COLUMNS: '140', LINES: '40' },
  });
  let out = '';
  // Decoded as a stream: a Chinese character split across two reads stays whole.
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  try {
    // blessed writes spaces as cursor moves: look for words without spaces.
    await until(`the ${lang} dashboard to draw ${drawn.join(', ')}`, () => drawn.every((w) => out.includes(w)), 60_000, 100);
    child.stdin.write('q');
    assert.equal(await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]), 0, out.slice(-2000));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  assert.ok(out.lastIndexOf('\u001b[?1049l') > out.lastIndexOf('\u001b[?1049h'), 'left the alternate screen');
  return out;
}

test('the dashboard in Chinese: box labels and column headers; English under --lang en', async () => {
  const zh = await dashboard('zh', ['已用空间', '告警', '有风险的', '守护进程', '延迟', '负载']);
  assert.doesNotMatch(zh, /space\s*used|chunks\s*at\s*risk/);
  const en = await dashboard('en', ['space', 'alerts', 'risk', 'daemons', 'rtt', 'load']);
  assert.doesNotMatch(en, /已用空间|守护进程/);
});
