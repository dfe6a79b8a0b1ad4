// Private keys for authentication. An encrypted key's passphrase is asked for (up to three
// times) and only the decrypted key object is kept, in memory, for this session: the
// passphrase itself is dropped at once and never written or logged.
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { HostError } from '../exec/types.ts';
import { fingerprintOf } from './known-hosts.ts';
import { t } from '../i18n/index.ts';

export type PassphrasePrompt = (info: { host: string; keyFile: string }) => Promise<string | undefined>;

const PASSPHRASE_ATTEMPTS = 3;

export class KeyStore {
  private readonly loaded = new Map<string, Promise<ParsedKey>>();

  constructor(private readonly askPassphrase: PassphrasePrompt) {}

  /** The decrypted key, asking for its passphrase the first time. Throws HostError('no-credentials'): nothing was tried on the host. */
  load(host: string, keyFile: string): Promise<ParsedKey> {
    let key = this.loaded.get(keyFile);
    if (!key) {
      key = this.decrypt(host, keyFile);
      this.loaded.set(keyFile, key);
      // A failure is not cached: the next connection asks again.
      key.catch(() => this.loaded.delete(keyFile));
    }
    return key;
  }

  private async decrypt(host: string, keyFile: string): Promise<ParsedKey> {
    let data: Buffer;
    try {
      data = readFileSync(keyFile);
    } catch (err) {
      throw new HostError(host, 'no-credentials', t('ssh.key.unreadable', { host, file: keyFile, error: (err as Error).message }));
    }
    let parsed = ssh2.utils.parseKey(data);
    if (!(parsed instanceof Error)) return first(parsed);
    if (!/passphrase/i.test(parsed.message)) {
      throw new HostError(host, 'no-credentials', t('ssh.key.unusable', { host, file: keyFile, error: parsed.message }));
    }
    for (let attempt = 1; attempt <= PASSPHRASE_ATTEMPTS; attempt++) {
      const passphrase = await this.askPassphrase({ host, keyFile });
      if (passphrase === undefined) {
        throw new HostError(host, 'no-credentials', t('ssh.key.noPassphrase', { host, file: keyFile }));
      }
      parsed = ssh2.utils.parseKey(data, passphrase);
      if (!(parsed instanceof Error)) return first(parsed);
    }
    throw new HostError(host, 'no-credentials', t('ssh.key.wrongPassphrase', { host, file: keyFile, attempts: PASSPHRASE_ATTEMPTS }));
  }
}

function first(key: ParsedKey | ParsedKey[]): ParsedKey {
  return Array.isArray(key) ? key[0]! : key;
}

/** `ED25519 SHA256:…` for messages about which keys were tried. */
export function describeKey(key: ParsedKey): string {
  return `${key.type} ${fingerprintOf(key.getPublicSSH())}`;
}
