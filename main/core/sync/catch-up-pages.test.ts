import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startChild } from '../../../tests/reliability/child-process';
import type { BookingChange, SyncBookingStore } from '../bookings/booking-store';
import { openBookingStore } from '../bookings/booking-store';
import { envelope, payload } from '../../../tests/support/app/booking-fixtures';
import type { Intake } from './event-intake';
import { createIntake } from './event-intake';
import { channelEventsOf, createRelayClient } from '../relay-client/relay-client';
import type { RelayStub } from '../../../tests/support/app/relay-stub';
import { startRelayStub } from '../../../tests/support/app/relay-stub';

/**
 * Catch-up takes each pulled page in one transaction. Per event it must still be exactly-once: after an event
 * fails mid-page, and after the process dies mid-page, every event ends up applied once and reported at most once.
 */

const CHANNEL = 'p'.repeat(22);
const SECRET = 'whsec-pages-secret-0123456789';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const EVENTS = 25;

let dir: string;
let file: string;
let relay: RelayStub;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'catch-up-pages-'));
  file = join(dir, 'bookings.sqlite');
  relay = await startRelayStub(CHANNEL);
  for (let i = 1; i <= EVENTS; i += 1)
    relay.add(JSON.stringify(envelope('BOOKING_CREATED', '2026-02-10T14:00:00.000Z', payload(`e${i}`))), SECRET);
});
afterEach(async () => {
  await relay.close();
  rmSync(dir, { recursive: true, force: true });
});

function intakeFor(store: SyncBookingStore, changes: BookingChange[]): Intake {
  return createIntake({
    random: Math.random,
    store,
    channelId: CHANNEL,
    api: channelEventsOf(createRelayClient({ relayUrl: relay.url, fetch }), { channelId: CHANNEL, token: relay.token }),
    webhookSecret: async () => SECRET,
    logger: quiet,
    clock: { now: () => Date.now() },
    onChange: (c) => changes.push(c),
    onActivity: () => undefined,
    gapDelayMs: 60_000,
    ackDelayMs: 10,
    pageSize: 10,
  });
}

/** What the database says, read on a connection of its own. */
function persisted(): { cursor: number; inbox: number; distinct: number; bookings: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    const cursor =
      (db.prepare('SELECT seq FROM relay_cursor WHERE channel = ?').pluck().get(CHANNEL) as number | undefined) ?? 0;
    const inbox = db
      .prepare('SELECT count(*) AS n, count(DISTINCT seq) AS d FROM relay_inbox WHERE channel = ?')
      .get(CHANNEL) as { n: number; d: number };
    const bookings = db.prepare('SELECT uid FROM bookings ORDER BY rowid').pluck().all() as string[];
    return { cursor, inbox: inbox.n, distinct: inbox.d, bookings };
  } finally {
    db.close();
  }
}

const uids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `e${from + i}`);

describe('page-batched catch-up', () => {
  it('an event that fails mid-page keeps the events before it, and the retry takes the rest once', async () => {
    const store = openBookingStore(file);
    const changes: BookingChange[] = [];
    const intake = intakeFor(store, changes);
    // A real SQLite failure inside the page's transaction: the inbox refuses sequence 17.
    const admin = new Database(file);
    admin.exec(
      "CREATE TRIGGER refuse_17 BEFORE INSERT ON relay_inbox WHEN new.seq = 17 BEGIN SELECT RAISE(ABORT, 'simulated failure'); END",
    );
    try {
      await expect(intake.catchUp()).rejects.toThrow(/simulated failure/);
      expect(persisted()).toEqual({ cursor: 16, inbox: 16, distinct: 16, bookings: uids(16) });
      expect(changes.flatMap((c) => c.uids)).toEqual(uids(16));
      admin.exec('DROP TRIGGER refuse_17');
      await intake.catchUp();
      expect(persisted()).toEqual({ cursor: EVENTS, inbox: EVENTS, distinct: EVENTS, bookings: uids(EVENTS) });
      expect(changes.flatMap((c) => c.uids)).toEqual(uids(EVENTS));
      expect(relay.acks.at(-1)).toBe(EVENTS);
    } finally {
      admin.close();
      await intake.stop();
      store.close();
    }
  });

  it('a process killed mid-page commits none of that page; the next start takes it once', async () => {
    const log = join(dir, 'changes.log');
    // Each event reads the store clock twice (inbox row, booking): the 31st read is inside the second page.
    const child = startChild(
      'tests/support/app/catch-up-child.ts',
      [file, log, relay.url, CHANNEL, relay.token, SECRET, '31'],
      {},
    );
    const proc = child.process;
    if (proc.exitCode === null && proc.signalCode === null) await new Promise((resolve) => proc.once('exit', resolve));
    expect(proc.signalCode).toBe('SIGKILL'); // by its own hand, mid-page (not a crash of the test)
    const reported = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    expect(persisted()).toEqual({ cursor: 10, inbox: 10, distinct: 10, bookings: uids(10) });
    expect(reported).toEqual(uids(10));

    const store = openBookingStore(file);
    const changes: BookingChange[] = [];
    const intake = intakeFor(store, changes);
    try {
      await intake.catchUp();
    } finally {
      await intake.stop();
      store.close();
    }
    expect(persisted()).toEqual({ cursor: EVENTS, inbox: EVENTS, distinct: EVENTS, bookings: uids(EVENTS) });
    expect([...reported, ...changes.flatMap((c) => c.uids)]).toEqual(uids(EVENTS));
  }, 60_000);
});
