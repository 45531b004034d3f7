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
