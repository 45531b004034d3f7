import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeCalcomBookings } from '../../../tests/support/calcom-bookings-fake';
import type { BookingChange, SyncBookingStore } from '../bookings/booking-store';
import { openBookingStore } from '../bookings/booking-store';
import { envelope, payload } from '../../../tests/support/app/booking-fixtures';
import { LAST_SYNCED_KEY, WATERMARK_OVERLAP_MS, createReconciler, watermarkKey } from './reconciler';
import type { BookingsSource } from './sync-types';

let dir: string;
let store: SyncBookingStore;
let now: number;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const ACCOUNT = 48213;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reconcile-'));
  now = Date.parse('2026-02-20T12:00:00Z');
  store = openBookingStore(join(dir, 'b.sqlite'), { clock: { now: () => now } });
  store.useAccount(ACCOUNT);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function reconcilerFor(
  source: BookingsSource,
  options: { pageSize?: number; clock?: () => number; channelId?: string } = {},
) {
  const changes: BookingChange[] = [];
  const synced: string[] = [];
  const reconciler = createReconciler({
    store,
    clock: { now: options.clock ?? (() => now) },
    logger: quiet,
    source,
    account: ACCOUNT,
    channelId: options.channelId ?? 'ch1',
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    onChange: (c) => changes.push(c),
    onLastSynced: (at) => synced.push(at),
  });
  return { reconciler, changes, synced };
}

it('upserts what changed; the next run asks from Cal.com’s own newest updatedAt (less the overlap), not the local clock', async () => {
  store.applyEvent(envelope('BOOKING_CREATED', '2026-02-01T08:00:00Z', payload('known')));
  let calNow = Date.parse('2026-02-02T00:00:00Z'); // Cal.com's clock: far from ours
  const cal = new FakeCalcomBookings(() => calNow);
  cal.put('lost');
  calNow += 60_000;
  cal.put('known', { status: 'cancelled', cancellationReason: 'Webhook never came' });
  const { reconciler, changes, synced } = reconcilerFor(cal);
  expect(await reconciler.run()).toBe(2);
  expect(store.get('lost')?.status).toBe('scheduled');
  expect(store.get('known')).toMatchObject({ status: 'cancelled', cancellationReason: 'Webhook never came' });
  expect(synced).toEqual(['2026-02-20T12:00:00.000Z']);
  expect(store.getMeta(LAST_SYNCED_KEY)).toBe('2026-02-20T12:00:00.000Z');
  expect(store.getMeta(watermarkKey('updatedAt', ACCOUNT, 'ch1'))).toBe('2026-02-02T00:01:00.000Z');
  now += 3_600_000;
  cal.asked.length = 0;
  expect(await reconciler.run()).toBe(0);
  expect(cal.asked.find((q) => q.field === 'updatedAt')?.after).toBe(
    new Date(Date.parse('2026-02-02T00:01:00Z') - WATERMARK_OVERLAP_MS).toISOString(),
  );
  expect(changes.flatMap((c) => c.uids)).toEqual(['lost', 'known']);
});

it('a booking it cannot read is kept raw and counted, and blocks neither the others nor the watermark', async () => {
  let calNow = Date.parse('2026-02-02T00:00:00Z');
  const cal = new FakeCalcomBookings(() => calNow);
  cal.put('a');
  calNow += 1_000;
  cal.put('broken', { start: null, title: 42 }); // a null where the reference says string
  calNow += 1_000;
  cal.put('c');
  calNow += 1_000;
  cal.put('later', { status: 'AWAITING_HOST' });
  const { reconciler } = reconcilerFor(cal, { pageSize: 2 });
  expect(await reconciler.run()).toBe(3);
  expect(store.get('a')?.status).toBe('scheduled');
  expect(store.get('c')?.status).toBe('scheduled');
  expect(store.get('broken')).toBeNull();
  // Unknown status: a defined fallback (pending: exists, not a confirmed appointment), recorded.
  expect(store.get('later')).toMatchObject({ status: 'pending', metadata: { calcomStatus: 'AWAITING_HOST' } });
  const issues = store.readIssues(ACCOUNT);
  expect(issues.map((i) => [i.kind, i.uid])).toEqual(
    expect.arrayContaining([
      ['unreadable', 'broken'],
      ['unknown-status', 'later'],
    ]),
  );
  expect(issues.find((i) => i.kind === 'unreadable')?.reason).toMatch(/start|title/);
  expect(JSON.parse(issues.find((i) => i.kind === 'unreadable')!.raw)).toMatchObject({ uid: 'broken', title: 42 });
  expect(store.getMeta(watermarkKey('updatedAt', ACCOUNT, 'ch1'))).toBe('2026-02-02T00:00:03.000Z');
  // Fixed in Cal.com later: it reads, and the entry goes.
  calNow += 1_000;
  cal.put('broken', { start: '2030-03-02T10:00:00.000Z', title: 'Fixed' });
  await reconciler.run();
  expect(store.get('broken')?.title).toBe('Fixed');
  expect(store.readIssues(ACCOUNT).map((i) => i.kind)).toEqual(['unknown-status']);
});

