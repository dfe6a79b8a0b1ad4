// Checking a runbook input's value before the run starts: pure, with messages that say
// exactly what is wrong.
import type { RunbookInput } from '../../src/runbook/types.ts';

/** The value the operator gave, or the default when they left it empty. */
export function effectiveValue(input: Pick<RunbookInput, 'default'>, typed: string, resolvedDefault?: string): string {
  const trimmed = typed.trim();
  return trimmed === '' ? (resolvedDefault ?? input.default ?? '') : trimmed;
}

/** Why the value is not acceptable, or undefined when it is. */
export function inputProblem(input: Pick<RunbookInput, 'name' | 'pattern' | 'choices'>, value: string): string | undefined {
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
