import type Database from 'better-sqlite3';
import type { CalcomReadIssue } from '../../../common/diagnostics';

/**
 * Bookings Cal.com sent that the app could not read (kept raw), and statuses it did not know (mapped to a
 * fallback). Per account; a booking that later reads fine clears its `unreadable` entry (migration 6).
 */
export interface ReadIssueInput {
  readonly key: string;
  readonly kind: CalcomReadIssue['kind'];
  readonly uid: string | null;
  readonly reason: string;
  readonly raw: string;
}

export interface ReadIssues {
  record(account: number, issue: ReadIssueInput, seenAt: string): void;
  /** The booking `uid` read fine now: forget that it could not be read (an unknown status stays recorded). */
  resolved(account: number, uid: string): void;
  list(account: number): readonly CalcomReadIssue[];
}

export function readIssues(db: Database.Database): ReadIssues {
  const upsert = db.prepare(
    `INSERT INTO calcom_read_issues (account, key, kind, uid, reason, raw, seen_at) VALUES (@account, @key, @kind, @uid, @reason, @raw, @seenAt)
       ON CONFLICT (account, key, kind) DO UPDATE SET reason = excluded.reason, raw = excluded.raw, seen_at = excluded.seen_at`,
  );
  const clear = db.prepare(
    "DELETE FROM calcom_read_issues WHERE account = ? AND kind = 'unreadable' AND (uid = ? OR key = ?)",
  );
  const all = db.prepare(
    'SELECT key, kind, uid, reason, raw, seen_at AS seenAt FROM calcom_read_issues WHERE account = ? ORDER BY seen_at DESC, key',
  );
  return {
    record: (account, issue, seenAt) => void upsert.run({ account, ...issue, seenAt }),
    resolved: (account, uid) => void clear.run(account, uid, uid),
    list: (account) => all.all(account) as CalcomReadIssue[],
  };
}
