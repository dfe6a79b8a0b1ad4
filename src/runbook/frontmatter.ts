// A runbook's YAML front matter: schema and reading it into the model with positions.
import { z } from 'zod';
import { t } from '../i18n/index.ts';
import { recordLocation, lineLocator } from './locations.ts';
import { LIVE_ROLES, ROLES } from './types.ts';
import type { Runbook, RunbookInput, SourcePos } from './types.ts';
import { nodePos, parseYamlAt, scalarTextPos, validateYaml } from './yaml-source.ts';
import type { YamlProblem } from './yaml-source.ts';

export { RISK_LEVELS } from './types.ts';
import { RISK_LEVELS } from './types.ts';

// Numbers and booleans in YAML (`default: 9421`) are taken as their text.
const text = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const inputSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'runbook.frontMatter.inputName'),
    prompt: z.string().min(1),
    default: text.optional(),
    pattern: z.string().min(1).optional(),
    choices: z.array(text).min(1).optional(),
    help: z.string().optional(),
    live: z.enum(LIVE_ROLES).optional(),
    from: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]*\.[A-Za-z_][A-Za-z0-9_-]*$/, 'runbook.frontMatter.from'))
      .min(1)
      .optional(),
    'address-of': z.string().min(1).optional(),
  })
  .strict();

const frontMatterSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'runbook.frontMatter.id'),
    title: z.string().min(1),
    summary: z.string().min(1),
    when: z.string().min(1),
    risk: z.enum(RISK_LEVELS),
    roles: z.array(z.enum(ROLES)).default([]),
    inputs: z.array(inputSchema).default([]),
  })
  .strict();

/** The runbook's own fields as the front matter gives them. */
export interface FrontMatter extends Pick<Runbook, 'id' | 'title' | 'summary' | 'when' | 'risk' | 'roles' | 'inputs'> {
  /** Where the id's text starts, for "duplicate runbook id" messages. */
  idPos: SourcePos;
}

/**
 * Reads front matter whose text starts on line `firstLine` of the file. Input objects get
 * locations for `name`, `default` and `pattern`.
 */
export function readFrontMatter(yamlText: string, firstLine: number): { value?: FrontMatter; problems: YamlProblem[] } {
  const parsed = parseYamlAt(yamlText, firstLine);
  if (!parsed.source) return { problems: parsed.problems };
  const src = parsed.source;
  if (src.doc.contents === null) return { problems: [{ pos: { line: firstLine - 1, column: 1 }, message: t('runbook.frontMatter.empty') }] };
  const checked = validateYaml(src, frontMatterSchema, 'front matter', (issue, value) => {
    if (issue.code === 'invalid_enum_value' && issue.path[0] === 'roles') return t('runbook.frontMatter.unknownRole', { role: String(value), roles: ROLES.join(', ') });
    if (issue.code === 'invalid_enum_value' && issue.path[0] === 'inputs' && issue.path[2] === 'live')
      return t('runbook.frontMatter.unknownLiveRole', { role: String(value), roles: LIVE_ROLES.join(', ') });
    if (issue.code === 'invalid_enum_value' && issue.path[0] === 'risk') return t('runbook.frontMatter.badRisk', { risk: String(value), risks: RISK_LEVELS.join(', ') });
    return undefined;
  });
  if (!checked.value) return { problems: checked.problems };
  const fm = checked.value;
  const inputs: RunbookInput[] = fm.inputs.map((i, n) => {
    const input: RunbookInput = { name: i.name, prompt: i.prompt, pos: nodePos(src, ['inputs', n]) };
    if (i.default !== undefined) input.default = i.default;
    if (i.pattern !== undefined) input.pattern = i.pattern;
    if (i.choices !== undefined) input.choices = i.choices;
    if (i.help !== undefined) input.help = i.help;
    if (i.live !== undefined) input.live = i.live;
    if (i.from !== undefined) input.from = i.from;
    if (i['address-of'] !== undefined) input.addressOf = i['address-of'];
    for (const field of ['name', 'default', 'pattern', 'live', 'address-of'] as const) {
      const at: SourcePos | undefined = scalarTextPos(src, ['inputs', n, field]);
      if (at) recordLocation(input, field, lineLocator(at));
    }
    return input;
  });
  return {
    value: {
      id: fm.id,
      title: fm.title,
      summary: fm.summary,
      when: fm.when,
      risk: fm.risk,
      roles: fm.roles,
      inputs,
      idPos: scalarTextPos(src, ['id']) ?? nodePos(src, ['id']),
    },
    problems: [],
  };
}
