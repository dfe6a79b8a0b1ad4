// Bundles the app into ESM chunks: start-up is several times faster than loading
// hundreds of modules. Heavy or native pieces stay external and are loaded on demand.
import { build } from 'esbuild';

function stub(name, contents) {
  return {
    name: `stub-${name}`,
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path: name, namespace: 'stub' }));
      b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents, loader: 'js' }));
    },
  };
}

await build({
  entryPoints: ['src/cli/entry.ts'],
  outdir: 'dist',
  entryNames: 'mfs-tui',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // Each on-demand import is its own chunk, so `import 'ssh2'` (hoisted to the top of its
  // chunk) is evaluated only when a command first needs SSH.
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  // ssh2 carries optional native addons; blessed-contrib is only for the wall dashboard.
  external: ['ssh2', 'node-ssh', 'blessed', 'blessed-contrib', 'zx'],
  // Ink loads React devtools only when DEV=true; the bundle never needs them.
  plugins: [stub('react-devtools-core', 'export default { initialize() {}, connectToDevTools() {} };')],
  banner: {
    js: "import { createRequire as __mfsCreateRequire } from 'node:module'; const require = __mfsCreateRequire(import.meta.url);",
  },
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
