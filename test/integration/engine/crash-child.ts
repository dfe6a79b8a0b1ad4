// A child mfs-tui-like process for the kill -9 test: runs the runbook file given in
// argv[2] non-interactively (--yes) with its journal in argv[3], input pidfile=argv[4],
// through the real LocalExecutor, and prints `RUN <id>` once the journal exists.
import fs from 'node:fs';
import { createRun } from '../../../src/engine/run.ts';
import { formatProblem } from '../../../src/runbook/library.ts';
import { parseRunbook } from '../../../src/runbook/parse.ts';
import { localRunDeps } from '../../support/local-run-deps.ts';

const [file, journalDir, pidfile] = process.argv.slice(2) as [string, string, string];
const { runbook, problems } = parseRunbook(fs.readFileSync(file, 'utf8'), file);
if (!runbook) {
  process.stderr.write(`${problems.map(formatProblem).join('\n')}\n`);
  process.exit(2);
}
const run = createRun(localRunDeps(runbook, journalDir, { inputs: { pidfile }, mode: 'non-interactive', autoConfirm: true, operator: 'child' }));
process.stdout.write(`RUN ${run.runId}\n`);
const end = await run.settled();
process.stdout.write(`END ${end.status}\n`);