it('maps recurring occurrences as bookings of their own, seats as attendees, and a missing attendee email as empty', async () => {
  const cal = new FakeCalcomBookings(() => Date.parse('2026-02-02T00:00:00Z'));
  for (const [i, uid] of ['r1', 'r2', 'r3'].entries()) {
    cal.put(uid, {
      recurringBookingUid: 'series-1',
      start: `2030-03-0${i + 1}T10:00:00.000Z`,
      end: `2030-03-0${i + 1}T10:30:00.000Z`,
    });
  }
  cal.put('seated', {
    attendees: [
      { name: 'Seat One', email: 'one@example.org', timeZone: 'UTC', seatUid: 's1', absent: false },
      { name: 'Seat Two', displayEmail: 'two@example.org', timeZone: 'UTC', seatUid: 's2', absent: true },
      { name: 'Phone Only', timeZone: 'UTC', seatUid: 's3' },
    ],
  });
  const { reconciler } = reconcilerFor(cal);
  await reconciler.run();
  expect(['r1', 'r2', 'r3'].map((u) => store.get(u)?.metadata.recurringBookingUid)).toEqual([
    'series-1',
    'series-1',
    'series-1',
  ]);
  expect(store.get('r2')?.startTime).toBe('2030-03-02T10:00:00.000Z');
  const seated = store.get('seated')!;
  expect([seated.attendee, ...seated.guests].map((a) => [a.name, a.email])).toEqual([
    ['Seat One', 'one@example.org'],
    ['Seat Two', 'two@example.org'],
    ['Phone Only', ''],
  ]);
  expect(store.readIssues(ACCOUNT)).toEqual([]);
});

it('walks a run of bookings sharing one updatedAt longer than a page by offset', async () => {
  const cal = new FakeCalcomBookings(() => Date.parse('2026-02-02T00:00:00Z'));
  for (let i = 0; i < 7; i++) cal.put(`same-${i}`);
  const { reconciler } = reconcilerFor(cal, { pageSize: 3 });
  await reconciler.run();
  for (let i = 0; i < 7; i++) expect(store.get(`same-${i}`)).not.toBeNull();
});

let run = 0;
it('property: bookings created, updated and cancelled while the reconciler pages are never lost, whatever the clock skew', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.nat(200), { maxLength: 30 }),
      fc.array(fc.tuple(fc.nat(12), fc.constantFrom('update', 'create', 'cancel'), fc.nat(200)), { maxLength: 25 }),
      fc.integer({ min: -10 * 60_000, max: 10 * 60_000 }),
      async (initial, pageSize, edits, changes, skewMs) => {
        // One store for every run (opening a file per run is slow on a busy machine): each run has its own channel,
        // so its own watermarks, and its own uids.
        run += 1;
        const p = `run${run}-`;
        let calNow = now + skewMs; // Cal.com's clock, up to ten minutes off ours either way
        const cal = new FakeCalcomBookings(() => calNow);
        for (let i = 0; i < initial; i++) {
          calNow += i % 3 === 0 ? 0 : 90_000; // some share an instant; others lie further apart than the overlap
          cal.put(`${p}b${i}`);
        }
        const { reconciler } = reconcilerFor(cal, { pageSize, channelId: `ch-${run}` });
        await reconciler.run(); // the first sync: watermarks now exist
        // An hour later, old bookings were edited in Cal.com (so the next walk by updatedAt spans several pages)…
        calNow += 3_600_000;
        const editsFrom = calNow;
        const uidsAt = () => [...cal.items.keys()];
        for (const pick of edits) {
          calNow += pick % 2 === 0 ? 0 : 90_000;
          cal.put(uidsAt()[pick % initial]!, { title: `edited ${calNow}` });
        }
        // …and more change between the pages the client asks for: half of them among the first rows of this walk
        // (the ones an offset-paging client has already read, so everything after them shifts).
        const target = (pick: number): string => {
          if (pick % 2 === 1) return uidsAt()[pick % cal.items.size]!;
          const walked = [...cal.items.values()]
            .filter((b) => Date.parse(String(b.updatedAt)) >= editsFrom)
            .sort((a, b) => Date.parse(String(a.updatedAt)) - Date.parse(String(b.updatedAt)));
          return String(
            (walked[Math.floor(pick / 2) % Math.max(1, Math.min(3, walked.length))] ?? [...cal.items.values()][0]!).uid,
          );
        };
        let created = 0;
        const firstCall = cal.asked.length;
        cal.beforePage = (call) => {
          for (const [at, kind, pick] of changes) {
            if (at !== call - firstCall) continue;
            calNow += 90_000;
            if (kind === 'create') cal.put(`${p}new${created++}`);
            else cal.put(target(pick), kind === 'cancel' ? { status: 'cancelled' } : { title: `changed ${calNow}` });
          }
        };
        await reconciler.run();
        cal.beforePage = () => undefined;
        // A change after the walk passed a booking is the next run's; one the walk skipped would be lost for good,
        // since the watermark has moved past it (the overlap covers only the last minute).
        await reconciler.run();
        for (const b of cal.items.values()) {
          const stored = store.get(String(b.uid));
          expect(stored?.title).toBe(b.title);
          expect(stored?.status).toBe(b.status === 'cancelled' ? 'cancelled' : 'scheduled');
        }
      },
    ),
    { numRuns: 60 },
  );
}, 120_000);

it('is single-flight and keeps lastSyncedAt when the source fails', async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  let calls = 0;
  const { reconciler } = reconcilerFor({
    async readBookingsPage() {
      calls += 1;
      await gate;
      throw new Error('calcom down');
    },
  });
  const a = reconciler.run();
  const b = reconciler.run();
  release();
  await expect(a).rejects.toThrow('calcom down');
  await expect(b).rejects.toThrow('calcom down');
  expect(calls).toBe(1);
  expect(reconciler.lastSyncedAt()).toBeNull();
});
