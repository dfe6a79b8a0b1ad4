// SSH questions when nobody is at the keyboard: unknown host keys are refused (with the
// fingerprint, so the operator can check and add it), secrets cannot be asked for.
import type { SshPrompts } from '../ssh/pool.ts';
import { SUDO_PASSWORD_FD_ENV, givenSudoPassword } from './sudo-password-fd.ts';

export function nonInteractivePrompts(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): SshPrompts {
  return {
    async unknownHostKey(info) {
      write(
        `mfs-tui: ${info.host} (${info.address}:${info.port}) offers an unknown ${info.keyType} host key ${info.fingerprint}; ` +
          'refused without an operator. Check the fingerprint and add the key to known_hosts, or connect once interactively.',
      );
      return false;
    },
    async passphrase(info) {
      write(`mfs-tui: ${info.keyFile} needs a passphrase; load it into ssh-agent for non-interactive runs`);
      return undefined;
    },
    async sudoPassword(info) {
      const given = givenSudoPassword();
      if (given !== undefined) return given;
      write(
        `mfs-tui: sudo on ${info.host} needs a password for ${info.user}; allow NOPASSWD for non-interactive runs, ` + `or give it on a file descriptor: ${SUDO_PASSWORD_FD_ENV}=3 mfs-tui … 3<FILE`,
      );
      return undefined;
    },
  };
}
