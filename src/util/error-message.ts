// What an operator reads for a caught error: its message, or the thrown value itself.
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
