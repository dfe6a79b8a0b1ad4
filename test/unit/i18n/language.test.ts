// Choosing the language: --lang, else the remembered one, else LC_ALL / LC_MESSAGES / LANG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLanguage, languageFromEnv, languageOf } from '../../../src/i18n/language.ts';

test('locale names and --lang values', () => {
  for (const v of ['zh', 'zh_CN.UTF-8', 'zh_TW', 'zh-Hans', 'ZH_cn.gb18030', 'zh_CN@x']) assert.equal(languageOf(v), 'zh', v);
  for (const v of ['en', 'en_US.UTF-8', 'EN-gb']) assert.equal(languageOf(v), 'en', v);
  for (const v of ['C', 'C.UTF-8', 'POSIX', 'fr_FR.UTF-8', 'zhx', '', undefined]) assert.equal(languageOf(v), undefined, String(v));
});

test('the first of LC_ALL, LC_MESSAGES, LANG that is set decides; zh_* is Chinese, anything else English', () => {
  assert.equal(languageFromEnv({}), 'en');
  assert.equal(languageFromEnv({ LANG: 'zh_CN.UTF-8' }), 'zh');
  assert.equal(languageFromEnv({ LANG: 'zh_CN.UTF-8', LC_MESSAGES: 'C' }), 'en');
  assert.equal(languageFromEnv({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8' }), 'zh');
  assert.equal(languageFromEnv({ LC_ALL: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'zh_CN.UTF-8' }), 'en');
  assert.equal(languageFromEnv({ LC_ALL: '', LANG: 'zh_SG.UTF-8' }), 'zh');
  assert.equal(languageFromEnv({ LANG: 'fr_FR.UTF-8' }), 'en');
});

test('--lang beats the remembered language, which beats the locale', () => {
  assert.deepEqual(chooseLanguage('en', 'zh', { LANG: 'zh_CN.UTF-8' }), { language: 'en', source: '--lang' });
  assert.deepEqual(chooseLanguage(undefined, 'zh', { LANG: 'en_US.UTF-8' }), { language: 'zh', source: 'remembered' });
  assert.deepEqual(chooseLanguage(undefined, undefined, { LANG: 'zh_CN.UTF-8', LC_MESSAGES: 'zh_HK' }), { language: 'zh', source: 'LC_MESSAGES' });
  assert.deepEqual(chooseLanguage(undefined, undefined, {}), { language: 'en', source: 'default' });
});
