import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncState } from '../../../common/app-state';
import type { CreateChannelResponse } from '../../../common/relay';
import type { SyncBookingStore } from '../bookings/booking-store';
import { openBookingStore } from '../bookings/booking-store';
import { envelope, payload } from '../../../tests/support/app/booking-fixtures';
import type { HttpFront } from '../../../tests/support/app/http-front-stub';
import { startFront } from '../../../tests/support/app/http-front-stub';
import type { TestRelay } from '../../../tests/support/app/relay-harness';
import { createChannel, ingest, startTestRelay } from '../../../tests/support/app/relay-harness';
import type { SyncEngineInput } from './sync-engine';
import { createSyncEngine } from './sync-engine';
import type { SyncEngine } from './sync-types';

/** Real relay + real smee-client + real SQLite files, on loopback, with short heartbeats and budgets. */

const SECRET = 'cal-webhook-secret-for-tests-0001';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

let dir: string;
let relay: TestRelay;
let channel: CreateChannelResponse;
let store: SyncBookingStore;
let engines: SyncEngine[];
let fronts: HttpFront[];
let changed: Map<string, number>;
let states: SyncState[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sync-int-'));
  relay = await startTestRelay(join(dir, 'relay'));
  channel = await createChannel(relay.url, SECRET);
  store = openBookingStore(join(dir, 'bookings.sqlite'));
  engines = [];
  fronts = [];
  changed = new Map();
  states = [];
});

