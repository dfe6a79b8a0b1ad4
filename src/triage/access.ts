// A host mfs-tui cannot log into: what the SSH probe saw, and what to do so it can log in again.
import { t } from '../i18n/index.ts';
import type { HostStatus } from '../status/model.ts';

/** What the SSH probe saw: the host answered and refused us, or (no usable key here) it was never asked. */
export function loginSeen(h: HostStatus): string {
  return t(h.login === 'no-credentials' ? 'triage.login.notAsked' : 'triage.login.answeredBut', { address: h.address, why: loginWhy(h) });
}

/** Why mfs-tui could not log in, in words. */
function loginWhy(h: HostStatus): string {
  switch (h.login) {
    case 'host-key-changed':
      return t('triage.login.keyChanged');
    case 'host-key-unknown':
      return t('triage.login.keyUnknown');
    case 'host-key-rejected':
      return t('triage.login.keyRejected');
    case 'sudo-refused':
      return t('triage.login.sudoRefused');
    case 'no-credentials':
      return t('triage.login.noCredentials');
    default:
      return t('triage.login.refused');
  }
}

/** What to do so mfs-tui can log in again. */
export function accessHowTo(h: HostStatus): string[] {
  switch (h.login) {
    case 'host-key-changed':
      return [t('triage.access.keyChanged', { host: h.name, address: h.address })];
    case 'host-key-unknown':
      return [t('triage.access.keyUnknown', { host: h.name, address: h.address })];
    case 'host-key-rejected':
      return [t('triage.access.keyRejected', { host: h.name })];
    case 'sudo-refused':
      return [t('triage.access.sudoRefused', { host: h.name })];
    case 'no-credentials':
      return [t('triage.access.noCredentials', { host: h.name })];
    default:
      return [t('triage.access.refused', { host: h.name, address: h.address })];
  }
}
