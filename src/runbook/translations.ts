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

const show = (v: unknown): string => (v === undefined ? 'none' : JSON.stringify(v));

/** The first line where two scripts differ, for the message. */
function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1} of the script is ${show(lb[i])} here but ${show(la[i])} there`;
  }
  return 'they differ in invisible characters';
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

  if (translation.id !== original.id) report(top, `a translation keeps the runbook id: "${translation.id}" here, "${original.id}" in ${originalFile}`);
  if (translation.risk !== original.risk) report(top, `a translation keeps the risk: ${translation.risk} here, ${original.risk} in ${originalFile}`);
  if (show(translation.roles) !== show(original.roles)) report(top, `a translation keeps the roles: ${show(translation.roles)} here, ${show(original.roles)} in ${originalFile}`);

  compareInputs(original.inputs, translation.inputs, report, there, top, originalFile);

  const ids = (steps: Step[]) => steps.map((s) => s.id).join(', ');
  if (ids(translation.steps) !== ids(original.steps)) {
    const n = translation.steps.findIndex((s, i) => s.id !== original.steps[i]?.id);
    const at = n >= 0 ? translation.steps[n]! : translation.steps.at(-1);
    const pos = at ? locate(at, 'id', 0, at.pos) : top;
    const theirs = n >= 0 ? original.steps[n] : original.steps[translation.steps.length];
    report(
      pos,
      `the steps differ from ${originalFile}: step ${(n >= 0 ? n : translation.steps.length) + 1} is ${n >= 0 ? `"${translation.steps[n]!.id}"` : 'missing'} here but ${theirs ? `"${theirs.id}" (${there(theirs.pos)})` : 'not there'}; a translation keeps every step id, in order (ids here: ${ids(translation.steps)}; there: ${ids(original.steps)})`,
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
    report(pos, `the inputs differ from ${originalFile}: here ${names(translation) || 'none'}, there ${names(original) || 'none'}; a translation keeps every input, in order`);
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
      report(
        locate(input, key, 0, input.pos),
        `input "${input.name}": ${key} is ${show(input[field])} here but ${show(theirs[field])} in ${there(theirs.pos)}; a translation changes only prompt and help`,
      );
    }
  });
}

function compareStep(original: Step, step: Step, report: (pos: SourcePos, message: string) => void, there: (pos: SourcePos) => string): void {
  const name = `step "${step.id}"`;
  if (step.kind !== original.kind) {
    report(step.pos, `${name} is a ${step.kind} step here but a ${original.kind} step in ${there(original.pos)}`);
    return;
  }
  if (show(step.requires) !== show(original.requires)) report(step.pos, `${name}: requires= is ${show(step.requires)} here but ${show(original.requires)} in ${there(original.pos)}`);
  if (step.commands.length !== original.commands.length) {
    report(step.pos, `${name} has ${step.commands.length} command block(s) here but ${original.commands.length} in ${there(original.pos)}; a translation keeps every block`);
    return;
  }
  step.commands.forEach((block, n) => {
    const theirs = original.commands[n]!;
    compareBlock(`${name}, command block ${n + 1}`, theirs, block, report, there);
    if (!block.check !== !theirs.check) {
      report(block.pos, `${name}, command block ${n + 1}: ${block.check ? 'has a check block here but none' : 'has no check block here but one'} in ${there(theirs.pos)}`);
    } else if (block.check && theirs.check) {
      compareBlock(`${name}, the check of command block ${n + 1}`, theirs.check, block.check, report, there);
    }
  });
  if (step.decision && original.decision) {
    const a = original.decision.choices;
    const b = step.decision.choices;
    if (a.length !== b.length) {
      report(step.decision.pos, `${name}: the decision has ${b.length} choice(s) here but ${a.length} in ${there(original.decision.pos)}`);
      return;
    }
    b.forEach((choice, i) => {
      const theirs = a[i]!;
      if (choice.key !== theirs.key)
        report(
          choice.pos,
          `${name}: choice ${i + 1} has the key "${choice.key}" here but "${theirs.key}" in ${there(theirs.pos)}; write key: ${theirs.key} (the key is what --decide and the journal name)`,
        );
      if (choice.goto !== theirs.goto || choice.runbook !== theirs.runbook) {
        const jump = (c: { goto?: string; runbook?: string }) => (c.goto !== undefined ? `goto: ${c.goto}` : `runbook: ${c.runbook}`);
        report(locate(choice, choice.goto !== undefined ? 'goto' : 'runbook', 0, choice.pos), `${name}: choice ${i + 1} jumps to ${jump(choice)} here but ${jump(theirs)} in ${there(theirs.pos)}`);
      }
    });
  }
}

type Block = Pick<CommandBlock, 'script' | 'pos'>;

function compareBlock(what: string, original: Block, block: Block, report: (pos: SourcePos, message: string) => void, there: (pos: SourcePos) => string): void {
  const infoHere = fenceInfo(block);
  const infoThere = fenceInfo(original);
  if (infoHere !== infoThere) report(block.pos, `${what}: the fence line is ${show(infoHere)} here but ${show(infoThere)} in ${there(original.pos)}; a translation keeps every attribute as written`);
  if (block.script !== original.script)
    report(block.pos, `${what} differs from ${there(original.pos)}: ${firstDifference(original.script, block.script)}; a translation keeps every command byte for byte`);
}
