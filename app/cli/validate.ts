// `mfs-tui validate`: check runbooks and print every problem as file:line:col: message.
import { t } from '../../src/i18n/index.ts';
import type { GlobalOptions } from './options.ts';
import { EXIT } from './errors.ts';
import { loadInventoryFor } from './context.ts';

export async function validateCommand(files: string[], g: GlobalOptions): Promise<void> {
  const [lib, { libraryFolders }] = await Promise.all([import('../../src/runbook/library.ts'), import('./library-folders.ts')]);
  const folders = await libraryFolders(g);
  // With an inventory, host names in `on=` and `{{hosts.x}}` are checked too.
  const inventory = g.inventory || g.lab ? await loadInventoryFor(g, { remember: false }) : undefined;
  let result;
  // A named file too big or with absurd YAML is bad input: said at once, without reading the library.
  const unread = files.length > 0 ? lib.loadRunbookFiles(files).problems.filter((p) => p.limit) : [];
  if (unread.length > 0) {
    for (const p of unread) process.stdout.write(`${lib.formatProblem(p)}\n`);
    process.stderr.write(`${t('cli.validate.notRead', { count: unread.length })}\n`);
    process.exitCode = EXIT.usage;
    return;
  }
  if (files.length > 0) {
    // Files named on the command line may hand over to runbooks of the library.
    const library = lib.loadRunbookDirs(folders);
    result = lib.loadRunbookFiles(files, { inventory, knownRunbookIds: new Set(library.runbooks.map((r) => r.id)) });
  } else {
    result = lib.loadRunbookDirs(folders, { inventory });
  }
  for (const p of result.problems) process.stdout.write(`${lib.formatProblem(p)}\n`);
  const n = files.length > 0 ? files.length : result.runbooks.length;
  if (result.problems.length > 0) {
    const k = result.problems.length;
    process.stderr.write(`${t('cli.validate.problems', { count: k, files: t('cli.validate.files', { count: n }) })}\n`);
    // A file too big, not plain, or with absurd YAML was not read at all: bad input.
    process.exitCode = result.problems.some((p) => p.limit) ? EXIT.usage : EXIT.failed;
  } else {
    process.stderr.write(`${t('cli.validate.valid', { count: n })}\n`);
  }
}
