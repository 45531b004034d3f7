import type Database from 'better-sqlite3';
import { migrateModule } from './sqlite-migrate';
import { gatedWrite, type WriteGate } from './write-gate';
import { toAccount, toBinding, type AccountRow, type BindingRow } from '../../trust/trust-rows';
import type { MailReservation, TrustStore } from '../../trust/trust-store';
import { perTurnBatch } from '../per-turn-batch';

/** Append-only; tracked in trust_schema_version. No foreign key to channels: channel deletion calls unbindChannel. */
const migrations: readonly string[] = [
  `CREATE TABLE trust_accounts (
     user_id           INTEGER PRIMARY KEY,
     username          TEXT NOT NULL,
     email             TEXT NOT NULL,
     time_zone         TEXT NOT NULL,
     approval          TEXT NOT NULL CHECK (approval IN ('pending', 'approved', 'suspended')),
     first_verified_at INTEGER NOT NULL,
     decided_at        INTEGER
   ) STRICT;
   CREATE INDEX trust_accounts_username ON trust_accounts(lower(username));
   CREATE TABLE trust_channels (
     channel_id         TEXT PRIMARY KEY,
     user_id            INTEGER NOT NULL,
     device_id          TEXT NOT NULL,
     verified_at        INTEGER NOT NULL,
     other_device_since INTEGER
   ) STRICT;
   CREATE INDEX trust_channels_user ON trust_channels(user_id);
   CREATE TABLE trust_mail_days (
     user_id INTEGER NOT NULL,
     day     TEXT NOT NULL,
     count   INTEGER NOT NULL,
     PRIMARY KEY (user_id, day)
   ) STRICT;`,
];

/**
 * The SQLite TrustStore on a handle the caller owns; `durable` is awaited after each write and `gate` before it,
 * mail reservations included (see sqlite-profile-store).
 */
export function createSqliteTrustStore(
  db: Database.Database,
  durable: () => Promise<void> = () => Promise.resolve(),
  gate?: WriteGate,
): TrustStore {
  migrateModule(db, 'trust_schema_version', migrations);
  const s = {
    upsert: db.prepare<[number, string, string, string, string, number], AccountRow>(
      `INSERT INTO trust_accounts (user_id, username, email, time_zone, approval, first_verified_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(user_id) DO UPDATE SET username = excluded.username, email = excluded.email, time_zone = excluded.time_zone
         RETURNING *`,
    ),
    account: db.prepare<[number], AccountRow>('SELECT * FROM trust_accounts WHERE user_id = ?'),
    byUsername: db.prepare<[string], AccountRow>('SELECT * FROM trust_accounts WHERE lower(username) = lower(?)'),
    bind: db.prepare(
      `INSERT INTO trust_channels (channel_id, user_id, device_id, verified_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(channel_id) DO UPDATE SET user_id = excluded.user_id, device_id = excluded.device_id,
           verified_at = excluded.verified_at, other_device_since = NULL`,
    ),
    binding: db.prepare<[string], BindingRow>('SELECT * FROM trust_channels WHERE channel_id = ?'),
    bindings: db.prepare<[number], BindingRow>('SELECT * FROM trust_channels WHERE user_id = ? ORDER BY verified_at'),
    other: db.prepare('UPDATE trust_channels SET other_device_since = ? WHERE channel_id = ?'),
    unbind: db.prepare('DELETE FROM trust_channels WHERE channel_id = ?'),
    approve: db.prepare<[string, number, number], AccountRow>(
      'UPDATE trust_accounts SET approval = ?, decided_at = ? WHERE user_id = ? RETURNING *',
    ),
    list: db.prepare<[], AccountRow & { channels: number }>(
      `SELECT a.*, (SELECT COUNT(*) FROM trust_channels c WHERE c.user_id = a.user_id) AS channels
         FROM trust_accounts a ORDER BY a.first_verified_at, a.user_id`,
    ),
    reserve: db.prepare<[{ user: number; day: string; n: number; cap: number }], { count: number }>(
      `INSERT INTO trust_mail_days (user_id, day, count) VALUES (@user, @day, @n)
         ON CONFLICT(user_id, day) DO UPDATE SET count = count + @n WHERE count + @n <= @cap
         RETURNING count`,
    ),
    pruneDays: db.prepare('DELETE FROM trust_mail_days WHERE day < ?'),
  };
  const wrap = <T>(fn: () => T): Promise<T> => new Promise((resolve) => resolve(fn()));
  const reserveOne = (userId: number, day: string, n: number, cap: number): boolean => {
    if (n > cap) return false;
    // Counters older than a week are of no use to anyone (pruned once per day seen, not on every reservation).
    if (prunedFor !== day) {
      s.pruneDays.run(new Date(Date.parse(`${day}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10));
      prunedFor = day;
    }
    return s.reserve.get({ user: userId, day, n, cap }) !== undefined;
  };
  const reserveAll = db.transaction((calls: ReadonlyArray<MailReservation>) =>
    calls.map((c) => reserveOne(c.userId, c.day, c.n, c.cap)),
  );
  // Reservations asked in one turn share one transaction (per-turn-batch.ts); each is still decided on its own.
  const unsynced = gatedWrite(gate);
  const reserveMail = perTurnBatch((calls: readonly MailReservation[]) => unsynced(() => reserveAll.immediate(calls)));
  const write = gatedWrite(gate, durable);
  let prunedFor: string | undefined;
  return {
    upsertAccount: (a, now, initial) =>
      write(() => toAccount(s.upsert.get(a.userId, a.username, a.email, a.timeZone, initial, now) as AccountRow)),
    getAccount: (id) =>
      wrap(() => {
        const r = s.account.get(id);
        return r && toAccount(r);
      }),
    getAccountByUsername: (u) =>
      wrap(() => {
        const r = s.byUsername.get(u);
        return r && toAccount(r);
      }),
    bindChannel: (b) => write(() => void s.bind.run(b.channelId, b.userId, b.deviceId, b.verifiedAt)),
    getBinding: (id) =>
      wrap(() => {
        const r = s.binding.get(id);
        return r && toBinding(r);
      }),
    bindingsOfAccount: (id) => wrap(() => s.bindings.all(id).map(toBinding)),
    markOtherDevice: (id, since) => write(() => void s.other.run(since, id)),
    unbindChannel: (id) => write(() => void s.unbind.run(id)),
    setApproval: (id, approval, now) =>
      write(() => {
        const r = s.approve.get(approval, now, id);
        return r && toAccount(r);
      }),
    listAccounts: () => wrap(() => s.list.all().map((r) => ({ ...toAccount(r), channels: Number(r.channels) }))),
    // Not fsynced on its own (issue 18: this ran once per booking): a counter lost with a power cut is lost with the
    // mail jobs it counted (outbox writes aren't fsynced either), and catch-up plans and counts those again.
    reserveMail: (userId, day, n, cap) => reserveMail({ userId, day, n, cap }),
  };
}
