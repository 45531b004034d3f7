import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const electronBan = {
  paths: [{ name: 'electron', message: 'Only the Electron glue (main/index.ts, main/electron/, preload/) may import electron.' }],
};
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url', 'stream', 'util', 'events', 'buffer', 'process', 'worker_threads'];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', 'bench-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    // Config files are loaded by their tools through a default export.
    files: ['*.config.ts', '*.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['common/**', 'main/core/**', 'main/host/**', 'server/**', 'renderer/**', 'scripts/**', 'tests/**', 'bench/**'],
    rules: { 'no-restricted-imports': ['error', electronBan] },
  },
  {
    files: ['common/**'],
    ignores: ['common/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { ...electronBan, patterns: [{ group: nodeBuiltins, message: 'common/ is shared with the renderer: no Node modules.' }] }] },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { ...electronBan, patterns: [{ group: nodeBuiltins, message: 'The renderer has no Node: use window.lifescore.' }] }],
    },
  },
);
