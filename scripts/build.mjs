// Bundles the app into one ESM file: start-up is several times faster than loading
// hundreds of modules. Heavy or native pieces stay external and are loaded on demand.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/entry.ts'],
  outfile: 'dist/mfs-tui.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  // ssh2 carries optional native addons; blessed-contrib is only for the wall dashboard.
  external: ['ssh2', 'node-ssh', 'blessed', 'blessed-contrib', 'zx', 'react-devtools-core'],
  banner: {
    js: "import { createRequire as __mfsCreateRequire } from 'node:module'; const require = __mfsCreateRequire(import.meta.url);",
  },
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
