import type Database from 'better-sqlite3';
import type { BookingRecord } from './booking-record';
import type { BookingRows } from './booking-rows';

/**
 * Bookings belong to the Cal.com account they were synced for (issue 22, migration 6). Switching to another
 * account parks the previous one's rows (moved, not deleted) and brings back the new account's parked rows, so
 * the Bookings screen, its counts and search only ever see one account, and no query needs an account filter.
 */
export interface AccountBookings {
  /** Makes `account` the active one; returns how many rows were parked and restored. Call inside a transaction. */
  activate(account: number, now: number): { parked: number; restored: number };
  active(): number | null;
}

export function accountBookings(db: Database.Database, rows: BookingRows): AccountBookings {
  const unindexOthers = db.prepare(
    "INSERT INTO bookings_fts (bookings_fts, rowid, search) SELECT 'delete', rowid, search FROM bookings WHERE account IS NOT NULL AND account <> ?",
  );
  const parkOthers = db.prepare(
    `INSERT INTO parked_bookings (account, uid, record, updated_ms)
       SELECT account, uid, record, updated_ms FROM bookings WHERE account IS NOT NULL AND account <> ?
       ON CONFLICT (account, uid) DO UPDATE SET record = excluded.record, updated_ms = excluded.updated_ms`,
  );
  const deleteOthers = db.prepare('DELETE FROM bookings WHERE account IS NOT NULL AND account <> ?');
  const adopt = db.prepare('UPDATE bookings SET account = ? WHERE account IS NULL');
  const parkedOf = db.prepare('SELECT uid, record FROM parked_bookings WHERE account = ?');
  const unpark = db.prepare('DELETE FROM parked_bookings WHERE account = ?');
  const activeAccount = db.prepare('SELECT account FROM bookings WHERE account IS NOT NULL LIMIT 1').pluck();
  return {
    activate(account, now) {
      unindexOthers.run(account);
      parkOthers.run(account);
      const parked = deleteOthers.run(account).changes;
      adopt.run(account);
      let restored = 0;
      for (const row of parkedOf.all(account) as { uid: string; record: string }[]) {
        const current = rows.read(row.uid);
        if (current) continue; // already synced again under this account: the live row is newer
        rows.write(JSON.parse(row.record) as BookingRecord, now, null);
        restored += 1;
      }
      unpark.run(account);
      return { parked, restored };
    },
    active: () => (activeAccount.get() as number | undefined) ?? null,
  };
}
