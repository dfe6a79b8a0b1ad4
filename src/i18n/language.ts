// Which language mfs-tui speaks: English or Simplified Chinese. The command line decides
// once at start-up (app/cli/main.ts); everything else asks currentLanguage().
export const LANGUAGES = ['en', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The language a locale name or a `--lang` value names: `zh`, `zh_CN.UTF-8`, `zh-Hans`,
 * `zh_TW@x` are Chinese; `en`, `en_US.UTF-8` English; anything else (C, POSIX, fr_FR, '')
 * is undefined.
 */
export function languageOf(value: string | undefined): Language | undefined {
  const v = value?.trim().toLowerCase() ?? '';
  if (/^zh(?:$|[_.@-])/.test(v)) return 'zh';
  if (/^en(?:$|[_.@-])/.test(v)) return 'en';
  return undefined;
}

/**
 * The language the environment asks for, as POSIX locales decide messages: the first
 * set of LC_ALL, LC_MESSAGES, LANG wins; zh_* is Chinese, everything else English.
 */
export function languageFromEnv(env: NodeJS.ProcessEnv = process.env): Language {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const value = env[name];
    if (value) return languageOf(value) ?? 'en';
  }
  return 'en';
}

export interface LanguageChoice {
  language: Language;
  /** How it was chosen: `--lang`, `remembered`, the environment variable's name, or `default`. */
  source: string;
}

/**
 * `--lang`, else the one remembered from an earlier `--lang` (as the inventory is), else
 * LC_ALL / LC_MESSAGES / LANG, else English. A remembered choice beats the locale: an
 * operator who asked for Chinese once on a host whose LANG is en_US keeps it.
 */
export function chooseLanguage(flag: Language | undefined, remembered: Language | undefined, env: NodeJS.ProcessEnv = process.env): LanguageChoice {
  if (flag) return { language: flag, source: '--lang' };
  if (remembered) return { language: remembered, source: 'remembered' };
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    if (env[name]) return { language: languageFromEnv(env), source: name };
  }
  return { language: 'en', source: 'default' };
}

let current: Language = 'en';

/** The language of this process's messages (English until the command line chose). */
export function currentLanguage(): Language {
  return current;
}

export function setLanguage(language: Language): void {
  current = language;
}
