import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { contractCreatedExample } from '../support/sandbox/contract-examples';
import { connectAs, expectNoSeriousA11yViolations, screenshot, startE2eStack, tabTo } from './stack-fixture';
import type { E2eStack } from './stack-fixture';

const USER = 'dana-reyes';
let e2e: E2eStack;

test.beforeAll(async () => {
  e2e = await startE2eStack();
});

test.afterAll(async () => {
  await e2e?.stop();
});

test.use({ timezoneId: 'America/Chicago', locale: 'en-US', viewport: { width: 1280, height: 860 } });

test('profile fields are saved and kept; CSV export downloads every booking', async ({ page }) => {
  await connectAs(page, e2e, USER);
  const { sandbox } = e2e.stack;
  const slug = sandbox.listEventTypes(USER).find((et) => et.lengthInMinutes === 60)!.slug;
  const start = new Date(Date.now() + 3 * 86_400_000);
  start.setUTCHours(15, 0, 0, 0);
  await sandbox.createBooking({
    username: USER,
    eventTypeSlug: slug,
    start: start.toISOString(),
    attendee: { name: 'Sam Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York' },
    notes: 'Sleep, "stress", and more',
  });
  start.setUTCDate(start.getUTCDate() + 1);
  await sandbox.createBooking({
    username: USER,
    eventTypeSlug: slug,
    start: start.toISOString(),
    attendee: { name: '=Björk Guðmundsdóttir', email: 'bjork@example.is', timeZone: 'Atlantic/Reykjavik' },
  });

  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  const save = page.getByRole('button', { name: 'Save settings' });
  await expect(save).toBeDisabled();
  await expectNoSeriousA11yViolations(page, 'settings');

  await page.getByLabel('Name', { exact: true }).fill('Dana Reyes');
  await page.getByLabel('About you').fill('Sleep and stress coach for busy parents.');
  await page.getByLabel('How to prepare for a session').fill('Bring your sleep diary.\nFind a quiet room.');
  await page.getByLabel(/Notify me on this computer/).uncheck();
  // Keyboard: Save is reachable with Tab and works with Enter.
  await tabTo(page, save);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  await expect(save).toBeDisabled();

  const stored = await e2e.app.core.handlers.getSettings({});
  expect(stored.profile).toMatchObject({
    name: 'Dana Reyes',
    bio: 'Sleep and stress coach for busy parents.',
    preparationTips: 'Bring your sleep diary.\nFind a quiet room.',
  });
  expect(stored.notifications).toBe(false);
  await page.reload();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Dana Reyes');
  await expect(page.getByLabel('How to prepare for a session')).toHaveValue(
    'Bring your sleep diary.\nFind a quiet room.',
  );
  await screenshot(page, 'settings');

  // Export: a CSV file with a header and both bookings (quoted where needed, formula-safe).
  await expect.poll(async () => (await e2e.app.core.handlers.countBookings({})).scheduled).toBe(2);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export bookings (CSV)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^lifescore-bookings-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toMatch(/^uid,status,start \(UTC\),end \(UTC\),duration \(min\),title,attendee,email/);
  expect(lines).toHaveLength(3);
  expect(csv).toContain('Sam Lee,sam.lee@example.net,America/New_York');
  expect(csv).toContain('"Sleep, ""stress"", and more"');
  expect(csv).toContain("'=Björk Guðmundsdóttir");
  await expect(page.getByText('Exported 2 bookings.')).toBeVisible();
});

test('diagnostics: data folder, versions, recent activity, and an event the app had to set aside', async ({ page }) => {
  // The stack is shared by this file's tests: connect unless the one before already did.
  if ((await e2e.app.core.handlers.getState({})).connection.status === 'connected') await page.goto(e2e.app.host.url);
  else await connectAs(page, e2e, USER);
  // A correctly signed webhook whose booking time can't be read: the relay stores it (it checks only the signature
  // and JSON), the app verifies it and quarantines it instead of applying it.
  const hook = e2e.stack.sandbox.listWebhooks(USER)[0]!;
  const body = JSON.stringify({
    ...contractCreatedExample,
    payload: { ...contractCreatedExample.payload, uid: 'diag-bad-time', startTime: 'next Tuesday-ish' },
  });
  const res = await fetch(hook.subscriberUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-cal-signature-256': createHmac('sha256', hook.secret ?? '')
        .update(body)
        .digest('hex'),
    },
    body,
  });
  expect(res.status).toBe(200);
  await expect
    .poll(async () => (await e2e.app.core.handlers.getState({})).sync.quarantined, { timeout: 15_000 })
    .toBe(1);

  await page.getByRole('link', { name: 'Settings' }).click();
  const card = page.getByRole('region', { name: 'Data folder and diagnostics' });
  await expect(card.getByText(e2e.app.dataDir)).toBeVisible();
  await expect(card.getByText(/browser host · Node \d+/)).toBeVisible();
  // The browser host can't open a folder on its own: no button that would only fail.
  await expect(card.getByRole('button', { name: 'Show in folder' })).toHaveCount(0);
  const quarantined = card.getByRole('table', { name: 'Events that could not be applied' });
  await expect(quarantined.getByRole('row')).toHaveCount(2);
  await expect(quarantined.getByRole('row').nth(1)).toContainText('BOOKING_CREATED');
  await expect(card.getByRole('list', { name: 'Recent activity' }).getByRole('listitem').first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'settings-diagnostics');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-diagnostics');

  // The report to paste into a support request has what the screen shows and no secret.
  const diagnostics = await e2e.app.core.handlers.getDiagnostics({});
  expect(diagnostics.quarantined[0]).toMatchObject({ trigger: 'BOOKING_CREATED' });
  expect(JSON.stringify(diagnostics)).not.toContain(hook.secret ?? 'no-secret');
  expect((await e2e.app.core.handlers.openDataFolder({}).catch((err: unknown) => err)) as Error).toMatchObject({
    code: 'not_supported',
  });
});
