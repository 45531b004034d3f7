import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { SyncState } from '../../../common/app-state';
import type { CreateChannelResponse } from '../../../common/relay';
import type { SyncBookingStore } from '../bookings/booking-store';
import { openBookingStore } from '../bookings/booking-store';
import { envelope, payload } from '../../../tests/support/app/booking-fixtures';
import { CalcomApiError } from '../calcom/calcom-http';
import { startReceiver } from './receiver';
import type { TestRelay } from '../../../tests/support/app/relay-harness';
import { createChannel, ingest, startTestRelay } from '../../../tests/support/app/relay-harness';
import type { SyncEngineInput } from './sync-engine';
import { createSyncEngine } from './sync-engine';
import type { SyncEngine } from './sync-types';

/** Issue 22: every part of the engine that can stop is restarted, and a failure that persists is shown. */

const SECRET = 'cal-webhook-secret-for-tests-0022';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

let dir: string;
let relay: TestRelay;
let channel: CreateChannelResponse;
let store: SyncBookingStore;
let engines: SyncEngine[];
let states: SyncState[];
let notified: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sync-sup-'));
  relay = await startTestRelay(join(dir, 'relay'));
  channel = await createChannel(relay.url, SECRET);
  store = openBookingStore(join(dir, 'bookings.sqlite'));
  engines = [];
  states = [];
  notified = [];
});
afterEach(async () => {
  for (const e of engines) await e.stop();
  await relay.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const empty = { readBookingsPage: async () => ({ items: [], hasNextPage: false, totalItems: 0 }) };

function engine(overrides: Partial<SyncEngineInput> = {}): SyncEngine {
  const e = createSyncEngine({
    store,
    fetch,
    random: Math.random,
    channel: {
      relayUrl: relay.url,
      channelId: channel.id,
      token: channel.token,
      streamUrl: `${relay.url}/hooks/${channel.id}`,
    },
    webhookSecret: async () => SECRET,
    bookingsSource: empty,
    account: { userId: 48213 },
    notify: (title, body) => notified.push(`${title}: ${body}`),
    logger: quiet,
    onBookingsChanged: () => undefined,
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

it('a receiver that fails to start is restarted with backoff; the engine is never "live" without it, and events then flow', async () => {
  let attempts = 0;
  const e = engine({
    receiverBackoff: { baseMs: 30, maxMs: 100 },
    failureThresholds: { visibleAfterRuns: 2 },
    startReceiver: async (deps) => {
      attempts += 1;
      if (attempts <= 3) throw new Error('EADDRINUSE (simulated)');
      return startReceiver(deps);
    },
  });
  await e.start(); // resolves after the first try: the runner is not blocked, and nothing claims "live"
  expect(e.state().status).toBe('offline');
  await vi.waitFor(
    () =>
      expect(states.some((s) => s.problem?.kind === 'local' && /receiver did not start/.test(s.problem.message))).toBe(
        true,
      ),
    { timeout: 5_000 },
  );
  await vi.waitFor(() => expect(e.state().status).toBe('live'), { timeout: 10_000 });
  expect(attempts).toBe(4);
  expect(e.state().problem).toBeUndefined();
  const body = JSON.stringify(
    envelope(
      'BOOKING_CREATED',
      '2026-02-10T14:00:00.000Z',
      payload('after-restart', { startTime: '2030-01-01T10:00:00Z', endTime: '2030-01-01T11:00:00Z' }),
    ),
  );
  expect(await ingest(channel.ingestUrl, body, SECRET)).toBeLessThan(300);
  await vi.waitFor(() => expect(store.get('after-restart')).not.toBeNull(), { timeout: 10_000 });
});

it('a receiver that stops after it started is restarted, with its stream, and events flow again', async () => {
  const started: Array<{ close(): Promise<void>; die(): void }> = [];
  const e = engine({
    receiverBackoff: { baseMs: 30, maxMs: 100 },
    startReceiver: async (deps) => {
      const real = await startReceiver(deps);
      let die!: (why: Error) => void;
      const ended = new Promise<Error>((resolve) => (die = resolve));
      // The real server really goes away; `ended` reports it the way a server 'close' or 'error' would.
      started.push({
        close: () => real.close(),
        die: () => void real.close().then(() => die(new Error('EPIPE (simulated)'))),
      });
      return { url: real.url, ended, close: () => real.close() };
    },
  });
  await e.start();
  await vi.waitFor(() => expect(e.state().status).toBe('live'), { timeout: 10_000 });
  started[0]?.die();
  await vi.waitFor(() => expect(started).toHaveLength(2), { timeout: 10_000 });
  await vi.waitFor(() => expect(e.state().status).toBe('live'), { timeout: 10_000 });
  const body = JSON.stringify(
    envelope(
      'BOOKING_CREATED',
      '2026-02-10T14:00:00.000Z',
      payload('after-receiver-died', { startTime: '2030-01-01T10:00:00Z', endTime: '2030-01-01T11:00:00Z' }),
    ),
  );
  expect(await ingest(channel.ingestUrl, body, SECRET)).toBeLessThan(300);
  await vi.waitFor(() => expect(store.get('after-receiver-died')).not.toBeNull(), { timeout: 10_000 });
});

it('a reconciliation failure that persists shows after 3 runs with what it is, notifies once it lasts, and clears by itself', async () => {
  let failing = true;
  let calls = 0;
  const e = engine({
    bookingsSource: {
      async readBookingsPage() {
        calls += 1;
        if (failing)
          throw new CalcomApiError(
            'calcom_unavailable',
            'Cal.com is having trouble (HTTP 500). Try again in a moment.',
            500,
          );
        return { items: [], hasNextPage: false, totalItems: 0 };
      },
    },
    reconcileIntervalMs: 400,
    reconcileRetryBaseMs: 20,
    failureThresholds: { notifyAfterMs: 300 },
  });
  await e.start();
  await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(1), { timeout: 5_000 });
  // Before the third failed run nothing is shown (a blip is not a problem)…
  expect(states.filter((s) => s.problem).every((s) => (s.problem?.failures ?? 0) >= 3)).toBe(true);
  await vi.waitFor(
    () => expect(e.state().problem).toMatchObject({ kind: 'calcom-down', failures: expect.any(Number) }),
    { timeout: 5_000 },
  );
  expect(e.state().problem?.message).toMatch(/Cal.com is down or not answering.*HTTP 500/);
  await vi.waitFor(() => expect(notified).toHaveLength(1), { timeout: 5_000 });
  expect(notified[0]).toMatch(/^Bookings are not syncing: Cal.com is down/);
  failing = false;
  await vi.waitFor(() => expect(e.state().problem).toBeUndefined(), { timeout: 5_000 });
  expect(notified).toHaveLength(1);
});

it('says "reconnect" when Cal.com no longer accepts the connection, and Sync now clears it once it works', async () => {
  let failing = true;
  const e = engine({
    bookingsSource: {
      async readBookingsPage() {
        if (failing)
          throw new CalcomApiError(
            'reconnect_needed',
            'Cal.com no longer accepts this connection. Please reconnect Cal.com.',
            401,
          );
        return { items: [], hasNextPage: false, totalItems: 0 };
      },
    },
    reconcileIntervalMs: 60_000,
    reconcileRetryBaseMs: 60_000,
  });
  await e.start();
  await expect(e.syncNow()).rejects.toThrow(/reconnect/);
  await expect(e.syncNow()).rejects.toThrow(/reconnect/);
  expect(e.state().problem).toMatchObject({ kind: 'reconnect', failures: 3 });
  failing = false;
  await e.syncNow();
  expect(e.state().problem).toBeUndefined();
});
