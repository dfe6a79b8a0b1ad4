// How `expect-exit` and `expect-output` judge a finished command: one definition for the
// engine, the docs and the tests.

/** The regular expression an `expect-output` pattern means: JavaScript syntax, `^`/`$` at line ends. */
export function expectOutputRegExp(pattern: string): RegExp {
  return new RegExp(pattern, 'm');
}

/** Whether a command's combined output (stdout and stderr as they came) satisfies `expect-output`. */
export function outputMatches(pattern: string | undefined, output: string): boolean {
  return pattern === undefined || expectOutputRegExp(pattern).test(output);
}

/** Whether an exit code counts as success; a command killed by a signal (null) never does. */
export function exitExpected(expectExit: number[], code: number | null): boolean {
  return code !== null && expectExit.includes(code);
}
