import type Database from 'better-sqlite3';

/**
 * The relay inbox: every event the app has taken from its channel, keyed by (channel, seq), raw body kept,
 * applied or quarantined. The cursor is the highest sequence up to which every event is in the inbox.
 * These helpers run inside the caller's transaction.
 */

export type InboxStatus = 'applied' | 'quarantined';

export interface InboxEntry {
  readonly channel: string;
  readonly seq: number;
  readonly receivedAt: string;
  readonly status: InboxStatus;
  readonly trigger: string | null;
  readonly reason: string | null;
  readonly body: Buffer;
}

/** Prepared statements over the inbox and cursor tables. */
export function inboxStatements(db: Database.Database) {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO relay_inbox (channel, seq, received_at, status, trigger, reason, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const exists = db.prepare('SELECT 1 FROM relay_inbox WHERE channel = ? AND seq = ?').pluck();
  const taken = db
    .prepare(
      'SELECT EXISTS (SELECT 1 FROM relay_cursor WHERE channel = ? AND seq >= ?) OR EXISTS (SELECT 1 FROM relay_inbox WHERE channel = ? AND seq = ?)',
    )
    .pluck();
  const cursorGet = db.prepare('SELECT seq FROM relay_cursor WHERE channel = ?').pluck();
  const cursorSet = db.prepare(
    'INSERT INTO relay_cursor (channel, seq) VALUES (?, ?) ON CONFLICT (channel) DO UPDATE SET seq = excluded.seq',
  );
  const nextMissing = db
    .prepare(
      // The first sequence after `seq` that is not in the inbox: walk the primary key from the cursor.
      `SELECT a.seq + 1 FROM relay_inbox a
     WHERE a.channel = ? AND a.seq >= ?
       AND NOT EXISTS (SELECT 1 FROM relay_inbox b WHERE b.channel = a.channel AND b.seq = a.seq + 1)
     ORDER BY a.seq LIMIT 1`,
    )
    .pluck();
  const quarantined = db
    .prepare("SELECT count(*) FROM relay_inbox WHERE channel = ? AND status = 'quarantined'")
    .pluck();
  const removeAfter = db.prepare('DELETE FROM relay_inbox WHERE channel = ? AND seq > ?');
  const maxSeq = db.prepare('SELECT max(seq) FROM relay_inbox WHERE channel = ?').pluck();
  const entries = db.prepare(
    'SELECT channel, seq, received_at AS receivedAt, status, trigger, reason, body FROM relay_inbox WHERE channel = ? AND status = ? ORDER BY seq',
  );

  const cursor = (channel: string): number => (cursorGet.get(channel) as number | undefined) ?? 0;
  /** Moves the cursor, known to be `from` with `from + 1` in the inbox, to the end of the contiguous run. */
  const advanceFrom = (channel: string, from: number): number => {
    // Usually the run ends right there (events arrive in order): one probe instead of the walk.
    const to = exists.get(channel, from + 2) ? (nextMissing.get(channel, from + 1) as number) - 1 : from + 1;
    cursorSet.run(channel, to);
    return to;
  };

  return {
    /** Inserts an entry; false when (channel, seq) was already there. */
    insert(e: InboxEntry): boolean {
      return insert.run(e.channel, e.seq, e.receivedAt, e.status, e.trigger, e.reason, e.body).changes === 1;
    },
    cursor,
    /** At or below the cursor (even if its row was pruned since), or in the inbox. */
    taken: (channel: string, seq: number): boolean => taken.get(channel, seq, channel, seq) === 1,
    /** Moves the cursor over every contiguous entry after it; returns the new cursor. */
    advance(channel: string): number {
      const from = cursor(channel);
      return exists.get(channel, from + 1) ? advanceFrom(channel, from) : from;
    },
    advanceFrom,
    /** Raises the cursor to at least `seq` (events before it were lost to the relay's retention). */
    raise(channel: string, seq: number): number {
      if (seq > cursor(channel)) cursorSet.run(channel, seq);
      return cursor(channel);
    },
    /** Forgets everything after `seq` and sets the cursor to it (the relay's log restarted below our cursor). */
    rewind(channel: string, seq: number): void {
      removeAfter.run(channel, seq);
      cursorSet.run(channel, seq);
    },
    quarantinedCount: (channel: string): number => quarantined.get(channel) as number,
    maxSeq: (channel: string): number => (maxSeq.get(channel) as number | null) ?? 0,
    list: (channel: string, status: InboxStatus): InboxEntry[] => entries.all(channel, status) as InboxEntry[],
  };
}
