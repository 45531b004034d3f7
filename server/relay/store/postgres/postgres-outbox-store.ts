import type pg from 'pg';
import type { MailCursor, NewOutboxItem, OutboxCounts, OutboxStore } from '../../mail/outbox-store';
import { profileJson, recipientJson, toOutboxRow, type JobRecord } from '../../mail/job-row';
import { migratePostgresModule } from './postgres-migrations';
import { inTransaction } from './postgres-transaction';

/** The mail outbox schema on PostgreSQL (module `mail` in schema_migrations); append only. */
const migrations: readonly string[] = [
  `CREATE TABLE mail_outbox (
     id              bigserial PRIMARY KEY,
     dedupe_key      text NOT NULL UNIQUE,
     channel_id      text NOT NULL,
     kind            text NOT NULL,
     message         text NOT NULL,
     status          text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
     attempts        int NOT NULL DEFAULT 0,
     next_attempt_at int8 NOT NULL,
     lease_until     int8,
     last_error      text,
     created_at      int8 NOT NULL,
     done_at         int8
   );
   CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);
   CREATE TABLE mail_cursor (channel_id text PRIMARY KEY, seq int8 NOT NULL);
   CREATE TABLE mail_meta (key text PRIMARY KEY, value int8 NOT NULL);
   INSERT INTO mail_meta (key, value) VALUES ('installed_at', (extract(epoch FROM now()) * 1000)::int8);`,
  // 2 (issue 18): small jobs pointing at the stored event; due_at = next attempt (pending) or lease end (sending),
  // NULL once done, so the claim walks one partial index in order. Same shape as SQLite's mail_job.
  `CREATE TABLE mail_job (
     id             bigserial PRIMARY KEY,
     dedupe_key     text NOT NULL UNIQUE,
     channel_id     text NOT NULL,
     seq            int8 NOT NULL,
     kind           text NOT NULL,
     recipient      text NOT NULL,
     profile        text,
     legacy_message text,
     status         text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
     attempts       int NOT NULL DEFAULT 0,
     due_at         int8,
     last_error     text,
     created_at     int8 NOT NULL,
     done_at        int8,
     CHECK ((due_at IS NULL) = (status IN ('sent', 'failed')))
   );
   INSERT INTO mail_job (id, dedupe_key, channel_id, seq, kind, recipient, legacy_message, status, attempts, due_at, last_error, created_at, done_at)
     SELECT id, dedupe_key, channel_id, 0, kind, (message::json -> 'to')::text,
            CASE WHEN status IN ('pending', 'sending') THEN message END, status, attempts,
            CASE status WHEN 'pending' THEN next_attempt_at WHEN 'sending' THEN lease_until END, last_error, created_at, done_at
       FROM mail_outbox;
   SELECT setval(pg_get_serial_sequence('mail_job', 'id'), GREATEST((SELECT max(id) FROM mail_job), 1));
   DROP TABLE mail_outbox;
   CREATE INDEX mail_job_due ON mail_job(due_at, id) WHERE due_at IS NOT NULL;
   CREATE INDEX mail_job_done ON mail_job(created_at) WHERE due_at IS NULL;`,
];

/** The claim: a range scan of mail_job_due in order, SKIP LOCKED so instances claim disjoint rows. */
export const PG_CLAIM_SQL = `UPDATE mail_job SET status = 'sending', due_at = $1 WHERE id IN (
     SELECT id FROM mail_job WHERE due_at IS NOT NULL AND due_at <= $2 ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
   RETURNING id, dedupe_key, channel_id, seq, kind, recipient, profile, legacy_message, attempts, created_at`;

