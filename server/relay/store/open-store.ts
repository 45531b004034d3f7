import type { StorageConfig } from '../config';
import { openPostgresStore, type PostgresStoreOptions } from './postgres-store';
import { openSqliteStore } from './sqlite-store';
import type { RelayStore } from './types';

/** Opens the configured storage engine (PostgreSQL connects and migrates first, so this is async). */
export async function openStore(config: StorageConfig, options: PostgresStoreOptions = {}): Promise<RelayStore> {
  switch (config.kind) {
    case 'sqlite':
      return openSqliteStore(config.file);
    case 'postgres':
      return openPostgresStore(config.url, options);
  }
}
