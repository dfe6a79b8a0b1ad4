// The process entry point bundled into dist/mfs-tui.mjs.
import { main } from './main.ts';

// A reader that went away (`mfs-tui runs | head -1`) is not an error of ours: stop quietly,
// as other command-line tools do. (The lab's own printer keeps going: a half-done up must finish.)
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  if (!process.argv.includes('lab')) process.exit(process.exitCode ?? 0);
});

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`mfs-tui: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 70;
  },
);
