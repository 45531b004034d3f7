import { expect, test } from '@playwright/test';
import { connectAs, expectNoSeriousA11yViolations, screenshot, startE2eStack } from './stack-fixture';
import type { E2eStack } from './stack-fixture';

const USER = 'dana-reyes';
const DAY = 86_400_000;
let e2e: E2eStack;

test.beforeAll(async () => {
  e2e = await startE2eStack();
});

test.afterAll(async () => {
  await e2e?.stop();
});

test.use({ timezoneId: 'America/Chicago', locale: 'en-US', viewport: { width: 1280, height: 860 } });

test('empty at first, then sessions per week and the no-show and cancellation rates', async ({ page }) => {
  await connectAs(page, e2e, USER);
  await page.getByRole('link', { name: 'Insights' }).click();
  await expect(page.getByText('Nothing to chart yet')).toBeVisible();

  // Four past sessions over the last weeks (one no-show) and one cancelled: all inside the charted weeks whatever today is.
  const { sandbox } = e2e.stack;
  const slug = (minutes: number) => sandbox.listEventTypes(USER).find((et) => et.lengthInMinutes === minutes)!.slug;
  const at = (days: number) => {
    const d = new Date(Date.now() + days * DAY);
    d.setUTCHours(15, 0, 0, 0);
    return d.toISOString();
  };
  const book = async (days: number, minutes: number, name: string) =>
    (
      await sandbox.createBooking({
        username: USER,
        eventTypeSlug: slug(minutes),
        start: at(days),
        attendee: { name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, timeZone: 'Europe/London' },
      })
    ).booking;
  await book(-21, 30, 'Olu Adeyemi');
  await book(-14, 60, 'Olu Adeyemi');
  await book(-7, 60, 'Kai Tanaka');
  const missed = await book(-2, 90, 'Rosa Lind');
  const cancelled = await book(-1, 30, 'Rosa Lind');
  await sandbox.markNoShow(missed.uid, 'rosa@example.com', true);
  await sandbox.cancelBooking(cancelled.uid, { reason: 'Double-booked' });

  const stat = (label: string) => page.locator('.stat', { hasText: label }).locator('.stat-value');
  await expect(stat('Bookings')).toHaveText('5', { timeout: 15_000 });
  await expect(stat('Sessions held')).toHaveText('3');
  await expect(stat('No-show rate')).toHaveText('25%');
  await expect(stat('Cancellation rate')).toHaveText('20%');
  await expect(page.getByRole('heading', { name: 'Sessions per week' })).toBeVisible();
  await expect(page.locator('.chart .recharts-wrapper > svg.recharts-surface')).toBeVisible();
  await expect(page.locator('.chart .recharts-bar-rectangle path').first()).toBeVisible();
  // Screen readers get the weeks as text (the chart itself is hidden from them).
  await expect(page.getByText(/Week of .+: 1 sessions/).first()).toBeAttached();

  await expectNoSeriousA11yViolations(page, 'insights');
  await screenshot(page, 'insights');
});
