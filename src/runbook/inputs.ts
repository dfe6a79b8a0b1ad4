// Runbook inputs: defaults (from the live status for hosts that play a live role, from the
// runbook that handed over, from the inventory), values checked against pattern and choices,
// and values that contradict the live status flagged. Shared by the input form on screen
// and by `run --input k=v`.
import type { Inventory } from '../inventory/types.ts';
import type { LiveRole, Runbook, RunbookInput } from './types.ts';
import { rawInputNames, renderTemplate, shellMetacharactersIn, type Variables } from './template.ts';
import { t } from '../i18n/index.ts';

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
  if (value === '') return t('runbook.input.required', { name: input.name });
  if (input.choices && input.choices.length > 0 && !input.choices.includes(value)) {
    return t('runbook.input.notChoice', { name: input.name, choices: input.choices.join(', '), value });
  }
  if (input.pattern !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${input.pattern})$`);
    } catch {
      return t('runbook.input.badPattern', { name: input.name, pattern: input.pattern });
    }
    if (!re.test(value)) return t('runbook.input.noMatch', { name: input.name, pattern: input.pattern, value });
  }
  return undefined;
}

/**
 * Why a value cannot go into a command that inserts it raw (`{{{inputs.x}}}`), or undefined.
 * Whatever the runbook's pattern admits (the validator only probes it), such a value holds
 * no shell metacharacter: what the operator typed stays text, never more shell.
 */
export function rawValueProblem(name: string, value: string, raw: ReadonlySet<string>): string | undefined {
  if (!raw.has(name)) return undefined;
  const found = shellMetacharactersIn(value);
  if (found.length === 0) return undefined;
  return t('runbook.input.shellCharacters', { name, value, found: found.join(' '), raw: `{{{inputs.${name}}}}` });
}

/** Given values plus defaults; every problem (unknown name, missing, invalid) at once. */
export function resolveInputs(
  rb: Runbook,
  given: Record<string, string>,
  vars: Variables,
  /** Defaults worked out beforehand (suggestInputs); without them, each input's `default:`. */
  suggested?: Record<string, InputSuggestion>,
): { values: Record<string, string>; problems: InputProblem[] } {
  const values: Record<string, string> = {};
  const problems: InputProblem[] = [];
  const declared = new Set(rb.inputs.map((i) => i.name));
  const raw = rawInputNames(rb.steps);
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const known = rb.inputs.map((i) => i.name).join(', ') || t('runbook.input.none');
      problems.push({ name, message: t('runbook.input.unknown', { name, runbook: rb.id, known }) });
    }
  }
  for (const input of rb.inputs) {
    const value = given[input.name] ?? (suggested ? suggested[input.name]?.value : inputDefault(input, vars));
    if (value === undefined) {
      const why = suggested?.[input.name]?.source;
      problems.push({
        name: input.name,
        message: why ? t('runbook.input.missingWhy', { name: input.name, prompt: input.prompt, why }) : t('runbook.input.missing', { name: input.name, prompt: input.prompt }),
      });
      continue;
    }
    const problem = checkInput(input, value) ?? rawValueProblem(input.name, value, raw);
    if (problem) problems.push({ name: input.name, message: problem });
    else values[input.name] = value;
  }
  return { values, problems };
}

/** Who plays a live role now (src/status/live-roles.ts on a status snapshot); undefined: no status. */
export type LiveLookup = (role: LiveRole) => { host?: string; saw: string };

/** The run that handed over to this runbook (a decision's `runbook:` choice) and its inputs. */
export interface HandedOver {
  runbook: string;
  runId?: string;
  inputs: Record<string, string>;
}

export interface InputSuggestion {
  value?: string;
  /** Where the value comes from, for the form: `live status: m2 holds the VIP…`. */
  source?: string;
}

/**
 * The default of each input, given the values decided so far (an `address-of:` input follows
 * the host its input names). Order: a `live:` input from the live status, else the handing-over
 * run; others from the handing-over run, the named input's address, the `default:` template.
 * A `live:` input never falls back to inventory order: without a status it has no default.
 */
export function suggestInput(input: RunbookInput, ctx: { vars: Variables; inventory?: Inventory; values: Record<string, string>; handedOver?: HandedOver; live?: LiveLookup }): InputSuggestion {
  const handed = (): InputSuggestion | undefined => {
    const h = ctx.handedOver;
    if (!h) return undefined;
    for (const ref of input.from ?? []) {
      const dot = ref.indexOf('.');
      const [rb, name] = [ref.slice(0, dot), ref.slice(dot + 1)];
      const value = h.inputs[name];
      if (rb === h.runbook && value !== undefined) return { value, source: t('runbook.input.fromRun', { runbook: rb, name }) };
    }
    return undefined;
  };
  if (input.live !== undefined) {
    const answer = ctx.live?.(input.live);
    if (answer?.host !== undefined) return { value: answer.host, source: t('runbook.input.live', { saw: answer.saw }) };
    const carried = handed();
    if (carried) return { ...carried, source: t('runbook.input.carriedLiveCannotTell', { source: carried.source ?? '', saw: answer?.saw ?? t('runbook.input.noStatusYet') }) };
    return { source: t('runbook.input.liveCannotTell', { saw: answer?.saw ?? t('runbook.input.noStatusYet') }) };
  }
  const carried = handed();
  if (carried) return carried;
  if (input.addressOf !== undefined) {
    const host = ctx.values[input.addressOf];
    const entry = host !== undefined ? ctx.inventory?.hosts.find((h) => h.name === host) : undefined;
    return entry ? { value: entry.address, source: t('runbook.input.addressOf', { host: host! }) } : {};
  }
  const value = inputDefault(input, ctx.vars);
  return value === undefined ? {} : { value };
}

/** Every input's default in order, each `address-of:` following the value before it (given or suggested). */
export function suggestInputs(
  rb: Pick<Runbook, 'inputs'>,
  ctx: { vars: Variables; inventory?: Inventory; given?: Record<string, string>; handedOver?: HandedOver; live?: LiveLookup },
): Record<string, InputSuggestion> {
  const out: Record<string, InputSuggestion> = {};
  const values: Record<string, string> = {};
  for (const input of rb.inputs) {
    const s = suggestInput(input, { ...ctx, values });
    out[input.name] = s;
    const v = ctx.given?.[input.name] ?? s.value;
    if (v !== undefined) values[input.name] = v;
  }
  return out;
}

/**
 * Values that contradict what is known: a `live:` input naming another host than the live
 * status shows in that role, an `address-of:` input that is not its host's inventory address.
 * One line each, for the operator to see before the first step.
 */
export function inputContradictions(rb: Pick<Runbook, 'inputs'>, values: Record<string, string>, ctx: { inventory?: Inventory; live?: LiveLookup }): string[] {
  const out: string[] = [];
  for (const input of rb.inputs) {
    const value = values[input.name];
    if (value === undefined) continue;
    if (input.live !== undefined) {
      const answer = ctx.live?.(input.live);
      if (answer?.host !== undefined && answer.host !== value) out.push(t('runbook.input.contradictsLive', { name: input.name, value, host: answer.host, role: input.live, saw: answer.saw }));
    }
    if (input.addressOf !== undefined) {
      const host = values[input.addressOf];
      const entry = host !== undefined ? ctx.inventory?.hosts.find((h) => h.name === host) : undefined;
      if (entry && entry.address !== value) out.push(t('runbook.input.contradictsAddress', { name: input.name, value, other: input.addressOf, host: host!, address: entry.address }));
    }
  }
  return out;
}

/**
 * The values a handing-over run gives the next runbook through its inputs' `from:` (and the
 * `address-of:` inputs that follow them), for the `mfs-tui run NEXT --input …` line printed
 * when a run hands over. Live roles are left out: they are read when the next run starts.
 */
export function handedOverInputs(next: Pick<Runbook, 'inputs'>, handedOver: HandedOver, inventory?: Inventory): Record<string, string> {
  const out: Record<string, string> = {};
  for (const input of next.inputs) {
    if (input.live !== undefined) continue;
    const s = suggestInput(input, { vars: {}, inventory, values: out, handedOver });
    const carried = input.from !== undefined || (input.addressOf !== undefined && out[input.addressOf] !== undefined);
    if (carried && s.value !== undefined && checkInput(input, s.value) === undefined) out[input.name] = s.value;
  }
  return out;
}
