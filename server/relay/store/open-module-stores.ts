import type { OutboxStore } from '../mail/outbox-store';
import { createSqliteOutboxStore } from '../mail/sqlite-outbox-store';
import type { ProfileStore } from '../profile/profile-store';
import { createSqliteProfileStore } from '../profile/sqlite-profile-store';
import { createPostgresOutboxStore } from './postgres-outbox-store';
import { createPostgresProfileStore } from './postgres-profile-store';
import type { PostgresRelayStore } from './postgres-store';
import type { SqliteRelayStore } from './sqlite-store';
import { createSqliteTrustStore } from '../trust/sqlite-trust-store';
import type { TrustStore } from '../trust/trust-store';
import { createPostgresTrustStore } from './postgres-trust-store';
import type { RelayStore } from './types';

/** The mail outbox and profile stores, in the same database as the relay's event log, whichever engine that is. */
export async function openModuleStores(store: RelayStore): Promise<{ outbox: OutboxStore; profiles: ProfileStore; trust: TrustStore }> {
  if ('pool' in store) {
    const { pool } = store as PostgresRelayStore;
    return { outbox: await createPostgresOutboxStore(pool), profiles: await createPostgresProfileStore(pool), trust: await createPostgresTrustStore(pool) };
  }
  if ('database' in store) {
    const { database, durable } = store as SqliteRelayStore;
    // Profiles are answered to their author, so their writes wait for the fsync like events do. Outbox writes don't:
    // the outbox is planned from the event log, and a power cut that drops the last outbox commits drops their
    // cursor moves too, so catch-up plans those events again (rows are keyed: no duplicates); a lost "sent" mark
    // means one email sent twice, which at-least-once mail allows. The next event fsync persists them anyway.
    // Trust decisions (approval, bindings) are answered to their author too: fsynced like profiles.
    return { outbox: createSqliteOutboxStore(database), profiles: createSqliteProfileStore(database, durable), trust: createSqliteTrustStore(database, durable) };
  }
  throw new Error('openModuleStores needs the relay store opened by openStore (SQLite or PostgreSQL)');
}
