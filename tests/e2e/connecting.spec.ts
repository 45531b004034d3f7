import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import {
  allowInBrowser,
  closeOtherTabs,
  expectNoSeriousA11yViolations,
  screenshot,
  startE2eStack,
} from './stack-fixture';
import type { E2eStack } from './stack-fixture';

// The connect flow's states in order on one product: waiting, cancel, deny, Cal.com failing, success, revoked, reconnect.
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
  page = await context.newPage();
  await page.goto(e2e.app.host.url);
});

test.afterAll(async () => {
  await context?.close();
  await e2e?.stop();
});

const connectionCard = () =>
  page.locator('section', { has: page.getByRole('heading', { name: 'Cal.com', exact: true }) });

test('waiting for the browser: progress, "Open the page again" and Cancel', async () => {
  await page.getByRole('button', { name: 'Connect Cal.com' }).click();
  const authorizeUrl = await e2e.browser.next();
  await expect(page.getByText('Waiting for you to allow access in your browser…')).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'Allow access in your browser' })).toHaveAttribute(
    'aria-current',
    'step',
  );
  await closeOtherTabs(page);
  await expectNoSeriousA11yViolations(page, 'connecting (waiting for the browser)');
  await screenshot(page, 'connecting');

  // "Open the page again" opens the same consent page (a browser tab in the browser host).
  const [again] = await Promise.all([
    context.waitForEvent('page'),
    page.getByRole('button', { name: 'Open the page again' }).click(),
  ]);
  await again.waitForLoadState();
  expect(again.url()).toBe(authorizeUrl);
  await expect(again.getByLabel('Sign in as')).toBeVisible();
  await closeOtherTabs(page);

  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(connectionCard().getByRole('status')).toHaveText('Not connected');
  await expect(page.getByRole('button', { name: 'Connect Cal.com' })).toBeEnabled();
});

test('Deny on the consent page: a human explanation and Retry', async () => {
  await page.getByRole('button', { name: 'Connect Cal.com' }).click();
  await allowInBrowser(page, e2e, USER, 'Deny');
  const alert = connectionCard().getByRole('alert');
  await expect(alert).toContainText('Connecting did not finish', { timeout: 15_000 });
  await expect(alert).toContainText('Nothing was changed in your Cal.com account');
  await expect(page.getByRole('button', { name: 'Connect Cal.com' }), 'Retry is the one way on').toHaveCount(0);
  await expect(alert.getByRole('button', { name: 'Retry' })).toBeVisible();
  await screenshot(page, 'connect-denied');
});

test('Cal.com answering 500 during setup: a specific error; Retry works once Cal.com is back', async () => {
  e2e.stack.sandbox.setFaults({ api: [{ mode: '500', times: 1000, path: '/v2/event-types' }] });
  await connectionCard().getByRole('button', { name: 'Retry' }).click();
  await allowInBrowser(page, e2e, USER);
  const alert = connectionCard().getByRole('alert');
  await expect(alert).toContainText('Connecting did not finish', { timeout: 30_000 });
  await expect(alert).toContainText(/Cal\.com/);
  await expect(alert).toContainText(/Retry/);
  await screenshot(page, 'connect-error');
  expect(e2e.stack.sandbox.listWebhooks(USER), 'no webhook left behind by the failed attempt').toHaveLength(0);

  e2e.stack.sandbox.setFaults({});
  await connectionCard().getByRole('button', { name: 'Retry' }).click();
  await allowInBrowser(page, e2e, USER);
  await expect(page.getByText('Connected as')).toBeVisible({ timeout: 20_000 });
  expect(e2e.stack.sandbox.listEventTypes(USER)).toHaveLength(3);
  expect(e2e.stack.sandbox.listWebhooks(USER)).toHaveLength(1);
});

test('refresh token revoked and access token expired: "Reconnect needed", and Reconnect works', async () => {
  e2e.stack.sandbox.revokeRefreshTokens(USER);
  e2e.stack.sandbox.expireAccessTokens();
  // The next call to Cal.com finds out (the periodic sync would too; Sync now does it at once).
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(connectionCard().getByRole('status')).toContainText('Reconnect needed', { timeout: 20_000 });
  await expect(connectionCard().getByRole('alert')).toBeVisible();
  const sync = page.locator('section', { has: page.getByRole('heading', { name: 'Sync' }) });
  await expect(sync.getByText('Paused', { exact: true })).toBeVisible();
  await expect(sync.getByRole('alert'), 'the reconnect is explained once, on the Cal.com card').toHaveCount(0);
  await expectNoSeriousA11yViolations(page, 'dashboard (reconnect needed)');
  await screenshot(page, 'reconnect-needed');

  await page.getByRole('button', { name: 'Reconnect Cal.com' }).click();
  await allowInBrowser(page, e2e, USER);
  await expect(page.getByText('Connected as')).toBeVisible({ timeout: 20_000 });
  await expect(connectionCard().getByRole('alert')).toHaveCount(0);
  await expect(
    page.locator('section', { has: page.getByRole('heading', { name: 'Sync' }) }).getByText('Live', { exact: true }),
  ).toBeVisible({ timeout: 15_000 });
  expect(e2e.stack.sandbox.listWebhooks(USER), 'reconnecting reuses the one webhook').toHaveLength(1);
  expect(e2e.stack.sandbox.listEventTypes(USER)).toHaveLength(3);
});
