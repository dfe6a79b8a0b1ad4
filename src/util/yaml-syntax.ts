// A YAML syntax error (the `yaml` package's) in the operator's language: in English the parser's
// own words, which are the most precise; in another language what its error code means.
import type { ErrorCode } from 'yaml';
import { currentLanguage, t, type MessageKey } from '../i18n/index.ts';

const MEANING: Record<ErrorCode, MessageKey> = {
  ALIAS_PROPS: 'yaml.syntax.aliasProps',
  BAD_ALIAS: 'yaml.syntax.badAlias',
  BAD_DIRECTIVE: 'yaml.syntax.badDirective',
  BAD_DQ_ESCAPE: 'yaml.syntax.badDqEscape',
  BAD_INDENT: 'yaml.syntax.badIndent',
  BAD_PROP_ORDER: 'yaml.syntax.badPropOrder',
  BAD_SCALAR_START: 'yaml.syntax.badScalarStart',
  BLOCK_AS_IMPLICIT_KEY: 'yaml.syntax.blockAsImplicitKey',
  BLOCK_IN_FLOW: 'yaml.syntax.blockInFlow',
  DUPLICATE_KEY: 'yaml.syntax.duplicateKey',
  IMPOSSIBLE: 'yaml.syntax.other',
  KEY_OVER_1024_CHARS: 'yaml.syntax.keyTooLong',
  MISSING_CHAR: 'yaml.syntax.missingChar',
  MULTILINE_IMPLICIT_KEY: 'yaml.syntax.multilineImplicitKey',
  MULTIPLE_ANCHORS: 'yaml.syntax.multipleAnchors',
  MULTIPLE_DOCS: 'yaml.syntax.multipleDocs',
  MULTIPLE_TAGS: 'yaml.syntax.multipleTags',
  NON_STRING_KEY: 'yaml.syntax.nonStringKey',
  RESOURCE_EXHAUSTION: 'yaml.syntax.resourceExhaustion',
  TAB_AS_INDENT: 'yaml.syntax.tabAsIndent',
  TAG_RESOLVE_FAILED: 'yaml.syntax.tagResolveFailed',
  UNEXPECTED_TOKEN: 'yaml.syntax.unexpectedToken',
  BAD_COLLECTION_TYPE: 'yaml.syntax.badCollectionType',
};

/** What is wrong, one line, without the position (the caller prints file:line:col). */
export function yamlSyntaxDetail(error: { code: string; message: string }): string {
  if (currentLanguage() === 'en') return error.message.split('\n')[0]!;
  const key = Object.hasOwn(MEANING, error.code) ? MEANING[error.code as ErrorCode] : 'yaml.syntax.other';
  return (t as (k: MessageKey) => string)(key);
}
