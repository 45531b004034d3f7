import { randomBytes } from 'node:crypto';
import { createWriteStream, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { createRelay, loadRelayConfig, type Relay } from '../../server/relay';
import { runAdminCli } from '../../server/relay/admin-cli';
import { connectAs, expectNoSeriousA11yViolations, screenshot, startE2eStack } from './stack-fixture';
import type { E2eStack } from './stack-fixture';

// Issue 16, the app side of the relay's trust model: approval by LifeScore, and a relay that lost its data.
const USER = 'dana-reyes';
const adminToken = randomBytes(24).toString('hex');
let e2e: E2eStack | undefined;
let revived: Relay | undefined;

test.afterEach(async () => {
  await revived?.stop();
  revived = undefined;
  await e2e?.stop();
  e2e = undefined;
});

test.use({ timezoneId: 'America/Chicago', locale: 'en-US', viewport: { width: 1280, height: 900 } });

const at = (days: number) => {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setUTCHours(16, 0, 0, 0);
  return d.toISOString();
};

/** The consultant comes back to the app window (it asks the relay for its status then; it also polls every minute). */
const refocus = (page: Page) => page.evaluate(() => window.dispatchEvent(new Event('focus')));

const emailCount = (dir: string) => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.eml')).length;
  } catch {
    return 0;
  }
};

