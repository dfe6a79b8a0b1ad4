// 简体中文消息：写给中文运维人员读，不是逐字翻译。键与 en.ts 一一对应（复数只有 _other），
// 占位符 {{name}} 与英文相同（test/unit/i18n/catalogue.test.ts 检查）。
import type { en } from './en.ts';

type OtherThanOther = `${string}_${'zero' | 'one' | 'two' | 'few' | 'many'}`;
/** Chinese has one plural form: every English key but the non-`_other` plural forms. */
export type ChineseCatalogue = { readonly [K in Exclude<keyof typeof en, OtherThanOther>]: string };

export const zh: ChineseCatalogue = {
  'cli.program.description': '按 runbook 逐步引导、可续跑、全程留痕的 MooseFS 集群运维工具。',
  'cli.option.lang': '界面语言：en 或 zh（未指定时看 LC_ALL / LC_MESSAGES / LANG；会记住供下次使用）',
  'cli.error.badLanguage': "--lang：不支持 '{{value}}'，可选 en 或 zh",
};
