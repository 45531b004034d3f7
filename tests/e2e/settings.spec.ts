import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
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
  await sandbox.createBooking({ username: USER, eventTypeSlug: slug, start: start.toISOString(), attendee: { name: 'Sam Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York' }, notes: 'Sleep, "stress", and more' });
  start.setUTCDate(start.getUTCDate() + 1);
  await sandbox.createBooking({ username: USER, eventTypeSlug: slug, start: start.toISOString(), attendee: { name: '=Björk Guðmundsdóttir', email: 'bjork@example.is', timeZone: 'Atlantic/Reykjavik' } });

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
  expect(stored.profile).toMatchObject({ name: 'Dana Reyes', bio: 'Sleep and stress coach for busy parents.', preparationTips: 'Bring your sleep diary.\nFind a quiet room.' });
  expect(stored.notifications).toBe(false);
  await page.reload();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Dana Reyes');
  await expect(page.getByLabel('How to prepare for a session')).toHaveValue('Bring your sleep diary.\nFind a quiet room.');
  await screenshot(page, 'settings');

  // Export: a CSV file with a header and both bookings (quoted where needed, formula-safe).
  await expect.poll(async () => (await e2e.app.core.handlers.countBookings({})).scheduled).toBe(2);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export bookings (CSV)' }).click()]);
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
