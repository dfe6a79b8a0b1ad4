// Lint (`npm test` runs it, `npm run lint` alone): typescript-eslint's recommended rules
// everywhere, React's rules of hooks where React lives (app/, screens/, .tsx tests).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const NODE_GLOBALS = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'module', 'require', '__dirname'].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  { ignores: ['dist/', 'dist.build-*/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Node's globals for the few plain .js/.mjs/.cjs scripts (tsc checks the .ts files).
    languageOptions: { globals: NODE_GLOBALS },
    rules: {
      // Terminal text is the subject here: stripping ANSI and refusing control characters
      // in operator-supplied text needs \x1b and \x00-\x1f in regular expressions.
      'no-control-regex': 'off',
      // `_`-prefixed names say "unused on purpose" (an argument a callback must take, a field
      // left out of a copy: `const { block: _block, ...rest } = c`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // typescript-eslint's advice: tsc already reports undefined names, and knows the types' globals.
    files: ['**/*.{ts,tsx,mts,cts}'],
    rules: { 'no-undef': 'off' },
  },
  {
    // Only React code has hooks: test helpers named use… (useTempLabDir) are plain functions.
    files: ['app/**/*.{ts,tsx}', 'screens/**/*.{ts,tsx}', 'test/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
);
