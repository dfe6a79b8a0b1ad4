// Bundles the app into ESM chunks: start-up is several times faster than loading
// hundreds of modules. Heavy or native pieces stay external and are loaded on demand.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

// Identifies the runbook checker and the inventory loader (their sources and the locked
// dependencies): the home screen reuses remembered check results and inventories only
// from the same code (src/runbook/cache.ts).
function checkerId() {
  const parts = [];
  for (const dir of ['src/runbook', 'src/inventory']) {
    parts.push(
      ...readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .sort()
        .map((f) => `${f}\0${readFileSync(`${dir}/${f}`, 'utf8')}`),
    );
  }
  parts.push(readFileSync('package-lock.json', 'utf8'));
  return `build-${createHash('sha256').update(parts.join('\0')).digest('hex')}`;
}

function stub(name, contents) {
  return {
    name: `stub-${name}`,
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path: name, namespace: 'stub' }));
      b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents, loader: 'js' }));
    },
  };
}

// yoga-layout (Ink's layout engine) loads its wasm, embedded as base64, with fetch() when
// fetch exists: in Node that loads undici (~50-80 ms at start-up) only to decode a data:
// URL. Without fetch it decodes the same bytes directly.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const patched = source.replaceAll('typeof fetch', 'typeof undefined');
      const warnings = patched === source ? [{ text: 'yoga-layout no longer tests `typeof fetch`: start-up may load undici again' }] : [];
      return { contents: patched, loader: 'js', warnings };
    });
  },
};

// Built beside dist/, then moved in file by file (see the end): a running mfs-tui loads chunks
// on demand and must never find one missing (a drill in CI did, while `npm pack` rebuilt).
const out = `dist.build-${process.pid}`;
rmSync(out, { recursive: true, force: true });

await build({
  entryPoints: ['app/cli/entry.ts'],
  outdir: out,
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
  external: ['ssh2', 'blessed', 'blessed-contrib', 'zx'],
  // Ink loads React devtools only when DEV=true; the bundle never needs them.
  plugins: [stub('react-devtools-core', 'export default { initialize() {}, connectToDevTools() {} };'), yogaWithoutFetch],
  banner: {
    js: "import { createRequire as __mfsCreateRequire } from 'node:module'; const require = __mfsCreateRequire(import.meta.url);",
  },
  define: { 'process.env.NODE_ENV': '"production"', MFS_TUI_CHECKER_ID: JSON.stringify(checkerId()) },
  logLevel: 'warning',
});

// A rename replaces a file atomically, and a chunk of the same code keeps its name (content
// hash): the files a running mfs-tui of this code loads are there throughout. Then what this
// build did not write goes: older builds' chunks (names carry content hashes, so without this
// every build would leave them behind).
const written = new Set();
for (const sub of ['.', 'chunks']) {
  mkdirSync(join('dist', sub), { recursive: true });
  for (const f of readdirSync(join(out, sub), { withFileTypes: true })) {
    if (!f.isFile()) continue;
    renameSync(join(out, sub, f.name), join('dist', sub, f.name));
    written.add(join(sub, f.name));
  }
}
for (const sub of ['.', 'chunks']) {
  for (const f of readdirSync(join('dist', sub), { withFileTypes: true })) {
    if (f.isFile() && !written.has(join(sub, f.name))) rmSync(join('dist', sub, f.name));
  }
}
rmSync(out, { recursive: true, force: true });
