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
  context = await browser.newContext({ timezoneId: 'America/Chicago', locale: 'en-US', viewport: { width: 1280, height: 900 } });
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
  expect(et).toMatchObject({ title: 'Sleep reset session', locations: [{ type: 'address', address: '12 Elm Street, Springfield' }], confirmationPolicy: { type: 'always' } });

  const client = await context.newPage();
  await client.goto(`${e2e.stack.sandbox.url}/${USER}/${et?.slug}`);
  await expect(client.getByRole('heading', { name: 'Sleep reset session', level: 1 })).toBeVisible();
  await expect(client.getByText('A calm hour on sleep and stress, with a plan to take home.')).toBeVisible();
  await expect(client.getByText(/In person: 12 Elm Street, Springfield/)).toBeVisible();
  await screenshot(client, 'calcom-booking-page-edited-service');

  const state = await page.evaluate(() => (window as unknown as { lifescore: { getState(i: object): Promise<{ data: { connection: { profileUrl?: string } } }> } }).lifescore.getState({}));
  const profileUrl = state.data.connection.profileUrl as string;
  await client.goto(profileUrl);
  await expect(client.getByText('Sleep reset session')).toBeVisible();
  await expect(client.getByText('A calm hour on sleep and stress, with a plan to take home.')).toBeVisible();
  await screenshot(client, 'public-profile-edited-service');
  await client.close();
});

test('who emails your clients: one sender; choosing Cal.com’s turns Cal.com’s standard emails back on', async () => {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Who emails your clients' }) });
  const offOnCalcom = () => e2e.stack.sandbox.listEventTypes(USER).map((e) => (e as { emailSettings?: { disableStandardEmailsToAttendees?: boolean } }).emailSettings?.disableStandardEmailsToAttendees);
  await expect(card.getByRole('radio', { name: /LifeScore’s emails/ })).toBeChecked();
  expect(offOnCalcom()).toEqual([true, true, true]);
  await expectNoSeriousA11yViolations(page, 'settings (who emails your clients)');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-email-source');
  await card.getByRole('radio', { name: /Cal.com’s emails/ }).check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(offOnCalcom).toEqual([false, false, false]);
});
