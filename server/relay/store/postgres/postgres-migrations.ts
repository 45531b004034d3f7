import type pg from 'pg';
import { COMMIT_CHANNEL } from './postgres-notify';

/** Advisory lock key held while migrating, so instances starting together apply each migration exactly once. */
const MIGRATION_LOCK = 0x4c53_5201; // "LSR\x01"

/** The relay's versioned schema; append only. Each entry runs once, in its own transaction, recorded in schema_migrations. */
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
  // 2: a group commit as one call (issue 18): lock the batch's channels in id order, reserve each channel's
  // sequence range, insert the events numbered in arrival order, NOTIFY each channel's new last sequence, and
  // return those last sequences. Called alone in autocommit, a batch is one round trip instead of six (BEGIN,
  // lock, reserve, insert, NOTIFY, COMMIT), so the channel rows stay locked for the server's work and its WAL
  // flush only, never for round trips through a busy relay's event loop. Arrays are parallel, one entry per
  // event; a vanished channel gets no row back. (Renaming COMMIT_CHANNEL needs a migration that replaces this.)
  `CREATE FUNCTION relay_append(
     p_channel text[], p_received_at int8[], p_content_type text[], p_headers text[], p_query text[], p_body bytea[]
   ) RETURNS TABLE (channel text, last_seq int8)
   LANGUAGE plpgsql AS $fn$
   DECLARE
     r record;
   BEGIN
     PERFORM 1 FROM channels c WHERE c.id = ANY (p_channel) ORDER BY c.id FOR UPDATE;
     FOR r IN
       WITH counts AS (
         SELECT b.id, count(*) AS n FROM unnest(p_channel) AS b(id) GROUP BY b.id
       ), reserved AS (
         UPDATE channels c SET last_seq = c.last_seq + counts.n FROM counts WHERE c.id = counts.id
         RETURNING c.id, c.last_seq, counts.n
       ), inserted AS (
         INSERT INTO events (channel_id, seq, received_at, content_type, headers, query, body)
         SELECT e.id, reserved.last_seq - reserved.n + row_number() OVER (PARTITION BY e.id ORDER BY e.ord),
                e.received_at, e.content_type, e.headers, e.query, e.body
           FROM unnest(p_channel, p_received_at, p_content_type, p_headers, p_query, p_body)
                WITH ORDINALITY AS e(id, received_at, content_type, headers, query, body, ord)
           JOIN reserved ON reserved.id = e.id
       )
       SELECT reserved.id, reserved.last_seq FROM reserved
     LOOP
       PERFORM pg_notify('${COMMIT_CHANNEL}', r.id || ':' || r.last_seq);
       channel := r.id;
       last_seq := r.last_seq;
       RETURN NEXT;
     END LOOP;
   END
   $fn$;`,
  // 3: the bytes each channel holds (as sqlite-migrations.ts 3): relay_append, now with the cap as a 7th argument,
  // adds each batch's bytes to its channels and leaves a channel already holding p_max_bytes out (is_full);
  // a statement trigger takes them off whichever way events go (retention, chunked deletion, cascade). The trigger
  // locks its channels in id order, as relay_append does, so two pruning instances can't deadlock on them. The
  // 6-argument relay_append of migration 2 stays for instances not yet upgraded, counting bytes with no cap.
  `ALTER TABLE channels ADD COLUMN stored_bytes int8 NOT NULL DEFAULT 0;
   UPDATE channels c SET stored_bytes = s.bytes
     FROM (SELECT channel_id, sum(octet_length(body) + octet_length(headers) + octet_length(query)) AS bytes
             FROM events GROUP BY channel_id) s
    WHERE c.id = s.channel_id;
   CREATE FUNCTION relay_events_freed() RETURNS trigger LANGUAGE plpgsql AS $fn$
   BEGIN
     PERFORM 1 FROM channels c WHERE c.id IN (SELECT channel_id FROM freed) ORDER BY c.id FOR UPDATE;
     UPDATE channels c SET stored_bytes = c.stored_bytes - f.bytes
       FROM (SELECT channel_id, sum(octet_length(body) + octet_length(headers) + octet_length(query)) AS bytes
               FROM freed GROUP BY channel_id) f
      WHERE c.id = f.channel_id;
     RETURN NULL;
   END
   $fn$;
   CREATE TRIGGER events_free_bytes AFTER DELETE ON events REFERENCING OLD TABLE AS freed
     FOR EACH STATEMENT EXECUTE FUNCTION relay_events_freed();
   CREATE FUNCTION relay_append(
     p_channel text[], p_received_at int8[], p_content_type text[], p_headers text[], p_query text[], p_body bytea[],
     p_max_bytes int8
   ) RETURNS TABLE (channel text, last_seq int8, is_full boolean)
   LANGUAGE plpgsql AS $fn$
   DECLARE
     r record;
   BEGIN
     PERFORM 1 FROM channels c WHERE c.id = ANY (p_channel) ORDER BY c.id FOR UPDATE;
     FOR r IN
       WITH counts AS (
         SELECT b.id, count(*) AS n, sum(octet_length(b.body) + octet_length(b.headers) + octet_length(b.query)) AS bytes
           FROM unnest(p_channel, p_headers, p_query, p_body) AS b(id, headers, query, body) GROUP BY b.id
       ), refused AS (
         SELECT c.id FROM channels c JOIN counts ON counts.id = c.id WHERE c.stored_bytes >= p_max_bytes
       ), reserved AS (
         UPDATE channels c SET last_seq = c.last_seq + counts.n, stored_bytes = c.stored_bytes + counts.bytes
           FROM counts WHERE c.id = counts.id AND c.stored_bytes < p_max_bytes
         RETURNING c.id, c.last_seq, counts.n
       ), inserted AS (
         INSERT INTO events (channel_id, seq, received_at, content_type, headers, query, body)
         SELECT e.id, reserved.last_seq - reserved.n + row_number() OVER (PARTITION BY e.id ORDER BY e.ord),
                e.received_at, e.content_type, e.headers, e.query, e.body
           FROM unnest(p_channel, p_received_at, p_content_type, p_headers, p_query, p_body)
                WITH ORDINALITY AS e(id, received_at, content_type, headers, query, body, ord)
           JOIN reserved ON reserved.id = e.id
       )
       SELECT reserved.id, reserved.last_seq, false AS is_full FROM reserved
       UNION ALL SELECT refused.id, NULL, true FROM refused
     LOOP
       IF NOT r.is_full THEN
         PERFORM pg_notify('${COMMIT_CHANNEL}', r.id || ':' || r.last_seq);
       END IF;
       channel := r.id;
       last_seq := r.last_seq;
       is_full := r.is_full;
       RETURN NEXT;
     END LOOP;
   END
   $fn$;
   CREATE OR REPLACE FUNCTION relay_append(
     p_channel text[], p_received_at int8[], p_content_type text[], p_headers text[], p_query text[], p_body bytea[]
   ) RETURNS TABLE (channel text, last_seq int8)
   LANGUAGE sql AS $fn$
     SELECT a.channel, a.last_seq
       FROM relay_append(p_channel, p_received_at, p_content_type, p_headers, p_query, p_body, 9223372036854775807) a
   $fn$;`,
];

