// `mfs-tui validate`: check runbooks and print every problem as file:line:col: message.
import type { GlobalOptions } from './main.ts';
import { EXIT } from './errors.ts';
import { loadInventoryFor } from './context.ts';

export async function validateCommand(files: string[], g: GlobalOptions): Promise<void> {
  const lib = await import('../runbook/library.ts');
  const dir = g.runbooks ?? lib.builtinRunbookDir();
  // Files named on the command line are checked against the library, so `runbook:` jumps resolve.
  const library = lib.loadRunbookDir(dir);
  const result = files.length > 0 ? lib.loadRunbookFiles(files) : library;
  const known = new Set([...library.runbooks, ...result.runbooks].map((r) => r.id));
  const inventory = g.inventory || g.lab ? await loadInventoryFor(g, { remember: false }) : undefined;
  const { validateRunbook } = await import('../runbook/validate.ts');
  const problems = [...result.problems];
  if (files.length > 0 || inventory) {
    for (const rb of result.runbooks) problems.push(...validateRunbook(rb, { knownRunbookIds: known, inventory }));
  }
  const unique = dedupe(problems.map(lib.formatProblem));
  for (const line of unique) process.stdout.write(`${line}\n`);
  const n = files.length > 0 ? files.length : result.runbooks.length;
  if (unique.length > 0) {
    process.stderr.write(`${unique.length} problem${unique.length === 1 ? '' : 's'} found\n`);
    process.exitCode = EXIT.failed;
  } else {
    process.stderr.write(`${n} runbook${n === 1 ? '' : 's'} valid\n`);
  }
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}
