// Commander's own words (help headings, the help and version options, its usage errors) in
// the operator's language. English stays exactly commander's text.
import type { Command } from 'commander';
import stringWidth from 'string-width';
import { currentLanguage, t } from '../../src/i18n/index.ts';

const TITLES: Record<string, () => string> = {
  'Usage:': () => t('cli.help.usage'),
  'Options:': () => t('cli.help.options'),
  'Commands:': () => t('cli.help.commands'),
  'Arguments:': () => t('cli.help.arguments'),
  'Global Options:': () => t('cli.help.globalOptions'),
};

/** Puts commander's own help words of `cmd` in the current language. */
export function localizeHelp(cmd: Command): void {
  cmd.helpOption('-h, --help', t('cli.help.option'));
  if (cmd.commands.length > 0) cmd.helpCommand('help [command]', t('cli.help.command'));
  // Help is wrapped to the terminal in cells (a CJK character takes two), Chinese between any two characters.
  cmd.configureHelp({
    styleTitle: (title) => TITLES[title]?.() ?? title,
    displayWidth: (text) => stringWidth(text),
    ...(currentLanguage() === 'en'
      ? {}
      : {
          boxWrap: (text: string, width: number) => wrapCells(text, width),
          styleOptionDescription: localizeExtraInfo,
          styleArgumentDescription: localizeExtraInfo,
        }),
  });
}

/** Commander's "(default: 3)" after an option or argument, in the current language. */
function localizeExtraInfo(description: string): string {
  return description.replace(/ \(((?:choices|default): .*)\)$/, (_, info: string) =>
    t('cli.help.extraInfo', { info: info.replace(/\bdefault: /, t('cli.help.default')).replace(/\bchoices: /, t('cli.help.choices')) }),
  );
}

/** Commander's usage error `text` ("error: unknown option '--x'" ...) in the current language. */
export function localizeCommanderError(text: string): string {
  if (currentLanguage() === 'en') return text;
  const rules: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
    [/^error: unknown option '([^']*)'/, (m) => t('cli.error.unknownOption', { option: m[1]! })],
    [/^error: unknown command '([^']*)'/, (m) => t('cli.error.unknownCommand', { command: m[1]! })],
    [/^error: missing required argument '([^']*)'/, (m) => t('cli.error.missingArgument', { argument: m[1]! })],
    [/^error: option '([^']*)' argument missing/, (m) => t('cli.error.optionArgumentMissing', { option: m[1]! })],
    [/^error: too many arguments(?: for '([^']*)')?\. Expected (\d+) arguments? but got (\d+)\./, (m) => t('cli.error.tooManyArguments', { expected: m[2]!, got: m[3]! })],
    [/^\(Did you mean (?:one of )?(.*)\?\)$/, (m) => t('cli.error.didYouMean', { suggestion: m[1]! })],
  ];
  return text
    .split('\n')
    .map((line) => {
      for (const [re, f] of rules) {
        const m = line.match(re);
        if (m) return f(m) + line.slice(m[0].length);
      }
      return line;
    })
    .join('\n');
}

// A CJK character (or a run of other non-space text), with the closing punctuation that may not start a line.
const WRAP_CHUNK = /\s*(?:[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]|[^\s\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]+)[，。；：、）」』！？,.;:)\]]*/gu;

/** Text wrapped at `width` cells: at spaces, and between CJK characters (commander's boxWrap breaks at spaces only). */
export function wrapCells(text: string, width: number): string {
  if (width < 40) return text;
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const chunks = line.match(WRAP_CHUNK);
    if (!chunks) {
      out.push('');
      continue;
    }
    let current = chunks[0]!;
    for (const chunk of chunks.slice(1)) {
      if (stringWidth(current + chunk) <= width) current += chunk;
      else {
        out.push(current);
        current = chunk.trimStart();
      }
    }
    out.push(current);
  }
  return out.join('\n');
}
