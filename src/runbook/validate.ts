// Checks on a parsed runbook that go beyond syntax: variables, targets, jumps, duplicate
// ids, regular expressions, contradictions. Positions come from the parser's locations
// when it recorded them, else from the object's `pos`.
import { t } from '../i18n/index.ts';
import type { Inventory } from '../inventory/types.ts';
import { nearestRole, targetsKey } from './attributes.ts';
import { expectOutputRegExp } from './expect.ts';
import { displayName, locate } from './locations.ts';
import { placeholderContexts, type ShellContext } from './shell-context.ts';
import { SHELL_METACHARACTERS, templateNames, variableProblem } from './template.ts';
import type { VariableContext } from './template.ts';
import type { CommandBlock, Runbook, RunbookInput, RunbookProblem, SourcePos, TargetSpec } from './types.ts';

export interface ValidateContext {
  /** Ids of the runbooks a decision may hand over to; unchecked when absent. */
  knownRunbookIds?: Set<string>;
  /** When given, host names in `on=` and `{{hosts.<name>...}}` must exist in it. */
  inventory?: Inventory;
}

function regexError(pattern: string, anchored: boolean): string | undefined {
  try {
    if (anchored) new RegExp(`^(?:${pattern})$`);
    else expectOutputRegExp(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

// C0 controls but tab and newline, DEL, C1 controls, and the Unicode marks that reorder or
// hide text on screen (bidi embeddings, overrides and isolates, zero-width characters):
// the command the operator reads must be the command that runs.
// The same class visible() escapes on screen, so nothing that reads differently passes.
const CONTROL = /(?![\t\n])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

function describeControl(ch: string): string {
  const code = ch.codePointAt(0)!;
  const names: Partial<Record<number, `runbook.control.${'carriageReturn' | 'escape' | 'nul' | 'del' | 'backspace'}`>> = {
    0x0d: 'runbook.control.carriageReturn',
    0x1b: 'runbook.control.escape',
    0x00: 'runbook.control.nul',
    0x7f: 'runbook.control.del',
    0x08: 'runbook.control.backspace',
  };
  const kind = code >= 0xa0 ? 'runbook.control.format' : 'runbook.control.other';
  return t('runbook.control.named', { what: t(names[code] ?? kind), code: `U+${code.toString(16).toUpperCase().padStart(4, '0')}` });
}

/** What to write instead of `{{x}}` where it stands (the placeholders are passed in as values, never read as templates). */
const CONTEXT_FIX: Record<Exclude<ShellContext, 'command'>, `runbook.shell.${'doubleQuoted' | 'singleQuoted' | 'heredoc' | 'parameter' | 'arithmetic'}`> = {
  'double-quoted': 'runbook.shell.doubleQuoted',
  'single-quoted': 'runbook.shell.singleQuoted',
  heredoc: 'runbook.shell.heredoc',
  parameter: 'runbook.shell.parameter',
  arithmetic: 'runbook.shell.arithmetic',
};

function describeTargets(targets: TargetSpec[]): string {
  return (
    targets.map((x) => (x.kind === 'role' ? `${x.role}${x.optional ? '?' : ''}` : x.kind === 'host' ? x.name : x.kind === 'template' ? x.template : x.kind)).join(',') || t('runbook.targets.none')
  );
}

/** Commands that parse an argument as shell code again (quoting one word does not help there), also called by path (`/bin/sh -c`). */
const REPARSERS = /(?:^|[;&|(`\s])(?:[^\s;&|(`]*\/)?(eval|(?:ba|da|z|k)?sh\s+(?:-\w+\s+)*-\w*c|su\b[^;&|\n]*\s-c|ssh|xargs|watch)\s[^;&|\n]*$/;

/**
 * `bash ... -c` started inside a step. Run over SSH (SSH_CLIENT set, or stdin a socket) with no
 * outer bash, it reads the login user's ~/.bashrc first: a pyenv or conda line there costs
 * seconds or a stale lock wait, and its output mixes with the probe's. `--norc` stops that.
 */
const NESTED_BASH = /(?:^|[\s;&|(`])(?:[^\s;&|(`'"]*\/)?bash((?:\s+-[-\w]+)*?)\s+-[a-z]*c\b/g;

/** The re-parsing command a placeholder at `offset` is an argument of, if any (same line, same simple command). */
function reparsedBy(script: string, offset: number): string | undefined {
  const lineStart = script.lastIndexOf('\n', offset - 1) + 1;
  const m = REPARSERS.exec(script.slice(lineStart, offset));
  return m ? `\`${m[1]!.split(/\s+/)[0]}\`` : undefined;
}

/**
 * Why an input's check still lets a shell metacharacter through, or undefined: its pattern is
 * tried on probe values (a safe letter on each side of each character), its choices read.
 */
export function shellUnsafeAdmitted(input: RunbookInput): string | undefined {
  const bad = new Set<string>();
  if (input.pattern !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${input.pattern})$`);
    } catch {
      return undefined; // reported as a bad pattern
    }
    for (const c of SHELL_METACHARACTERS) for (const probe of [`a${c}b`, `${c}`, `a${c}`, `${c}a`, `1${c}1`, `1.2.3.4${c}`]) if (re.test(probe)) bad.add(c);
  }
  for (const choice of input.choices ?? []) for (const c of SHELL_METACHARACTERS) if (choice.includes(c)) bad.add(c);
  if (bad.size === 0) return undefined;
  const shown = [...bad].map((c) => (c === '\n' ? t('runbook.shell.newline') : c)).join(' ');
  return t('runbook.shell.admits', { chars: shown });
}

export function validateRunbook(rb: Runbook, ctx: ValidateContext): RunbookProblem[] {
  const file = displayName(rb, rb.file);
  const problems: RunbookProblem[] = [];
  const report = (pos: SourcePos, message: string) => problems.push({ file, line: pos.line, column: pos.column, message });
  const inputNames = new Set(rb.inputs.map((i) => i.name));
  // Inputs whose value is checked before a run (a pattern, or a fixed list of choices).
  const checkedInputs = new Set(rb.inputs.filter((i) => i.pattern !== undefined || (i.choices?.length ?? 0) > 0).map((i) => i.name));
  // Of those, the ones that could still carry a shell metacharacter into a raw {{{…}}}.
  const rawUnsafe = new Map(rb.inputs.map((i) => [i.name, shellUnsafeAdmitted(i)] as const).filter(([, why]) => why !== undefined));
  const vars = (hostScope: boolean): VariableContext => ({ inputs: inputNames, inventory: ctx.inventory, hostScope });

  /** Reports every undefined variable in `text`, a field of `owner` that the parser located. */
  const checkVariables = (text: string, owner: object, field: string, fallback: SourcePos, scope: VariableContext) => {
    for (const { name, offset } of templateNames(text)) {
      const problem = variableProblem(name, scope);
      if (problem) report(locate(owner, field, offset, fallback), problem);
    }
  };

  // Inputs: unique names, valid patterns, defaults that satisfy them.
  const seenInputs = new Map<string, number>();
  for (const input of rb.inputs) {
    const namePos = locate(input, 'name', 0, input.pos);
    const first = seenInputs.get(input.name);
    if (first !== undefined) report(namePos, t('runbook.error.duplicateInput', { name: input.name, line: first }));
    else seenInputs.set(input.name, namePos.line);
    const patternPos = locate(input, 'pattern', 0, input.pos);
    const bad = input.pattern !== undefined ? regexError(input.pattern, true) : undefined;
    if (bad) report(patternPos, t('runbook.error.badPattern', { name: input.name, why: bad }));
    if (input.default !== undefined) {
      checkVariables(input.default, input, 'default', input.pos, vars(false));
      const literal = templateNames(input.default).length === 0;
      const defaultPos = locate(input, 'default', 0, input.pos);
      if (literal && input.pattern !== undefined && !bad && !new RegExp(`^(?:${input.pattern})$`).test(input.default))
        report(defaultPos, t('runbook.error.defaultNotPattern', { value: input.default, name: input.name }));
      if (literal && input.choices && !input.choices.includes(input.default)) report(defaultPos, t('runbook.error.defaultNotChoice', { value: input.default, name: input.name }));
    }
    // A host that plays a live role (or its address) never defaults from inventory order.
    if ((input.live !== undefined || input.addressOf !== undefined) && input.default !== undefined)
      report(locate(input, 'default', 0, input.pos), t('runbook.error.liveDefault', { name: input.name, field: input.live !== undefined ? 'live:' : 'address-of:' }));
    if (input.live !== undefined && input.addressOf !== undefined) report(locate(input, 'address-of', 0, input.pos), t('runbook.error.liveAndAddressOf', { name: input.name }));
    if (input.addressOf !== undefined && (input.addressOf === input.name || seenInputs.get(input.addressOf) === undefined))
      report(locate(input, 'address-of', 0, input.pos), t('runbook.error.addressOfOrder', { target: input.addressOf, name: input.name }));
  }

  // Step ids are unique; jumps land on one of them.
  const stepLines = new Map<string, number>();
  for (const step of rb.steps) {
    const idPos = locate(step, 'id', 0, step.pos);
    const first = stepLines.get(step.id);
    if (first !== undefined) report(idPos, t('runbook.error.duplicateStep', { id: step.id, line: first }));
    else stepLines.set(step.id, step.pos.line);
  }

  for (const step of rb.steps) {
    // Prose is rendered with the inventory's values before the operator reads it.
    checkVariables(step.prose, step, 'prose', step.pos, vars(false));
    const firstBlock = step.commands[0];
    step.commands.forEach((block, n) => {
      checkBlock(block);
      if (firstBlock && n > 0 && targetsKey(block.targets) !== targetsKey(firstBlock.targets))
        report(
          locate(block, 'attr:on', 0, block.pos),
          t('runbook.error.targetsDiffer', { these: describeTargets(block.targets), line: firstBlock.pos.line, first: describeTargets(firstBlock.targets) }),
        );
      const catchAll = step.commands.slice(0, n).find((b) => b.when.length === 0);
      if (catchAll) report(block.pos, t('runbook.error.neverUsed', { line: catchAll.pos.line }));
    });
    if (step.decision) checkVariables(step.decision.question, step.decision, 'question', step.decision.pos, vars(false));
    for (const choice of step.decision?.choices ?? []) {
      if (choice.goto !== undefined && !stepLines.has(choice.goto))
        report(locate(choice, 'goto', 0, choice.pos), t('runbook.error.gotoUnknown', { target: choice.goto, ids: [...stepLines.keys()].join(', ') }));
      if (choice.runbook !== undefined && ctx.knownRunbookIds && !ctx.knownRunbookIds.has(choice.runbook))
        report(locate(choice, 'runbook', 0, choice.pos), t('runbook.error.runbookUnknown', { target: choice.runbook }));
    }
  }

  function checkBlock(block: CommandBlock): void {
    block.targets.forEach((target, n) => {
      const pos = locate(block, `target:${n}`, 0, block.pos);
      if (target.kind === 'template') {
        checkVariables(target.template, block, `target:${n}`, block.pos, vars(false));
      } else if (target.kind === 'host') {
        const role = nearestRole(target.name);
        const hint = role ? t('runbook.error.didYouMeanRole', { role }) : '';
        if (ctx.inventory && !ctx.inventory.hosts.some((h) => h.name === target.name)) report(pos, t('runbook.error.unknownHostOrRole', { name: target.name, file: ctx.inventory.file, hint }));
        else if (!ctx.inventory && role) report(pos, t('runbook.error.unknownRole', { name: target.name, hint }));
      }
    });
    if (block.confirm === 'none' && block.risk !== undefined) report(locate(block, 'attr:confirm', 0, block.pos), t('runbook.error.confirmNoneRisk'));
    checkVariables(block.script, block, 'script', block.pos, vars(true));
    checkShell(block.script, block, block.pos);
    if (block.expectOutput !== undefined) {
      const bad = regexError(block.expectOutput, false);
      if (bad) report(locate(block, 'attr:expect-output', 0, block.pos), t('runbook.error.badExpectOutput', { why: bad }));
    }
    const check = block.check;
    if (check) {
      checkVariables(check.script, check, 'script', check.pos, vars(true));
      checkShell(check.script, check, check.pos);
      if (check.expectOutput !== undefined) {
        const bad = regexError(check.expectOutput, false);
        if (bad) report(locate(check, 'attr:expect-output', 0, check.pos), t('runbook.error.badExpectOutput', { why: bad }));
      }
    }
  }

  /** Control characters, and placeholders whose form does not fit where they stand in the shell text. */
  function checkShell(script: string, owner: object, fallback: SourcePos): void {
    let sawReturn = false;
    for (const m of script.matchAll(CONTROL)) {
      if (m[0] === '\r') {
        // Windows line endings put one at every line: say it once, with the fix.
        if (sawReturn) continue;
        sawReturn = true;
        if (script[m.index + 1] === '\n') {
          report(locate(owner, 'script', m.index, fallback), t('runbook.shell.carriageReturn'));
          continue;
        }
      }
      report(locate(owner, 'script', m.index, fallback), t('runbook.shell.control', { what: describeControl(m[0]) }));
    }
    for (const m of script.matchAll(NESTED_BASH)) {
      const lineBefore = script.slice(script.lastIndexOf('\n', m.index) + 1, m.index + 1);
      if (/(?:^|\s)#/.test(lineBefore)) continue; // in a comment
      if (!/(?:^|\s)--norc\b/.test(m[1] ?? '')) report(locate(owner, 'script', m.index + /^[\s;&|(`]?/.exec(m[0])![0].length, fallback), t('runbook.shell.bashRc'));
    }
    for (const { placeholder: p, context } of placeholderContexts(script)) {
      const pos = locate(owner, 'script', p.offset, fallback);
      const reparsed = reparsedBy(script, p.offset);
      const [ns, inputName] = p.name.split('.');
      if (reparsed && ns === 'inputs' && inputName !== undefined && inputNames.has(inputName) && (!checkedInputs.has(inputName) || rawUnsafe.has(inputName))) {
        report(pos, t('runbook.shell.reparsed', { ph: `{{${p.name}}}`, command: reparsed, quoted: '{{…}}', input: inputName }));
      }
      if (p.raw) {
        const why = uncheckedRaw(p.name);
        if (why) report(pos, why);
      } else if (context !== 'command') {
        report(pos, t(CONTEXT_FIX[context], { ph: `{{${p.name}}}`, raw: `{{{${p.name}}}}` }));
      }
    }
  }

  /** Why `{{{name}}}` may not insert its value as it is, or undefined when the value's shape is checked. */
  function uncheckedRaw(name: string): string | undefined {
    const [ns, input] = name.split('.');
    if (ns !== 'inputs' || input === undefined || !inputNames.has(input)) return undefined;
    if (!checkedInputs.has(input)) {
      return t('runbook.shell.rawUnchecked', { raw: `{{{${name}}}}`, input, ph: `{{${name}}}` });
    }
    const unsafe = rawUnsafe.get(input);
    if (unsafe) return t('runbook.shell.rawUnsafe', { raw: `{{{${name}}}}`, input, unsafe, ph: `{{${name}}}` });
    return undefined;
  }

  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
