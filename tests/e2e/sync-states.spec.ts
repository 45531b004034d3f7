import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { createRelay, loadRelayConfig, type Relay } from '../../server/relay';
import { connectAs, expectNoSeriousA11yViolations, screenshot, startE2eStack } from './stack-fixture';
import type { E2eStack } from './stack-fixture';

// The relay goes away and comes back: the dashboard says so, nothing is lost, and bookings flow again.
const USER = 'dana-reyes';
let e2e: E2eStack;
let revived: Relay | undefined;

test.beforeAll(async () => {
  e2e = await startE2eStack();
});

test.afterAll(async () => {
  await revived?.stop();
  await e2e?.stop();
});

test.use({ timezoneId: 'America/Chicago', locale: 'en-US', viewport: { width: 1280, height: 860 } });

test('relay down: "Offline since …", the app still answers; relay back: live again and a new booking arrives', async ({
  page,
}) => {
  await connectAs(page, e2e, USER);
  const sync = page.locator('section', { has: page.getByRole('heading', { name: 'Sync' }) });
  await expect(sync.getByText('Live', { exact: true })).toBeVisible({ timeout: 15_000 });

  const slug = e2e.stack.sandbox.listEventTypes(USER).find((et) => et.lengthInMinutes === 30)!.slug;
  const at = (days: number) => {
    const d = new Date(Date.now() + days * 86_400_000);
    d.setUTCHours(16, 0, 0, 0);
    return d.toISOString();
  };
  await e2e.stack.sandbox.createBooking({
    username: USER,
    eventTypeSlug: slug,
    start: at(2),
    attendee: { name: 'Before Outage', email: 'before@example.net', timeZone: 'UTC' },
  });
  await expect.poll(async () => (await e2e.app.core.handlers.countBookings({})).scheduled, { timeout: 15_000 }).toBe(1);

  // The relay stops (a deploy, a network cut): the stream ends and the app says since when it has been offline.
  const relayUrl = new URL(e2e.stack.relay.url);
  await e2e.stack.relay.stop();
  await expect(sync.getByText('Offline', { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(sync.getByText(/^Offline since .+\. Bookings sync again when the connection is back\.$/)).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'dashboard (offline)');
  await screenshot(page, 'dashboard-offline');
  // Local data still answers while offline.
  await page.getByRole('link', { name: 'Bookings' }).click();
  await expect(page.getByText('Before Outage').first()).toBeVisible();

  // The relay comes back on the same address with the same data: the app reconnects by itself.
  revived = createRelay(
    loadRelayConfig({
      RELAY_HOST: '127.0.0.1',
      RELAY_PORT: relayUrl.port,
      RELAY_DATA_DIR: join(e2e.stack.dataDir, 'relay'),
    }),
  );
  await revived.start();
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(sync.getByText('Live', { exact: true })).toBeVisible({ timeout: 30_000 });

  // And bookings flow live again, through the revived relay.
  await e2e.stack.sandbox.createBooking({
    username: USER,
    eventTypeSlug: slug,
    start: at(3),
    attendee: { name: 'After Outage', email: 'after@example.net', timeZone: 'UTC' },
  });
  await page.getByRole('link', { name: 'Bookings' }).click();
  await expect(page.getByText('After Outage').first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText('Before Outage').first()).toBeVisible();
});
