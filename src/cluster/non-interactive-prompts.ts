// SSH questions when nobody is at the keyboard: unknown host keys are refused (with the
// fingerprint, so the operator can check and add it), secrets cannot be asked for.
import { t } from '../i18n/index.ts';
import type { SshPrompts } from '../ssh/pool.ts';
import { SUDO_PASSWORD_FD_ENV, givenSudoPassword } from './sudo-password-fd.ts';

export function nonInteractivePrompts(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): SshPrompts {
  return {
    async unknownHostKey(info) {
      write(t('ssh.prompt.unknownKeyRefused', { host: info.host, address: info.address, port: info.port, keyType: info.keyType, fingerprint: info.fingerprint }));
      return false;
    },
    async passphrase(info) {
      write(t('ssh.prompt.passphraseRefused', { keyFile: info.keyFile }));
      return undefined;
    },
    async sudoPassword(info) {
      const given = givenSudoPassword();
      if (given !== undefined) return given;
      write(t('ssh.prompt.sudoRefused', { host: info.host, user: info.user, env: SUDO_PASSWORD_FD_ENV }));
      return undefined;
    },
  };
}