/** The PostgreSQL OutboxStore on the relay's pool; migrates its tables first. Safe with several instances. */
export async function createPostgresOutboxStore(pool: pg.Pool): Promise<OutboxStore> {
  await migratePostgresModule(pool, 'mail', migrations);
  const q = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => pool.query<R>(text, values);
  return {
    // One statement for all items and one for all cursors, whatever the channels (unnest over parallel arrays): a
    // planned batch is BEGIN, cursors, jobs, COMMIT.
    enqueue: (items: readonly NewOutboxItem[], cursors: readonly MailCursor[] = []) =>
      inTransaction(pool, async (c) => {
        if (cursors.length > 0) {
          // One row per channel (an upsert may not touch a row twice), locked in channel order so that instances
          // planning overlapping channels at once cannot deadlock.
          await c.query(
            `INSERT INTO mail_cursor (channel_id, seq)
               SELECT ch, max(s) FROM unnest($1::text[], $2::int8[]) AS u(ch, s) GROUP BY ch ORDER BY ch
               ON CONFLICT (channel_id) DO UPDATE SET seq = GREATEST(mail_cursor.seq, excluded.seq)`,
            [cursors.map((k) => k.channelId), cursors.map((k) => k.seq)],
          );
        }
        if (items.length === 0) return 0;
        const { rowCount } = await c.query(
          `INSERT INTO mail_job (dedupe_key, channel_id, seq, kind, recipient, profile, status, due_at, created_at)
             SELECT k, ch, s, kd, r, p, 'pending', t, t FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::int8[]) AS u(k, ch, s, kd, r, p, t)
             ON CONFLICT (dedupe_key) DO NOTHING`,
          [
            items.map((i) => i.key),
            items.map((i) => i.channelId),
            items.map((i) => i.seq),
            items.map((i) => i.kind),
            items.map(recipientJson),
            items.map(profileJson),
            items.map((i) => i.createdAt),
          ],
        );
        return rowCount ?? 0;
      }),
    claimDue: async (now, limit, leaseMs) =>
      (await q<JobRecord & { id: string }>(PG_CLAIM_SQL, [now + leaseMs, now, limit])).rows
        .map(toOutboxRow)
        .sort((a, b) => a.id - b.id),
    markSent: async (id, at) =>
      void (await q(
        `UPDATE mail_job SET status = 'sent', done_at = $1, due_at = NULL, attempts = attempts + 1, last_error = NULL, legacy_message = NULL WHERE id = $2`,
        [at, id],
      )),
    markSentAll: async (ids, at) =>
      void (await q(
        `UPDATE mail_job SET status = 'sent', done_at = $1, due_at = NULL, attempts = attempts + 1, last_error = NULL,
           legacy_message = NULL WHERE id = ANY($2::bigint[])`,
        [at, ids],
      )),
    markRetry: async (id, nextAttemptAt, error) =>
      void (await q(
        `UPDATE mail_job SET status = 'pending', due_at = $1, attempts = attempts + 1, last_error = $2 WHERE id = $3`,
        [nextAttemptAt, error.slice(0, 1000), id],
      )),
    // Several instances share this table: a "sending" row may be held by a live one, so only its lease frees it.
    releaseOrphans: () => Promise.resolve(0),
    release: async (id) =>
      void (await q(
        `UPDATE mail_job SET status = 'pending', due_at = created_at WHERE id = $1 AND status = 'sending'`,
        [id],
      )),
    markFailed: async (id, at, error) =>
      void (await q(
        `UPDATE mail_job SET status = 'failed', done_at = $1, due_at = NULL, attempts = attempts + 1, last_error = $2, legacy_message = NULL WHERE id = $3`,
        [at, error.slice(0, 1000), id],
      )),
    nextDueAt: async () => {
      const { rows } = await q<{ t: string | null }>(`SELECT min(due_at) AS t FROM mail_job WHERE due_at IS NOT NULL`);
      return rows[0]?.t == null ? undefined : Number(rows[0].t);
    },
    counts: async (): Promise<OutboxCounts> => {
      const { rows } = await q<{ status: string; n: string }>(
        'SELECT status, count(*) AS n FROM mail_job GROUP BY status',
      );
      const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) as Partial<Record<string, number>>;
      return { pending: (by.pending ?? 0) + (by.sending ?? 0), sent: by.sent ?? 0, failed: by.failed ?? 0 };
    },
    getCursor: async (channelId) => {
      const { rows } = await q<{ seq: string }>('SELECT seq FROM mail_cursor WHERE channel_id = $1', [channelId]);
      return rows[0] && Number(rows[0].seq);
    },
    installedAt: async () =>
      Number(
        (await q<{ value: string }>("SELECT value FROM mail_meta WHERE key = 'installed_at'")).rows[0]?.value ?? 0,
      ),
    forgetChannel: (channelId) =>
      inTransaction(pool, async (c) => {
        await c.query('DELETE FROM mail_cursor WHERE channel_id = $1', [channelId]);
        return (
          (await c.query(`DELETE FROM mail_job WHERE channel_id = $1 AND due_at IS NULL`, [channelId])).rowCount ?? 0
        );
      }),
    prune: async (before) =>
      (await q(`DELETE FROM mail_job WHERE due_at IS NULL AND created_at < $1`, [before])).rowCount ?? 0,
  };
}
