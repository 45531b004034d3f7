import { defineConfig } from '@playwright/test';

/**
 * `npm run test:electron`: the `_electron.launch` smoke suite, for machines that have the Electron binary.
 * Separate from playwright.config.ts (browser host, tests/e2e), which `npm test` runs. Where Electron cannot
 * run, the global setup fails with one plain sentence: the run never counts as passed.
 */
export default defineConfig({
  testDir: 'tests/electron',
  testMatch: '*.spec.ts',
  outputDir: 'test-results/electron',
  globalSetup: './tests/electron/global-setup.ts',
  timeout: 120_000,
  expect: { timeout: 10_000 },
  // One Electron app at a time: each has its own profile, but the OS scheme registration is per user.
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
});
