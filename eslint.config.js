import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const electronBan = {
  paths: [
    {
      name: 'electron',
      message: 'Only the Electron glue (main/index.ts, main/electron/, preload/) may import electron.',
    },
  ],
};
const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'https',
  'net',
  'url',
  'stream',
  'util',
  'events',
  'buffer',
  'process',
  'worker_threads',
];
const noNode = (message) => ({ group: nodeBuiltins, message });

// Room boundaries (issue 20). Relative specifiers only: the rooms are folders of this repository, not packages.
const testFiles = ['**/*.test.ts', '**/*.test.tsx', '**/*.spec.ts'];
const noTests = { regex: '^(\\.\\./)+tests(/|$)', message: 'Product code must not import test support (tests/**).' };
const noServer = {
  regex: '^(\\.\\./)+server(/|$)',
  message: 'The app (main/, preload/) must not import server/: talk to the relay over HTTP.',
};
const noSandbox = {
  regex: '^(\\.\\./)+(server/)?calcom-sandbox(/|$)',
  message: 'The relay must not import the Cal.com sandbox.',
};
const noRelay = { regex: '^(\\.\\./)+(server/)?relay(/|$)', message: 'The Cal.com sandbox must not import the relay.' };
/** One `no-restricted-imports` setting (a later block replaces an earlier one, so each carries all its bans). */
const restrict = ({ electron = true, patterns = [] }) => [
  'error',
  { ...(electron ? electronBan : {}), ...(patterns.length ? { patterns } : {}) },
];

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
    files: [
      'common/**',
      'main/core/**',
      'main/host/**',
      'server/**',
      'renderer/**',
      'scripts/**',
      'tests/**',
      'bench/**',
    ],
    rules: { 'no-restricted-imports': ['error', electronBan] },
  },
  {
    files: ['common/**'],
    rules: {
      'no-restricted-imports': restrict({
        patterns: [noNode('common/ is shared with the renderer: no Node modules.')],
      }),
    },
  },
  {
    files: ['common/**/*.test.ts'],
    rules: { 'no-restricted-imports': restrict({}) },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict({ patterns: [noNode('The renderer has no Node: use window.lifescore.')] }),
    },
  },
  // Product rooms: none imports test support; the app never imports server/; relay and sandbox stay apart.
  // Tests (*.test.ts, *.spec.ts) are exempt: they may reach across rooms to drive real servers.
  {
    files: ['common/**'],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': restrict({
        patterns: [noNode('common/ is shared with the renderer: no Node modules.'), noTests],
      }),
    },
  },
  {
    files: ['renderer/**'],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': restrict({
        patterns: [noNode('The renderer has no Node: use window.lifescore.'), noTests],
      }),
    },
  },
  {
    files: ['main/core/**', 'main/host/**'],
    ignores: testFiles,
    rules: { 'no-restricted-imports': restrict({ patterns: [noServer, noTests] }) },
  },
  {
    // The Electron glue may import electron.
    files: ['main/*.ts', 'main/electron/**', 'preload/**'],
    ignores: testFiles,
    rules: { 'no-restricted-imports': restrict({ electron: false, patterns: [noServer, noTests] }) },
  },
  {
    files: ['server/relay/**'],
    ignores: testFiles,
    rules: { 'no-restricted-imports': restrict({ patterns: [noSandbox, noTests] }) },
  },
  {
    files: ['server/calcom-sandbox/**'],
    ignores: testFiles,
    rules: { 'no-restricted-imports': restrict({ patterns: [noRelay, noTests] }) },
  },
);
