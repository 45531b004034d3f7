import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Sandbox } from '../../../server/calcom-sandbox/index';
import { api, connect, futureWeekdayAt, startSandbox } from '../../../tests/support/sandbox/sandbox-test-kit';
import type { SyncBookingStore } from '../bookings/booking-store';
import { openBookingStore } from '../bookings/booking-store';
import type { CalcomClient } from '../calcom/calcom-client';
import { createCalcomClient } from '../calcom/calcom-client';
import { createCalcomHttp } from '../calcom/calcom-http';
import { createReconciler } from './reconciler';
import type { TestRelay } from '../../../tests/support/app/relay-harness';
import { createChannel, startTestRelay } from '../../../tests/support/app/relay-harness';
import { createSyncEngine } from './sync-engine';
import type { SyncEngine } from './sync-types';

/** Reconciliation against the real sandbox over loopback, through the app's own Cal.com client (issue 22). */

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const ada = { name: 'Ada Client', email: 'ada@example.org', timeZone: 'Europe/London' };
const SLUG = 'consultation-60';

let dir: string;
let sandbox: Sandbox;
let calUrl: string;
let store: SyncBookingStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reconcile-sandbox-'));
  ({ sandbox, url: calUrl } = await startSandbox());
  store = openBookingStore(join(dir, 'bookings.sqlite'));
});
afterEach(async () => {
  await sandbox.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Connects `username` (OAuth with PKCE against the sandbox) and creates its 60-minute event type. */
async function consultant(username: string): Promise<{ client: CalcomClient; userId: number }> {
  const token = (await connect(calUrl, { username })).access_token;
  expect(
    (
      await api(calUrl, token, 'POST', '/v2/event-types', {
        title: '60 Min Consultation',
        slug: SLUG,
        lengthInMinutes: 60,
        hidden: false,
      })
    ).status,
  ).toBe(201);
  const http = createCalcomHttp({
    apiUrl: calUrl,
    tokens: { accessToken: async () => token, refreshAfterUnauthorized: async () => token },
    clock: { now: Date.now },
    logger: quiet,
    fetch,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    random: Math.random,
  });
  const client = createCalcomClient(http);
  return { client, userId: (await client.me()).id };
}

function reconcilerFor(client: CalcomClient, userId: number, pageSize = 250) {
  store.useAccount(userId);
  return createReconciler({
    store,
    source: client,
    clock: { now: Date.now },
    logger: quiet,
    onChange: () => undefined,
    onLastSynced: () => undefined,
    account: userId,
    channelId: 'ch',
    pageSize,
  });
}

/** Every booking the sandbox holds for `username` is in the store as the sandbox says it is. */
function expectStoreMatches(username: string): void {
  for (const b of sandbox.listBookings(username)) {
    const stored = store.get(b.uid);
    expect(stored, b.uid).not.toBeNull();
    expect(stored?.description ?? '', b.uid).toBe(b.description);
  }
}

describe('shapes from a real account', () => {
  it('imports recurring occurrences, seats as attendees, an AWAITING_HOST booking and an attendee without an email', async () => {
    const { client, userId } = await consultant('dana-reyes');
    const series = sandbox.addSpecialBookings({
      kind: 'recurring',
      username: 'dana-reyes',
      eventTypeSlug: SLUG,
      start: futureWeekdayAt(9, 1),
      occurrences: 4,
      attendee: ada,
    });
    const [seated] = sandbox.addSpecialBookings({
      kind: 'seated',
      username: 'dana-reyes',
      eventTypeSlug: SLUG,
      start: futureWeekdayAt(11, 1),
      seats: [ada, { name: 'Ben Seat', email: 'ben@example.org', timeZone: 'UTC', hideEmail: true }],
    });
    const [awaiting] = sandbox.addSpecialBookings({
      kind: 'plain',
      username: 'dana-reyes',
      eventTypeSlug: SLUG,
      start: futureWeekdayAt(13, 1),
      status: 'AWAITING_HOST',
      attendee: ada,
    });
    await reconcilerFor(client, userId).run();
    expect(series.map((u) => store.get(u)?.status)).toEqual(['scheduled', 'scheduled', 'scheduled', 'scheduled']);
    expect(new Set(series.map((u) => store.get(u)?.metadata.recurringBookingUid)).size).toBe(1);
    const s = store.get(seated!)!;
    expect([s.attendee, ...s.guests].map((a) => [a.name, a.email])).toEqual([
      ['Ada Client', 'ada@example.org'],
      ['Ben Seat', ''],
    ]);
    expect(store.get(awaiting!)).toMatchObject({ status: 'pending', metadata: { calcomStatus: 'awaiting_host' } });
    expect(store.readIssues(userId)).toEqual([
      expect.objectContaining({
        kind: 'unknown-status',
        uid: awaiting,
        reason: expect.stringContaining('awaiting_host'),
      }),
    ]);
  });
});

describe('no skipped rows', () => {
  it('imports everything while bookings change between the pages it reads (paging-while-changing mode)', async () => {
    const { client, userId } = await consultant('dana-reyes');
    for (let i = 0; i < 6; i++)
      sandbox.addSpecialBookings({
        kind: 'plain',
        username: 'dana-reyes',
        eventTypeSlug: SLUG,
        start: futureWeekdayAt(9 + i, 1),
        attendee: ada,
      });
    const reconciler = reconcilerFor(client, userId, 3);
    await reconciler.run();
    for (let i = 0; i < 6; i++)
      sandbox.addSpecialBookings({
        kind: 'plain',
        username: 'dana-reyes',
        eventTypeSlug: SLUG,
        start: futureWeekdayAt(9 + i, 2),
        attendee: ada,
      });
    sandbox.setFaults({ bookingsChurn: { perRequest: 1 } });
    await reconciler.run();
    sandbox.setFaults({});
    await reconciler.run(); // what changed after the walk passed it
    expectStoreMatches('dana-reyes');
  });

  for (const skewMinutes of [-10, 10]) {
    it(`loses nothing when Cal.com's clock is ${skewMinutes} minutes off the app's`, async () => {
      const { client, userId } = await consultant('dana-reyes');
      sandbox.setClockOffset(skewMinutes * 60_000);
      const reconciler = reconcilerFor(client, userId);
      const first = await sandbox.createBooking({
        username: 'dana-reyes',
        eventTypeSlug: SLUG,
        start: futureWeekdayAt(9, 1),
        attendee: ada,
      });
      await reconciler.run();
      // Changes after the first run: Cal.com stamps them by its own clock, minutes away from ours.
      const second = await sandbox.createBooking({
        username: 'dana-reyes',
        eventTypeSlug: SLUG,
        start: futureWeekdayAt(10, 1),
        attendee: ada,
      });
      await sandbox.cancelBooking(first.booking.uid, { reason: 'skewed' });
      await reconciler.run();
      expect(store.get(second.booking.uid)?.status).toBe('scheduled');
      expect(store.get(first.booking.uid)).toMatchObject({ status: 'cancelled', cancellationReason: 'skewed' });
    });
  }
});

describe('account switch', () => {
  let relay: TestRelay;
  const engines: SyncEngine[] = [];
  beforeEach(async () => {
    relay = await startTestRelay(join(dir, 'relay'));
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.stop();
    await relay.stop();
  });

  async function engineFor(client: CalcomClient, userId: number): Promise<{ engine: SyncEngine; synced: string[] }> {
    const channel = await createChannel(relay.url, 'secret-for-account-switch-0001');
    const synced: string[] = [];
    const engine = createSyncEngine({
      store,
      fetch,
      random: Math.random,
      channel: {
        relayUrl: relay.url,
        channelId: channel.id,
        token: channel.token,
        streamUrl: `${relay.url}/hooks/${channel.id}`,
      },
      webhookSecret: async () => 'secret-for-account-switch-0001',
      bookingsSource: client,
      account: { userId },
      logger: quiet,
      onBookingsChanged: () => undefined,
      onState: () => undefined,
      onLastSynced: (at) => synced.push(at),
    });
    engines.push(engine);
    await engine.start();
    await vi.waitFor(() => expect(synced.length).toBeGreaterThan(0), { timeout: 10_000 });
    return { engine, synced };
  }

  it("A's bookings; connecting B imports B's older bookings; each list shows only its own account", async () => {
    const a = await consultant('dana-reyes');
    const b = await consultant('omar-haddad');
    // B's bookings are older than anything A's sync will have seen.
    const bUids = sandbox.addSpecialBookings({
      kind: 'recurring',
      username: 'omar-haddad',
      eventTypeSlug: SLUG,
      start: futureWeekdayAt(9, 1),
      occurrences: 3,
      attendee: ada,
    });
    await new Promise((r) => setTimeout(r, 5));
    const aUid = (
      await sandbox.createBooking({
        username: 'dana-reyes',
        eventTypeSlug: SLUG,
        start: futureWeekdayAt(15, 1),
        attendee: ada,
      })
    ).booking.uid;

    const engineA = await engineFor(a.client, a.userId);
    expect(store.list({}).items.map((x) => x.uid)).toEqual([aUid]);
    await engineA.engine.stop();

    await engineFor(b.client, b.userId);
    expect(
      store
        .list({})
        .items.map((x) => x.uid)
        .sort(),
    ).toEqual([...bUids].sort());
    expect(store.counts().scheduled).toBe(3);
    expect(store.list({ search: 'ada' }).total).toBe(3);
    await engines.at(-1)!.stop();

    // Back to A: A's bookings come back as they were, B's are set aside again.
    await engineFor(a.client, a.userId);
    expect(store.list({}).items.map((x) => x.uid)).toEqual([aUid]);
  });
});
