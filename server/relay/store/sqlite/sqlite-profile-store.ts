import type Database from 'better-sqlite3';
import { profileBodySchema } from '../../../../common/relay';
import type { ProfileStore, PutOptions, StoredProfile } from '../../profile/profile-store';
import { yields } from '../../profile/slug-owner';
import { migrateModule } from './sqlite-migrate';
import { gatedWrite, type WriteGate } from './write-gate';

/** Append-only; tracked in profile_schema_version (never PRAGMA user_version, which belongs to the event log). */
const migrations: readonly string[] = [
  // 1: one profile per channel. No foreign key to the relay's channels table: this module owns only its tables,
  // so deleting a channel calls remove() explicitly.
  `CREATE TABLE profile_profiles (
     channel_id  TEXT PRIMARY KEY,
     slug        TEXT NOT NULL UNIQUE,
     body        TEXT NOT NULL,
     updated_at  INTEGER NOT NULL
   ) STRICT;`,
  // 2 (issue 16): the verified Cal.com account behind each profile; NULL for rows published anonymously before.
  `ALTER TABLE profile_profiles ADD COLUMN user_id INTEGER;`,
];

interface Row {
  channel_id: string;
  slug: string;
  body: string;
  updated_at: number;
  user_id: number | null;
}

/** Reads a row back through the schema, so a row written by an older version can never render unvalidated data. */
function toRecord(r: Row | undefined): StoredProfile | undefined {
  if (!r) return undefined;
  const parsed = profileBodySchema.safeParse(JSON.parse(r.body));
  return parsed.success
    ? { channelId: r.channel_id, profile: parsed.data, updatedAt: r.updated_at, userId: r.user_id }
    : undefined;
}

/**
 * The SQLite ProfileStore on a database handle the caller owns (it may be the relay's own file); `durable` is that
 * handle's barrier when it commits without fsync (the relay's event-log connection), awaited after each write; `gate`
 * the WAL checkpointer's hold on that connection (write-gate.ts), awaited before each write.
 */
export function createSqliteProfileStore(
  db: Database.Database,
  durable: () => Promise<void> = () => Promise.resolve(),
  gate?: WriteGate,
): ProfileStore {
  migrateModule(db, 'profile_schema_version', migrations);
  const s = {
    owner: db.prepare<[string], { channel_id: string; user_id: number | null }>(
      'SELECT channel_id, user_id FROM profile_profiles WHERE slug = ?',
    ),
    upsert: db.prepare(
      `INSERT INTO profile_profiles (channel_id, slug, body, updated_at, user_id) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(channel_id) DO UPDATE SET slug = excluded.slug, body = excluded.body, updated_at = excluded.updated_at,
           user_id = excluded.user_id`,
    ),
    bySlug: db.prepare<[string], Row>('SELECT * FROM profile_profiles WHERE slug = ?'),
    byChannel: db.prepare<[string], Row>('SELECT * FROM profile_profiles WHERE channel_id = ?'),
    remove: db.prepare('DELETE FROM profile_profiles WHERE channel_id = ?'),
  };
  const put = db.transaction((p: StoredProfile, o: PutOptions): 'ok' | 'slug_taken' => {
    const owner = s.owner.get(p.profile.slug);
    if (owner && owner.channel_id !== p.channelId) {
      if (!yields(owner.user_id, p.userId, o)) return 'slug_taken';
      s.remove.run(owner.channel_id);
    }
    s.upsert.run(p.channelId, p.profile.slug, JSON.stringify(p.profile), p.updatedAt, p.userId);
    return 'ok';
  });
  // Promise-returning wrappers: the port is async for other engines; a thrown SQLite error becomes a rejection.
  const wrap = <T>(fn: () => T): Promise<T> => new Promise((resolve) => resolve(fn()));
  const write = gatedWrite(gate, durable);
  return {
    put: (p, o = { takeOver: false }) => write(() => put.immediate(p, o)),
    getBySlug: (slug) => wrap(() => toRecord(s.bySlug.get(slug))),
    getByChannel: (id) => wrap(() => toRecord(s.byChannel.get(id))),
    remove: (id) => write(() => s.remove.run(id).changes > 0),
  };
}
