import Database from 'better-sqlite3';
import type { Booking, BookingCounts, BookingPage, BookingQuery, BookingStatus } from '../../../common/booking';
import { bookingStatuses } from '../../../common/booking';
import { AppFailure } from '../../../common/errors';
import type { Clock } from '../ports';
import type { ChangeReason, EventFacts } from './booking-facts';
import type { BookingChange, RelayEventInput, RelayEventResult, SyncBookingStore } from './booking-store-types';
import { factFromV2, factsFromEnvelope } from './booking-facts';
import { migrate } from './booking-migrations';
import { buildBookingSql, searchText } from './booking-query';
import type { BookingFact, BookingRecord } from './booking-record';
import { EVENT_RANK, deriveStatus, toBooking } from './booking-record';
import { applyFacts, canonicalJson } from './booking-transition';
import type { InboxEntry } from './relay-inbox';
import { inboxStatements } from './relay-inbox';

export type { BookingChange, RelayEventInput, RelayEventResult, SyncBookingStore } from './booking-store-types';

const systemClock: Clock = { now: () => Date.now() };

/** Opens (creating and migrating) the bookings database at `file`: one SQLite file, WAL. */
export function openBookingStore(file: string, options: { clock?: Clock } = {}): SyncBookingStore {
  const clock = options.clock ?? systemClock;
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL'); // safe with WAL: a crash may lose the last commit, never corrupt; the relay replays it
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);

  const inbox = inboxStatements(db);
  const selectRecord = db.prepare('SELECT record FROM bookings WHERE uid = ?').pluck();
  const upsert = db.prepare(
    `INSERT INTO bookings (uid, calcom_booking_id, has_data, status, start_ms, end_ms, search, record, updated_ms)
     VALUES (@uid, @calcomBookingId, @hasData, @status, @startMs, @endMs, @search, @record, @updatedMs)
     ON CONFLICT (uid) DO UPDATE SET calcom_booking_id = excluded.calcom_booking_id, has_data = excluded.has_data,
       status = excluded.status, start_ms = excluded.start_ms, end_ms = excluded.end_ms, search = excluded.search,
       record = excluded.record, updated_ms = excluded.updated_ms`,
  );
  const sweep = db.prepare("UPDATE bookings SET status = 'completed' WHERE status = 'scheduled' AND has_data = 1 AND end_ms < ? RETURNING uid").pluck();
  const countRows = db.prepare('SELECT status, count(*) AS n FROM bookings WHERE has_data = 1 GROUP BY status');
  const prune = db.prepare(
    `DELETE FROM relay_inbox WHERE status = 'applied' AND received_at < ?
       AND seq <= coalesce((SELECT c.seq FROM relay_cursor c WHERE c.channel = relay_inbox.channel), 0)`,
  );
  // The list query's SQL varies only with which filters are set: keep one prepared statement per shape.
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    let st = prepared.get(sql);
    if (!st) prepared.set(sql, (st = db.prepare(sql)));
    return st;
  };
  const metaGet = db.prepare('SELECT value FROM sync_meta WHERE key = ?').pluck();
  const metaSet = db.prepare('INSERT INTO sync_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');

  const readRecord = (uid: string): BookingRecord | null => {
    const json = selectRecord.get(uid) as string | undefined;
    return json === undefined ? null : (JSON.parse(json) as BookingRecord);
  };

  const writeRecord = (record: BookingRecord, now: number): void => {
    const d = record.data?.value;
    upsert.run({
      uid: record.uid,
      calcomBookingId: d?.calcomBookingId ?? null,
      hasData: d ? 1 : 0,
      status: deriveStatus(record, now),
      startMs: d ? Date.parse(d.startTime) || 0 : 0,
      endMs: d ? Date.parse(d.endTime) || 0 : 0,
      search: d ? searchText(d.attendees) : '',
      record: JSON.stringify(record),
      updatedMs: record.lastAt,
    });
  };

  /** Joins facts into the stored records; writes and reports only the bookings that actually changed. */
  const applyFactList = (facts: readonly BookingFact[], reason: ChangeReason): BookingChange | null => {
    const before = new Map<string, string | null>();
    const next = applyFacts(facts, (uid) => {
      const current = readRecord(uid);
      before.set(uid, current ? canonicalJson(current) : null);
      return current;
    });
    const now = clock.now();
    const changed: string[] = [];
    for (const [uid, record] of next) {
      if (before.get(uid) === canonicalJson(record)) continue;
      writeRecord(record, now);
      changed.push(uid);
    }
    return changed.length > 0 ? { uids: changed, reason } : null;
  };

  const applyEventFacts = (ef: EventFacts): BookingChange | null => applyFactList(ef.facts, ef.reason);

  const recordRelayEvent = db.transaction((input: RelayEventInput): RelayEventResult => {
    const entry: InboxEntry = {
      channel: input.channel,
      seq: input.seq,
      receivedAt: new Date(clock.now()).toISOString(),
      status: input.kind === 'quarantine' ? 'quarantined' : 'applied',
      trigger: input.kind === 'apply' ? input.envelope.triggerEvent : (input.trigger ?? null),
      reason: input.kind === 'apply' ? null : input.reason,
      body: input.body,
    };
    // At or below the cursor is taken already, even if its inbox row has since been pruned.
    if (input.seq <= inbox.cursor(input.channel) || !inbox.insert(entry)) return { duplicate: true, change: null, cursor: inbox.cursor(input.channel) };
    const change = input.kind === 'apply' ? applyEventFacts(factsFromEnvelope(input.envelope)) : null;
    return { duplicate: false, change, cursor: inbox.advance(input.channel) };
  });

  const get = (uid: string): Booking | null => {
    const record = readRecord(uid);
    return record ? toBooking(record, clock.now()) : null;
  };

  return {
    list(query: BookingQuery): BookingPage {
      const now = clock.now();
      sweep.all(now);
      const sql = buildBookingSql(query, now);
      const total = statement(`SELECT count(*) FROM bookings WHERE ${sql.where}`).pluck().get(...sql.params) as number;
      // Deferred join: find the page's rows through the covering index, then read only their ~1 KB records.
      const outerOrder = sql.orderBy.replace(/\b(start_ms|rowid)\b/g, 'b.$1');
      const rows = statement(
        `SELECT b.record FROM (SELECT rowid AS id FROM bookings WHERE ${sql.where} ORDER BY ${sql.orderBy} LIMIT ? OFFSET ?) AS page
           JOIN bookings b ON b.rowid = page.id ORDER BY ${outerOrder}`,
      )
        .pluck()
        .all(...sql.params, sql.limit, sql.offset) as string[];
      const items = rows.flatMap((json) => toBooking(JSON.parse(json) as BookingRecord, now) ?? []);
      return { items, total };
    },
    counts(): BookingCounts {
      sweep.all(clock.now());
      const counts = Object.fromEntries(bookingStatuses.map((s) => [s, 0])) as Record<BookingStatus, number>;
      for (const row of countRows.all() as { status: BookingStatus; n: number }[]) counts[row.status] = row.n;
      return counts;
    },
    get,
    markNoShow(uid: string, noShow: boolean): Booking {
      return db.transaction(() => {
        const record = readRecord(uid);
        const email = record?.data?.value.attendees[0]?.email;
        if (!record || email === undefined) throw new AppFailure('not_found', 'No such booking.');
        // A local mark is a fact stamped now (and after any earlier mark): a later NO_SHOW_UPDATED from Cal.com still wins.
        const at = Math.max(clock.now(), (record.noShow[email.toLowerCase()]?.stamp.at ?? 0) + 1);
        applyFactList([{ uid, stamp: { rank: EVENT_RANK, at }, noShow: [{ email, noShow }] }], 'updated');
        return get(uid) as Booking;
      })();
    },
    close: () => db.close(),
    applyEvent: (envelope) => db.transaction(() => applyEventFacts(factsFromEnvelope(envelope)))(),
    upsertFromCalcom: (booking) => db.transaction(() => applyFactList([factFromV2(booking)], 'updated'))(),
    recordRelayEvent: (input) => recordRelayEvent(input),
    hasRelayEvent: (channel, seq) => seq <= inbox.cursor(channel) || inbox.has(channel, seq),
    relayCursor: (channel) => inbox.cursor(channel),
    raiseRelayCursor: (channel, seq) => db.transaction(() => (inbox.raise(channel, seq), inbox.advance(channel)))(),
    rewindRelayCursor: (channel, seq) => db.transaction(() => inbox.rewind(channel, seq))(),
    maxRelaySeq: (channel) => inbox.maxSeq(channel),
    quarantinedCount: (channel) => inbox.quarantinedCount(channel),
    quarantined: (channel) => inbox.list(channel, 'quarantined'),
    pruneInbox: (before) => prune.run(new Date(before).toISOString()).changes,
    sweepCompleted: () => sweep.all(clock.now()) as string[],
    getMeta: (key) => (metaGet.get(key) as string | undefined) ?? null,
    setMeta: (key, value) => void metaSet.run(key, value),
  };
}
