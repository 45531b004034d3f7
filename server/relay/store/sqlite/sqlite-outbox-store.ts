import type Database from 'better-sqlite3';
import { migrateModule } from './sqlite-migrate';
import { gatedWrite, type WriteGate } from './write-gate';
import { profileJson, recipientJson, toOutboxRow, type JobRecord } from '../../mail/job-row';
import type { MailCursor, NewOutboxItem, OutboxCounts, OutboxStore } from '../../mail/outbox-store';

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
  // 3 (issue 18): small jobs that point at the stored event instead of rendered messages, and one column `due_at`
  // (next attempt while pending, lease end while sending, NULL once done) so claiming walks one partial index in
  // order. Rows queued before keep their rendered message (legacy_message) until sent; done rows lose theirs.
  `CREATE TABLE mail_job (
     id             INTEGER PRIMARY KEY,
     dedupe_key     TEXT NOT NULL UNIQUE,
     channel_id     TEXT NOT NULL,
     seq            INTEGER NOT NULL,
     kind           TEXT NOT NULL,
     recipient      TEXT NOT NULL,
     profile        TEXT,
     legacy_message TEXT,
     status         TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
     attempts       INTEGER NOT NULL DEFAULT 0,
     due_at         INTEGER,
     last_error     TEXT,
     created_at     INTEGER NOT NULL,
     done_at        INTEGER,
     CHECK ((due_at IS NULL) = (status IN ('sent', 'failed')))
   ) STRICT;
   INSERT INTO mail_job (id, dedupe_key, channel_id, seq, kind, recipient, legacy_message, status, attempts, due_at, last_error, created_at, done_at)
     SELECT id, dedupe_key, channel_id, 0, kind, json_extract(message, '$.to'),
            CASE WHEN status IN ('pending', 'sending') THEN message END, status, attempts,
            CASE status WHEN 'pending' THEN next_attempt_at WHEN 'sending' THEN lease_until END, last_error, created_at, done_at
       FROM mail_outbox;
   DROP TABLE mail_outbox;
   CREATE INDEX mail_job_due ON mail_job(due_at, id) WHERE due_at IS NOT NULL;
   CREATE INDEX mail_job_done ON mail_job(created_at) WHERE due_at IS NULL;`,
  // 4: sent and failed rows counted as they come and go, for counts(). Done rows are kept 30 days, and counting them
  // scanned the table on the relay's loop at every /metrics scrape: 26-39 ms at 120,000 rows, 134-198 ms at 600,000.
  // The triggers fire only when a row becomes done or a done row goes, so a claim or a retry costs nothing more.
  `CREATE TABLE mail_done_count (
     status TEXT PRIMARY KEY CHECK (status IN ('sent', 'failed')),
     n      INTEGER NOT NULL
   ) STRICT;
   INSERT INTO mail_done_count (status, n)
     SELECT s.status, (SELECT COUNT(*) FROM mail_job j WHERE j.due_at IS NULL AND j.status = s.status)
       FROM (SELECT 'sent' AS status UNION ALL SELECT 'failed') s;
   CREATE TRIGGER mail_job_done_insert AFTER INSERT ON mail_job WHEN NEW.due_at IS NULL BEGIN
     UPDATE mail_done_count SET n = n + 1 WHERE status = NEW.status;
   END;
   CREATE TRIGGER mail_job_done_update AFTER UPDATE OF status, due_at ON mail_job
     WHEN (OLD.due_at IS NULL) <> (NEW.due_at IS NULL) OR (NEW.due_at IS NULL AND OLD.status <> NEW.status) BEGIN
     UPDATE mail_done_count SET n = n - 1 WHERE OLD.due_at IS NULL AND status = OLD.status;
     UPDATE mail_done_count SET n = n + 1 WHERE NEW.due_at IS NULL AND status = NEW.status;
   END;
   CREATE TRIGGER mail_job_done_delete AFTER DELETE ON mail_job WHEN OLD.due_at IS NULL BEGIN
     UPDATE mail_done_count SET n = n - 1 WHERE status = OLD.status;
   END;`,
];

/** The claim: one range scan of mail_job_due in (due_at, id) order, no sort (sqlite-outbox-store.test.ts asserts the plan). */
export const CLAIM_SQL = `SELECT id, dedupe_key, channel_id, seq, kind, recipient, profile, legacy_message, attempts, created_at
  FROM mail_job WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, id LIMIT ?`;

/**
 * The /metrics counts: pending and sending rows through mail_job_due (as many entries as are waiting), sent and failed
 * from mail_done_count (migration 4), so a scrape never reads the 30 days of done rows.
 */
export const COUNTS_SQL = `SELECT 'pending' AS status, COUNT(*) AS n FROM mail_job WHERE due_at IS NOT NULL
  UNION ALL SELECT status, n FROM mail_done_count`;

/**
 * The SQLite OutboxStore on a database handle the caller owns (it may be the relay's own file); its writes wait for
 * `gate` (the relay's WAL checkpointer's hold) when given.
 */
