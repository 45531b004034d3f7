import type { SyncState } from '../../../common/app-state';
import type { Booking, BookingCounts, BookingPage, BookingQuery } from '../../../common/booking';
import type { V2Booking } from '../../../common/calcom';
import type { Clock, Logger } from '../ports';

/**
 * The seam between "connect" (OAuth, Cal.com setup, app-core) and "sync" (bookings store, relay
 * subscription, reconciliation). app-core builds one BookingStore at start and one SyncEngine per connection.
 */

/** The app's booking database (better-sqlite3, one file in the data folder). */
export interface BookingStore {
  list(query: BookingQuery): BookingPage;
  counts(): BookingCounts;
  get(uid: string): Booking | null;
  markNoShow(uid: string, noShow: boolean): Booking;
  close(): void;
}

/** Relay channel credentials (the token is read from the keychain by app-core, never stored elsewhere). */
export interface RelayChannel {
  readonly relayUrl: string;
  readonly channelId: string;
  readonly token: string;
  readonly streamUrl: string;
}

/** The slice of the Cal.com client that reconciliation needs (GET /v2/bookings?afterUpdatedAt=, paginated). */
export interface BookingsSource {
  listBookingsUpdatedSince(afterUpdatedAt: string | undefined): AsyncIterable<V2Booking>;
}

export interface SyncEngineDeps {
  readonly store: BookingStore;
  readonly channel: RelayChannel;
  /** The channel's Cal.com webhook secret (keychain). */
  readonly webhookSecret: () => Promise<string | null>;
  readonly bookingsSource: BookingsSource;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly onBookingsChanged: (uids: readonly string[], reason: 'created' | 'rescheduled' | 'cancelled' | 'updated') => void;
  readonly onState: (state: SyncState) => void;
  readonly onLastSynced: (at: string) => void;
}

export interface SyncEngine {
  start(): Promise<void>;
  /** Stops the subscription and timers; drains in-flight applies. */
  stop(): Promise<void>;
  /** Reconcile from Cal.com now (the "Sync now" button, and after reconnects). */
  syncNow(): Promise<void>;
  state(): SyncState;
}
