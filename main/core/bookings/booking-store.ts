import Database from 'better-sqlite3';
import type { Booking, BookingCounts, BookingPage, BookingQuery } from '../../../common/booking';
import { AppFailure } from '../../../common/errors';
import type { Clock } from '../ports';
import type { ChangeReason, EventFacts } from './facts-from-calcom';
import { factFromV2, factsFromEnvelope } from './facts-from-calcom';
import { createBookingLister } from './booking-list';
import { migrate } from './booking-migrations';
import type { BookingFact, BookingRecord } from './booking-record';
import { EVENT_RANK, toBooking } from './booking-record';
import type { StoredBooking } from './booking-rows';
import { bookingRows } from './booking-rows';
import { accountBookings } from './account-bookings';
import { readIssues } from './read-issues';
import type { BookingChange, RelayEventInput, RelayEventResult, SyncBookingStore } from './booking-store-types';
import { applyFacts, canonicalJson } from './booking-transition';
import { isoTime } from './iso-time';
import type { InboxEntry } from './relay-inbox';
import { inboxStatements } from './relay-inbox';
import { createStoreTransactions } from './store-transactions';

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
  // Up to 32 MB of pages (default 2 MB): the list's indexes at 100,000 bookings stay in memory, and a catch-up
  // page's writes do not spill mid-transaction.
  db.pragma('cache_size = -32000');
  // Checkpoint every ~32 MB of WAL instead of every 4 MB: each checkpoint costs two fsyncs, and at the default a
  // catch-up paid one per page of 500 events (a third of its time). A clean close still checkpoints and removes it.
  db.pragma('wal_autocheckpoint = 8000');
  migrate(db);

  const inbox = inboxStatements(db);
  let account: number | null = null;
  const rows = bookingRows(db, () => account);
  const accounts = accountBookings(db, rows);
  account = accounts.active();
  const issues = readIssues(db);
  const tx = createStoreTransactions(db, { begin: rows.discardSearch, beforeCommit: rows.flushSearch });
  const lister = createBookingLister(db);
  const prune = db.prepare(
    `DELETE FROM relay_inbox WHERE status = 'applied' AND received_at < ?
       AND seq <= coalesce((SELECT c.seq FROM relay_cursor c WHERE c.channel = relay_inbox.channel), 0)`,
  );
  const metaGet = db.prepare('SELECT value FROM sync_meta WHERE key = ?').pluck();
  const metaSet = db.prepare(
    'INSERT INTO sync_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );

  const readRecord = (uid: string): BookingRecord | null => rows.read(uid)?.record ?? null;

  /** Joins facts into the stored records; writes and reports only the bookings that actually changed. */
  const applyFactList = (facts: readonly BookingFact[], reason: ChangeReason): BookingChange | null => {
    const before = new Map<string, StoredBooking | null>();
    const next = applyFacts(facts, (uid) => {
      const current = rows.read(uid);
      before.set(uid, current);
      return current?.record ?? null;
    });
    const now = clock.now();
    const changed: string[] = [];
    for (const [uid, record] of next) {
      // A booking seen for the first time has certainly changed: compare (canonical JSON) only known ones.
      const previous = before.get(uid) ?? null;
      if (previous && canonicalJson(previous.record) === canonicalJson(record)) continue;
      lister.noteWrite();
      rows.write(record, now, previous);
      changed.push(uid);
    }
    return changed.length > 0 ? { uids: changed, reason } : null;
  };

  const applyEventFacts = (ef: EventFacts): BookingChange | null => applyFactList(ef.facts, ef.reason);

  const recordRelayEvent = tx.atomic((input: RelayEventInput): RelayEventResult => {
    const entry: InboxEntry = {
      channel: input.channel,
      seq: input.seq,
      receivedAt: isoTime(clock.now()),
      status: input.kind === 'quarantine' ? 'quarantined' : 'applied',
      trigger: input.kind === 'apply' ? input.envelope.triggerEvent : (input.trigger ?? null),
      reason: input.kind === 'apply' ? null : input.reason,
      body: input.body,
    };
    // At or below the cursor is taken already, even if its inbox row has since been pruned.
    const cursor = inbox.cursor(input.channel);
    if (input.seq <= cursor || !inbox.insert(entry)) return { duplicate: true, change: null, cursor };
    const change = input.kind === 'apply' ? applyEventFacts(factsFromEnvelope(input.envelope)) : null;
    // Only the event just inserted can extend the run after the cursor (the cursor is read in this transaction).
    return {
      duplicate: false,
      change,
      cursor: input.seq === cursor + 1 ? inbox.advanceFrom(input.channel, cursor) : cursor,
    };
  });

  const get = (uid: string): Booking | null => {
    const record = readRecord(uid);
    return record ? toBooking(record, clock.now()) : null;
  };

  return {
    list(query: BookingQuery): BookingPage {
      const now = clock.now();
      lister.sweep(now); // statuses are as of now, as the rows' derived status is
      const { records, total } = lister.list(query, now);
      const items = records.flatMap((json) => toBooking(JSON.parse(json) as BookingRecord, now) ?? []);
      return { items, total };
    },
    counts(): BookingCounts {
      const now = clock.now();
      lister.sweep(now);
      return lister.counts(now);
    },
    get,
    markNoShow(uid: string, noShow: boolean): Booking {
      return tx.atomic(() => {
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
    applyEvent: tx.atomic((envelope) => applyEventFacts(factsFromEnvelope(envelope))),
    upsertFromCalcom: tx.atomic((booking) => applyFactList([factFromV2(booking)], 'updated')),
    recordRelayEvent: (input) => recordRelayEvent(input),
    transaction: (fn) => tx.transaction(fn),
    hasRelayEvent: (channel, seq) => inbox.taken(channel, seq),
    relayCursor: (channel) => inbox.cursor(channel),
    raiseRelayCursor: tx.atomic((channel, seq) => (inbox.raise(channel, seq), inbox.advance(channel))),
    rewindRelayCursor: tx.atomic((channel, seq) => inbox.rewind(channel, seq)),
    maxRelaySeq: (channel) => inbox.maxSeq(channel),
    quarantinedCount: (channel) => inbox.quarantinedCount(channel),
    quarantined: (channel) => inbox.list(channel, 'quarantined'),
    pruneInbox: (before) => prune.run(new Date(before).toISOString()).changes,
    sweepCompleted: () => lister.sweep(clock.now()),
    useAccount: tx.atomic((userId: number) => {
      const moved = accounts.activate(userId, clock.now());
      account = userId;
      if (moved.parked + moved.restored > 0) lister.noteWrite();
      return moved;
    }),
    activeAccount: () => account,
    recordReadIssue: (userId, issue) => issues.record(userId, issue, isoTime(clock.now())),
    readIssueResolved: (userId, uid) => issues.resolved(userId, uid),
    readIssues: (userId) => issues.list(userId),
    getMeta: (key) => (metaGet.get(key) as string | undefined) ?? null,
    setMeta: (key, value) => void metaSet.run(key, value),
  };
}
