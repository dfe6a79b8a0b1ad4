// What counts as English prose in a message meant for a Chinese operator
// (test/unit/i18n/no-english-prose.test.ts, test/support/triage-in-chinese.ts): three English words
// in a row, or two when one is a function word ("holds the VIP", "no answer"). Code in
// backticks, `{{placeholders}}`, names with digits, dots, slashes or dashes, and upper-case
// words (MASTER, VIP, SSH) are not prose; two technical words ("metalogger changelog") pass.
const WORD = "[A-Za-z][a-z']+";
const PHRASE = new RegExp(`(?:^|[^A-Za-z0-9_./:=-])(${WORD}(?: ${WORD}){2,})(?![A-Za-z0-9_./:=-])`);
const FUNCTION_WORDS = new Set(
  'a an the is are was were be been has have had do does did not no nor of to on at by for with from into and or but its it this that these those which who when if then than as any all yet so there here'.split(
    ' ',
  ),
);
const PAIR = new RegExp(`(?:^|[^A-Za-z0-9_./:=-])(${WORD}) (${WORD}|[A-Z]+)(?![A-Za-z0-9_./:=-])`, 'g');
/** Program output quoted as it is (MooseFS's own words). */
const QUOTED = ['Working master servers not found'];

export function englishPhrase(text: string): string | undefined {
  let s = text.replace(/`[^`]*`/g, ' ').replace(/\{\{[^}]*\}\}/g, ' ');
  for (const q of QUOTED) s = s.split(q).join(' ');
  const run = PHRASE.exec(s)?.[1];
  if (run) return run;
  for (const m of s.matchAll(PAIR)) if (FUNCTION_WORDS.has(m[1]!.toLowerCase()) || FUNCTION_WORDS.has(m[2]!.toLowerCase())) return `${m[1]} ${m[2]}`;
  return undefined;
}
