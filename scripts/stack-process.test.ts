import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { futureWeekdayAt } from '../tests/support/sandbox/sandbox-test-kit';
import { freePort } from '../tests/support/app/connect-harness';
import { createBooking, listEventTypes } from '../tests/electron/sandbox-http';
import { startStackProcess } from './stack-client';
import type { StackProcess } from './stack-client';

/**
 * The Electron smoke suite's stack plumbing, run here with plain Node as the runtime (the suite uses Electron's
 * binary as Node): the child process starts, reports the app's environment, serves the sandbox's admin API, stops.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'lifescore-stack-process-'));
let stack: StackProcess;
beforeAll(async () => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  stack = await startStackProcess({ command: process.execPath, env }, { dataDir, loopbackPort: await freePort() });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('reports what the app needs and serves the sandbox admin API', async () => {
  expect(stack.appEnv).toMatchObject({
    CALCOM_APP_URL: stack.sandboxUrl,
    CALCOM_REDIRECT_URI: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/calcom\/callback$/),
  });
  expect(stack.appEnv.RELAY_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const health = await fetch(stack.appEnv.RELAY_URL!);
  expect(health.status).toBeLessThan(500);

  // Nothing is connected yet: dana-reyes exists and has no event types; a booking request reaches the sandbox's checks.
  expect(await listEventTypes(stack.sandboxUrl, 'dana-reyes')).toEqual([]);
  await expect(listEventTypes(stack.sandboxUrl, 'nobody')).rejects.toThrow(/no sandbox user/);
  await expect(
    createBooking(stack.sandboxUrl, {
      username: 'dana-reyes',
      eventTypeSlug: 'no-such-type',
      start: futureWeekdayAt(15, 1),
      attendee: { name: 'Sam Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York' },
    }),
  ).rejects.toThrow(/404/);
});
