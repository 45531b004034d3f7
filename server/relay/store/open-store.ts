import type { StorageConfig } from '../config';
import { openSqliteStore } from './sqlite-store';
import type { RelayStore } from './types';

/** Opens the configured storage engine. */
export function openStore(config: StorageConfig): RelayStore {
  switch (config.kind) {
    case 'sqlite':
      return openSqliteStore(config.file);
  }
}
