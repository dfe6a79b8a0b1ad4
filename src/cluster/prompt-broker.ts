// Questions the SSH layer asks while a screen is up (unknown host key, passphrase, sudo
// password), queued one at a time as a small store the screen renders and answers.
// Answers are handed to the SSH layer and dropped here: nothing is kept.
import { t } from '../i18n/index.ts';
import type { SshPrompts } from '../ssh/pool.ts';
import type { UnknownHostKeyInfo } from '../ssh/connect.ts';

export type SessionQuestion =
  { kind: 'host-key'; info: UnknownHostKeyInfo; answer(accept: boolean): void } | { kind: 'secret'; title: string; detail: string; answer(value: string | undefined): void };

export class PromptBroker {
  private queue: SessionQuestion[] = [];
  private readonly listeners = new Set<() => void>();

  current = (): SessionQuestion | undefined => this.queue[0];

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private enqueue<T>(make: (answer: (v: T) => void) => SessionQuestion): Promise<T> {
    return new Promise<T>((resolve) => {
      const question = make((value: T) => {
        this.queue = this.queue.filter((q) => q !== question);
        this.notify();
        resolve(value);
      });
      this.queue = [...this.queue, question];
      this.notify();
    });
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** The SshPrompts the pool uses; each call waits for the operator's answer on screen. */
  prompts(): SshPrompts {
    return {
      unknownHostKey: (info) => this.enqueue<boolean>((answer) => ({ kind: 'host-key', info, answer })),
      passphrase: (info) =>
        this.enqueue<string | undefined>((answer) => ({
          kind: 'secret',
          title: t('ssh.prompt.passphraseTitle', { keyFile: info.keyFile }),
          detail: t('ssh.prompt.passphraseDetail', { host: info.host }),
          answer,
        })),
      sudoPassword: (info) =>
        this.enqueue<string | undefined>((answer) => ({
          kind: 'secret',
          title: t('ssh.prompt.sudoTitle', { user: info.user, host: info.host }),
          detail: t('ssh.prompt.sudoDetail'),
          answer,
        })),
    };
  }
}
