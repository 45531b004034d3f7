import type { OutboxStore } from '../mail/outbox-store';
import { createSqliteOutboxStore } from '../mail/sqlite-outbox-store';
import type { ProfileStore } from '../profile/profile-store';
import { createSqliteProfileStore } from '../profile/sqlite-profile-store';
import { createPostgresOutboxStore } from './postgres-outbox-store';
import { createPostgresProfileStore } from './postgres-profile-store';
import type { PostgresRelayStore } from './postgres-store';
import type { SqliteRelayStore } from './sqlite-store';
import type { RelayStore } from './types';

/** The mail outbox and profile stores, in the same database as the relay's event log, whichever engine that is. */
export async function openModuleStores(store: RelayStore): Promise<{ outbox: OutboxStore; profiles: ProfileStore }> {
  if ('pool' in store) {
    const { pool } = store as PostgresRelayStore;
    return { outbox: await createPostgresOutboxStore(pool), profiles: await createPostgresProfileStore(pool) };
  }
  if ('database' in store) {
    const { database } = store as SqliteRelayStore;
    return { outbox: createSqliteOutboxStore(database), profiles: createSqliteProfileStore(database) };
  }
  throw new Error('openModuleStores needs the relay store opened by openStore (SQLite or PostgreSQL)');
}
