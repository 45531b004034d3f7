import type pg from 'pg';
import { toAccount, toBinding } from '../../trust/trust-rows';
import type { MailReservation, TrustStore } from '../../trust/trust-store';
import { perTurnBatch } from '../per-turn-batch';
import { inTransaction } from './postgres-transaction';
import { migratePostgresModule } from './postgres-migrations';

/** The trust schema on PostgreSQL (module `trust` in schema_migrations); append only. */
const migrations: readonly string[] = [
  `CREATE TABLE trust_accounts (
     user_id           int8 PRIMARY KEY,
     username          text NOT NULL,
     email             text NOT NULL,
     time_zone         text NOT NULL,
     approval          text NOT NULL CHECK (approval IN ('pending', 'approved', 'suspended')),
     first_verified_at int8 NOT NULL,
     decided_at        int8
   );
   CREATE INDEX trust_accounts_username ON trust_accounts(lower(username));
   CREATE TABLE trust_channels (
     channel_id         text PRIMARY KEY,
     user_id            int8 NOT NULL,
     device_id          text NOT NULL,
     verified_at        int8 NOT NULL,
     other_device_since int8
   );
   CREATE INDEX trust_channels_user ON trust_channels(user_id);
   CREATE TABLE trust_mail_days (
     user_id int8 NOT NULL,
     day     text NOT NULL,
     count   int8 NOT NULL,
     PRIMARY KEY (user_id, day)
   );`,
];

/** The PostgreSQL TrustStore on the relay's pool; migrates its tables first. Shared by every instance. */
export async function createPostgresTrustStore(pool: pg.Pool): Promise<TrustStore> {
  await migratePostgresModule(pool, 'trust', migrations);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are mapped by the same converters as SQLite
  const rows = async (sql: string, params: unknown[]): Promise<any[]> => (await pool.query(sql, params)).rows;
  /**
   * The reservations of one turn in one transaction (per-turn-batch.ts), each decided in call order: the counters
   * are locked in key order (FOR UPDATE: instances wait for each other, and cannot deadlock), decided here, and
   * written back in one statement. One per booking, each its own commit, queued up on the same counter row's lock
   * during a burst (~50 ms each on this machine's disk) and added a WAL flush per booking beside the appends.
   */
  const reserveMail = perTurnBatch((calls: readonly MailReservation[]) => {
    const wanted = calls.filter((c) => c.n <= c.cap);
    if (wanted.length === 0) return calls.map(() => false);
    const key = (userId: number | string, day: string) => `${userId}|${day}`;
    // Lock order comes from the statements' ORDER BY, not from this list.
    const keys = [...new Map(wanted.map((c) => [key(c.userId, c.day), c])).values()];
    const users = keys.map((k) => k.userId);
    const days = keys.map((k) => k.day);
    return inTransaction(pool, async (client) => {
      await client.query(
        `INSERT INTO trust_mail_days (user_id, day, count)
           SELECT u, d, 0 FROM unnest($1::int8[], $2::text[]) AS k(u, d) ORDER BY u, d
           ON CONFLICT (user_id, day) DO NOTHING`,
        [users, days],
      );
      const { rows: held } = await client.query<{ user_id: string; day: string; count: string }>(
        `SELECT user_id, day, count FROM trust_mail_days
           WHERE (user_id, day) IN (SELECT * FROM unnest($1::int8[], $2::text[]))
           ORDER BY user_id, day FOR UPDATE`,
        [users, days],
      );
      const counts = new Map(held.map((r) => [key(r.user_id, r.day), Number(r.count)]));
      const decided = calls.map((c) => {
        const count = counts.get(key(c.userId, c.day)) ?? 0;
        if (count + c.n > c.cap) return false;
        counts.set(key(c.userId, c.day), count + c.n);
        return true;
      });
      await client.query(
        `UPDATE trust_mail_days t SET count = k.c FROM unnest($1::int8[], $2::text[], $3::int8[]) AS k(u, d, c)
           WHERE t.user_id = k.u AND t.day = k.d`,
        [users, days, keys.map((k) => counts.get(key(k.userId, k.day)) ?? 0)],
      );
      return decided;
    });
  });
  return {
    async upsertAccount(a, now, initial) {
      const [r] = await rows(
        `INSERT INTO trust_accounts (user_id, username, email, time_zone, approval, first_verified_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (user_id) DO UPDATE SET username = excluded.username, email = excluded.email, time_zone = excluded.time_zone
           RETURNING *`,
        [a.userId, a.username, a.email, a.timeZone, initial, now],
      );
      return toAccount(r);
    },
    async getAccount(id) {
      const [r] = await rows('SELECT * FROM trust_accounts WHERE user_id = $1', [id]);
      return r && toAccount(r);
    },
    async getAccountByUsername(u) {
      const [r] = await rows('SELECT * FROM trust_accounts WHERE lower(username) = lower($1)', [u]);
      return r && toAccount(r);
    },
    async bindChannel(b) {
      await pool.query(
        `INSERT INTO trust_channels (channel_id, user_id, device_id, verified_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (channel_id) DO UPDATE SET user_id = excluded.user_id, device_id = excluded.device_id,
             verified_at = excluded.verified_at, other_device_since = NULL`,
        [b.channelId, b.userId, b.deviceId, b.verifiedAt],
      );
    },
    async getBinding(id) {
      const [r] = await rows('SELECT * FROM trust_channels WHERE channel_id = $1', [id]);
      return r && toBinding(r);
    },
    bindingsOfAccount: async (id) =>
      (await rows('SELECT * FROM trust_channels WHERE user_id = $1 ORDER BY verified_at', [id])).map(toBinding),
    async markOtherDevice(id, since) {
      await pool.query('UPDATE trust_channels SET other_device_since = $1 WHERE channel_id = $2', [since, id]);
    },
    async unbindChannel(id) {
      await pool.query('DELETE FROM trust_channels WHERE channel_id = $1', [id]);
    },
    async setApproval(id, approval, now) {
      const [r] = await rows(
        'UPDATE trust_accounts SET approval = $1, decided_at = $2 WHERE user_id = $3 RETURNING *',
        [approval, now, id],
      );
      return r && toAccount(r);
    },
    listAccounts: async () =>
      (
        await rows(
          `SELECT a.*, (SELECT COUNT(*) FROM trust_channels c WHERE c.user_id = a.user_id) AS channels
             FROM trust_accounts a ORDER BY a.first_verified_at, a.user_id`,
          [],
        )
      ).map((r) => ({ ...toAccount(r), channels: Number(r.channels) })),
    reserveMail: (userId, day, n, cap) => reserveMail({ userId, day, n, cap }),
  };
}
