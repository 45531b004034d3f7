import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { connectAs, expectNoSeriousA11yViolations, screenshot, startE2eStack } from './stack-fixture';
import type { E2eStack } from './stack-fixture';

// Issue 19: the consultant shapes a service in the app; Cal.com's booking page and the public profile show it.
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
    viewport: { width: 1280, height: 900 },
  });
  page = await context.newPage();
  await connectAs(page, e2e, USER);
});

test.afterAll(async () => {
  await context?.close();
  await e2e?.stop();
});

test('edit the 60-minute service: written to Cal.com, shown on its booking page and the public profile', async () => {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  const form = page.getByRole('form', { name: /60-minute session/ });
  await expect(form).toBeVisible();
  await form.getByLabel('Title').fill('Sleep reset session');
  await form.getByLabel('Description').fill('A calm hour on sleep and stress, with a plan to take home.');
  await form.getByLabel('Location').selectOption('in-person');
  await form.getByLabel('Address').fill('12 Elm Street, Springfield');
  await form.getByLabel(/Requires confirmation/).check();
  await expectNoSeriousA11yViolations(page, 'settings (services editor)');
  await form.getByRole('button', { name: 'Save 60-minute service' }).click();
  await expect(form.getByText('Saved on Cal.com.')).toBeVisible();
  await form.scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-services-editor');

  const et = e2e.stack.sandbox.listEventTypes(USER).find((e) => e.lengthInMinutes === 60);
  expect(et).toMatchObject({
    title: 'Sleep reset session',
    locations: [{ type: 'address', address: '12 Elm Street, Springfield' }],
    confirmationPolicy: { type: 'always' },
  });

  const client = await context.newPage();
  await client.goto(`${e2e.stack.sandbox.url}/${USER}/${et?.slug}`);
  await expect(client.getByRole('heading', { name: 'Sleep reset session', level: 1 })).toBeVisible();
  await expect(client.getByText('A calm hour on sleep and stress, with a plan to take home.')).toBeVisible();
  await expect(client.getByText(/In person: 12 Elm Street, Springfield/)).toBeVisible();
  await screenshot(client, 'calcom-booking-page-edited-service');

  const state = await page.evaluate(() =>
    (
      window as unknown as {
        lifescore: { getState(i: object): Promise<{ data: { connection: { profileUrl?: string } } }> };
      }
    ).lifescore.getState({}),
  );
  const profileUrl = state.data.connection.profileUrl as string;
  await client.goto(profileUrl);
  await expect(client.getByText('Sleep reset session')).toBeVisible();
  await expect(client.getByText('A calm hour on sleep and stress, with a plan to take home.')).toBeVisible();
  await expect(client.getByText(/In person: 12 Elm Street, Springfield/)).toBeVisible();
  await screenshot(client, 'public-profile-edited-service');
  await client.close();
});

test('who emails your clients: one sender; choosing Cal.com’s turns Cal.com’s standard emails back on', async () => {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Who emails your clients' }) });
  const offOnCalcom = () =>
    e2e.stack.sandbox
      .listEventTypes(USER)
      .map(
        (e) =>
          (e as { emailSettings?: { disableStandardEmailsToAttendees?: boolean } }).emailSettings
            ?.disableStandardEmailsToAttendees,
      );
  await expect(card.getByRole('radio', { name: /LifeScore’s emails/ })).toBeChecked();
  expect(offOnCalcom()).toEqual([true, true, true]);
  await expectNoSeriousA11yViolations(page, 'settings (who emails your clients)');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-email-source');
  await card.getByRole('radio', { name: /Cal.com’s emails/ }).check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(offOnCalcom).toEqual([false, false, false]);
});

test('debug mode: on for a day, the received webhook shows redacted in Diagnostics, then off', async () => {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Data folder and diagnostics' }) });
  await card.getByRole('button', { name: 'Turn debug mode on for one day' }).click();
  await expect(card.getByText(/^On until /)).toBeVisible();
  const summary = () => card.locator('.webhook-bodies summary', { hasText: 'BOOKING_CREATED' }).first();
  const slug = e2e.stack.sandbox.listEventTypes(USER).find((e) => e.lengthInMinutes === 30)!.slug;
  const start = new Date(Date.now() + 6 * 86_400_000);
  start.setUTCHours(16, 0, 0, 0);
  await e2e.stack.sandbox.createBooking({
    username: USER,
    eventTypeSlug: slug,
    start: start.toISOString(),
    attendee: { name: 'Priya Raman', email: 'priya@example.in', timeZone: 'Asia/Kolkata' },
  });
  await expect(async () => {
    await card.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect(summary()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await summary().click();
  const pre = card.locator('.webhook-bodies pre').first();
  await expect(pre).toContainText('"triggerEvent": "BOOKING_CREATED"');
  await expect(pre).toContainText('[redacted]');
  await expect(pre).not.toContainText('priya@example.in');
  await expect(pre).not.toContainText('Priya');
  await expectNoSeriousA11yViolations(page, 'settings (debug mode)');
  await summary().scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-debug-mode');
  await card.getByRole('button', { name: 'Turn debug mode off' }).click();
  await expect(card.getByText(/^Off\. When on/)).toBeVisible();
  await expect(card.locator('.webhook-bodies')).toHaveCount(0);
});
