import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import type { SyncBookingStore } from '../../main/core/bookings/booking-store';
import { openBookingStore } from '../../main/core/bookings/booking-store';
import type { TestRelay } from '../support/app/relay-harness';
import { createChannel, startTestRelay } from '../support/app/relay-harness';
import type { SyncEngine } from '../../main/core/sync/sync-types';
import { recordingEngine } from './sync-fixture';
import { burst, uidsOf } from './webhook-traffic';

/** Issue 11, fault 3: the relay is unreachable for a while; the app keeps answering and shows "offline since". */

const SECRET = 'cal-webhook-secret-for-offline-01';
let dir: string;
let relay: TestRelay | undefined;
let engine: SyncEngine | undefined;
let store: SyncBookingStore | undefined;

afterEach(async () => {
  await engine?.stop();
  store?.close();
  await relay?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('works from its database while the relay is down, reports offlineSince, and catches up after', async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-offline-'));
  relay = await startTestRelay(join(dir, 'relay'));
  const channel = await createChannel(relay.url, SECRET);
  store = openBookingStore(join(dir, 'bookings.sqlite'));
  const rec = recordingEngine(store, relay.url, channel, SECRET);
  engine = rec.engine;
  await engine.start();
  await vi.waitFor(() => expect(rec.engine.state().status).toBe('live'), { timeout: 10_000 });
  expect((await burst(channel.ingestUrl, SECRET, uidsOf('before', 10), 5)).failed).toEqual([]);
  await vi.waitFor(() => expect(store?.relayCursor(channel.id)).toBe(10), { timeout: 10_000 });

  // Streams end as soon as stopping begins; stop() itself may take a while longer (commits drain, connections close).
  const downAt = Date.now();
  await relay.stop();
  await vi.waitFor(() => expect(rec.engine.state().status).toBe('offline'), { timeout: 10_000 });
  const offline = rec.engine.state();
  expect(Date.parse(offline.offlineSince ?? '')).toBeGreaterThanOrEqual(downAt - 1_000);
  // Still offline a while later, with the same "since" (retries don't reset it), and the database still answers.
  await new Promise((r) => setTimeout(r, 2_000));
  expect(rec.engine.state()).toMatchObject({ status: 'offline', offlineSince: offline.offlineSince });
  expect(store.list({ tab: 'upcoming', limit: 100 }).total).toBe(10);
  expect(store.get('before3')?.status).toBe('scheduled');
  expect(store.counts().scheduled).toBe(10);
  await expect(rec.engine.syncNow()).resolves.toBeUndefined(); // "Sync now" while offline: no throw, no change

  await relay.restart();
  await vi.waitFor(() => expect(rec.engine.state().status).toBe('live'), { timeout: 15_000 });
  expect(rec.engine.state().offlineSince).toBeUndefined();
  expect((await burst(channel.ingestUrl, SECRET, uidsOf('after', 10), 5)).failed).toEqual([]);
  await vi.waitFor(() => expect(store?.relayCursor(channel.id)).toBe(20), { timeout: 10_000 });
  expect(store.list({ limit: 100 }).total).toBe(20);
  expect([...rec.changed.values()].every((n) => n === 1)).toBe(true);
  const offlineStates = rec.states.filter((s) => s.status === 'offline');
  console.info(
    `[relay-offline] offline states pushed ${offlineStates.length}, offlineSince ${offline.offlineSince}, back live and caught up to 20`,
  );
}, 45_000);
