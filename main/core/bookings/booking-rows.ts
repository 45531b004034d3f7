import type Database from 'better-sqlite3';
import { searchText } from './booking-query';
import type { BookingRecord } from './booking-record';
import { deriveStatus } from './booking-record';

/**
 * Reads and writes the bookings rows, keeping what hangs off them in step: the trigram search index
 * (bookings_fts) and the longest start-to-end span (booking_spans), both from migration 5. Not by triggers: FTS5
 * flushes its pending index at every statement savepoint, and an upsert with a trigger opens one, which tripled
 * the cost of an event during catch-up. So the index changes are queued and written together at the end of the
 * transaction (`flushSearch`, called by the store's transactions before they commit; `discardSearch` when one
 * starts). Every write of `search`, `start_ms` or `end_ms` must go through `write`.
 */

/** A stored row: the parsed record, and the row's id and search text as indexed. */
export interface StoredBooking {
  readonly rowid: number;
  readonly search: string;
  readonly record: BookingRecord;
}

export interface BookingRows {
  read(uid: string): StoredBooking | null;
  /** Upserts `record`; `previous` is what read() returned for it in this transaction. */
  write(record: BookingRecord, now: number, previous: StoredBooking | null): void;
  /** Writes the queued search-index changes (inside the transaction, just before it commits). */
  flushSearch(): void;
  /** Forgets queued changes left by a transaction that rolled back. */
  discardSearch(): void;
}

/** `account`: the Cal.com account rows are written for (null before any account synced). */
export function bookingRows(db: Database.Database, account: () => number | null = () => null): BookingRows {
  const select = db.prepare('SELECT rowid, search, record FROM bookings WHERE uid = ?');
  const upsert = db.prepare(
    `INSERT INTO bookings (uid, calcom_booking_id, has_data, status, start_ms, end_ms, search, record, updated_ms, account)
       VALUES (@uid, @calcomBookingId, @hasData, @status, @startMs, @endMs, @search, @record, @updatedMs, @account)
       ON CONFLICT (uid) DO UPDATE SET account = coalesce(excluded.account, bookings.account), calcom_booking_id = excluded.calcom_booking_id, has_data = excluded.has_data,
         status = excluded.status, start_ms = excluded.start_ms, end_ms = excluded.end_ms, search = excluded.search,
         record = excluded.record, updated_ms = excluded.updated_ms`,
  );
  const indexText = db.prepare('INSERT INTO bookings_fts (rowid, search) VALUES (?, ?)');
  // External content: FTS5 removes a row's tokens given exactly the text it indexed.
  const unindexText = db.prepare("INSERT INTO bookings_fts (bookings_fts, rowid, search) VALUES ('delete', ?, ?)");
  // By primary key: a one-row statement opens no savepoint.
  const widenSpans = db.prepare(
    'UPDATE booking_spans SET longest_ms = max(longest_ms, @span), backwards_ms = max(backwards_ms, -@span) WHERE id = 1 AND (longest_ms < @span OR backwards_ms < -@span)',
  );
  /** Index changes in order: [rowid, text, true to remove]. */
  let queued: [number, string, boolean][] = [];

  return {
    read(uid) {
      const row = select.get(uid) as { rowid: number; search: string; record: string } | undefined;
      return row ? { rowid: row.rowid, search: row.search, record: JSON.parse(row.record) as BookingRecord } : null;
    },
    write(record, now, previous) {
      const d = record.data?.value;
      const startMs = d ? Date.parse(d.startTime) || 0 : 0;
      const endMs = d ? Date.parse(d.endTime) || 0 : 0;
      const search = d ? searchText(d.attendees) : '';
      const { lastInsertRowid } = upsert.run({
        uid: record.uid,
        calcomBookingId: d?.calcomBookingId ?? null,
        hasData: d ? 1 : 0,
        status: deriveStatus(record, now),
        startMs,
        endMs,
        search,
        record: JSON.stringify(record),
        updatedMs: record.lastAt,
        account: account(),
      });
      // An update keeps the row read before it in this transaction; only an insert makes a new rowid.
      const rowid = previous ? previous.rowid : Number(lastInsertRowid);
      if (previous?.search !== search) {
        if (previous) queued.push([previous.rowid, previous.search, true]);
        queued.push([rowid, search, false]);
      }
      if (d) widenSpans.run({ span: endMs - startMs });
    },
    flushSearch() {
      const changes = queued;
      queued = [];
      for (const [rowid, text, remove] of changes) (remove ? unindexText : indexText).run(rowid, text);
    },
    discardSearch() {
      queued = [];
    },
  };
}
