// Every command's --help, in both languages, fits an 80-column terminal (widths in cells):
// commander's command lists, and the text written below a command's help, are wrapped.
// Without a terminal commander wraps at 80; the commands are found by walking `Commands:`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../../support/cli-env.ts';
import { cells } from '../../../src/util/cells.ts';

const config = mkdtempSync(join(tmpdir(), 'mfs-help-'));

async function help(lang: string, command: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, '--lang', lang, ...command, '--help'], {
    env: { ...process.env, MFS_TUI_CONFIG_DIR: join(config, lang), MFS_TUI_STATE_DIR: join(config, lang, 'state'), NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return stdout;
}

/** The subcommands a help text lists (the first word of each row under its commands heading). */
function subcommands(text: string): string[] {
  const section = /^(?:Commands:|命令：)\n((?: {2}.*\n?)+)/m.exec(text)?.[1] ?? '';
  return section
    .split('\n')
    .map((l) => /^ {2}(\S+)/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined && c !== 'help');
}

for (const lang of ['en', 'zh']) {
  test(`every --help fits 80 cells (${lang})`, async () => {
    const over: string[] = [];
    let seen = 0;
    // One level of the command tree at a time, its commands side by side.
    for (let level: string[][] = [[]]; level.length > 0;) {
      const texts = await Promise.all(level.map((command) => help(lang, command)));
      seen += level.length;
      level = level.flatMap((command, i) => {
        for (const line of texts[i]!.split('\n')) if (cells(line) > 80) over.push(`mfs-tui ${command.join(' ')} --help: ${cells(line)} cells: ${line}`);
        return subcommands(texts[i]!).map((sub) => [...command, sub]);
      });
    }
    assert.ok(seen >= 25, `walked ${seen} commands`);
    assert.deepEqual(over, []);
  });
}
