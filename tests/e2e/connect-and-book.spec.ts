import { expect, test } from '@playwright/test';
import { connectAs, startE2eStack } from './stack-fixture';
import type { E2eStack } from './stack-fixture';

let e2e: E2eStack;

test.beforeEach(async () => {
  e2e = await startE2eStack();
});

test.afterEach(async () => {
  await e2e.stop();
});

test('a consultant connects Cal.com, a client books, and the booking appears without a reload', async ({
  page,
  context,
}) => {
  // The page's Content-Security-Policy (renderer/index.html) refuses nothing the app itself does.
  const violations: string[] = [];
  page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && violations.push(m.text())));
  await page.goto(e2e.app.host.url);
  await expect(page.getByRole('button', { name: 'Connect Cal.com' })).toBeVisible();

  // Connect: the app opens the sandbox's consent page in the "system browser"; the helper allows it there.
  await connectAs(page, e2e, 'dana-reyes');

  // Watch the bookings list, and prove later that the page never reloaded.
  await page.getByRole('link', { name: 'Bookings' }).click();
  await expect(page.getByText('No bookings yet')).toBeVisible();
  await page.evaluate(() => {
    (globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true;
  });

  // A client books the 60-minute session on the sandbox's booking page.
  const links = e2e.stack.sandbox.listEventTypes('dana-reyes');
  const sixty = links.find((et) => et.lengthInMinutes === 60);
  expect(sixty, 'the app created the 60-minute event type').toBeTruthy();
  const client = await context.newPage();
  await client.goto(`${e2e.stack.sandbox.url}/dana-reyes/${sixty!.slug}?tz=America/New_York`);
  await client.locator('.slots a').first().click();
  await client.getByLabel('Your name').fill('Sam Lee');
  await client.getByLabel('Email address').fill('sam.lee@example.net');
  await client.getByLabel('Additional notes').fill('First session - sleep and stress');
  await client.getByRole('button', { name: 'Confirm booking' }).click();
  await expect(client.getByText('This meeting is scheduled')).toBeVisible();

  await expect(page.getByRole('button', { name: /Sam Lee/ })).toBeVisible({ timeout: 20_000 });
  expect(await page.evaluate(() => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  for (const name of ['Dashboard', 'Insights', 'Settings']) {
    await page.getByRole('link', { name, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  expect(violations).toEqual([]);
});
