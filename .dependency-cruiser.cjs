// The layering `npm test` checks (dependency-cruiser): the domain (src/) never imports the
// app shell (app/) or the Ink views (screens/); views never import the shell; and no module
// imports itself back through others (type-only and on-demand imports count too: a cycle
// is a cycle for the reader).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules form no cycles: each folder reads from the bottom up.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-not-to-ui',
      severity: 'error',
      comment: 'src/ is the domain: it knows nothing of the command line, the home screen or Ink views.',
      from: { path: '^src/' },
      to: { path: '^(app|screens)/' },
    },
    {
      name: 'screens-not-to-app',
      severity: 'error',
      comment: 'screens/ are views: the shell (app/) renders them, never the other way round.',
      from: { path: '^screens/' },
      to: { path: '^app/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (a moved module leaves no dangling path behind).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs'],
    },
  },
};
