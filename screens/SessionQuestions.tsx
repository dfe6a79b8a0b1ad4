// Questions the SSH layer asks while a screen is up (unknown host key, passphrase, sudo
// password), one at a time, above whatever screen is showing. Answers go straight back
// to the asker; nothing is kept here.
import { useCallback, useSyncExternalStore } from 'react';
import { Box, Text } from 'ink';
import type { SessionQuestion } from '../src/cluster/prompt-broker.ts';
import { TextField } from './widgets/TextField.tsx';
import { layer, useArmed } from './hooks/keys.tsx';
import { visibleLine } from './format.ts';
import { t } from '../src/i18n/index.ts';

/** A store of pending questions (the CLI's PromptBroker). */
export interface QuestionSource {
  current(): SessionQuestion | undefined;
  subscribe(listener: () => void): () => void;
}

/**
 * An unknown host key: trusted only when the operator types `yes` (a stray y or Enter
 * cannot trust it); anything else typed, or Esc, refuses it. No key pressed before the
 * question was drawn counts.
 */
function HostKeyQuestion({ q }: { q: Extract<SessionQuestion, { kind: 'host-key' }> }) {
  const { info } = q;
  const armed = useArmed();
  const submit = useCallback((typed: string) => q.answer(typed.trim() === 'yes'), [q]);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold>{t('session.hostKey.title', { host: visibleLine(info.host), address: visibleLine(info.address), port: info.port })}</Text>
      <Text>
        {visibleLine(info.keyType)} {visibleLine(info.fingerprint)}
      </Text>
      {info.otherKnownTypes && info.otherKnownTypes.length > 0 && <Text color="yellow">{t('session.hostKey.otherTypes', { types: info.otherKnownTypes.map(visibleLine).join(', ') })}</Text>}
      <Text>
        {t('session.hostKey.ask')}
        <Text bold>yes</Text>
        {t('session.hostKey.askAfter')} <TextField onSubmit={submit} onCancel={() => q.answer(false)} priority={layer.session} armed={armed} />
      </Text>
      <Text dimColor>{armed ? t('session.hostKey.keys') : '…'}</Text>
    </Box>
  );
}

function SecretQuestion({ q }: { q: Extract<SessionQuestion, { kind: 'secret' }> }) {
  const armed = useArmed();
  const submit = useCallback((value: string) => q.answer(value), [q]);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold>{visibleLine(q.title)}</Text>
      <Text dimColor>{visibleLine(q.detail)}</Text>
      <Text>
        › <TextField mask onSubmit={submit} onCancel={() => q.answer(undefined)} clearOnSubmit priority={layer.session} armed={armed} />
      </Text>
      <Text dimColor>{armed ? t('session.secret.keys') : '…'}</Text>
    </Box>
  );
}

/** The question on screen now, if any. */
export function useSessionQuestion(source: QuestionSource | undefined): SessionQuestion | undefined {
  const subscribe = useCallback((l: () => void) => source?.subscribe(l) ?? (() => {}), [source]);
  const current = useCallback(() => source?.current(), [source]);
  return useSyncExternalStore(subscribe, current);
}

/** Rows a question box takes, so the screen above can leave room for it. */
export function sessionQuestionRows(q: SessionQuestion | undefined): number {
  if (!q) return 0;
  return q.kind === 'host-key' ? 6 + (q.info.otherKnownTypes?.length ? 1 : 0) : 6;
}

export function SessionQuestions({ source }: { source: QuestionSource }) {
  const q = useSessionQuestion(source);
  if (!q) return null;
  return q.kind === 'host-key' ? <HostKeyQuestion key={q.info.host + q.info.fingerprint} q={q} /> : <SecretQuestion key={q.title} q={q} />;
}
