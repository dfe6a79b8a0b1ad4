// zod's own messages (wrong type, missing field, too short, too big) in the operator's language
// and in YAML words, for any YAML the operator writes (an inventory, a runbook's front matter or
// decision block). A message a schema gives itself is not passed through here (zod keeps it).
import type { ZodErrorMap } from 'zod';
import { t, type MessageKey } from '../i18n/index.ts';

export const yamlErrorMap: ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return { message: issue.received === 'undefined' ? t('inventory.error.required') : t('inventory.error.wrongKind', { expected: yamlKind(issue.expected), received: yamlKind(issue.received) }) };
    case 'too_small':
      if (issue.type === 'array') return { message: t('inventory.error.atLeastItems', { count: Number(issue.minimum) }) };
      if (issue.type === 'string') return { message: t('inventory.error.empty') };
      return { message: t('inventory.error.atLeast', { minimum: String(issue.minimum) }) };
    case 'too_big':
      return { message: t('inventory.error.atMost', { maximum: String(issue.maximum) }) };
    default:
      return { message: t('inventory.error.invalid') };
  }
};

/** A zod type as the YAML reader knows it, with its article: `a list`, `a mapping`, `a number`, `null`. */
function yamlKind(type: string): string {
  const kinds: Record<string, MessageKey> = {
    array: 'inventory.kind.array',
    object: 'inventory.kind.object',
    null: 'inventory.kind.null',
    string: 'inventory.kind.string',
    number: 'inventory.kind.number',
    integer: 'inventory.kind.integer',
    float: 'inventory.kind.float',
    boolean: 'inventory.kind.boolean',
    nan: 'inventory.kind.nan',
  };
  return Object.hasOwn(kinds, type) ? (t as (k: MessageKey) => string)(kinds[type]!) : t('inventory.kind.other', { type });
}
