import type pg from 'pg';
import { profileBodySchema } from '../../../../common/relay';
import type { ProfileStore, StoredProfile } from '../../profile/profile-store';
import { yields } from '../../profile/slug-owner';
import { migratePostgresModule } from './postgres-migrations';
import { inTransaction } from './postgres-transaction';

/** The profile schema on PostgreSQL (module `profile` in schema_migrations); append only. */
const migrations: readonly string[] = [
  // No foreign key to channels, as on SQLite: the module owns only its table; channel deletion calls remove().
  `CREATE TABLE profile_profiles (
     channel_id  text PRIMARY KEY,
     slug        text NOT NULL UNIQUE,
     body        text NOT NULL,
     updated_at  int8 NOT NULL
   );`,
  // 2 (issue 16): the verified Cal.com account behind each profile; NULL for rows published anonymously before.
  `ALTER TABLE profile_profiles ADD COLUMN user_id int8;`,
];

interface Row {
  channel_id: string;
  body: string;
  updated_at: string;
  user_id: string | null;
}

/** Reads a row back through the schema, so a row written by an older version can never render unvalidated data. */
function toRecord(r: Row | undefined): StoredProfile | undefined {
  if (!r) return undefined;
  const parsed = profileBodySchema.safeParse(JSON.parse(r.body));
  return parsed.success
    ? {
        channelId: r.channel_id,
        profile: parsed.data,
        updatedAt: Number(r.updated_at),
        userId: r.user_id === null ? null : Number(r.user_id),
      }
    : undefined;
}

/** The PostgreSQL ProfileStore on the relay's pool; migrates its table first. */
export async function createPostgresProfileStore(pool: pg.Pool): Promise<ProfileStore> {
  await migratePostgresModule(pool, 'profile', migrations);
  return {
    put: async (p, o = { takeOver: false }) => {
      try {
        return await inTransaction(pool, async (client) => {
          const { rows } = await client.query<{ channel_id: string; user_id: string | null }>(
            'SELECT channel_id, user_id FROM profile_profiles WHERE slug = $1 FOR UPDATE',
            [p.profile.slug],
          );
          const holder = rows[0];
          if (holder && holder.channel_id !== p.channelId) {
            if (!yields(holder.user_id, p.userId, o)) return 'slug_taken' as const;
            await client.query('DELETE FROM profile_profiles WHERE channel_id = $1', [holder.channel_id]);
          }
          await client.query(
            `INSERT INTO profile_profiles (channel_id, slug, body, updated_at, user_id) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (channel_id) DO UPDATE SET slug = excluded.slug, body = excluded.body, updated_at = excluded.updated_at,
                 user_id = excluded.user_id`,
            [p.channelId, p.profile.slug, JSON.stringify(p.profile), p.updatedAt, p.userId],
          );
          return 'ok' as const;
        });
      } catch (err) {
        // The slug's UNIQUE constraint decides, atomically, even when two instances publish the same slug at once.
        if ((err as { code?: string; constraint?: string }).code === '23505') return 'slug_taken';
        throw err;
      }
    },
    getBySlug: async (slug) =>
      toRecord((await pool.query<Row>('SELECT * FROM profile_profiles WHERE slug = $1', [slug])).rows[0]),
    getByChannel: async (id) =>
      toRecord((await pool.query<Row>('SELECT * FROM profile_profiles WHERE channel_id = $1', [id])).rows[0]),
    remove: async (id) =>
      ((await pool.query('DELETE FROM profile_profiles WHERE channel_id = $1', [id])).rowCount ?? 0) > 0,
  };
}
