import type Database from 'better-sqlite3';
import { migrateModule } from '../profile/sqlite-migrate';
import type { MailKind, NewOutboxItem, OutboxCounts, OutboxMessage, OutboxRow, OutboxStore } from './outbox-store';

/** Append-only; tracked in mail_schema_version (PRAGMA user_version belongs to the relay's event log). */
const migrations: readonly string[] = [
  `CREATE TABLE mail_outbox (
     id              INTEGER PRIMARY KEY,
     dedupe_key      TEXT NOT NULL UNIQUE,
     channel_id      TEXT NOT NULL,
     kind            TEXT NOT NULL,
     message         TEXT NOT NULL,
     status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
     attempts        INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL,
     lease_until     INTEGER,
     last_error      TEXT,
     created_at      INTEGER NOT NULL,
     done_at         INTEGER
   ) STRICT;
   CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);`,
  // 2: per-channel cursor over the relay's event log, so events committed just before a crash are still mailed.
  `CREATE TABLE mail_cursor (
     channel_id TEXT PRIMARY KEY,
     seq        INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE mail_meta (
     key   TEXT PRIMARY KEY,
     value INTEGER NOT NULL
   ) STRICT;
   INSERT INTO mail_meta (key, value) VALUES ('installed_at', CAST(strftime('%s', 'now') AS INTEGER) * 1000);`,
];

interface Row {
  id: number;
  dedupe_key: string;
  channel_id: string;
  kind: string;
  message: string;
  attempts: number;
  created_at: number;
}

const toRow = (r: Row): OutboxRow => ({
  id: r.id,
  key: r.dedupe_key,
  channelId: r.channel_id,
  kind: r.kind as MailKind,
  message: JSON.parse(r.message) as OutboxMessage,
  attempts: r.attempts,
  createdAt: r.created_at,
});

/** The SQLite OutboxStore on a database handle the caller owns (it may be the relay's own file). */
export function createSqliteOutboxStore(db: Database.Database): OutboxStore {
  migrateModule(db, 'mail_schema_version', migrations);
  const s = {
    insert: db.prepare(
      `INSERT INTO mail_outbox (dedupe_key, channel_id, kind, message, status, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT(dedupe_key) DO NOTHING`,
    ),
    due: db.prepare<[number, number, number], Row>(
      `SELECT * FROM mail_outbox
         WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND lease_until <= ?)
         ORDER BY next_attempt_at, id LIMIT ?`,
    ),
    lease: db.prepare(`UPDATE mail_outbox SET status = 'sending', lease_until = ? WHERE id = ?`),
    sent: db.prepare(`UPDATE mail_outbox SET status = 'sent', done_at = ?, lease_until = NULL, attempts = attempts + 1, last_error = NULL WHERE id = ?`),
    retry: db.prepare(`UPDATE mail_outbox SET status = 'pending', next_attempt_at = ?, lease_until = NULL, attempts = attempts + 1, last_error = ? WHERE id = ?`),
    release: db.prepare(`UPDATE mail_outbox SET status = 'pending', lease_until = NULL WHERE id = ? AND status = 'sending'`),
    releaseAll: db.prepare(`UPDATE mail_outbox SET status = 'pending', lease_until = NULL WHERE status = 'sending'`),
    failed: db.prepare(`UPDATE mail_outbox SET status = 'failed', done_at = ?, lease_until = NULL, attempts = attempts + 1, last_error = ? WHERE id = ?`),
    nextDue: db.prepare<[], { t: number | null }>(
      `SELECT MIN(CASE status WHEN 'pending' THEN next_attempt_at ELSE lease_until END) AS t
         FROM mail_outbox WHERE status IN ('pending', 'sending')`,
    ),
    counts: db.prepare<[], { status: string; n: number }>('SELECT status, COUNT(*) AS n FROM mail_outbox GROUP BY status'),
    getCursor: db.prepare<[string], { seq: number }>('SELECT seq FROM mail_cursor WHERE channel_id = ?'),
    advance: db.prepare('INSERT INTO mail_cursor (channel_id, seq) VALUES (?, ?) ON CONFLICT(channel_id) DO UPDATE SET seq = MAX(seq, excluded.seq)'),
    installedAt: db.prepare<[], { value: number }>("SELECT value FROM mail_meta WHERE key = 'installed_at'"),
    forgetDone: db.prepare(`DELETE FROM mail_outbox WHERE channel_id = ? AND status IN ('sent', 'failed')`),
    forgetCursor: db.prepare('DELETE FROM mail_cursor WHERE channel_id = ?'),
    prune: db.prepare(`DELETE FROM mail_outbox WHERE status IN ('sent', 'failed') AND created_at < ?`),
  };
  const enqueue = db.transaction((items: readonly NewOutboxItem[], cursor?: { channelId: string; seq: number }) => {
    if (cursor) s.advance.run(cursor.channelId, cursor.seq);
    return items.reduce((n, i) => n + s.insert.run(i.key, i.channelId, i.kind, JSON.stringify(i.message), i.createdAt, i.createdAt).changes, 0);
  });
  const claim = db.transaction((now: number, limit: number, leaseMs: number) => {
    const rows = s.due.all(now, now, limit);
    for (const r of rows) s.lease.run(now + leaseMs, r.id);
    return rows.map(toRow);
  });
  const forget = db.transaction((channelId: string) => {
    s.forgetCursor.run(channelId);
    return s.forgetDone.run(channelId).changes;
  });
  const wrap = <T>(fn: () => T): Promise<T> => new Promise((resolve) => resolve(fn()));
  return {
    enqueue: (items, cursor) => wrap(() => enqueue.immediate(items, cursor)),
    claimDue: (now, limit, leaseMs) => wrap(() => claim.immediate(now, limit, leaseMs)),
    markSent: (id, at) => wrap(() => void s.sent.run(at, id)),
    markRetry: (id, nextAttemptAt, error) => wrap(() => void s.retry.run(nextAttemptAt, error.slice(0, 1000), id)),
    releaseOrphans: () => wrap(() => s.releaseAll.run().changes),
    release: (id) => wrap(() => void s.release.run(id)),
    markFailed: (id, at, error) => wrap(() => void s.failed.run(at, error.slice(0, 1000), id)),
    nextDueAt: () => wrap(() => s.nextDue.get()?.t ?? undefined),
    counts: () =>
      wrap((): OutboxCounts => {
        const by = Object.fromEntries(s.counts.all().map((r) => [r.status, r.n])) as Partial<Record<string, number>>;
        return { pending: (by.pending ?? 0) + (by.sending ?? 0), sent: by.sent ?? 0, failed: by.failed ?? 0 };
      }),
    getCursor: (channelId) => wrap(() => s.getCursor.get(channelId)?.seq),
    installedAt: () => wrap(() => s.installedAt.get()?.value ?? 0),
    forgetChannel: (channelId) => wrap(() => forget.immediate(channelId)),
    prune: (before) => wrap(() => s.prune.run(before).changes),
  };
}
