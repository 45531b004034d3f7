import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { futureWeekdayAt } from '../support/sandbox/sandbox-test-kit';
import type { Stack, TestCore } from '../support/app/connect-harness';
import { consent, followRedirect, makeCore, startStack } from '../support/app/connect-harness';
import { createSyncEngine } from '../../main/core/sync/sync-engine';

/**
 * Issue 11, fault 5: Cal.com misbehaves. The sandbox drops a webhook and its API answers 429, 500 and hangs up;
 * the app core (real OAuth, Cal.com client with retries, relay, sync engine) still ends equal to Cal.com.
 */

let stack: Stack;
let t: TestCore;
const attendee = { name: 'Sam Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York' };

beforeAll(async () => {
  stack = await startStack();
  t = await makeCore(stack, {
    overrides: {
      createSyncEngine: (deps) =>
        createSyncEngine({
          ...deps,
          silenceBudgetMs: 2_000,
          gapDelayMs: 100,
          ackDelayMs: 50,
          backoff: { baseMs: 50, maxMs: 400 },
        }),
    },
  });
  const { authorizeUrl } = await t.core.handlers.connect({});
  await followRedirect(await consent(authorizeUrl), t.core);
  await t.waitFor((s) => s.connection.status === 'connected' && s.sync.status === 'live', 20_000);
}, 30_000);

afterAll(async () => {
  await t?.dispose();
  await stack?.stop();
});

const slug60 = () => stack.sandbox.listEventTypes('dana-reyes').find((e) => e.lengthInMinutes === 60)?.slug as string;
const book = async (weeks: number, hour: number) =>
  (
    await stack.sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: slug60(),
      start: futureWeekdayAt(hour, weeks),
      attendee,
    })
  ).booking;
const status = async (uid: string) => (await t.core.handlers.getBooking({ uid }))?.status;

it('a dropped webhook is recovered by syncNow through 429, 500 and a dropped connection', async () => {
  const a = await book(1, 15);
  await vi.waitFor(async () => expect(await status(a.uid)).toBe('scheduled'), { timeout: 10_000 });

  // Cal.com never sends the cancellation webhook; then its API fails three times before answering.
  stack.sandbox.setFaults({ webhooks: { drop: 1 } });
  await stack.sandbox.cancelBooking(a.uid, { reason: 'Lost webhook' });
  const dropped = await book(2, 16); // its BOOKING_CREATED is delivered: the drop was for one webhook only
  await vi.waitFor(async () => expect(await status(dropped.uid)).toBe('scheduled'), { timeout: 10_000 });
  expect(await status(a.uid)).toBe('scheduled');

  stack.sandbox.setFaults({
    api: [
      { mode: '429', times: 1, path: '^/v2/bookings' },
      { mode: '500', times: 1, path: '^/v2/bookings' },
      { mode: 'timeout', times: 1, path: '^/v2/bookings', hangMs: 200 },
    ],
  });
  await expect(t.core.handlers.syncNow({})).resolves.toBeNull();
  expect(stack.sandbox.getFaults().api ?? []).toEqual([]); // all three faults were really hit
  expect(await t.core.handlers.getBooking({ uid: a.uid })).toMatchObject({
    status: 'cancelled',
    cancellationReason: 'Lost webhook',
  });
  expect(await status(dropped.uid)).toBe('scheduled');
  expect((await t.state()).connection.lastSyncedAt).toBeDefined();
});

it('Cal.com down for good: syncNow fails with a typed error, the app keeps its bookings, and the next sync recovers', async () => {
  const b = await book(3, 15);
  await vi.waitFor(async () => expect(await status(b.uid)).toBe('scheduled'), { timeout: 10_000 });
  stack.sandbox.setFaults({ webhooks: { drop: 'all' }, api: [{ mode: '500', path: '^/v2/bookings' }] });
  await stack.sandbox.cancelBooking(b.uid, { reason: 'While down' });
  const failed = await t.core.handlers.syncNow({}).then(
    () => null,
    (err: unknown) => err,
  );
  // The handler throws an AppFailure; the IPC/host boundary turns it into { code, message }.
  expect(failed).toMatchObject({ code: expect.stringMatching(/^calcom_(unavailable|error)$/) });
  expect((await t.core.handlers.listBookings({ tab: 'all', offset: 0, limit: 100 })).total).toBeGreaterThanOrEqual(3);
  stack.sandbox.setFaults({});
  await t.core.handlers.syncNow({});
  expect(await status(b.uid)).toBe('cancelled');
});
