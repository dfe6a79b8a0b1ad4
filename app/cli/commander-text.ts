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
    // Commander leaves a description unwrapped when its column is under 40 cells: with a long
    // command name (`import [options] <name> <ansible-inventory>`) every line ran past 80.
    minWidthToWrap: MIN_WRAP,
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

/** Narrowest column that is still wrapped (commander's default is 40). */
const MIN_WRAP = 20;

/** Text wrapped at `width` cells: at spaces, and between CJK characters (commander's boxWrap breaks at spaces only). */
export function wrapCells(text: string, width: number): string {
  if (width < MIN_WRAP) return text;
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

/** The width commander wraps its own help at: the terminal's columns, 80 when not a terminal. */
function helpWidth(): number {
  return process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 80;
}

const CJK_END = /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]$/u;
const CJK_START = /^[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]/u;

/**
 * Text written below a command's help, as it will be shown: paragraphs (lines starting at the
 * margin) re-flowed and wrapped at `width` cells; an indented row (`  name   what it does`)
 * wrapped with its continuation lines under the description. Commander prints such text as
 * it is, so a catalogue line written for 100 columns ran past an 80-column terminal.
 */
export function wrapHelpText(text: string, width: number): string {
  const out: string[] = [];
  let paragraph: string | undefined;
  const flush = () => {
    if (paragraph !== undefined) out.push(wrapCells(paragraph, width));
    paragraph = undefined;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush();
      out.push(line);
    } else if (/^\S/.test(line)) {
      if (paragraph === undefined) paragraph = line;
      else paragraph += CJK_END.test(paragraph) && CJK_START.test(line) ? line : ` ${line}`;
    } else {
      flush();
      const m = /^(\s+\S+\s{2,}|\s+)(.*)$/.exec(line)!;
      const indent = stringWidth(m[1]!);
      const body = width - indent >= MIN_WRAP ? wrapCells(m[2]!, width - indent) : m[2]!;
      out.push(m[1]! + body.split('\n').join(`\n${' '.repeat(indent)}`));
    }
  }
  flush();
  return out.join('\n');
}

/** `text` for commander's addHelpText, wrapped to the terminal when the help is shown. */
export function wrappedHelp(text: string): () => string {
  return () => wrapHelpText(text, helpWidth());
}
