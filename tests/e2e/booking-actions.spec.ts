import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { connectAs, expectNoSeriousA11yViolations, screenshot, startE2eStack } from './stack-fixture';
import type { E2eStack } from './stack-fixture';

// Issue 19: the consultant answers requests, cancels, asks for a reschedule, all from the app, against the sandbox.
test.describe.configure({ mode: 'serial' });

const USER = 'dana-reyes';
const DAY = 86_400_000;
let e2e: E2eStack;
let context: BrowserContext;
let page: Page;
const uids = { lou: '', kim: '', pat: '', jo: '', ed: '' };

function at(days: number, hourUtc: number): string {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hourUtc, 0, 0, 0);
  return d.toISOString();
}

test.beforeAll(async ({ browser }) => {
  e2e = await startE2eStack();
  context = await browser.newContext({
    timezoneId: 'America/Chicago',
    locale: 'en-US',
    viewport: { width: 1280, height: 860 },
  });
  page = await context.newPage();
  await connectAs(page, e2e, USER);
  const { sandbox } = e2e.stack;
  const et = (minutes: number) => sandbox.listEventTypes(USER).find((e) => e.lengthInMinutes === minutes)!;
  const book = async (minutes: number, days: number, hour: number, name: string, email: string) =>
    (
      await sandbox.createBooking({
        username: USER,
        eventTypeSlug: et(minutes).slug,
        start: at(days, hour),
        attendee: { name, email, timeZone: 'Europe/Madrid' },
      })
    ).booking.uid;
  // The 60-minute service needs the consultant's confirmation: its bookings are requests.
  sandbox.setRequiresConfirmation(et(60).id, true);
  uids.lou = await book(60, 2, 15, 'Lou Bernard', 'lou@example.fr');
  uids.kim = await book(60, 3, 15, 'Kim Sato', 'kim@example.jp');
  uids.ed = await book(60, 4, 15, 'Ed Nolan', 'ed@example.ie');
  uids.pat = await book(30, 5, 15, 'Pat Quinn', 'pat@example.com');
  uids.jo = await book(30, 6, 15, 'Jo Marsh', 'jo@example.co.uk');
  await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
});

test.afterAll(async () => {
  await context?.close();
  await e2e?.stop();
});

const remote = (uid: string) => e2e.stack.sandbox.listBookings(USER).find((b) => b.uid === uid);
const requestsCard = () => page.locator('section', { has: page.getByRole('heading', { name: 'Needs your answer' }) });
const dialog = () => page.getByRole('dialog');
const detail = () => page.getByRole('complementary', { name: 'Booking details' });
const openBooking = async (uid: string) => {
  await page.goto(`${e2e.app.host.url}#/bookings/${encodeURIComponent(uid)}`);
};

