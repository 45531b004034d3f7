import type { StorageConfig } from '../config';
import type { RelayStorage, StorageHooks } from './relay-storage';
import { openSqliteStorage } from './sqlite/sqlite-storage';

/**
 * Opens the configured engine's storage bundle (PostgreSQL connects and migrates first, so this is async). The
 * PostgreSQL adapter, and with it `pg`, is loaded only when DATABASE_URL asks for it: a SQLite relay runs without `pg`
 * installed.
 */
export async function openRelayStorage(config: StorageConfig, hooks: StorageHooks = {}): Promise<RelayStorage> {
  switch (config.kind) {
    case 'sqlite':
      return openSqliteStorage(config.file, hooks);
    case 'postgres': {
      const { openPostgresStorage } = await import('./postgres/postgres-storage');
      return openPostgresStorage(config, hooks);
    }
  }
}
