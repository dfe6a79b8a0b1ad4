// A tiny entry for the lab commands alone (tests spawn it; independent of the app's main).
import { Command } from 'commander';
import { registerLabCommands } from '../../../app/cli/lab.ts';

const program = new Command('mfs-tui').exitOverride();
registerLabCommands(program);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as { exitCode?: number; message?: string; code?: string };
  if (!e.code?.startsWith('commander.')) process.stderr.write(`mfs-tui: ${e.message}\n`);
  process.exitCode = e.exitCode ?? 70;
}
