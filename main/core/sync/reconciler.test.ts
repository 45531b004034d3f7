import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { V2Booking } from '../../../common/calcom';
import type { BookingChange, SyncBookingStore } from '../bookings/booking-store';
import { openBookingStore } from '../bookings/booking-store';
import { envelope, payload, v2Booking } from '../bookings/test-fixtures';
import { LAST_SYNCED_KEY, createReconciler } from './reconciler';

let dir: string;
let store: SyncBookingStore;
let now: number;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reconcile-'));
  now = Date.parse('2026-02-20T12:00:00Z');
  store = openBookingStore(join(dir, 'b.sqlite'), { clock: { now: () => now } });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup(pages: V2Booking[][]) {
  const asked: (string | undefined)[] = [];
  const changes: BookingChange[] = [];
  const synced: string[] = [];
  let call = 0;
  const reconciler = createReconciler({
    store,
    clock: { now: () => now },
    logger: quiet,
    source: {
      async *listBookingsUpdatedSince(since) {
        asked.push(since);
        for (const b of pages[call++] ?? []) yield b;
      },
    },
    onChange: (c) => changes.push(c),
    onLastSynced: (at) => synced.push(at),
  });
  return { reconciler, asked, changes, synced };
}

it('upserts what changed, records lastSyncedAt, and asks from it next time (with overlap)', async () => {
  store.applyEvent(envelope('BOOKING_CREATED', '2026-02-01T08:00:00Z', payload('known')));
  const { reconciler, asked, changes, synced } = setup([
    [v2Booking('lost'), v2Booking('known', { status: 'cancelled', cancellationReason: 'Webhook never came', updatedAt: '2026-02-02T00:00:00Z' })],
    [v2Booking('lost')],
  ]);
  expect(await reconciler.run()).toBe(2);
  expect(store.get('lost')?.status).toBe('scheduled');
  expect(store.get('known')).toMatchObject({ status: 'cancelled', cancellationReason: 'Webhook never came' });
  expect(synced).toEqual(['2026-02-20T12:00:00.000Z']);
  expect(store.getMeta(LAST_SYNCED_KEY)).toBe('2026-02-20T12:00:00.000Z');
  now += 3_600_000;
  expect(await reconciler.run()).toBe(0);
  expect(asked).toEqual([undefined, '2026-02-20T11:59:00.000Z']);
  expect(changes.flatMap((c) => c.uids)).toEqual(['lost', 'known']);
});

it('is single-flight and keeps lastSyncedAt when the source fails', async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  let calls = 0;
  const reconciler = createReconciler({
    store,
    clock: { now: () => now },
    logger: quiet,
    source: {
      async *listBookingsUpdatedSince() {
        calls += 1;
        await gate;
        yield* [];
        throw new Error('calcom down');
      },
    },
    onChange: () => undefined,
    onLastSynced: () => undefined,
  });
  const a = reconciler.run();
  const b = reconciler.run();
  release();
  await expect(a).rejects.toThrow('calcom down');
  await expect(b).rejects.toThrow('calcom down');
  expect(calls).toBe(1);
  expect(reconciler.lastSyncedAt()).toBeNull();
});
