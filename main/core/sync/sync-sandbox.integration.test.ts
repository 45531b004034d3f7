import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { BookingStatus } from '../../../common/booking';
import type { V2Booking } from '../../../common/calcom';
import { bookingTriggers, v2BookingListSchema } from '../../../common/calcom';
import type { Sandbox } from '../../../server/calcom-sandbox/index';
import { api, connect, futureWeekdayAt, startSandbox } from '../../../tests/support/sandbox/sandbox-test-kit';
import type { SyncBookingStore } from '../bookings/booking-store';
import { openBookingStore } from '../bookings/booking-store';
import type { TestRelay } from '../../../tests/support/app/relay-harness';
import { createChannel, startTestRelay } from '../../../tests/support/app/relay-harness';
import { createSyncEngine } from './sync-engine';
import type { BookingsSource, SyncEngine } from './sync-types';

/** The whole chain: Cal.com sandbox → real relay → real smee-client → receiver → SQLite, plus reconciliation. */

const SECRET = 'cal-webhook-secret-for-tests-0003';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const attendee = { name: 'Sam Lee', email: 'sam.lee@example.net', timeZone: 'America/New_York' };

let dir: string;
let sandbox: Sandbox;
let calUrl: string;
let relay: TestRelay;
let store: SyncBookingStore;
let engine: SyncEngine | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sync-e2e-'));
  ({ sandbox, url: calUrl } = await startSandbox());
  relay = await startTestRelay(join(dir, 'relay'));
  store = openBookingStore(join(dir, 'bookings.sqlite'));
});

afterEach(async () => {
  await engine?.stop();
  await relay.stop();
  await sandbox.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The reconciliation slice of a Cal.com client: GET /v2/bookings?afterUpdatedAt=, paginated. */
function bookingsSource(token: string): BookingsSource {
  return {
    async readBookingsPage({ field, after, before, take, skip }) {
      const byUpdated = field === 'updatedAt';
      const q = new URLSearchParams({
        take: String(take),
        skip: String(skip),
        [byUpdated ? 'sortUpdatedAt' : 'sortCreated']: 'asc',
        ...(after ? { [byUpdated ? 'afterUpdatedAt' : 'afterCreatedAt']: after } : {}),
        ...(before ? { [byUpdated ? 'beforeUpdatedAt' : 'beforeCreatedAt']: before } : {}),
      });
      const res = await api(calUrl, token, 'GET', `/v2/bookings?${q}`);
      const page = v2BookingListSchema.parse(res.body);
      return { items: page.data, hasNextPage: page.pagination.hasNextPage, totalItems: page.pagination.totalItems };
    },
  };
}

/** What our store must say for a Cal.com booking. */
function expectedStatus(b: V2Booking, now: number): BookingStatus {
  if (b.status === 'cancelled') return b.rescheduledToUid ? 'rescheduled' : 'cancelled';
  if (b.status === 'pending' || b.status === 'rejected') return b.status;
  if (b.attendees[0]?.absent) return 'no-show';
  return Date.parse(b.end) < now ? 'completed' : 'scheduled';
}

it('webhooks through the relay plus reconciliation leave the store equal to Cal.com, a dropped webhook included', async () => {
  const token = (await connect(calUrl)).access_token;
  expect(
    (
      await api(calUrl, token, 'POST', '/v2/event-types', {
        title: '60 Min Consultation',
        slug: 'consultation-60',
        lengthInMinutes: 60,
        hidden: false,
      })
    ).status,
  ).toBe(201);
  const channel = await createChannel(relay.url, SECRET);
  const hook = await api(calUrl, token, 'POST', '/v2/webhooks', {
    subscriberUrl: channel.ingestUrl,
    triggers: [...bookingTriggers],
    active: true,
    secret: SECRET,
  });
  expect(hook.status).toBe(201);

  const synced: string[] = [];
  engine = createSyncEngine({
    store,
    fetch,
    random: Math.random,
    channel: { relayUrl: relay.url, channelId: channel.id, token: channel.token, streamUrl: channel.streamUrl },
    webhookSecret: async () => SECRET,
    bookingsSource: bookingsSource(token),
    logger: quiet,
    onBookingsChanged: () => undefined,
    onState: () => undefined,
    onLastSynced: (at) => synced.push(at),
    silenceBudgetMs: 2_000,
    gapDelayMs: 100,
    ackDelayMs: 50,
  });
  await engine.start();
  await vi.waitFor(() => expect(engine?.state().status).toBe('live'), { timeout: 10_000 });

  const book = (weeks: number, hour: number) =>
    sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: futureWeekdayAt(hour, weeks),
      attendee,
    });
  const a = (await book(1, 15)).booking;
  const b = (await book(1, 17)).booking;
  const c = (
    await sandbox.createBooking({
      username: 'dana-reyes',
      eventTypeSlug: 'consultation-60',
      start: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      attendee,
    })
  ).booking;
  const a2 = (await sandbox.rescheduleBooking(a.uid, futureWeekdayAt(16, 2))).booking;
  await sandbox.cancelBooking(b.uid, { reason: 'Clash' });
  await sandbox.markNoShow(c.uid, attendee.email, true);
  await vi.waitFor(() => expect(store.get(b.uid)?.status).toBe('cancelled'), { timeout: 10_000 });
  await vi.waitFor(() => expect(store.get(c.uid)?.status).toBe('no-show'), { timeout: 10_000 });
  expect(store.get(a.uid)).toMatchObject({ status: 'rescheduled', rescheduledTo: a2.uid });
  expect(store.get(a2.uid)).toMatchObject({ status: 'scheduled', rescheduledFrom: a.uid, cancellationReason: null });

  // Cal.com drops the next webhook: only reconciliation can find this cancellation.
  sandbox.setFaults({ webhooks: { drop: 1 } });
  await sandbox.cancelBooking(a2.uid, { reason: 'Lost webhook' });
  await new Promise((r) => setTimeout(r, 300));
  expect(store.get(a2.uid)?.status).toBe('scheduled');
  await engine.syncNow();
  expect(store.get(a2.uid)).toMatchObject({ status: 'cancelled', cancellationReason: 'Lost webhook' });
  expect(synced.length).toBeGreaterThanOrEqual(2); // at start, and on syncNow

  const now = Date.now();
  const truth = sandbox.listBookings('dana-reyes') as unknown as V2Booking[];
  expect(truth).toHaveLength(4);
  for (const t of truth) {
    expect(store.get(t.uid), t.uid).toMatchObject({
      status: expectedStatus(t, now),
      calcomBookingId: t.id,
      startTime: new Date(t.start).toISOString(),
      rescheduledTo: t.rescheduledToUid ?? null,
      rescheduledFrom: t.rescheduledFromUid ?? null,
    });
  }
  expect(store.list({ limit: 100 }).total).toBe(4);

  // Cal.com's "test webhook" button: stored, streamed, shown as lastPingAt; no booking.
  expect(engine.state().lastPingAt).toBeUndefined();
  await sandbox.sendPing();
  await vi.waitFor(() => expect(engine?.state().lastPingAt).toBeDefined(), { timeout: 10_000 });
  expect(store.list({ limit: 100 }).total).toBe(4);
  expect(store.quarantinedCount(channel.id)).toBe(0);
});
