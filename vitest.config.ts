import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'common/**/*.test.ts',
      'main/**/*.test.ts',
      'server/**/*.test.ts',
      'scripts/**/*.test.ts',
      'preload/**/*.test.ts',
      'tests/**/*.test.ts',
      'renderer/**/*.test.ts',
    ],
    exclude: ['node_modules/**', 'out/**', 'tests/e2e/**'],
    environment: 'node',
    setupFiles: ['tests/fast-check-seed.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers and a real keychain daemon; two cores keep parallelism modest.
    maxWorkers: 2,
  },
});
