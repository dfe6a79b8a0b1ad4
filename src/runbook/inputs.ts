// Runbook inputs: defaults rendered from the inventory, values checked against pattern and
// choices. Shared by the input form on screen and by `run --input k=v`.
import type { Runbook, RunbookInput } from './types.ts';
import { renderTemplate, type Variables } from './template.ts';

export interface InputProblem {
  name: string;
  message: string;
}

/** The default of an input with its `{{variables}}` filled in, or undefined. */
export function inputDefault(input: RunbookInput, vars: Variables): string | undefined {
  if (input.default === undefined) return undefined;
  const { text, missing } = renderTemplate(input.default, vars);
  return missing.length > 0 ? undefined : text;
}

/** Why a value is not acceptable for this input, or undefined when it is. */
export function checkInput(input: RunbookInput, value: string): string | undefined {
  if (value === '') return `${input.name}: a value is required`;
  if (input.choices && !input.choices.includes(value)) {
    return `${input.name}: '${value}' is not one of ${input.choices.join(', ')}`;
  }
  if (input.pattern && !new RegExp(`^(?:${input.pattern})$`).test(value)) {
    return `${input.name}: '${value}' does not match /${input.pattern}/`;
  }
  return undefined;
}

/** Given values plus defaults; every problem (unknown name, missing, invalid) at once. */
export function resolveInputs(
  rb: Runbook,
  given: Record<string, string>,
  vars: Variables,
): { values: Record<string, string>; problems: InputProblem[] } {
  const values: Record<string, string> = {};
  const problems: InputProblem[] = [];
  const declared = new Set(rb.inputs.map((i) => i.name));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const known = rb.inputs.map((i) => i.name).join(', ') || 'none';
      problems.push({ name, message: `${name}: runbook ${rb.id} has no such input (inputs: ${known})` });
    }
  }
  for (const input of rb.inputs) {
    const value = given[input.name] ?? inputDefault(input, vars);
    if (value === undefined) {
      problems.push({ name: input.name, message: `${input.name}: missing (${input.prompt})` });
      continue;
    }
    const problem = checkInput(input, value);
    if (problem) problems.push({ name: input.name, message: problem });
    else values[input.name] = value;
  }
  return { values, problems };
}
