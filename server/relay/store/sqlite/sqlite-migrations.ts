import type Database from 'better-sqlite3';

/** Versioned schema; append only. Each entry runs once, in its own transaction, tracked in PRAGMA user_version. */
const migrations: readonly string[] = [
  // 1: channels and the event log.
  `CREATE TABLE channels (
     id          TEXT PRIMARY KEY,
     token_hash  BLOB NOT NULL,
     secret      TEXT,
     created_at  INTEGER NOT NULL,
     last_seq    INTEGER NOT NULL DEFAULT 0,
     acked_seq   INTEGER NOT NULL DEFAULT 0
   ) STRICT;
   CREATE TABLE events (
     channel_id   TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
     seq          INTEGER NOT NULL,
     received_at  INTEGER NOT NULL,
     content_type TEXT NOT NULL,
     headers      TEXT NOT NULL,
     query        TEXT NOT NULL,
     body         BLOB NOT NULL,
     PRIMARY KEY (channel_id, seq)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX events_received_at ON events(received_at);`,
  // 2: the event log as a rowid table, keyed by a unique (channel_id, seq) index. WITHOUT ROWID keeps each row in
  // its key's b-tree, where a row may hold only ~1 KB before the rest spills into an overflow page of its own: a
  // 2.7 KB webhook took a leaf cell plus a whole page, and a commit wrote a leaf per channel plus a page per event.
  // A rowid table keeps the row whole and appends in arrival order (one leaf for a batch), with a small index entry
  // per event: a commit of 40 events cost 29 µs per event instead of 38.5, a commit of 3 events 62 instead of 77, and
  // 4.06 KiB of file instead of 4.60 (measured on 2026-12-04). Larger pages (16 KiB: 19.5 µs and 3.26 KiB per event)
  // were tried and dropped: every small outbox transaction then writes 16 KiB WAL frames, and the mail's main-thread
  // time per email went from ~0.054 to ~0.081 ms, more than the appends saved.
  // 8 KiB pages gain nothing: a stored event (body, headers, query) is ~3 KB, so an 8 KiB page holds two, the same
  // 4 KiB per event as one per 4 KiB page; 4.87-4.88 KiB of file per webhook either way, at the same ingest
  // throughput (two alternated bench runs, 2026-12-05).
  `CREATE TABLE events_by_arrival (
     channel_id   TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
     seq          INTEGER NOT NULL,
     received_at  INTEGER NOT NULL,
     content_type TEXT NOT NULL,
     headers      TEXT NOT NULL,
     query        TEXT NOT NULL,
     body         BLOB NOT NULL
   ) STRICT;
   INSERT INTO events_by_arrival (channel_id, seq, received_at, content_type, headers, query, body)
     SELECT channel_id, seq, received_at, content_type, headers, query, body FROM events ORDER BY received_at, channel_id, seq;
   DROP TABLE events;
   ALTER TABLE events_by_arrival RENAME TO events;
   CREATE UNIQUE INDEX events_channel_seq ON events(channel_id, seq);
   CREATE INDEX events_received_at ON events(received_at);`,
  // 3: the bytes each channel holds, kept with its row so a channel past RELAY_MAX_CHANNEL_BYTES is refused in the
  // append that would grow it (a daily quota alone let a channel nobody reads hold 30 days of it). An append adds
  // its event's size (sqlite-store.ts nextSeq); this trigger takes it off again whichever way an event goes (a
  // retention pass, a channel's chunked deletion). Sizes are bytes: a TEXT column is counted as its UTF-8 blob.
  `ALTER TABLE channels ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0;
   UPDATE channels SET stored_bytes = (
     SELECT coalesce(sum(length(body) + length(CAST(headers AS BLOB)) + length(CAST(query AS BLOB))), 0)
       FROM events WHERE channel_id = channels.id);
   CREATE TRIGGER events_free_bytes AFTER DELETE ON events BEGIN
     UPDATE channels SET stored_bytes = stored_bytes
       - (length(OLD.body) + length(CAST(OLD.headers AS BLOB)) + length(CAST(OLD.query AS BLOB)))
      WHERE id = OLD.channel_id;
   END;`,
];

/** Brings the database to the latest schema version. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `Relay database schema version ${current} is newer than this relay (${migrations.length}); refusing to start.`,
    );
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return migrations.length;
}
