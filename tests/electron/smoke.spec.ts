import { expect, test } from '@playwright/test';
import { consent } from '../support/app/connect-harness';
import { futureWeekdayAt } from '../support/sandbox/sandbox-test-kit';
import { createBooking, listEventTypes } from './sandbox-http';
import { asDeepLink } from './deep-link-handoff';
import { launchApp } from './electron-app';
import type { LaunchedApp } from './electron-app';

/**
 * The real Electron app, built: secure window, connect through a lifescore-dev:// link delivered to a second
 * instance (the Windows/Linux path; macOS sends the same URL through open-url), then a booking made in the
 * sandbox appears in the list. Runs only where Electron is installed (`npm run test:electron`).
 */
let launched: LaunchedApp;

test.beforeEach(async () => {
  launched = await launchApp();
});

test.afterEach(async () => {
  await launched?.stop();
});

test('the window is isolated: no Node in the page, only the bridge; new windows and navigation denied', async () => {
  const { app, window } = launched;
  expect(window.url()).toMatch(/^app:\/\/renderer\//);
  const page = await window.evaluate(() => {
    const g = globalThis as Record<string, unknown>;
    return {
      require: typeof g.require,
      process: typeof g.process,
      bridge: typeof (g.lifescore as { listBookings?: unknown } | undefined)?.listBookings,
    };
  });
  expect(page).toEqual({ require: 'undefined', process: 'undefined', bridge: 'function' });

  // window.open is refused by the open handler (the page gets null, no second window appears); an https link
  // (any host: common/external-url-policy.ts) goes to the system browser instead, stubbed here.
  await launched.interceptOpenExternal();
  expect(
    await window.evaluate(
      () => (globalThis as unknown as { open(url: string): unknown }).open('https://example.com/') === null,
    ),
  ).toBe(true);
  expect(await launched.nextExternalUrl()).toBe('https://example.com/');
  // A navigation away from app://renderer is stopped by will-navigate (and handed to the system browser).
  await window.evaluate(
    () => void ((globalThis as unknown as { location: { href: string } }).location.href = 'https://example.org/'),
  );
  await window.waitForTimeout(500);
  expect(window.url()).toMatch(/^app:\/\/renderer\//);
  expect(app.windows()).toHaveLength(1);
  expect(await launched.nextExternalUrl()).toBe('https://example.org/');
});

test('a consultant connects Cal.com through a deep link and sees a new booking', async () => {
  const { window, stack } = launched;
  await expect(window.getByRole('button', { name: 'Connect Cal.com' })).toBeVisible({ timeout: 30_000 });

  // Connect: the app sends the consultant to Cal.com in the system browser (intercepted here).
  await launched.interceptOpenExternal();
  await window.getByRole('button', { name: 'Connect Cal.com' }).click();
  const authorizeUrl = await launched.nextExternalUrl();
  expect(authorizeUrl.startsWith(`${stack.sandboxUrl}/auth/oauth2/authorize?`)).toBe(true);

  // The "browser": the consultant allows access; Cal.com redirects with code and state.
  const redirect = await consent(authorizeUrl);
  expect(redirect.searchParams.get('code')).toBeTruthy();

  // The OS hands the lifescore-dev:// link to a second instance, which passes it to this one and quits.
  const second = await launched.openDeepLink(asDeepLink(redirect));
  expect(second.code, second.output).toBe(0);

  await expect(window.getByText('Connected as')).toBeVisible({ timeout: 30_000 });
  await expect(window.getByText('dana-reyes').first()).toBeVisible();

  await window.getByRole('link', { name: 'Bookings' }).click();
  await expect(window.getByText('No bookings yet')).toBeVisible();

  // A client books the 60-minute session the app created at connect; the webhook arrives through the relay.
  const sixty = (await listEventTypes(stack.sandboxUrl, 'dana-reyes')).find((et) => et.lengthInMinutes === 60);
  expect(sixty, 'the app created the 60-minute event type').toBeTruthy();
  await createBooking(stack.sandboxUrl, {
    username: 'dana-reyes',
    eventTypeSlug: sixty!.slug,
    start: futureWeekdayAt(15, 1),
    attendee: { name: 'Sam Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York' },
    notes: 'First session - sleep and stress',
  });
  await expect(window.getByRole('button', { name: /Sam Lee/ })).toBeVisible({ timeout: 30_000 });
});

test('connect also completes through the loopback redirect (the default redirect URI in development)', async () => {
  const { window } = launched;
  await launched.interceptOpenExternal();
  await window.getByRole('button', { name: 'Connect Cal.com' }).click();
  const redirect = await consent(await launched.nextExternalUrl());
  // The browser follows Cal.com's redirect to http://127.0.0.1:<port>/calcom/callback: the app's own listener.
  const page = await fetch(redirect);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('return to LifeScore Consultant');
  await expect(window.getByText('Connected as')).toBeVisible({ timeout: 30_000 });
});