test('manual approval: "Waiting for approval by LifeScore" until the operator approves with the CLI; then links, page and emails', async ({
  page,
}) => {
  e2e = await startE2eStack({ relayEnv: { RELAY_APPROVAL: 'manual', RELAY_ADMIN_TOKEN: adminToken } });
  const stack = e2e.stack;
  await connectAs(page, e2e, USER);
  const profileUrl = `${stack.relay.url}/consultations/${USER}`;

  // Pending: the dashboard says so and why the links are hidden; the public page is "not available yet"; no email.
  await expect(page.getByRole('heading', { name: 'Waiting for approval by LifeScore' })).toBeVisible({
    timeout: 15_000,
  });
  await expect(page.getByText(/public profile page and booking links are hidden/)).toBeVisible();
  await expect(page.getByText('Link hidden until LifeScore has approved your account.').first()).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your public profile' })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page, 'dashboard (waiting for approval)');
  await screenshot(page, 'dashboard-waiting-for-approval');
  expect((await fetch(profileUrl)).status).toBe(404);
  const slug = stack.sandbox.listEventTypes(USER).find((et) => et.lengthInMinutes === 30)!.slug;
  await stack.sandbox.createBooking({
    username: USER,
    eventTypeSlug: slug,
    start: at(2),
    attendee: { name: 'Pending Client', email: 'pending@example.net', timeZone: 'UTC' },
  });
  // Events still reach the app while pending…
  await expect
    .poll(async () => (await e2e!.app.core.handlers.countBookings({})).scheduled, { timeout: 15_000 })
    .toBe(1);
  // …but the relay mails nobody.
  expect(emailCount(stack.relay.mailDestination)).toBe(0);

  // The operator approves; the app shows it without a restart.
  const out: string[] = [];
  expect(
    await runAdminCli(['approve', USER], { RELAY_ADMIN_TOKEN: adminToken, RELAY_ADMIN_URL: stack.relay.url }, (l) =>
      out.push(l),
    ),
  ).toBe(0);
  expect(out).toEqual([`${USER} is now approved.`]);
  await refocus(page);
  await expect(page.getByRole('heading', { name: 'Waiting for approval by LifeScore' })).toHaveCount(0, {
    timeout: 15_000,
  });
  await expect(page.getByRole('heading', { name: 'Your public profile' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open 30-minute booking page' })).toBeVisible();
  await screenshot(page, 'dashboard-approved');
  expect((await fetch(profileUrl)).status).toBe(200);

  // Emails go out for bookings made now.
  await stack.sandbox.createBooking({
    username: USER,
    eventTypeSlug: slug,
    start: at(3),
    attendee: { name: 'Approved Client', email: 'approved@example.net', timeZone: 'UTC' },
  });
  await expect.poll(() => emailCount(stack.relay.mailDestination), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
});

test('the relay lost its data while the app runs: the app re-creates its channel, says so, and a new booking arrives', async ({
  page,
}) => {
  e2e = await startE2eStack();
  const stack = e2e.stack;
  await connectAs(page, e2e, USER);
  const sync = page.locator('section', { has: page.getByRole('heading', { name: 'Sync' }) });
  await expect(sync.getByText('Live', { exact: true })).toBeVisible({ timeout: 15_000 });

  // Stop the relay, delete its data folder, start it again on the same address: every channel is gone.
  const relayUrl = new URL(stack.relay.url);
  await stack.relay.stop();
  rmSync(join(stack.dataDir, 'relay'), { recursive: true, force: true });
  revived = createRelay(
    loadRelayConfig({
      RELAY_HOST: '127.0.0.1',
      RELAY_PORT: relayUrl.port,
      RELAY_DATA_DIR: join(stack.dataDir, 'relay'),
    }),
    {
      calcomApiUrl: () => stack.sandbox.url,
      logDestination: createWriteStream(join(stack.dataDir, 'relay-revived.log'), { flags: 'a' }),
    },
  );
  await revived.start();

  // A toast, and a lasting note on the dashboard.
  await expect(
    page.getByRole('region', { name: 'LifeScore relay' }).getByText(/The LifeScore relay had lost your connection/),
  ).toBeVisible({ timeout: 45_000 });
  await expect(sync.getByText('Live', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expectNoSeriousA11yViolations(page, 'dashboard (relay channel re-created)');
  await screenshot(page, 'dashboard-channel-healed');
  // One webhook, pointing at the new channel.
  expect(stack.sandbox.listWebhooks(USER)).toHaveLength(1);
  expect(stack.sandbox.listWebhooks(USER)[0]?.subscriberUrl.startsWith(`${relayUrl.origin}/hooks/`)).toBe(true);

  const slug = stack.sandbox.listEventTypes(USER).find((et) => et.lengthInMinutes === 30)!.slug;
  await stack.sandbox.createBooking({
    username: USER,
    eventTypeSlug: slug,
    start: at(3),
    attendee: { name: 'After Wipe', email: 'after.wipe@example.net', timeZone: 'UTC' },
  });
  await page.getByRole('link', { name: 'Bookings' }).click();
  await expect(page.getByText('After Wipe').first()).toBeVisible({ timeout: 20_000 });
});

test('Settings → Profile address and Photo URL: checked as typed, and the relay’s answer shown next to the field', async ({
  page,
}) => {
  e2e = await startE2eStack();
  await connectAs(page, e2e, USER);
  await page.getByRole('link', { name: 'Settings' }).click();
  const address = page.getByLabel('Profile address');
  const photo = page.getByLabel('Photo URL');
  const save = page.getByRole('button', { name: 'Save settings' });

  await address.fill('no');
  await expect(page.getByText(/Use 3 to 40 lowercase letters/)).toBeVisible();
  await expect(address).toHaveAttribute('aria-invalid', 'true');
  await photo.fill('javascript:alert(1)');
  await expect(page.getByText('Enter a web address starting with https:// (or http://).')).toBeVisible();
  await expect(save).toBeDisabled();
  await expectNoSeriousA11yViolations(page, 'settings (invalid profile address)');

  await address.fill('dana-wellness');
  await photo.fill('https://images.example.com/dana.jpg');
  await save.click();
  const url = `${e2e.stack.relay.url}/consultations/dana-wellness`;
  await expect(page.getByText(`Saved: your profile address is ${url}.`)).toBeVisible({ timeout: 10_000 });
  await screenshot(page, 'settings-profile-address');
  expect((await fetch(url)).status).toBe(200);
  expect((await e2e.app.core.handlers.getSettings({})).profile).toMatchObject({
    slug: 'dana-wellness',
    photoUrl: 'https://images.example.com/dana.jpg',
  });
});
