// Checking a runbook input's value before the run starts: pure, with messages that say
// exactly what is wrong.
import type { RunbookInput } from '../../src/runbook/types.ts';

/** The value the operator gave, or the default when they left it empty. */
export function effectiveValue(input: Pick<RunbookInput, 'default'>, typed: string, resolvedDefault?: string): string {
  const trimmed = typed.trim();
  return trimmed === '' ? (resolvedDefault ?? input.default ?? '') : trimmed;
}

/** Why the value is not acceptable, or undefined when it is: the same check as `run --input`. */
export { checkInput as inputProblem } from '../../src/runbook/inputs.ts';
