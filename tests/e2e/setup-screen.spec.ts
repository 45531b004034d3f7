import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { runBrowserHost } from '../../main/host/run-host';
import type { RunningHost } from '../../main/host/run-host';
import { expectNoSeriousA11yViolations, screenshot } from './stack-fixture';

/**
 * Issue 17: a build with no Cal.com / relay configuration (no baked release values, no environment, no sandbox)
 * opens and shows the setup screen; it never fails to start.
 */
const root = resolve(import.meta.dirname, '../..');
let running: RunningHost;
let data: string;

test.beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'lifescore-setup-e2e-'));
  running = await runBrowserHost({
    root,
    env: {
      LIFESCORE_CONFIG: 'release',
      LIFESCORE_RELEASE_CONFIG_FILE: join(data, 'no-release-config.json'),
      LIFESCORE_DATA_DIR: data,
      LIFESCORE_KEYCHAIN: 'memory',
    },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
});

test.afterAll(async () => {
  await running?.stop();
  rmSync(data, { recursive: true, force: true });
});

test('without its configuration the app opens on the setup screen', async ({ page }) => {
  await page.goto(running.host.url);
  await expect(page.getByRole('heading', { name: 'LifeScore Consultant is not set up yet', level: 1 })).toBeVisible();
  await expect(page.getByText('install the app from the official LifeScore download')).toBeVisible();
  await page.getByText('Details for the person who built this app').click();
  await expect(page.getByText('CALCOM_CLIENT_ID is missing')).toBeVisible();
  await expect(page.getByText('RELAY_URL is missing')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'setup');
  await screenshot(page, 'setup-screen');
});
