// Checks on a parsed runbook that go beyond syntax: variables, targets, jumps, duplicate
// ids, regular expressions, contradictions. Positions come from the parser's locations
// when it recorded them, else from the object's `pos`.
import type { Inventory } from '../inventory/types.ts';
import { nearestRole, targetsKey } from './attributes.ts';
import { expectOutputRegExp } from './expect.ts';
import { displayName, locate } from './locations.ts';
import { templateNames, variableProblem } from './template.ts';
import type { VariableContext } from './template.ts';
import type { CommandBlock, Runbook, RunbookProblem, SourcePos, TargetSpec } from './types.ts';

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

function describeTargets(targets: TargetSpec[]): string {
  return targets.map((t) => (t.kind === 'role' ? t.role : t.kind === 'host' ? t.name : t.kind === 'template' ? t.template : t.kind)).join(',') || '(none)';
}

export function validateRunbook(rb: Runbook, ctx: ValidateContext): RunbookProblem[] {
  const file = displayName(rb, rb.file);
  const problems: RunbookProblem[] = [];
  const report = (pos: SourcePos, message: string) => problems.push({ file, line: pos.line, column: pos.column, message });
  const inputNames = new Set(rb.inputs.map((i) => i.name));
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
    if (first !== undefined) report(namePos, `duplicate input "${input.name}" (first declared at line ${first})`);
    else seenInputs.set(input.name, namePos.line);
    const patternPos = locate(input, 'pattern', 0, input.pos);
    const bad = input.pattern !== undefined ? regexError(input.pattern, true) : undefined;
    if (bad) report(patternPos, `bad pattern for input "${input.name}": ${bad}`);
    if (input.default !== undefined) {
      checkVariables(input.default, input, 'default', input.pos, vars(false));
      const literal = templateNames(input.default).length === 0;
      const defaultPos = locate(input, 'default', 0, input.pos);
      if (literal && input.pattern !== undefined && !bad && !new RegExp(`^(?:${input.pattern})$`).test(input.default))
        report(defaultPos, `default "${input.default}" of input "${input.name}" does not match its pattern`);
      if (literal && input.choices && !input.choices.includes(input.default))
        report(defaultPos, `default "${input.default}" of input "${input.name}" is not one of its choices`);
    }
  }

  // Step ids are unique; jumps land on one of them.
  const stepLines = new Map<string, number>();
  for (const step of rb.steps) {
    const idPos = locate(step, 'id', 0, step.pos);
    const first = stepLines.get(step.id);
    if (first !== undefined) report(idPos, `duplicate step id "${step.id}" (first at line ${first}): add an explicit {#other-id} to one heading`);
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
          `all command blocks of a step must have the same on= targets: this one has ${describeTargets(block.targets)}, the block at line ${firstBlock.pos.line} has ${describeTargets(firstBlock.targets)}`,
        );
      const catchAll = step.commands.slice(0, n).find((b) => b.when.length === 0);
      if (catchAll) report(block.pos, `this block is never used: the block at line ${catchAll.pos.line} has no when= and is always chosen first`);
    });
    if (step.decision) checkVariables(step.decision.question, step.decision, 'question', step.decision.pos, vars(false));
    for (const choice of step.decision?.choices ?? []) {
      if (choice.goto !== undefined && !stepLines.has(choice.goto))
        report(locate(choice, 'goto', 0, choice.pos), `goto "${choice.goto}": no step has this id (ids: ${[...stepLines.keys()].join(', ')})`);
      if (choice.runbook !== undefined && ctx.knownRunbookIds && !ctx.knownRunbookIds.has(choice.runbook))
        report(locate(choice, 'runbook', 0, choice.pos), `runbook "${choice.runbook}": no runbook has this id`);
    }
  }

  function checkBlock(block: CommandBlock): void {
    block.targets.forEach((t, n) => {
      const pos = locate(block, `target:${n}`, 0, block.pos);
      if (t.kind === 'template') {
        checkVariables(t.template, block, `target:${n}`, block.pos, vars(false));
      } else if (t.kind === 'host') {
        const role = nearestRole(t.name);
        const hint = role ? ` (did you mean the role ${role}?)` : '';
        if (ctx.inventory && !ctx.inventory.hosts.some((h) => h.name === t.name))
          report(pos, `unknown host or role "${t.name}" in on=: not a role and no such host in ${ctx.inventory.file}${hint}`);
        else if (!ctx.inventory && role) report(pos, `unknown role "${t.name}" in on=${hint}`);
      }
    });
    if (block.confirm === 'none' && block.risk !== undefined)
      report(
        locate(block, 'attr:confirm', 0, block.pos),
        'confirm=none contradicts risk=: a block that can do harm needs confirm=yes or confirm=typed',
      );
    checkVariables(block.script, block, 'script', block.pos, vars(true));
    if (block.expectOutput !== undefined) {
      const bad = regexError(block.expectOutput, false);
      if (bad) report(locate(block, 'attr:expect-output', 0, block.pos), `bad expect-output: ${bad}`);
    }
    const check = block.check;
    if (check) {
      checkVariables(check.script, check, 'script', check.pos, vars(true));
      if (check.expectOutput !== undefined) {
        const bad = regexError(check.expectOutput, false);
        if (bad) report(locate(check, 'attr:expect-output', 0, check.pos), `bad expect-output: ${bad}`);
      }
    }
  }

  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
