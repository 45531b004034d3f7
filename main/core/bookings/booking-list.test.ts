import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BookingQuery, BookingStatus } from '../../../common/booking';
import { FEW_ROWS } from './booking-list';
import { SCHEMA_VERSION, migrate } from './booking-migrations';
import type { SyncBookingStore } from './booking-store';
import { openBookingStore } from './booking-store';
import { envelope, noShowEnvelope, payload } from '../../../tests/support/app/booking-fixtures';

/**
 * The list's plans (covering-index walk from a remembered position, trigram candidates, status index), its cached
 * totals and the migration that adds the search index, checked against plain SQL on a second connection: same
 * rows, same order, same totals, whatever was cached before.
 */

let dir: string;
let file: string;
let now: number;
let store: SyncBookingStore;
let reader: Database.Database;
const clock = { now: () => now };
const HOUR = 3_600_000;
const T0 = Date.parse('2026-02-15T12:00:00Z');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'booking-list-'));
  file = join(dir, 'bookings.sqlite');
  now = T0;
  store = openBookingStore(file, { clock });
  reader = new Database(file, { readonly: true });
});
afterEach(() => {
  reader.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const iso = (ms: number) => new Date(ms).toISOString();

/** Bookings in runs that start together (the rowid tie-break matters), half ended, some cancelled, some pending. */
function seed(s: SyncBookingStore, count: number): void {
  s.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      const start = T0 + (Math.floor(i / 5) - Math.floor(count / 10)) * HOUR;
      const p = payload(`b${i}`, {
        startTime: iso(start),
        endTime: iso(start + (i % 3 === 0 ? 2 : 1) * HOUR),
        attendees: [{ name: `Person ${i % 4}`, email: `p${i}@example.com`, timeZone: 'UTC' }],
      });
      s.applyEvent(envelope(i % 7 === 0 ? 'BOOKING_REQUESTED' : 'BOOKING_CREATED', '2026-02-01T10:00:00Z', p));
      if (i % 6 === 1) s.applyEvent(envelope('BOOKING_CANCELLED', '2026-02-02T10:00:00Z', p));
    }
  });
}

/** The same filter in plain SQL, no index hints, no cache: what the list must return. */
function expected(q: BookingQuery): string[] {
  const where = ['has_data = 1'];
  const params: (string | number)[] = [];
  const closed = "status IN ('cancelled', 'rescheduled', 'rejected')";
  if (q.tab === 'upcoming') where.push(`NOT ${closed}`, `end_ms > ${now}`);
  if (q.tab === 'past') where.push(`NOT ${closed}`, `end_ms <= ${now}`);
  if (q.tab === 'cancelled') where.push(closed);
  if (q.status?.length) where.push(`status IN (${q.status.map((s) => `'${s}'`).join(', ')})`);
  if (q.startDate) where.push(`start_ms >= ${Date.parse(q.startDate)}`);
  if (q.endDate) where.push(`start_ms <= ${Date.parse(q.endDate)}`);
  if (q.search) {
    where.push('instr(search, ?) > 0');
    params.push(q.search.trim().toLowerCase());
  }
  const order = q.tab === 'upcoming' ? 'start_ms ASC, rowid ASC' : 'start_ms DESC, rowid DESC';
  return reader
    .prepare(`SELECT uid FROM bookings WHERE ${where.join(' AND ')} ORDER BY ${order}`)
    .pluck()
    .all(...params) as string[];
}

/** Pages through `q` as the screen does (offset = rows loaded so far), checking the total on every page. */
function paged(q: BookingQuery, limit: number): string[] {
  const uids: string[] = [];
  for (;;) {
    const page = store.list({ ...q, offset: uids.length, limit });
    expect(page.total).toBe(expected(q).length);
    if (page.items.length === 0) return uids;
    uids.push(...page.items.map((b) => b.uid));
  }
}

const queries: readonly BookingQuery[] = [
  { tab: 'all' },
  { tab: 'upcoming' },
  { tab: 'past' },
  { tab: 'cancelled' },
  { tab: 'all', status: ['pending'] },
  { tab: 'upcoming', status: ['scheduled', 'pending'] },
  { tab: 'past', startDate: iso(T0 - 6 * HOUR), endDate: iso(T0 + HOUR) },
  { tab: 'all', search: 'person 1' },
  { tab: 'upcoming', search: 'p5' },
  { tab: 'cancelled', search: 'example' },
];

describe('paging', () => {
  it.each(queries)('%j pages in display order, runs of equal start times included', (q) => {
    seed(store, 90);
    const all = expected(q);
    expect(all.length).toBeGreaterThan(0);
    for (const limit of [1, 4, 7, 500]) expect(paged(q, limit)).toEqual(all);
    // Jumping straight to deep pages (no remembered position) and back gives the same rows.
    for (const offset of [33, 11, 60, 5, 200])
      expect(store.list({ ...q, offset, limit: 6 }).items.map((b) => b.uid)).toEqual(all.slice(offset, offset + 6));
  });

  it('a common search term walks the index and a rare one starts from its candidates, both in display order', () => {
    seed(store, FEW_ROWS + 200);
    for (const q of [{ search: 'person 2' }, { search: 'p77@' }, { tab: 'past' as const, search: 'example.com' }]) {
      expect(paged(q, 97)).toEqual(expected(q));
    }
  });
});

