// Who runs a runbook, as the journal records it: the local login name.
import os from 'node:os';

export function operatorName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