/** Latest schema version of the relay's own tables. */
export const POSTGRES_SCHEMA_VERSION = migrations.length;

/**
 * Brings the relay's tables to the latest schema version (or to `toVersion`: a database as an older relay left it);
 * refuses a database migrated by a newer relay.
 */
export function migratePostgres(pool: pg.Pool, toVersion = migrations.length): Promise<number> {
  return migratePostgresModule(pool, 'relay', migrations.slice(0, toVersion));
}

/**
 * Runs one module's append-only migrations (the relay's event log, the mail outbox, profiles…), each version in
 * its own transaction, recorded as (module, version) in schema_migrations.
 */
export async function migratePostgresModule(pool: pg.Pool, module: string, steps: readonly string[]): Promise<number> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // Session-level lock: a second instance waits here until the first has finished, then finds nothing to do.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        module text NOT NULL, version int NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (module, version))`);
      const { rows } = await client.query<{ v: number | null }>(
        'SELECT max(version) AS v FROM schema_migrations WHERE module = $1',
        [module],
      );
      const current = rows[0]?.v ?? 0;
      if (current > steps.length) {
        throw new Error(
          `Relay database schema version ${current} (${module}) is newer than this relay (${steps.length}); refusing to start.`,
        );
      }
      for (let v = current; v < steps.length; v++) {
        await client.query('BEGIN');
        try {
          await client.query(steps[v] as string);
          await client.query('INSERT INTO schema_migrations (module, version) VALUES ($1, $2)', [module, v + 1]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
    return steps.length;
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    // A failed migration may leave the session in an odd state: discard the connection rather than reuse it.
    client.release(broken);
  }
}
