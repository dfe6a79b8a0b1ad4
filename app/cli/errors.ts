// Errors that are the operator's to fix: printed as one clear message, never a stack trace.

export const EXIT = {
  ok: 0,
  /** A run or a check failed, or runbooks have problems. */
  failed: 1,
  /** Bad usage or bad input (inventory, arguments). */
  usage: 2,
  /** A host could not be reached or authenticated. */
  host: 3,
  /** Interrupted by the operator. */
  interrupted: 130,
} as const;

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
