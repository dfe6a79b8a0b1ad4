// The real binary picks its language from --lang (remembered), else LC_ALL / LC_MESSAGES / LANG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../../support/cli-env.ts';

function cli(config: string, args: string[], locale: Record<string, string> = {}) {
  // Only the locale variables given here: the machine's own LANG must not decide.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LC_ALL|LC_MESSAGES|LANG|LANGUAGE)$/.test(k)));
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...env, ...locale, MFS_TUI_CONFIG_DIR: config, MFS_TUI_STATE_DIR: join(config, 'state'), NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ENGLISH = 'Guided, resumable, audited runbooks for MooseFS clusters.';
const CHINESE = '按 runbook 逐步引导、可续跑、全程留痕的 MooseFS 集群运维工具。';

test('the locale decides when nothing was asked: zh_* is Chinese, C and en_* English', () => {
  const config = mkdtempSync(join(tmpdir(), 'mfs-lang-'));
  assert.match(cli(config, ['--help'], { LANG: 'zh_CN.UTF-8' }).stdout, new RegExp(CHINESE));
  assert.match(cli(config, ['--help'], { LANG: 'zh_CN.UTF-8', LC_ALL: 'C.UTF-8' }).stdout, new RegExp(ENGLISH));
  assert.match(cli(config, ['--help'], { LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_TW.UTF-8' }).stdout, new RegExp(CHINESE));
  assert.match(cli(config, ['--help'], {}).stdout, new RegExp(ENGLISH));
});

test('--lang wins, anywhere on the command line, and is remembered for the next command', () => {
  const config = mkdtempSync(join(tmpdir(), 'mfs-lang-'));
  assert.match(cli(config, ['validate', '--lang', 'zh', '--help'], { LANG: 'en_US.UTF-8' }).stdout, /Usage|用法/);
  assert.match(cli(config, ['--help'], { LANG: 'en_US.UTF-8' }).stdout, new RegExp(CHINESE));
  assert.match(cli(config, ['--lang=en', '--help'], { LANG: 'zh_CN.UTF-8' }).stdout, new RegExp(ENGLISH));
  assert.match(cli(config, ['--help'], { LANG: 'zh_CN.UTF-8' }).stdout, new RegExp(ENGLISH));
});

test("an unknown --lang is refused with exit 2, in the locale's language, and nothing is remembered", () => {
  const config = mkdtempSync(join(tmpdir(), 'mfs-lang-'));
  const r = cli(config, ['--lang', 'fr', '--help'], { LANG: 'zh_CN.UTF-8' });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "mfs-tui: --lang：不支持 'fr'，可选 en 或 zh\n");
  assert.equal(cli(config, ['--lang', '', 'runs'], {}).code, 2);
  assert.match(cli(config, ['--help'], { LANG: 'zh_CN.UTF-8' }).stdout, new RegExp(CHINESE));
});
