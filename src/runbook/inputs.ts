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

/** Why a value is not acceptable for this input, or undefined when it is. The screen's form uses it too. */
export function checkInput(input: Pick<RunbookInput, 'name' | 'pattern' | 'choices'>, value: string): string | undefined {
  if (value === '') return `${input.name} is required`;
  if (input.choices && input.choices.length > 0 && !input.choices.includes(value)) {
    return `${input.name} must be one of ${input.choices.join(', ')} (got "${value}")`;
  }
  if (input.pattern !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${input.pattern})$`);
    } catch {
      return `${input.name}: the runbook's pattern /${input.pattern}/ is not a valid regular expression`;
    }
    if (!re.test(value)) return `${input.name} must match /${input.pattern}/ (got "${value}")`;
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