export function createSqliteOutboxStore(db: Database.Database, gate?: WriteGate): OutboxStore {
  migrateModule(db, 'mail_schema_version', migrations);
  const s = {
    insert: db.prepare(
      `INSERT INTO mail_job (dedupe_key, channel_id, seq, kind, recipient, profile, status, due_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT(dedupe_key) DO NOTHING`,
    ),
    due: db.prepare<[number, number], JobRecord>(CLAIM_SQL),
    lease: db.prepare(`UPDATE mail_job SET status = 'sending', due_at = ? WHERE id = ?`),
    sent: db.prepare(
      `UPDATE mail_job SET status = 'sent', done_at = ?, due_at = NULL, attempts = attempts + 1, last_error = NULL, legacy_message = NULL WHERE id = ?`,
    ),
    retry: db.prepare(
      `UPDATE mail_job SET status = 'pending', due_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?`,
    ),
    release: db.prepare(
      `UPDATE mail_job SET status = 'pending', due_at = created_at WHERE id = ? AND status = 'sending'`,
    ),
    releaseAll: db.prepare(`UPDATE mail_job SET status = 'pending', due_at = created_at WHERE status = 'sending'`),
    failed: db.prepare(
      `UPDATE mail_job SET status = 'failed', done_at = ?, due_at = NULL, attempts = attempts + 1, last_error = ?, legacy_message = NULL WHERE id = ?`,
    ),
    nextDue: db.prepare<[], { t: number | null }>(`SELECT MIN(due_at) AS t FROM mail_job WHERE due_at IS NOT NULL`),
    counts: db.prepare<[], { status: string; n: number }>(COUNTS_SQL),
    getCursor: db.prepare<[string], { seq: number }>('SELECT seq FROM mail_cursor WHERE channel_id = ?'),
    advance: db.prepare(
      'INSERT INTO mail_cursor (channel_id, seq) VALUES (?, ?) ON CONFLICT(channel_id) DO UPDATE SET seq = MAX(seq, excluded.seq)',
    ),
    installedAt: db.prepare<[], { value: number }>("SELECT value FROM mail_meta WHERE key = 'installed_at'"),
    forgetDone: db.prepare(`DELETE FROM mail_job WHERE channel_id = ? AND due_at IS NULL`),
    forgetCursor: db.prepare('DELETE FROM mail_cursor WHERE channel_id = ?'),
    prune: db.prepare(`DELETE FROM mail_job WHERE due_at IS NULL AND created_at < ?`),
  };
  const enqueue = db.transaction((items: readonly NewOutboxItem[], cursors: readonly MailCursor[] = []) => {
    for (const c of cursors) s.advance.run(c.channelId, c.seq);
    let n = 0;
    for (const i of items)
      n += s.insert.run(
        i.key,
        i.channelId,
        i.seq,
        i.kind,
        recipientJson(i),
        profileJson(i),
        i.createdAt,
        i.createdAt,
      ).changes;
    return n;
  });
  const claim = db.transaction((now: number, limit: number, leaseMs: number) => {
    const rows = s.due.all(now, limit);
    for (const r of rows) s.lease.run(now + leaseMs, r.id);
    return rows.map(toOutboxRow);
  });
  const forget = db.transaction((channelId: string) => {
    s.forgetCursor.run(channelId);
    return s.forgetDone.run(channelId).changes;
  });
  // One commit for a whole batch (issue 18): a commit per email was the largest item of the drain's main thread.
  const sentAll = db.transaction((ids: readonly number[], at: number) => {
    for (const id of ids) s.sent.run(at, id);
  });
  const wrap = <T>(fn: () => T): Promise<T> => new Promise((resolve) => resolve(fn()));
  const write = gatedWrite(gate);
  return {
    enqueue: (items, cursors) => write(() => enqueue.immediate(items, cursors)),
    claimDue: (now, limit, leaseMs) => write(() => claim.immediate(now, limit, leaseMs)),
    markSent: (id, at) => write(() => sentAll.immediate([id], at)),
    markSentAll: (ids, at) => write(() => sentAll.immediate(ids, at)),
    markRetry: (id, nextAttemptAt, error) => write(() => void s.retry.run(nextAttemptAt, error.slice(0, 1000), id)),
    // One relay process per file: every row left "sending" is an orphan, due at once (due_at = created_at ≤ now).
    releaseOrphans: () => write(() => s.releaseAll.run().changes),
    // Handed back unsent by a stop: due again at once, like an orphan.
    release: (id) => write(() => void s.release.run(id)),
    markFailed: (id, at, error) => write(() => void s.failed.run(at, error.slice(0, 1000), id)),
    nextDueAt: () => wrap(() => s.nextDue.get()?.t ?? undefined),
    counts: () =>
      wrap((): OutboxCounts => {
        const by = Object.fromEntries(s.counts.all().map((r) => [r.status, r.n])) as Partial<Record<string, number>>;
        return { pending: by.pending ?? 0, sent: by.sent ?? 0, failed: by.failed ?? 0 };
      }),
    getCursor: (channelId) => wrap(() => s.getCursor.get(channelId)?.seq),
    installedAt: () => wrap(() => s.installedAt.get()?.value ?? 0),
    forgetChannel: (channelId) => write(() => forget.immediate(channelId)),
    prune: (before) => write(() => s.prune.run(before).changes),
  };
}
