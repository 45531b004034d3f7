import { expect, test } from '@playwright/test';
import { connectAs, expectNoSeriousA11yViolations, screenshot, startE2eStack } from './stack-fixture';
import type { E2eStack } from './stack-fixture';

// Issue 22: Cal.com answers 500 for bookings for a while → the Sync card says what is wrong and what to do, and
// recovers by itself once Cal.com is healthy. Timings are shrunk so this takes seconds, not 15 minutes.
const USER = 'dana-reyes';
let e2e: E2eStack;

test.beforeAll(async () => {
  e2e = await startE2eStack({
    syncTuning: {
      reconcileIntervalMs: 1_500,
      reconcileRetryBaseMs: 200,
      failureThresholds: { visibleAfterRuns: 3, notifyAfterMs: 4_000 },
    },
  });
});

test.afterAll(async () => {
  await e2e?.stop();
});

test.use({ timezoneId: 'America/Chicago', locale: 'en-US', viewport: { width: 1280, height: 900 } });

test('Cal.com down for bookings: the Sync card shows the problem with Retry, then recovers by itself', async ({
  page,
}) => {
  await connectAs(page, e2e, USER);
  const sync = page.locator('section', { has: page.getByRole('heading', { name: 'Sync' }) });
  await expect(sync.getByText('Live', { exact: true })).toBeVisible({ timeout: 15_000 });

  e2e.stack.sandbox.setFaults({ api: [{ mode: '500', path: '^/v2/bookings' }] });
  const problem = sync.getByRole('alert').filter({ hasText: 'Failing since' });
  await expect(problem).toBeVisible({ timeout: 45_000 });
  await expect(problem.getByText('Cal.com is down', { exact: true })).toBeVisible();
  await expect(problem).toContainText(/Cal.com is down or not answering: Cal.com is having trouble \(HTTP 500\)/);
  await expect(problem).toContainText('The app keeps trying on its own');
  await expect(problem.getByRole('button', { name: 'Retry' })).toBeVisible();
  await expect(sync.getByText('Not syncing', { exact: true })).toBeVisible();
  // Lasting long enough (an hour in production, seconds here): a desktop notification, a toast in the browser host.
  await expect(page.getByText(/Bookings are not syncing: Cal.com is down/).first()).toBeVisible({ timeout: 20_000 });
  await expectNoSeriousA11yViolations(page, 'dashboard (sync problem)');
  await screenshot(page, 'dashboard-sync-problem');

  // Retry while still down: the problem stays, with a higher count.
  await problem.getByRole('button', { name: 'Retry' }).click();
  await expect(problem).toBeVisible();

  // Cal.com is healthy again: the next scheduled run succeeds and the card goes back to Live with no action.
  e2e.stack.sandbox.setFaults({});
  await expect(problem).toBeHidden({ timeout: 30_000 });
  await expect(sync.getByText('Live', { exact: true })).toBeVisible();
  await expect(sync.getByRole('alert')).toHaveCount(0); // the failed Retry's notice is old news too
  const slug = e2e.stack.sandbox.listEventTypes(USER).find((et) => et.lengthInMinutes === 30)!.slug;
  // Bookings made while it was failing arrive (the webhook path never stopped; reconciliation confirms them).
  const start = new Date(Date.now() + 2 * 86_400_000);
  start.setUTCHours(16, 0, 0, 0);
  await e2e.stack.sandbox.createBooking({
    username: USER,
    eventTypeSlug: slug,
    start: start.toISOString(),
    attendee: { name: 'After Recovery', email: 'after@example.net', timeZone: 'UTC' },
  });
  await page.getByRole('link', { name: 'Bookings' }).click();
  await expect(page.getByText('After Recovery').first()).toBeVisible({ timeout: 15_000 });
});

test('a booking Cal.com sends that the app cannot read is set aside, shown in Diagnostics, and blocks nothing', async ({
  page,
}) => {
  // The stack is shared: connected already when the test before ran.
  if ((await e2e.app.core.handlers.getState({})).connection.status !== 'connected') await connectAs(page, e2e, USER);
  else await page.goto(e2e.app.host.url);
  const slug = e2e.stack.sandbox.listEventTypes(USER).find((et) => et.lengthInMinutes === 60)!.slug;
  const day = (n: number) => {
    const d = new Date(Date.now() + n * 86_400_000);
    d.setUTCHours(15, 0, 0, 0);
    return d.toISOString();
  };
  // Added straight into Cal.com's data (no webhook): only reconciliation can find them.
  const [broken] = e2e.stack.sandbox.addSpecialBookings({
    kind: 'plain',
    username: USER,
    eventTypeSlug: slug,
    start: day(4),
    attendee: { name: 'Null Title', email: 'null@example.net', timeZone: 'UTC' },
    nullFields: ['title'],
  });
  e2e.stack.sandbox.addSpecialBookings({
    kind: 'plain',
    username: USER,
    eventTypeSlug: slug,
    start: day(5),
    attendee: { name: 'Readable Neighbour', email: 'fine@example.net', timeZone: 'UTC' },
  });
  const sync = page.locator('section', { has: page.getByRole('heading', { name: 'Sync' }) });
  await sync.getByRole('button', { name: 'Sync now' }).click();
  await expect(sync.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 15_000 });
  await expect(sync.getByRole('alert')).toHaveCount(0);

  await page.getByRole('link', { name: 'Bookings' }).click();
  await expect(page.getByText('Readable Neighbour').first()).toBeVisible({ timeout: 15_000 });

  await page.getByRole('link', { name: 'Settings' }).click();
  const summary = page.getByText('1 booking from Cal.com could not be read — details');
  await expect(summary).toBeVisible({ timeout: 15_000 });
  await summary.click();
  await expect(page.getByText(broken!, { exact: true })).toBeVisible();
  await expect(page.getByText(/title: /).first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'settings (unreadable booking)');
  await screenshot(page, 'settings-unreadable-booking');
});
