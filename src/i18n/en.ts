// English messages. Keys are flat and dotted ('area.what'); a plural message has one key per
// plural category (`_one`, `_other`). Every key here is used in the code and exists in zh.ts
// (test/unit/i18n/catalogue.test.ts). Placeholders: {{name}}, the same in both languages.
export const en = {
  'cli.program.description': 'Guided, resumable, audited runbooks for MooseFS clusters.',
  'cli.option.lang': 'language of messages: en or zh (else LC_ALL / LC_MESSAGES / LANG; remembered for next time)',
  'cli.error.badLanguage': "--lang: '{{value}}' is not a language mfs-tui speaks (en, zh)",
} as const;
