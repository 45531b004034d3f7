import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { simpleParser } from 'mailparser';
import { startE2eStack } from './stack-fixture';
import type { E2eStack } from './stack-fixture';

let e2e: E2eStack;

test.beforeEach(async () => {
  e2e = await startE2eStack();
});

test.afterEach(async () => {
  await e2e.stop();
});

/** The emails the relay wrote (no SMTP_URL in the dev stack: .eml files in its data folder). */
async function sentEmails(stack: E2eStack['stack']): Promise<Array<{ to: string; subject: string; text: string }>> {
  const dir = stack.relay.mailDestination;
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
  return Promise.all(
    files.map(async (f) => {
      const mail = await simpleParser(readFileSync(join(dir, f)));
      const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
      return { to, subject: mail.subject ?? '', text: mail.text ?? '' };
    }),
  );
}

test("a client finds the consultant's public profile, books through Book Now, both get emails; after disconnect the page stops offering booking", async ({
  page,
  context,
}) => {
  // The consultant connects (the app then publishes the profile to the relay).
  await page.goto(e2e.app.host.url);
  await page.getByRole('button', { name: 'Connect Cal.com' }).click();
  const consent = await context.newPage();
  await consent.goto(await e2e.browser.next());
  await consent.getByLabel('Sign in as').selectOption('dana-reyes');
  await consent.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByText('Connected as')).toBeVisible({ timeout: 20_000 });

  // The client opens the public profile, served by the relay.
  const profile = await context.newPage();
  const profileUrl = `${e2e.stack.relay.url}/consultations/dana-reyes`;
  await expect.poll(async () => (await fetch(profileUrl)).status, { timeout: 10_000 }).toBe(200);
  await profile.goto(profileUrl);
  await expect(profile.getByRole('heading', { name: /Dana Reyes/ })).toBeVisible();
  const bookNow = profile.getByRole('link', { name: /Book 60 Min Consultation/ });
  await expect(bookNow).toHaveAttribute('target', '_blank');

  // Book Now opens the Cal.com (sandbox) booking page in a new tab; the client books.
  const [booking] = await Promise.all([context.waitForEvent('page'), bookNow.click()]);
  await booking.waitForLoadState();
  expect(booking.url()).toContain(`${e2e.stack.sandbox.url}/dana-reyes/`);
  await booking.locator('.slots a').first().click();
  await booking.getByLabel('Your name').fill('Sam Lee');
  await booking.getByLabel('Email address').fill('sam.lee@example.net');
  await booking.getByRole('button', { name: 'Confirm booking' }).click();
  await expect(booking.getByText('This meeting is scheduled')).toBeVisible();

  // The relay sends the confirmation to the consultant and to the client.
  await expect.poll(async () => (await sentEmails(e2e.stack)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  const emails = await sentEmails(e2e.stack);
  const toClient = emails.find((m) => m.to.includes('sam.lee@example.net'));
  const toConsultant = emails.find((m) => m.to.includes('dana@example.com'));
  expect(toClient?.subject).toMatch(/Confirmed/);
  expect(toConsultant?.subject).toMatch(/New booking/);
  expect(toClient?.text).toContain('60 Min Consultation');
  expect(toClient?.text).toContain('Dana Reyes');
  expect(toClient?.text).toMatch(/Join the session: http:\/\/127\.0\.0\.1:\d+\/video\//);
  expect(toConsultant?.text).toContain('Sam Lee');

  // The consultant disconnects: the profile stops offering booking.
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /Disconnect/ })
    .click();
  await expect(page.getByText('Not connected')).toBeVisible({ timeout: 20_000 });
  await profile.reload();
  await expect(profile.getByRole('link', { name: /Book/ })).toHaveCount(0);
});
