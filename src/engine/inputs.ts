// A runbook's inputs for one run: the values given (--input k=v or the screen), defaults
// filled in from the inventory, and each checked against its pattern and choices.
import type { Inventory } from '../inventory/types.ts';
import { buildVariables, renderTemplate } from '../runbook/template.ts';
import type { Runbook } from '../runbook/types.ts';

export interface ResolvedInputs {
  inputs: Record<string, string>;
  /** Inputs that have no value and no default. */
  missing: string[];
  /** Every problem in words, naming the input. */
  problems: string[];
}

export function resolveInputs(runbook: Runbook, inventory: Inventory, given: Record<string, string>): ResolvedInputs {
  const inputs: Record<string, string> = {};
  const missing: string[] = [];
  const problems: string[] = [];
  const declared = new Set(runbook.inputs.map((i) => i.name));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const known = [...declared].join(', ') || 'none';
      problems.push(`unknown input '${name}' for runbook ${runbook.id} (its inputs: ${known})`);
    }
  }
  const vars = buildVariables(inventory, {});
  for (const input of runbook.inputs) {
    let value = given[input.name];
    if (value === undefined && input.default !== undefined) {
      const r = renderTemplate(input.default, vars);
      if (r.missing.length > 0) {
        problems.push(`input '${input.name}': its default ${input.default} uses undefined ${r.missing.map((m) => `{{${m}}}`).join(', ')}`);
        continue;
      }
      value = r.text;
    }
    if (value === undefined) {
      missing.push(input.name);
      problems.push(`input '${input.name}' is required: ${input.prompt}`);
      continue;
    }
    if (input.pattern !== undefined) {
      let re: RegExp | undefined;
      try {
        re = new RegExp(`^(?:${input.pattern})$`);
      } catch {
        problems.push(`input '${input.name}': the runbook's pattern ${input.pattern} is not a valid regular expression`);
      }
      if (re && !re.test(value)) problems.push(`input '${input.name}': '${value}' does not match ${input.pattern}`);
    }
    if (input.choices && !input.choices.includes(value)) {
      problems.push(`input '${input.name}': '${value}' is not one of ${input.choices.join(', ')}`);
    }
    inputs[input.name] = value;
  }
  return { inputs, missing, problems };
}
