import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import {
  closeOtherTabs,
  connectAs,
  expectNoSeriousA11yViolations,
  screenshot,
  startE2eStack,
  tabTo,
  timePattern,
} from './stack-fixture';
import type { E2eStack } from './stack-fixture';

// One product per file: the tests below walk one consultant's day in order (connect … disconnect).
test.describe.configure({ mode: 'serial' });

const USER = 'dana-reyes';
let e2e: E2eStack;
let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  e2e = await startE2eStack();
  context = await browser.newContext({
    timezoneId: 'America/Chicago',
    locale: 'en-US',
    viewport: { width: 1280, height: 860 },
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(e2e.app.host.url).origin });
  page = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
  await e2e?.stop();
});

test('not connected: says so, explains the next step, and passes axe', async () => {
  await page.goto(e2e.app.host.url);
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Not connected' })).toBeVisible();
  await expect(page.getByText(/Connect your Cal.com account/)).toBeVisible();
  await expect(page.getByText('Its booking link appears once you connect Cal.com.').first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'dashboard (not connected)');
  await screenshot(page, 'dashboard-not-connected');
});

test('connected: status with username, email and since; services with links; sync live', async () => {
  await connectAs(page, e2e, USER);
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Cal.com', exact: true }) });
  await expect(card.getByText('dana@example.com')).toBeVisible();
  await expect(card.getByText('Connected since')).toBeVisible();
  await expect(card.getByText('America/Chicago')).toBeVisible();

  const sync = page.locator('section', { has: page.getByRole('heading', { name: 'Sync' }) });
  await expect(sync.getByText('Live', { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(sync.getByText(/new bookings arrive within seconds/)).toBeVisible();

  const eventTypes = e2e.stack.sandbox.listEventTypes(USER);
  expect(eventTypes.map((et) => et.lengthInMinutes).sort()).toEqual([30, 60, 90]);
  for (const et of eventTypes) {
    await expect(page.getByRole('button', { name: `Copy ${et.lengthInMinutes}-minute booking link` })).toBeVisible();
  }
  await expect(page.getByRole('heading', { name: 'Next sessions' })).toBeVisible();
  await expect(page.getByText('No upcoming sessions')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'dashboard (connected)');
});

test('booking links: Copy puts the link on the clipboard, Open opens the Cal.com booking page; the profile link copies too', async () => {
  const sixty = e2e.stack.sandbox.listEventTypes(USER).find((et) => et.lengthInMinutes === 60)!;
  const expectedLink = `${e2e.stack.sandbox.url}/${USER}/${sixty.slug}`;

  const copy = page.getByRole('button', { name: 'Copy 60-minute booking link' });
  await copy.click();
  await expect(copy).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expectedLink);

  const [opened] = await Promise.all([
    context.waitForEvent('page'),
    page.getByRole('button', { name: 'Open 60-minute booking page' }).click(),
  ]);
  await opened.waitForLoadState();
  expect(opened.url()).toBe(expectedLink);
  await expect(opened.getByRole('button', { name: 'Show times' })).toBeVisible();
  await closeOtherTabs(page);

  // The public profile link (served by the relay) copies the same way.
  const copyProfile = page.getByRole('button', { name: 'Copy profile link' });
  await copyProfile.click();
  await expect(copyProfile).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(
    /^http:\/\/127\.0\.0\.1:\d+\/consultations\/dana-reyes$/,
  );
});

test('services: turning a service off hides its Cal.com event type, turning it on shows it again', async () => {
  const ninety = () => e2e.stack.sandbox.listEventTypes(USER).find((et) => et.lengthInMinutes === 90)!;
  const toggle = page.getByRole('switch', { name: '90-minute session' });
  await expect(toggle).toBeChecked();

  await toggle.uncheck();
  await expect(toggle).not.toBeChecked();
  await expect(page.getByRole('button', { name: 'Copy 90-minute booking link' })).toHaveCount(0);
  await expect(page.getByText('Not offered.')).toBeVisible();
  await expect.poll(() => ninety().hidden).toBe(true);

  await toggle.check();
  await expect(page.getByRole('button', { name: 'Copy 90-minute booking link' })).toBeVisible();
  await expect.poll(() => ninety().hidden).toBe(false);
  expect(e2e.stack.sandbox.listEventTypes(USER), 'no duplicate event type was created').toHaveLength(3);
});

test('next sessions: a new booking shows at a glance and opens in Bookings', async () => {
  const thirty = e2e.stack.sandbox.listEventTypes(USER).find((et) => et.lengthInMinutes === 30)!;
  const start = new Date(Date.now() + 2 * 86_400_000);
  start.setUTCHours(16, 0, 0, 0);
  await e2e.stack.sandbox.createBooking({
    username: USER,
    eventTypeSlug: thirty.slug,
    start: start.toISOString(),
    attendee: { name: 'Priya Natarajan', email: 'priya@example.org', timeZone: 'Asia/Kolkata' },
  });
  const next = page.locator('section', { has: page.getByRole('heading', { name: 'Next sessions' }) });
  const item = next.getByRole('link', { name: /Priya Natarajan/ });
  await expect(item).toBeVisible({ timeout: 15_000 });
  await expect(item).toContainText('30 min');
  // The time in Chicago, the consultant's zone (10:00 AM in winter, 11:00 AM in summer).
  await expect(item).toContainText(new RegExp(timePattern(start.toISOString(), 'America/Chicago')));
  await item.click();
  await expect(page.getByRole('heading', { name: 'Priya Natarajan', level: 2 })).toBeVisible();
  await page.getByRole('link', { name: 'Dashboard' }).click();
});

test('test webhook: a PING from Cal.com shows "Received"', async () => {
  const sync = page.locator('section', { has: page.getByRole('heading', { name: 'Sync' }) });
  await expect(sync.getByText(/None received yet/)).toBeVisible();
  const { deliveries } = await e2e.stack.sandbox.sendPing();
  expect(deliveries.length).toBeGreaterThan(0);
  await expect(sync.getByText(/Received/)).toBeVisible({ timeout: 15_000 });
  await expect(sync.getByText(/Received just now/)).toBeVisible();
  await screenshot(page, 'dashboard');
});

test('keyboard: the main actions are reachable with Tab and work with Enter', async () => {
  await page.goto(`${e2e.app.host.url}`);
  await expect(page.getByText('Connected as')).toBeVisible();
  await page.locator('body').click({ position: { x: 1, y: 1 } });

  const copy = page.getByRole('button', { name: 'Copy 30-minute booking link' });
  await tabTo(page, copy);
  await page.keyboard.press('Enter');
  await expect(copy).toHaveText('Copied');

  await tabTo(page, page.getByRole('button', { name: 'Sync now' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled();

  // Navigation: Tab to the Bookings link from the top, Enter opens it.
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await tabTo(page, page.getByRole('link', { name: 'Bookings', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Bookings', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'Dashboard' }).click();

  // Disconnect opens a modal dialog; Escape cancels it and keeps the connection.
  const disconnect = page.getByRole('button', { name: 'Disconnect' });
  await tabTo(page, disconnect);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Disconnect Cal.com?' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByText('Connected as')).toBeVisible();
});

test('disconnect: asks first, then "Not connected" and the Cal.com webhook is gone', async () => {
  expect(e2e.stack.sandbox.listWebhooks(USER)).toHaveLength(1);
  await page.getByRole('button', { name: 'Disconnect' }).click();
  const dialog = page.getByRole('dialog', { name: 'Disconnect Cal.com?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('checkbox', { name: /Hide my LifeScore booking pages/ })).toBeChecked();
  await expectNoSeriousA11yViolations(page, 'dashboard (disconnect dialog)');
  await screenshot(page, 'dashboard-disconnect-dialog');
  await dialog.getByRole('button', { name: 'Disconnect' }).click();

  await expect(page.getByRole('status').filter({ hasText: 'Not connected' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Connect Cal.com' })).toBeVisible();
  await expect.poll(() => e2e.stack.sandbox.listWebhooks(USER)).toHaveLength(0);
  await expect.poll(() => e2e.stack.sandbox.listEventTypes(USER).every((et) => et.hidden)).toBe(true);

  // Booking history stays on this computer.
  await page.getByRole('link', { name: 'Bookings', exact: true }).click();
  await page.getByRole('tab', { name: 'All' }).click();
  await expect(page.getByRole('button', { name: /Priya Natarajan/ })).toBeVisible();
});
