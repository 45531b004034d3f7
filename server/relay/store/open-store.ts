import type { StorageConfig } from '../config';
import type { PostgresStoreOptions } from './postgres-store';
import { openSqliteStore } from './sqlite-store';
import type { RelayStore } from './types';

/**
 * Opens the configured storage engine (PostgreSQL connects and migrates first, so this is async). The PostgreSQL
 * adapter, and with it `pg`, is loaded only when DATABASE_URL asks for it: a SQLite relay runs without `pg` installed.
 */
export async function openStore(config: StorageConfig, options: PostgresStoreOptions = {}): Promise<RelayStore> {
  switch (config.kind) {
    case 'sqlite':
      return openSqliteStore(config.file);
    case 'postgres': {
      const { openPostgresStore } = await import('./postgres-store');
      return openPostgresStore(config.url, options);
    }
  }
}
