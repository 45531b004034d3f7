import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncBookingStore } from './booking-store';
import { openBookingStore } from './booking-store';
import { SCHEMA_VERSION, migrate } from './booking-migrations';
import { envelope, noShowEnvelope, payload, v2Booking } from '../../../tests/support/app/booking-fixtures';

let dir: string;
let now: number;
let store: SyncBookingStore;
const clock = { now: () => now };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bookings-'));
  now = Date.parse('2026-02-15T12:00:00Z');
  store = openBookingStore(join(dir, 'bookings.sqlite'), { clock });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = (day: number, hour = 10) =>
  `2026-02-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;
const person = (name: string, email: string) => ({ name, email, timeZone: 'UTC' });

/** Seeds: past (10th), upcoming (20th, 25th), cancelled (22nd), pending (18th), rescheduled chain. */
function seed(): void {
  store.applyEvent(
    envelope(
      'BOOKING_CREATED',
      at(1),
      payload('past', { startTime: at(10), endTime: at(10, 11), attendees: [person('Zoë Ärger', 'zoe@example.com')] }),
    ),
  );
  store.applyEvent(
    envelope(
      'BOOKING_CREATED',
      at(1),
      payload('up1', { startTime: at(20), endTime: at(20, 11), attendees: [person('Al 50%_off', 'al@example.com')] }),
    ),
  );
  store.applyEvent(
    envelope(
      'BOOKING_CREATED',
      at(1),
      payload('up2', {
        startTime: at(25),
        endTime: at(25, 11),
        attendees: [person('Bea', 'bea@example.com'), person('Guest Gus', 'gus@example.com')],
      }),
    ),
  );
  store.applyEvent(envelope('BOOKING_CANCELLED', at(2), payload('can', { startTime: at(22), endTime: at(22, 11) })));
  store.applyEvent(envelope('BOOKING_REQUESTED', at(2), payload('pen', { startTime: at(18), endTime: at(18, 11) })));
  store.applyEvent(
    envelope(
      'BOOKING_RESCHEDULED',
      at(3),
      payload('new', {
        rescheduleUid: 'old',
        rescheduleStartTime: at(12),
        rescheduleEndTime: at(12, 11),
        startTime: at(27),
        endTime: at(27, 11),
      }),
    ),
  );
}

describe('queries', () => {
  beforeEach(seed);
  const uids = (q: Parameters<SyncBookingStore['list']>[0]) => store.list(q).items.map((b) => b.uid);

  it.each([
    [{ tab: 'upcoming' as const }, ['pen', 'up1', 'up2', 'new']],
    [{ tab: 'past' as const }, ['past']],
    [{ tab: 'cancelled' as const }, ['can', 'old']],
    [{ tab: 'upcoming' as const, status: ['scheduled' as const] }, ['up1', 'up2', 'new']],
    [{ tab: 'all' as const }, ['new', 'up2', 'can', 'up1', 'pen', 'old', 'past']],
    [{ status: ['pending' as const, 'completed' as const] }, ['pen', 'past']],
    [{ startDate: '2026-02-18T00:00:00Z', endDate: '2026-02-22T10:00:00Z' }, ['can', 'up1', 'pen']],
    [{ search: 'BEA@' }, ['up2']],
    [{ search: 'gus' }, ['up2']],
    [{ search: 'zoë ä' }, ['past']],
    [{ search: '50%_' }, ['up1']],
    [{ search: '%' }, ['up1']],
    [{ tab: 'all' as const, offset: 2, limit: 2 }, ['can', 'up1']],
  ])('%j', (query, expected) => {
    expect(uids(query)).toEqual(expected);
  });

  it('reports the total beyond the page', () => {
    expect(store.list({ limit: 1 })).toMatchObject({ total: 7, items: [{ uid: 'new' }] });
  });

  it('counts per status, completing past bookings at read time', () => {
    expect(store.counts()).toEqual({
      pending: 1,
      scheduled: 3,
      completed: 1,
      cancelled: 1,
      rescheduled: 1,
      rejected: 0,
      'no-show': 0,
    });
    now = Date.parse('2026-02-21T00:00:00Z');
    expect(store.counts()).toMatchObject({ scheduled: 2, completed: 2 });
    expect(store.get('up1')?.status).toBe('completed');
  });

  it('sweeps completed bookings and says which', () => {
    now = Date.parse('2026-02-21T00:00:00Z');
    expect(store.sweepCompleted()).toEqual(['up1']);
    expect(store.sweepCompleted()).toEqual([]);
  });
});

describe('changes', () => {
  it('reports only real changes (a duplicate is silent)', () => {
    const e = envelope('BOOKING_CREATED', at(1), payload('a'));
    expect(store.applyEvent(e)).toEqual({ uids: ['a'], reason: 'created' });
    expect(store.applyEvent(e)).toBeNull();
    expect(store.applyEvent(envelope('BOOKING_RESCHEDULED', at(2), payload('b', { rescheduleUid: 'a' })))).toEqual({
      uids: ['b', 'a'],
      reason: 'rescheduled',
    });
  });

  it('marks and clears a no-show; a newer Cal.com update wins', () => {
    store.applyEvent(envelope('BOOKING_CREATED', at(1), payload('a')));
    expect(store.markNoShow('a', true)).toMatchObject({ status: 'no-show', attendee: { noShow: true } });
    expect(store.list({ status: ['no-show'] }).total).toBe(1);
    expect(store.markNoShow('a', false).status).toBe('scheduled');
    now += 1000;
    store.applyEvent(
      noShowEnvelope('a', new Date(now + 1000).toISOString(), [{ email: 'sam.lee@example.net', noShow: true }]),
    );
    expect(store.get('a')?.status).toBe('no-show');
    expect(() => store.markNoShow('missing', true)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('upserts v2 bookings', () => {
    expect(store.upsertFromCalcom(v2Booking('v'))).toEqual({ uids: ['v'], reason: 'updated' });
    expect(store.upsertFromCalcom(v2Booking('v'))).toBeNull();
    expect(store.get('v')).toMatchObject({
      status: 'scheduled',
      attendee: { email: 'ada@example.org', locale: 'en', noShow: false },
    });
  });
});

describe('relay inbox and cursor', () => {
  const body = (n: number) => Buffer.from(`{"n":${n}}`);
  const apply = (seq: number) =>
    store.recordRelayEvent({
      channel: 'ch',
      seq,
      body: body(seq),
      kind: 'apply',
      envelope: envelope('BOOKING_CREATED', at(1), payload(`b${seq}`)),
    });

  it('dedupes by sequence and advances the cursor over contiguous events only', () => {
    expect(apply(1)).toMatchObject({ duplicate: false, cursor: 1, change: { uids: ['b1'] } });
    expect(apply(3)).toMatchObject({ duplicate: false, cursor: 1 });
    expect(apply(1)).toEqual({ duplicate: true, change: null, cursor: 1 });
    expect(
      store.recordRelayEvent({
        channel: 'ch',
        seq: 2,
        body: body(2),
        kind: 'quarantine',
        reason: 'bad signature',
        trigger: 'BOOKING_CREATED',
      }),
    ).toMatchObject({ cursor: 3, change: null });
    expect(store.quarantinedCount('ch')).toBe(1);
    expect(store.quarantined('ch')[0]).toMatchObject({ seq: 2, reason: 'bad signature', body: body(2) });
    expect(store.get('b2')).toBeNull();
    expect(store.maxRelaySeq('ch')).toBe(3);
    expect(store.relayCursor('other')).toBe(0);
  });

  it('prunes old applied rows at or below the cursor, keeps quarantined ones, and still dedupes them', () => {
    apply(1);
    store.recordRelayEvent({ channel: 'ch', seq: 2, body: body(2), kind: 'quarantine', reason: 'x' });
    apply(4);
    now += 31 * 86_400_000;
    expect(store.pruneInbox(now - 30 * 86_400_000)).toBe(1);
    expect(store.quarantinedCount('ch')).toBe(1);
    expect(store.hasRelayEvent('ch', 1)).toBe(true);
    expect(apply(1)).toMatchObject({ duplicate: true });
    expect(store.hasRelayEvent('ch', 4)).toBe(true);
    expect(store.hasRelayEvent('ch', 3)).toBe(false);
  });

  it('raises the cursor past events lost to retention, then keeps advancing', () => {
    apply(6);
    expect(store.raiseRelayCursor('ch', 4)).toBe(4);
    expect(apply(5).cursor).toBe(6);
  });

  it('keeps the cursor and metadata across reopen', () => {
    apply(1);
    store.setMeta('lastSyncedAt', 'x');
    store.close();
    store = openBookingStore(join(dir, 'bookings.sqlite'), { clock });
    expect(store.relayCursor('ch')).toBe(1);
    expect(store.getMeta('lastSyncedAt')).toBe('x');
    expect(store.getMeta('missing')).toBeNull();
  });
});

describe('transaction', () => {
  const created = (uid: string, name: string) =>
    envelope('BOOKING_CREATED', at(1), payload(uid, { attendees: [person(name, `${uid}@example.com`)] }));

  it('commits the calls inside it together', () => {
    const changes = store.transaction(() => [
      store.applyEvent(created('t1', 'Tia')),
      store.applyEvent(created('t2', 'Tom')),
    ]);
    expect(changes.map((c) => c?.uids)).toEqual([['t1'], ['t2']]);
    expect(store.list({ search: 'example.com' }).total).toBe(2);
  });

  it('commits nothing after a call inside it failed, even if the failure was caught', () => {
    expect(() =>
      store.transaction(() => {
        store.applyEvent(created('t1', 'Tia'));
        try {
          store.markNoShow('missing', true);
        } catch {
          // swallowed: the transaction must still refuse to commit
        }
      }),
    ).toThrow(/nothing was committed/);
    expect(store.get('t1')).toBeNull();
    // Search-index changes queued by the rolled-back transaction do not leak into the next one.
    store.applyEvent(created('t2', 'Tom'));
    expect(store.list({ search: 'tia' }).total).toBe(0);
    expect(store.list({ search: 'tom' }).items.map((b) => b.uid)).toEqual(['t2']);
    const check = new Database(join(dir, 'bookings.sqlite'));
    check.prepare("INSERT INTO bookings_fts (bookings_fts, rank) VALUES ('integrity-check', 1)").run();
    check.close();
  });
});

describe('migrations', () => {
  it('migrates a database from every earlier version, keeping its rows, in WAL mode', () => {
    for (let from = 0; from < SCHEMA_VERSION; from += 1) {
      const file = join(dir, `v${from}.sqlite`);
      const db = new Database(file);
      migrate(db, from);
      if (from >= 1) {
        db.prepare(
          "INSERT INTO bookings (uid, has_data, status, start_ms, end_ms, record, updated_ms) VALUES ('x', 0, 'scheduled', 0, 0, ?, 0)",
        ).run(JSON.stringify({ uid: 'x', data: null }));
      }
      db.close();
      const s = openBookingStore(file, { clock });
      s.close();
      const check = new Database(file);
      expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(check.prepare('SELECT count(*) FROM bookings').pluck().get()).toBe(from >= 1 ? 1 : 0);
      check.close();
    }
  });

  it('refuses a database from a newer app', () => {
    const file = join(dir, 'future.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openBookingStore(file, { clock })).toThrow(/newer than this app/);
  });

  it('uses the indexes for the list queries', () => {
    const db = new Database(join(dir, 'bookings.sqlite'), { readonly: true });
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT record FROM bookings WHERE has_data = 1 AND status IN ('pending') ORDER BY start_ms DESC",
      )
      .all();
    db.close();
    expect(JSON.stringify(plan)).toMatch(/USING INDEX bookings_/);
  });
});
