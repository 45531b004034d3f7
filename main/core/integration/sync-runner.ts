import type { PushEvent } from '../../../common/api';
import type { SyncState } from '../../../common/app-state';
import type { SyncBookingStore } from '../bookings/booking-store';
import { keychainAccounts } from '../keychain/keychain-accounts';
import type { Clock, FetchFn, Keychain, Logger } from '../ports';
import type { SyncEngineInput, SyncTuning } from '../sync/sync-engine';
import type { BookingsSource, SyncEngine } from '../sync/sync-types';
import type { IntegrationRecord } from './integration-records';

export interface SyncRunnerDeps {
  readonly keychain: Keychain;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The relay's event pull and ack (AppCorePorts.syncFetch). */
  readonly fetch: FetchFn;
  /** Backoff jitter (the random port). */
  readonly random: () => number;
  readonly bookingsSource: BookingsSource;
  readonly createSyncEngine: (deps: SyncEngineInput) => SyncEngine;
  readonly emit: (event: PushEvent) => void;
  /** Sync state changed (app-core pushes a new AppState). */
  readonly onChange: () => void;
  readonly onLastSynced: (at: string) => void;
  // --- issue 22 (sync supervision): desktop notification for a long failure, and test-shrinkable timings.
  readonly notify?: (title: string, body: string) => void;
  readonly tuning?: SyncTuning;
}

const idle: SyncState = { status: 'idle', quarantined: 0 };

/** Owns the one SyncEngine of the current connection: built from the integration record and keychain, stopped on disconnect. */
export class SyncRunner {
  private engine: SyncEngine | null = null;
  private last: SyncState = idle;

  constructor(private readonly deps: SyncRunnerDeps) {}

  /** Starts an engine for `record` (stopping any previous one). Throws only when the keychain cannot be read. */
  async start(store: SyncBookingStore, record: IntegrationRecord): Promise<void> {
    await this.stop();
    const { deps } = this;
    const token = await deps.keychain.get(keychainAccounts.relayToken);
    if (!token) {
      deps.logger.error('relay token missing from the keychain; sync not started');
      return;
    }
    const engine = deps.createSyncEngine({
      store,
      channel: {
        relayUrl: record.channel.relayUrl,
        channelId: record.channel.channelId,
        token,
        streamUrl: record.channel.streamUrl,
      },
      webhookSecret: () => deps.keychain.get(keychainAccounts.webhookSecret),
      bookingsSource: deps.bookingsSource,
      // issue 22: watermarks and bookings belong to this account; the engine supervises its own parts.
      account: { userId: record.userId },
      ...(deps.notify ? { notify: deps.notify } : {}),
      fetch: deps.fetch,
      random: deps.random,
      ...deps.tuning,
      logger: deps.logger,
      clock: deps.clock,
      onBookingsChanged: (uids, reason) => deps.emit({ type: 'bookings-changed', uids, reason }),
      onState: (s) => {
        if (this.engine !== engine) return;
        this.last = s;
        deps.onChange();
      },
      onLastSynced: (at) => {
        if (this.engine === engine) deps.onLastSynced(at);
      },
    });
    this.engine = engine;
    this.last = engine.state();
    try {
      // Resolves once the receiver's first start was tried; a receiver that fails is restarted by the engine.
      await engine.start();
    } catch (err) {
      deps.logger.warn('sync engine did not start cleanly; it retries on its own', { err: String(err) });
    }
  }

  /** Stops the engine (it drains in-flight applies first). */
  async stop(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    this.last = { ...idle, quarantined: this.last.quarantined };
    if (engine) await engine.stop();
  }

  running(): boolean {
    return this.engine !== null;
  }

  async syncNow(): Promise<boolean> {
    if (!this.engine) return false;
    await this.engine.syncNow();
    return true;
  }

  state(): SyncState {
    return this.engine ? this.last : { ...idle, quarantined: this.last.quarantined };
  }
}
