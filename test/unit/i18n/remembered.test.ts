// The language is remembered in conf's file and read back without loading conf.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('a remembered language is read straight from the file conf writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-lang-'));
  process.env.MFS_TUI_CONFIG_DIR = dir;
  const { configDir, readRemembered } = await import('../../../src/state/config-dir.ts');
  const { configPath, rememberLanguage } = await import('../../../src/state/config.ts');
  assert.equal(readRemembered('language'), undefined);
  rememberLanguage('zh');
  assert.equal(configPath(), join(configDir(), 'config.json'));
  assert.equal(readRemembered('language'), 'zh');
  assert.equal(statSync(configPath()).mode & 0o777, 0o600);
});