test('dashboard: "Needs your answer" lists the requests; Accept confirms on Cal.com and the card updates', async () => {
  const card = requestsCard();
  await expect(card.getByRole('link', { name: /Lou Bernard/ })).toBeVisible();
  await expect(card.getByRole('link', { name: /Kim Sato/ })).toBeVisible();
  await expect(card.getByText('3 requests')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'dashboard (requests)');
  await screenshot(page, 'dashboard-needs-your-answer');

  await card.getByRole('button', { name: 'Accept Lou Bernard' }).click();
  await expect(dialog().getByRole('heading', { name: 'Accept this request?' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'accept dialog');
  await screenshot(page, 'accept-dialog');
  await dialog().getByRole('button', { name: 'Accept request' }).click();
  await expect(card.getByRole('link', { name: /Lou Bernard/ })).toHaveCount(0);
  await expect(card.getByText('2 requests')).toBeVisible();
  expect(remote(uids.lou)?.status).toBe('accepted');
  const next = page.locator('section', { has: page.getByRole('heading', { name: 'Next sessions' }) });
  await expect(next.getByText('Lou Bernard', { exact: true })).toBeVisible();
});

test('decline with a reason from the booking detail: Declined here and on Cal.com', async () => {
  await openBooking(uids.kim);
  const panel = detail();
  await expect(panel.getByRole('heading', { name: 'Kim Sato' })).toBeVisible();
  await expect(panel.getByText('Awaiting approval')).toBeVisible();
  await panel.getByRole('button', { name: 'Decline' }).click();
  await dialog()
    .getByLabel(/Reason/)
    .fill('Fully booked that week, sorry');
  await expectNoSeriousA11yViolations(page, 'decline dialog');
  await screenshot(page, 'decline-dialog');
  await dialog().getByRole('button', { name: 'Decline request' }).click();
  await expect(panel.getByText('Declined', { exact: true })).toBeVisible();
  await expect(panel.getByText('Fully booked that week, sorry')).toBeVisible();
  expect(remote(uids.kim)?.status).toBe('rejected');
  await screenshot(page, 'booking-declined');
});

test('cancel with a reason: Cancelled here and on Cal.com, no actions left', async () => {
  await openBooking(uids.pat);
  const panel = detail();
  await expect(panel.getByRole('heading', { name: 'Pat Quinn' })).toBeVisible();
  await panel.getByRole('button', { name: 'Cancel session' }).click();
  await dialog()
    .getByLabel(/Reason/)
    .fill('I am unwell');
  await dialog().getByRole('button', { name: 'Cancel session' }).click();
  await expect(panel.getByText('“I am unwell”')).toBeVisible();
  await expect(panel.getByText(/by you/)).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Cancel session' })).toHaveCount(0);
  expect(remote(uids.pat)).toMatchObject({ status: 'cancelled', cancellationReason: 'I am unwell' });
  await expectNoSeriousA11yViolations(page, 'booking cancelled by the consultant');
  await screenshot(page, 'booking-cancelled-by-consultant');
});

test('request reschedule: cancelled with a link for the client; the client’s new booking appears linked', async () => {
  await openBooking(uids.jo);
  const panel = detail();
  await expect(panel.getByRole('heading', { name: 'Jo Marsh' })).toBeVisible();
  await panel.getByRole('button', { name: 'Ask to reschedule' }).click();
  await dialog()
    .getByLabel(/Message/)
    .fill('Could we move this? I am travelling.');
  await expectNoSeriousA11yViolations(page, 'request reschedule dialog');
  await dialog().getByRole('button', { name: 'Ask to reschedule' }).click();
  await expect(panel.getByText('Cancelled', { exact: true }).first()).toBeVisible();
  expect(remote(uids.jo)).toMatchObject({ status: 'cancelled' });
  // The client follows Cal.com's link (the sandbox's /reschedule/{uid}) and picks another time on its booking pages.
  const client = await context.newPage();
  await client.goto(`${e2e.stack.sandbox.url}/reschedule/${uids.jo}`);
  await client.locator('.slots a').nth(3).click();
  await client.getByLabel('Reason for reschedule').fill('Thursday suits me better');
  await client.getByRole('button', { name: 'Confirm new time' }).click();
  await expect(client.getByText('This meeting is scheduled')).toBeVisible();
  await client.close();
  const moved = e2e.stack.sandbox.listBookings(USER).find((b) => b.rescheduledFromUid === uids.jo);
  expect(moved, 'the new booking is linked to the old one on Cal.com').toBeTruthy();
  await expect(panel.getByText('Rescheduled', { exact: true }).first()).toBeVisible({ timeout: 15_000 });
  await panel.getByRole('link', { name: /Dec|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov/ }).click();
  await expect(page).toHaveURL(new RegExp(moved!.uid));
  await expect(detail().getByText('Rescheduled from')).toBeVisible();
  await screenshot(page, 'booking-rescheduled-by-request');
});

test('Cal.com down: the error says so, nothing changes, Retry works once it is back', async () => {
  await openBooking(uids.ed);
  const panel = detail();
  await expect(panel.getByRole('heading', { name: 'Ed Nolan' })).toBeVisible();
  e2e.stack.sandbox.setFaults({ api: [{ mode: '500', times: 1, path: '/confirm$' }] });
  await panel.getByRole('button', { name: 'Accept' }).click();
  await dialog().getByRole('button', { name: 'Accept request' }).click();
  const alert = panel.getByRole('alert');
  await expect(alert).toContainText('Cal.com did not make the change');
  await expect(alert).toContainText(/HTTP 500/);
  await expect(panel.getByText('Awaiting approval')).toBeVisible();
  expect(remote(uids.ed)?.status).toBe('pending');
  await expectNoSeriousA11yViolations(page, 'booking action failed');
  await screenshot(page, 'booking-action-failed');
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(panel.getByText('Awaiting approval')).toHaveCount(0);
  expect(remote(uids.ed)?.status).toBe('accepted');
});

test('Settings → Cal.com calls: every call on record, filters, CSV export, no secrets', async () => {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Cal.com calls' }) });
  await expect(card.getByRole('table')).toBeVisible();
  await expect(card.getByText(`POST /v2/bookings/${uids.pat}/cancel`)).toBeVisible();
  await expect(card.getByText('OAuth authorization_code /v2/auth/oauth2/token')).toBeVisible();
  await card.getByLabel('Failures only').check();
  await expect(card.getByText(`POST /v2/bookings/${uids.ed}/confirm`)).toBeVisible();
  await expect(card.getByRole('cell', { name: '500', exact: true })).toBeVisible();
  await expect(card.getByText(`/v2/bookings/${uids.pat}/cancel`)).toHaveCount(0);
  await expectNoSeriousA11yViolations(page, 'settings (Cal.com calls)');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-calcom-calls');
  const download = page.waitForEvent('download');
  await card.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^lifescore-calcom-calls-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = readFileSync(await file.path(), 'utf8');
  expect(text).toContain(`/v2/bookings/${uids.ed}/confirm`);
  expect(text).not.toMatch(/Bearer|access_token|refresh_token/);
});