describe('cached totals and positions', () => {
  beforeEach(() => seed(store, 60));

  it('follow writes on this connection', () => {
    const before = paged({ tab: 'upcoming' }, 7);
    // Same start as others: lands inside a run of ties, shifting every position after it.
    store.applyEvent(
      envelope(
        'BOOKING_CREATED',
        '2026-02-03T10:00:00Z',
        payload('late', { startTime: iso(T0 + 2 * HOUR), endTime: iso(T0 + 3 * HOUR) }),
      ),
    );
    const after = paged({ tab: 'upcoming' }, 7);
    expect(after).toEqual(expected({ tab: 'upcoming' }));
    expect(after).toHaveLength(before.length + 1);
    store.markNoShow('late', true);
    expect(store.list({ status: ['no-show'] }).total).toBe(1);
    expect(store.counts()['no-show']).toBe(1);
  });

  it('follow writes by another connection', () => {
    expect(store.list({ tab: 'cancelled' }).total).toBe(expected({ tab: 'cancelled' }).length);
    const counts = store.counts();
    const writer = new Database(file);
    writer.prepare("UPDATE bookings SET status = 'cancelled' WHERE uid = 'b2'").run();
    writer.close();
    expect(store.list({ tab: 'cancelled', limit: 500 }).items.map((b) => b.uid)).toEqual(
      expected({ tab: 'cancelled' }),
    );
    expect(store.counts().cancelled).toBe(counts.cancelled + 1);
  });

  it('follow the clock: bookings move from Upcoming to Past as they end, and are completed', () => {
    const upcoming = paged({ tab: 'upcoming' }, 9);
    const counts = store.counts();
    now = T0 + 90 * 60_000; // past the ends of the bookings that started at T0
    expect(paged({ tab: 'upcoming' }, 9)).toEqual(expected({ tab: 'upcoming' }));
    expect(paged({ tab: 'past' }, 9)).toEqual(expected({ tab: 'past' }));
    expect(expected({ tab: 'upcoming' }).length).toBeLessThan(upcoming.length);
    expect(store.counts().completed).toBeGreaterThan(counts.completed);
    // And back: a clock set back must not serve totals computed for a later time.
    now = T0;
    expect(store.list({ tab: 'upcoming' }).total).toBe(expected({ tab: 'upcoming' }).length);
  });

  it('per-status counts are the rows per status', () => {
    store.applyEvent(noShowEnvelope('b3', '2026-02-05T10:00:00Z', [{ email: 'p3@example.com', noShow: true }]));
    const rows = reader
      .prepare('SELECT status, count(*) AS n FROM bookings WHERE has_data = 1 GROUP BY status')
      .all() as { status: BookingStatus; n: number }[];
    expect(store.counts()).toMatchObject(Object.fromEntries(rows.map((r) => [r.status, r.n])));
  });
});

describe('migration 5 (search index, spans) on an existing database', () => {
  it('indexes the rows a version-4 database already holds', () => {
    seed(store, 40);
    store.applyEvent(
      envelope(
        'BOOKING_CREATED',
        '2026-02-03T10:00:00Z',
        payload('long', { startTime: iso(T0 - 48 * HOUR), endTime: iso(T0 + 24 * HOUR) }),
      ),
    );
    store.close();
    // A version-4 database holding the same rows (the columns are what a version-4 store wrote).
    const old = join(dir, 'v4.sqlite');
    const v4 = new Database(old);
    migrate(v4, 4);
    v4.exec(
      `ATTACH '${file}' AS cur; INSERT INTO bookings SELECT uid, calcom_booking_id, has_data, status, start_ms, end_ms, search, record, updated_ms FROM cur.bookings; DETACH cur;`,
    );
    v4.close();
    store = openBookingStore(old, { clock });
    reader.close();
    reader = new Database(old, { readonly: true });
    expect(reader.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(reader.prepare('SELECT longest_ms FROM booking_spans').pluck().get()).toBe(72 * HOUR);
    for (const q of [...queries, { tab: 'upcoming' as const, search: 'long' }])
      expect(paged(q, 8)).toEqual(expected(q));
    expect(store.list({ tab: 'upcoming', limit: 1 }).items[0]?.uid).toBe('long'); // started two days ago, still on
    const check = new Database(old);
    check.prepare("INSERT INTO bookings_fts (bookings_fts, rank) VALUES ('integrity-check', 1)").run();
    check.close();
  });

  it('keeps the search index in step with the rows through updates', () => {
    seed(store, 30);
    store.applyEvent(
      envelope(
        'BOOKING_CREATED',
        '2026-02-09T10:00:00Z',
        payload('b4', { attendees: [{ name: 'Renamed Rita', email: 'rita@example.com', timeZone: 'UTC' }] }),
      ),
    );
    expect(store.list({ search: 'rita' }).items.map((b) => b.uid)).toEqual(['b4']);
    expect(store.list({ search: 'p4@example' }).total).toBe(0);
    store.close();
    const check = new Database(file);
    // FTS5's own check: every indexed token matches the content table (throws SQLITE_CORRUPT_VTAB otherwise).
    check.prepare("INSERT INTO bookings_fts (bookings_fts, rank) VALUES ('integrity-check', 1)").run();
    check.close();
    store = openBookingStore(file, { clock });
  });
});