afterEach(async () => {
  for (const e of engines) await e.stop();
  for (const f of fronts) await f.close();
  await relay.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const body = (uid: string) =>
  JSON.stringify(
    envelope(
      'BOOKING_CREATED',
      '2026-02-10T14:00:00.000Z',
      payload(uid, { startTime: '2030-01-01T10:00:00Z', endTime: '2030-01-01T11:00:00Z' }),
    ),
  );

function engine(overrides: Partial<SyncEngineInput> = {}, relayBase = relay.url): SyncEngine {
  const e = createSyncEngine({
    store,
    fetch,
    random: Math.random,
    channel: {
      relayUrl: relayBase,
      channelId: channel.id,
      token: channel.token,
      streamUrl: `${relayBase}/hooks/${channel.id}`,
    },
    webhookSecret: async () => SECRET,
    bookingsSource: { readBookingsPage: async () => ({ items: [], hasNextPage: false, totalItems: 0 }) },
    logger: quiet,
    onBookingsChanged: (uids) => uids.forEach((u) => changed.set(u, (changed.get(u) ?? 0) + 1)),
    onState: (s) => states.push(s),
    onLastSynced: () => undefined,
    silenceBudgetMs: 1_500,
    connectTimeoutMs: 3_000,
    gapDelayMs: 100,
    ackDelayMs: 50,
    backoff: { baseMs: 50, maxMs: 400 },
    ...overrides,
  });
  engines.push(e);
  return e;
}

async function ingestAll(uids: readonly string[], parallel = 1): Promise<void> {
  for (let i = 0; i < uids.length; i += parallel) {
    const statuses = await Promise.all(
      uids.slice(i, i + parallel).map((u) => ingest(channel.ingestUrl, body(u), SECRET)),
    );
    expect(statuses.every((s) => s >= 200 && s < 300)).toBe(true);
  }
}

const uidsOf = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const allApplied = (uids: readonly string[]) => uids.every((u) => store.get(u) !== null);

describe('sync engine against the real relay', () => {
  it('events posted while the app is stopped arrive after it starts, each once', async () => {
    await ingestAll(uidsOf('early', 5));
    const e1 = engine();
    await e1.start();
    await vi.waitFor(() => expect(allApplied(uidsOf('early', 5))).toBe(true), { timeout: 10_000 });
    await vi.waitFor(() => expect(e1.state().status).toBe('live'), { timeout: 5_000 });
    await e1.stop();
    await ingestAll(uidsOf('late', 3));
    const e2 = engine();
    await e2.start();
    await vi.waitFor(() => expect(allApplied(uidsOf('late', 3))).toBe(true), { timeout: 10_000 });
    expect(store.relayCursor(channel.id)).toBe(8);
    expect([...changed.values()].every((n) => n === 1)).toBe(true);
    expect(changed.size).toBe(8);
  });

  it('a relay restart mid-stream loses and doubles nothing', async () => {
    const e = engine();
    await e.start();
    await vi.waitFor(() => expect(e.state().status).toBe('live'), { timeout: 5_000 });
    await ingestAll(uidsOf('before', 20), 5);
    await relay.restart();
    await ingestAll(uidsOf('after', 20), 5);
    const all = [...uidsOf('before', 20), ...uidsOf('after', 20)];
    await vi.waitFor(() => expect(allApplied(all)).toBe(true), { timeout: 15_000 });
    await vi.waitFor(() => expect(store.relayCursor(channel.id)).toBe(40), { timeout: 5_000 });
    expect([...changed.values()].every((n) => n === 1)).toBe(true);
    await vi.waitFor(() => expect(e.state().status).toBe('live'), { timeout: 5_000 });
    const firstLive = states.findIndex((s) => s.status === 'live');
    expect(states.slice(firstLive).some((s) => s.status !== 'live')).toBe(true); // the stream really was cut
  });

  it('a forged event (wrong secret) is quarantined, counted, never applied', async () => {
    // The relay verifies with a secret the app does not hold (a relay that was tampered with, or a stale secret):
    // what it passes on is signed, but not with the app's secret, so only the app can catch it.
    const forgedSecret = 'someone-elses-secret-000000';
    const open = await createChannel(relay.url, forgedSecret);
    channel = open;
    const e = engine();
    await e.start();
    await ingest(open.ingestUrl, body('forged'), forgedSecret);
    await fetch(`${relay.url}/api/channels/${open.id}/secret`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${open.token}` },
      body: JSON.stringify({ secret: SECRET }),
    });
    await ingest(open.ingestUrl, body('genuine'), SECRET);
    await vi.waitFor(() => expect(store.get('genuine')).not.toBeNull(), { timeout: 10_000 });
    await vi.waitFor(() => expect(e.state().quarantined).toBe(1), { timeout: 5_000 });
    expect(store.get('forged')).toBeNull();
    expect(store.quarantined(open.id)[0]?.reason).toBe('signature does not verify');
  });

  it('1,000 events in a burst are all applied once', async () => {
    const e = engine();
    await e.start();
    await vi.waitFor(() => expect(e.state().status).toBe('live'), { timeout: 5_000 });
    const uids = uidsOf('burst', 1000);
    await ingestAll(uids, 100); // the relay's durable ingest is the slow part here, not the app
    await vi.waitFor(() => expect(store.relayCursor(channel.id)).toBe(1000), { timeout: 30_000 });
    expect(store.list({ limit: 1 }).total).toBe(1000);
    expect(changed.size).toBe(1000);
    expect([...changed.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('recovers from 503 and 401 on the stream, rebuilding the client without zombies', async () => {
    let streamRequests = 0;
    const front = await startFront(relay.url, (req) => {
      if (req.method !== 'GET' || !req.url?.startsWith('/hooks/')) return 'pass';
      streamRequests += 1;
      return streamRequests === 1 ? { status: 503 } : streamRequests === 2 ? { status: 401 } : 'pass';
    });
    fronts.push(front);
    const e = engine({}, front.url);
    await e.start();
    await vi.waitFor(() => expect(e.state().status).toBe('live'), { timeout: 10_000 });
    expect(states.some((s) => s.status === 'offline' && s.offlineSince)).toBe(true);
    await ingestAll(uidsOf('rec', 5));
    await vi.waitFor(() => expect(allApplied(uidsOf('rec', 5))).toBe(true), { timeout: 10_000 });
    // Give an undead client (one not stopped) time to reconnect (eventsource retries after 3 s by default) and double up.
    await new Promise((r) => setTimeout(r, 3_500));
    const streams = front.seen.filter((s) => s.method === 'GET' && s.path.startsWith('/hooks/'));
    expect(streams.length).toBe(3);
    expect(
      streams.every((s) => s.headers.authorization === `Bearer ${channel.token}` && /[?&]since=\d+/.test(s.path)),
    ).toBe(true);
  });

  it('rebuilds a stream that goes silent', async () => {
    let streamRequests = 0;
    const front = await startFront(relay.url, (req) => {
      if (req.method === 'GET' && req.url?.startsWith('/hooks/')) streamRequests += 1;
      return 'pass';
    });
    fronts.push(front);
    // A budget below the relay's 200 ms heartbeat makes every stream look silent: it must be rebuilt, with backoff.
    const e = engine({ silenceBudgetMs: 150 }, front.url);
    await e.start();
    await vi.waitFor(() => expect(streamRequests).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
  });

  it('reconciles at start, after a reconnect and on syncNow, and persists lastSyncedAt', async () => {
    let calls = 0;
    const synced: string[] = [];
    const e = engine({
      bookingsSource: {
        async readBookingsPage(q) {
          if (q.field === 'updatedAt') calls += 1;
          return { items: [], hasNextPage: false, totalItems: 0 };
        },
      },
      onLastSynced: (at) => synced.push(at),
    });
    await e.start();
    await vi.waitFor(() => expect(calls).toBe(1), { timeout: 5_000 });
    await vi.waitFor(() => expect(e.state().status).toBe('live'), { timeout: 5_000 });
    await relay.restart();
    await vi.waitFor(() => expect(calls).toBe(2), { timeout: 10_000 });
    await e.syncNow();
    expect(calls).toBe(3);
    expect(synced).toHaveLength(3);
    expect(store.getMeta('lastSyncedAt')).toBe(synced[2]);
  });

  it('reconciles periodically and sweeps ended bookings to completed', async () => {
    let calls = 0;
    const e = engine({
      bookingsSource: {
        async readBookingsPage(q) {
          if (q.field === 'updatedAt') calls += 1;
          return { items: [], hasNextPage: false, totalItems: 0 };
        },
      },
      reconcileIntervalMs: 150,
      completionIntervalMs: 100,
    });
    store.applyEvent(
      envelope(
        'BOOKING_CREATED',
        '2026-02-10T14:00:00.000Z',
        payload('ended', {
          startTime: new Date(Date.now() - 60_000).toISOString(),
          endTime: new Date(Date.now() + 300).toISOString(),
        }),
      ),
    );
    expect(store.get('ended')?.status).toBe('scheduled');
    await e.start();
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    await vi.waitFor(() => expect(changed.get('ended')).toBe(1), { timeout: 5_000 }); // reported by the sweep
    expect(store.get('ended')?.status).toBe('completed');
  });

  it('stops promptly even while the relay hangs', async () => {
    const front = await startFront(relay.url, (req) => (req.url?.includes('/events') ? 'hang' : 'pass'));
    fronts.push(front);
    const e = engine({}, front.url);
    await e.start();
    await vi.waitFor(() => expect(front.seen.some((s) => s.path.includes('/events'))).toBe(true), { timeout: 5_000 });
    const t0 = performance.now();
    await e.stop();
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(e.state().status).toBe('idle');
  });
});
