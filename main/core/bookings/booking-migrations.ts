import type Database from 'better-sqlite3';

/**
 * Versioned schema migrations, tracked in SQLite's `user_version`. Each step runs in its own transaction;
 * append new steps, never edit a shipped one (the migration test opens every earlier version).
 */
export const migrations: readonly string[] = [
  // 1: bookings. `record` is the versioned BookingRecord (JSON); the columns beside it serve the UI's queries.
  `CREATE TABLE bookings (
     uid TEXT PRIMARY KEY,
     calcom_booking_id INTEGER,
     has_data INTEGER NOT NULL,
     status TEXT NOT NULL,
     start_ms INTEGER NOT NULL,
     end_ms INTEGER NOT NULL,
     search TEXT NOT NULL DEFAULT '',
     record TEXT NOT NULL,
     updated_ms INTEGER NOT NULL
   );
   CREATE INDEX bookings_start ON bookings (start_ms) WHERE has_data = 1;
   CREATE INDEX bookings_status_start ON bookings (status, start_ms) WHERE has_data = 1;
   CREATE INDEX bookings_end ON bookings (end_ms) WHERE has_data = 1;`,
  // 2: relay inbox (raw bodies, keyed by channel sequence), cursors, and small sync metadata.
  `CREATE TABLE relay_inbox (
     channel TEXT NOT NULL,
     seq INTEGER NOT NULL,
     received_at TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('applied', 'quarantined')),
     trigger TEXT,
     reason TEXT,
     body BLOB NOT NULL,
     PRIMARY KEY (channel, seq)
   ) WITHOUT ROWID;
   CREATE INDEX relay_inbox_quarantined ON relay_inbox (channel) WHERE status = 'quarantined';
   CREATE TABLE relay_cursor (
     channel TEXT PRIMARY KEY,
     seq INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE sync_meta (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );`,
  // 3: the completion sweep looks only at scheduled rows whose end has passed.
  `CREATE INDEX bookings_scheduled_end ON bookings (end_ms) WHERE status = 'scheduled';`,
  // 4: covers every Bookings-screen filter in start order, so paging and counting never read the wide record rows.
  `CREATE INDEX bookings_list ON bookings (start_ms, status, end_ms, search) WHERE has_data = 1;`,
  // 5: attendee search through a trigram index (substring search without scanning every row), and the longest
  // span between a booking's start and end, so the Upcoming and Past tabs can bound their start-ordered walk.
  // Both are kept up to date by the store's writes (booking-rows.ts says why not by triggers). The index follows
  // the bookings rows by rowid (external content): this app never VACUUMs (that may renumber rowids); anything
  // that does must run INSERT INTO bookings_fts (bookings_fts) VALUES ('rebuild') afterwards. case_sensitive 1:
  // `search` and the query are both lower-cased already, so trigram matches are exactly LIKE's substring matches.
  // Three indexes go, each one more to update on every write: bookings_list (migration 4) begins with start_ms
  // and serves what bookings_start did; with the spans bound, the completion sweep finds its rows through
  // bookings_status_start and the next end after now through bookings_list (booking-list.ts), not by end_ms.
  `CREATE VIRTUAL TABLE bookings_fts USING fts5 (search, content = 'bookings', content_rowid = 'rowid', tokenize = 'trigram case_sensitive 1', columnsize = 0);
   INSERT INTO bookings_fts (bookings_fts) VALUES ('rebuild');
   CREATE TABLE booking_spans (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     longest_ms INTEGER NOT NULL,
     backwards_ms INTEGER NOT NULL
   );
   INSERT INTO booking_spans (id, longest_ms, backwards_ms)
     SELECT 1, max(0, coalesce(max(end_ms - start_ms), 0)), max(0, coalesce(max(start_ms - end_ms), 0)) FROM bookings WHERE has_data = 1;
   DROP INDEX bookings_start;
   DROP INDEX bookings_end;
   DROP INDEX bookings_scheduled_end;`,
  // 6 (issue 22): bookings belong to a Cal.com account. The active account's rows are in `bookings`; another
  // account's rows wait in `parked_bookings` (same record JSON) until that account is connected again, so two
  // accounts' bookings never mix in one list and none is deleted. NULL account: rows from before this step,
  // adopted by the first account that syncs. `calcom_read_issues`: bookings Cal.com sent that the app could not
  // read (kept raw for Diagnostics) and statuses it did not know (mapped to a fallback, recorded here).
  `ALTER TABLE bookings ADD COLUMN account INTEGER;
   CREATE TABLE parked_bookings (
     account INTEGER NOT NULL,
     uid TEXT NOT NULL,
     record TEXT NOT NULL,
     updated_ms INTEGER NOT NULL,
     PRIMARY KEY (account, uid)
   ) WITHOUT ROWID;
   CREATE TABLE calcom_read_issues (
     account INTEGER NOT NULL,
     key TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('unreadable', 'unknown-status')),
     uid TEXT,
     reason TEXT NOT NULL,
     raw TEXT NOT NULL,
     seen_at TEXT NOT NULL,
     PRIMARY KEY (account, key, kind)
   ) WITHOUT ROWID;`,
  // Issue 19: the audit log of every Cal.com API call and OAuth exchange (main/core/audit/audit-store.ts). No tokens,
  // codes, secrets or bodies; kept 30 days.
  `CREATE TABLE calcom_audit (
     id INTEGER PRIMARY KEY,
     at_ms INTEGER NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('api', 'oauth')),
     method TEXT NOT NULL,
     path TEXT NOT NULL,
     status INTEGER,
     outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'http-error', 'network', 'timeout')),
     duration_ms INTEGER NOT NULL,
     attempt INTEGER NOT NULL,
     after_refresh INTEGER NOT NULL,
     grant_type TEXT,
     rate_limit TEXT
   );
   CREATE INDEX calcom_audit_at ON calcom_audit (at_ms);`,
];

export const SCHEMA_VERSION = migrations.length;

/** Brings the database up to `target` (default: latest). Refuses a database written by a newer app. */
export function migrate(db: Database.Database, target: number = SCHEMA_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `The bookings database is schema version ${current}, newer than this app (${SCHEMA_VERSION}). Update the app.`,
    );
  }
  for (let version = current + 1; version <= target; version += 1) {
    const sql = migrations[version - 1] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
  return Math.max(current, target);
}
