import type pg from 'pg';
import type { MailKind, NewOutboxItem, OutboxCounts, OutboxMessage, OutboxRow, OutboxStore } from '../mail/outbox-store';
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
];

interface Row {
  id: string;
  dedupe_key: string;
  channel_id: string;
  kind: string;
  message: string;
  attempts: number;
  created_at: string;
  next_attempt_at: string;
}

const toRow = (r: Row): OutboxRow => ({
  id: Number(r.id),
  key: r.dedupe_key,
  channelId: r.channel_id,
  kind: r.kind as MailKind,
  message: JSON.parse(r.message) as OutboxMessage,
  attempts: r.attempts,
  createdAt: Number(r.created_at),
});

/** The PostgreSQL OutboxStore on the relay's pool; migrates its tables first. Safe with several instances. */
export async function createPostgresOutboxStore(pool: pg.Pool): Promise<OutboxStore> {
  await migratePostgresModule(pool, 'mail', migrations);
  const q = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => pool.query<R>(text, values);
  return {
    enqueue: (items: readonly NewOutboxItem[], cursor) =>
      inTransaction(pool, async (c) => {
        if (cursor) {
          await c.query(
            `INSERT INTO mail_cursor (channel_id, seq) VALUES ($1, $2)
               ON CONFLICT (channel_id) DO UPDATE SET seq = GREATEST(mail_cursor.seq, excluded.seq)`,
            [cursor.channelId, cursor.seq],
          );
        }
        let inserted = 0;
        for (const i of items) {
          const { rowCount } = await c.query(
            `INSERT INTO mail_outbox (dedupe_key, channel_id, kind, message, status, next_attempt_at, created_at)
               VALUES ($1, $2, $3, $4, 'pending', $5, $5) ON CONFLICT (dedupe_key) DO NOTHING`,
            [i.key, i.channelId, i.kind, JSON.stringify(i.message), i.createdAt],
          );
          inserted += rowCount ?? 0;
        }
        return inserted;
      }),
    // SKIP LOCKED: workers on several instances claim disjoint rows, so each email is handed to one worker.
    claimDue: async (now, limit, leaseMs) =>
      (
        await q<Row>(
          `UPDATE mail_outbox SET status = 'sending', lease_until = $1 WHERE id IN (
             SELECT id FROM mail_outbox
              WHERE (status = 'pending' AND next_attempt_at <= $2) OR (status = 'sending' AND lease_until <= $2)
              ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
           RETURNING *`,
          [now + leaseMs, now, limit],
        )
      ).rows
        .sort((a, b) => Number(a.next_attempt_at) - Number(b.next_attempt_at) || Number(a.id) - Number(b.id))
        .map(toRow),
    markSent: async (id, at) =>
      void (await q(`UPDATE mail_outbox SET status = 'sent', done_at = $1, lease_until = NULL, attempts = attempts + 1, last_error = NULL WHERE id = $2`, [at, id])),
    markRetry: async (id, nextAttemptAt, error) =>
      void (await q(`UPDATE mail_outbox SET status = 'pending', next_attempt_at = $1, lease_until = NULL, attempts = attempts + 1, last_error = $2 WHERE id = $3`, [
        nextAttemptAt,
        error.slice(0, 1000),
        id,
      ])),
    // Several instances share this table: a "sending" row may be held by a live one, so only its lease frees it.
    releaseOrphans: () => Promise.resolve(0),
    release: async (id) => void (await q(`UPDATE mail_outbox SET status = 'pending', lease_until = NULL WHERE id = $1 AND status = 'sending'`, [id])),
    markFailed: async (id, at, error) =>
      void (await q(`UPDATE mail_outbox SET status = 'failed', done_at = $1, lease_until = NULL, attempts = attempts + 1, last_error = $2 WHERE id = $3`, [
        at,
        error.slice(0, 1000),
        id,
      ])),
    nextDueAt: async () => {
      const { rows } = await q<{ t: string | null }>(
        `SELECT min(CASE status WHEN 'pending' THEN next_attempt_at ELSE lease_until END) AS t FROM mail_outbox WHERE status IN ('pending', 'sending')`,
      );
      return rows[0]?.t == null ? undefined : Number(rows[0].t);
    },
    counts: async (): Promise<OutboxCounts> => {
      const { rows } = await q<{ status: string; n: string }>('SELECT status, count(*) AS n FROM mail_outbox GROUP BY status');
      const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) as Partial<Record<string, number>>;
      return { pending: (by.pending ?? 0) + (by.sending ?? 0), sent: by.sent ?? 0, failed: by.failed ?? 0 };
    },
    getCursor: async (channelId) => {
      const { rows } = await q<{ seq: string }>('SELECT seq FROM mail_cursor WHERE channel_id = $1', [channelId]);
      return rows[0] && Number(rows[0].seq);
    },
    installedAt: async () => Number((await q<{ value: string }>("SELECT value FROM mail_meta WHERE key = 'installed_at'")).rows[0]?.value ?? 0),
    forgetChannel: (channelId) =>
      inTransaction(pool, async (c) => {
        await c.query('DELETE FROM mail_cursor WHERE channel_id = $1', [channelId]);
        return (await c.query(`DELETE FROM mail_outbox WHERE channel_id = $1 AND status IN ('sent', 'failed')`, [channelId])).rowCount ?? 0;
      }),
    prune: async (before) => (await q(`DELETE FROM mail_outbox WHERE status IN ('sent', 'failed') AND created_at < $1`, [before])).rowCount ?? 0,
  };
}
