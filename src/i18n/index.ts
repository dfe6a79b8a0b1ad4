// The message catalogue (English and Simplified Chinese) through i18next: plurals follow
// each language's rules (Intl.PluralRules), `{{name}}` interpolates, and t()'s keys and
// parameters are typed from the English catalogue.
import { createInstance, type i18n } from 'i18next';
import { en } from './en.ts';
import { zh } from './zh.ts';
import { currentLanguage, type Language } from './language.ts';

export { currentLanguage, setLanguage, languageFromEnv, languageOf, chooseLanguage, LANGUAGES, type Language } from './language.ts';

type English = typeof en;
type PluralCategory = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type BaseOf<K> = K extends `${infer B}_${PluralCategory}` ? B : K;
/** Every message key; a plural message is named without its `_one` / `_other` suffix. */
export type MessageKey = BaseOf<keyof English>;
type PluralKey = BaseOf<Extract<keyof English, `${string}_other`>>;
// Indexed through a generic helper: `English[K]` for the generic K made TypeScript compare the
// union of every key with itself, which it refuses past about 2,000 messages (TS2859).
type Get<T, K> = K extends keyof T ? T[K] : never;
type Template<K extends MessageKey> = K extends keyof English ? Get<English, K> : Get<English, `${K}_other`>;
type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;
/** The `{{name}}` placeholders of a message (a `{{name, format}}` counts as `name`). */
type Placeholders<S> = S extends `${string}{{${infer V}}}${infer Rest}` ? (V extends `${infer N},${string}` ? Trim<N> : Trim<V>) | Placeholders<Rest> : never;
type Vars<K extends MessageKey> = Placeholders<Template<K>> | (K extends PluralKey ? 'count' : never);
export type MessageParams<K extends MessageKey> = { [P in Vars<K>]: P extends 'count' ? number : string | number };
type ParamsArg<K extends MessageKey> = [Vars<K>] extends [never] ? [] : [params: MessageParams<K>];

let instance: i18n | undefined;

function i18nInstance(): i18n {
  if (instance) return instance;
  instance = createInstance();
  void instance.init({
    resources: { en: { translation: en }, zh: { translation: zh } },
    lng: 'en',
    fallbackLng: 'en',
    // Resources are in memory: init completes before it returns.
    initAsync: false,
    // Flat keys ('triage.finding.splitBrain'): dots and colons are part of the name.
    keySeparator: false,
    nsSeparator: false,
    // Terminal text, not HTML; a value is inserted verbatim, never read as a template
    // (and no message uses `$t(...)` nesting: test/unit/i18n/catalogue.test.ts).
    interpolation: { escapeValue: false, skipOnVariables: true },
  });
  return instance;
}

/** Whether `text` is a message key (a key is given where a message is fixed before the language is known). */
export function isMessageKey(text: string): boolean {
  return Object.hasOwn(en, text);
}

/** The message `key` in the current language (currentLanguage()). */
export function t<K extends MessageKey>(key: K, ...params: ParamsArg<K>): string {
  return tIn(currentLanguage(), key, ...params);
}

/** The message `key` in `language` (a report written in the language asked). */
export function tIn<K extends MessageKey>(language: Language, key: K, ...params: ParamsArg<K>): string {
  return i18nInstance().t(key, { ...(params[0] ?? {}), lng: language }) as string;
}
