import type { StorageConfig } from '../config';
import type { OutboxStore } from '../mail/outbox-store';
import type { ProfileStore } from '../profile/profile-store';
import type { TrustStore } from '../trust/trust-store';
import type { RelayStore, SharedCommits } from './types';

/**
 * Everything the relay keeps, opened together on one engine: the event log and, beside it in the same database, the
 * mail outbox, profiles and trust records. Each engine's bundle says what it has (a wake source only where other
 * processes share the database), so the relay never inspects a store to guess its engine.
 */
export interface RelayStorage {
  readonly engine: 'sqlite' | 'postgres';
  readonly events: RelayStore;
  readonly outbox: OutboxStore;
  readonly profiles: ProfileStore;
  readonly trust: TrustStore;
  /** Present when several relay processes share the database: how streams here learn of the others' commits. */
  readonly wake?: { readonly commits: SharedCommits; readonly pollMs?: number };
  /** Stops the engine's background work (the SQLite checkpoint thread), then closes the database. */
  close(): Promise<void>;
}

/** Where an engine reports trouble it recovers from by itself (the relay logs these as warnings). */
export interface StorageHooks {
  /** An idle pooled connection or the LISTEN connection failed (PostgreSQL; both reconnect). */
  readonly onConnectionError?: (err: unknown) => void;
  /** The WAL checkpoint thread died (SQLite; the relay checkpoints on its own thread again). */
  readonly onCheckpointError?: (err: Error) => void;
}

/** Opens a storage bundle: openRelayStorage by default; tests pass their own to fault or inspect it (RelayOptions). */
export type OpenRelayStorage = (config: StorageConfig, hooks: StorageHooks) => Promise<RelayStorage>;
