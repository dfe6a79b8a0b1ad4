// Runbooks in two languages: `power-cut.md` and its translation `power-cut.zh.md` in the
// same folder. A translation may change only what the operator reads (titles, prose,
// prompts, questions, labels); what runs must be the original's, exactly: the same step
// ids in the same order, the same inputs (names, patterns, defaults, choices, live roles,
// hand-overs), the same decision keys and jumps, and every command and check block byte
// for byte with the same info string. compareTranslation() proves it, located in the
// translation's file, so a translation can never change what runs.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fenceInfo, locate } from './locations.ts';
import type { CommandBlock, Runbook, RunbookInput, RunbookProblem, SourcePos, Step } from './types.ts';
import { t } from '../i18n/index.ts';

/** Languages a runbook file can be written in; a translation is named `ID.LANG.md`. */
export const RUNBOOK_LANGUAGES = ['en', 'zh'] as const;
export type RunbookLanguage = (typeof RUNBOOK_LANGUAGES)[number];

const TRANSLATION_NAME = /^(.+)\.(en|zh)\.md$/;

/** `X.zh.md` → `X.md` and `zh`, whether or not `X.md` exists; undefined for other names. */
export function translationParts(path: string): { base: string; language: RunbookLanguage } | undefined {
  const m = TRANSLATION_NAME.exec(basename(path));
  return m ? { base: join(dirname(path), `${m[1]}.md`), language: m[2] as RunbookLanguage } : undefined;
}

/** A translation of another file of its folder (`X.zh.md` beside `X.md`); a lone `X.zh.md` is a runbook of its own. */
export function isTranslation(path: string): boolean {
  const parts = translationParts(path);
  return parts !== undefined && existsSync(parts.base);
}

/** Where the `language` translation of the runbook file `base` would be. */
export function translationPath(base: string, language: RunbookLanguage): string {
  return base.replace(/\.md$/, `.${language}.md`);
}

/**
 * The language a runbook file is written in: from its name (`X.zh.md`), else Chinese when
 * its title is written in Chinese characters, else English.
 */
export function languageOfRunbook(file: string, title: string): RunbookLanguage {
  return translationParts(file)?.language ?? (/\p{Script=Han}/u.test(title) ? 'zh' : 'en');
}

const show = (v: unknown): string => (v === undefined ? t('runbook.translation.none') : JSON.stringify(v));

/** The first line where two scripts differ, for the message. */
function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return t('runbook.translation.line', { n: i + 1, here: show(lb[i]), there: show(la[i]) });
  }
  return t('runbook.translation.invisible');
}

/**
 * What differs in what runs between `original` and its `translation`, each problem located
 * in the translation's file and naming the original's line. `translationFile` and
 * `originalFile` are the names used in messages.
 */
export function compareTranslation(original: Runbook, translation: Runbook, translationFile: string, originalFile: string): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  const report = (pos: SourcePos, message: string) => problems.push({ file: translationFile, line: pos.line, column: pos.column, message });
  const there = (pos: SourcePos) => `${originalFile}:${pos.line}`;
  const top = locate(translation, 'id', 0, { line: 1, column: 1 });

  if (translation.id !== original.id) report(top, t('runbook.translation.id', { here: translation.id, there: original.id, file: originalFile }));
  if (translation.risk !== original.risk) report(top, t('runbook.translation.risk', { here: translation.risk, there: original.risk, file: originalFile }));
  if (show(translation.roles) !== show(original.roles)) report(top, t('runbook.translation.roles', { here: show(translation.roles), there: show(original.roles), file: originalFile }));

  compareInputs(original.inputs, translation.inputs, report, there, top, originalFile);

  const ids = (steps: Step[]) => steps.map((s) => s.id).join(', ');
  if (ids(translation.steps) !== ids(original.steps)) {
    const n = translation.steps.findIndex((s, i) => s.id !== original.steps[i]?.id);
    const at = n >= 0 ? translation.steps[n]! : translation.steps.at(-1);
    const pos = at ? locate(at, 'id', 0, at.pos) : top;
    const theirs = n >= 0 ? original.steps[n] : original.steps[translation.steps.length];
    report(
      pos,
      t('runbook.translation.steps', {
        file: originalFile,
        n: (n >= 0 ? n : translation.steps.length) + 1,
        here: n >= 0 ? `"${translation.steps[n]!.id}"` : t('runbook.translation.stepMissing'),
        there: theirs ? `"${theirs.id}" (${there(theirs.pos)})` : t('runbook.translation.stepNotThere'),
        idsHere: ids(translation.steps),
        idsThere: ids(original.steps),
      }),
    );
    return problems;
  }
  translation.steps.forEach((step, i) => compareStep(original.steps[i]!, step, report, there));
  return problems;
}

