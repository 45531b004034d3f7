import type pg from 'pg';

/** Advisory lock key held while migrating, so instances starting together apply each migration exactly once. */
const MIGRATION_LOCK = 0x4c53_5201; // "LSR\x01"

/** Versioned schema; append only. Each entry runs once, in its own transaction, recorded in schema_migrations. */
const migrations: readonly string[] = [
  // 1: channels and the event log. Times are epoch milliseconds (int8) like the SQLite schema; headers and query
  // stay JSON text so their key order (and so the SSE data line) is identical on both engines.
  `CREATE TABLE channels (
     id          text PRIMARY KEY,
     token_hash  bytea NOT NULL,
     secret      text,
     created_at  int8 NOT NULL,
     last_seq    int8 NOT NULL DEFAULT 0,
     acked_seq   int8 NOT NULL DEFAULT 0
   );
   CREATE TABLE events (
     channel_id   text NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
     seq          int8 NOT NULL,
     received_at  int8 NOT NULL,
     content_type text NOT NULL,
     headers      text NOT NULL,
     query        text NOT NULL,
     body         bytea NOT NULL,
     PRIMARY KEY (channel_id, seq)
   );
   CREATE INDEX events_received_at ON events(received_at);`,
];

/** Latest schema version this relay knows. */
export const POSTGRES_SCHEMA_VERSION = migrations.length;

/** Brings the database to the latest schema version; refuses a database migrated by a newer relay. */
export async function migratePostgres(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // Session-level lock: a second instance waits here until the first has finished, then finds nothing to do.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
      const current = rows[0]?.v ?? 0;
      if (current > migrations.length) {
        throw new Error(`Relay database schema version ${current} is newer than this relay (${migrations.length}); refusing to start.`);
      }
      for (let v = current; v < migrations.length; v++) {
        await client.query('BEGIN');
        try {
          await client.query(migrations[v] as string);
          await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
    return migrations.length;
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    // A failed migration may leave the session in an odd state: discard the connection rather than reuse it.
    client.release(broken);
  }
}