function compareInputs(
  original: RunbookInput[],
  translation: RunbookInput[],
  report: (pos: SourcePos, message: string) => void,
  there: (pos: SourcePos) => string,
  top: SourcePos,
  originalFile: string,
): void {
  const names = (inputs: RunbookInput[]) => inputs.map((i) => i.name).join(', ');
  if (names(original) !== names(translation)) {
    const n = translation.findIndex((x, i) => x.name !== original[i]?.name);
    const pos = n >= 0 ? locate(translation[n]!, 'name', 0, translation[n]!.pos) : top;
    report(pos, t('runbook.translation.inputs', { file: originalFile, here: names(translation) || t('runbook.translation.none'), there: names(original) || t('runbook.translation.none') }));
    return;
  }
  translation.forEach((input, i) => {
    const theirs = original[i]!;
    const fields: [keyof RunbookInput, string][] = [
      ['default', 'default'],
      ['pattern', 'pattern'],
      ['choices', 'choices'],
      ['live', 'live'],
      ['from', 'from'],
      ['addressOf', 'address-of'],
    ];
    for (const [field, key] of fields) {
      if (show(input[field]) === show(theirs[field])) continue;
      report(locate(input, key, 0, input.pos), t('runbook.translation.inputField', { name: input.name, key, here: show(input[field]), there: show(theirs[field]), at: there(theirs.pos) }));
    }
  });
}

function compareStep(original: Step, step: Step, report: (pos: SourcePos, message: string) => void, there: (pos: SourcePos) => string): void {
  const name = t('runbook.translation.step', { id: step.id });
  if (step.kind !== original.kind) {
    report(step.pos, t('runbook.translation.kind', { step: name, here: step.kind, there: original.kind, at: there(original.pos) }));
    return;
  }
  if (show(step.requires) !== show(original.requires))
    report(step.pos, t('runbook.translation.requires', { step: name, here: show(step.requires), there: show(original.requires), at: there(original.pos) }));
  if (step.commands.length !== original.commands.length) {
    report(step.pos, t('runbook.translation.blockCount', { step: name, here: step.commands.length, there: original.commands.length, at: there(original.pos) }));
    return;
  }
  step.commands.forEach((block, n) => {
    const theirs = original.commands[n]!;
    const what = t('runbook.translation.block', { step: name, n: n + 1 });
    compareBlock(what, theirs, block, report, there);
    if (!block.check !== !theirs.check) {
      report(block.pos, t(block.check ? 'runbook.translation.checkHere' : 'runbook.translation.checkThere', { block: what, at: there(theirs.pos) }));
    } else if (block.check && theirs.check) {
      compareBlock(t('runbook.translation.checkOf', { step: name, n: n + 1 }), theirs.check, block.check, report, there);
    }
  });
  if (step.decision && original.decision) {
    const a = original.decision.choices;
    const b = step.decision.choices;
    if (a.length !== b.length) {
      report(step.decision.pos, t('runbook.translation.choiceCount', { step: name, here: b.length, there: a.length, at: there(original.decision.pos) }));
      return;
    }
    b.forEach((choice, i) => {
      const theirs = a[i]!;
      if (choice.key !== theirs.key) report(choice.pos, t('runbook.translation.choiceKey', { step: name, n: i + 1, here: choice.key, there: theirs.key, at: there(theirs.pos) }));
      if (choice.goto !== theirs.goto || choice.runbook !== theirs.runbook) {
        const jump = (c: { goto?: string; runbook?: string }) => (c.goto !== undefined ? `goto: ${c.goto}` : `runbook: ${c.runbook}`);
        report(
          locate(choice, choice.goto !== undefined ? 'goto' : 'runbook', 0, choice.pos),
          t('runbook.translation.choiceJump', { step: name, n: i + 1, here: jump(choice), there: jump(theirs), at: there(theirs.pos) }),
        );
      }
    });
  }
}

type Block = Pick<CommandBlock, 'script' | 'pos'>;

function compareBlock(what: string, original: Block, block: Block, report: (pos: SourcePos, message: string) => void, there: (pos: SourcePos) => string): void {
  const infoHere = fenceInfo(block);
  const infoThere = fenceInfo(original);
  if (infoHere !== infoThere) report(block.pos, t('runbook.translation.fence', { block: what, here: show(infoHere), there: show(infoThere), at: there(original.pos) }));
  if (block.script !== original.script) report(block.pos, t('runbook.translation.script', { block: what, at: there(original.pos), why: firstDifference(original.script, block.script) }));
}
