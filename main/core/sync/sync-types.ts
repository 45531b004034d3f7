import type { SyncState } from '../../../common/app-state';
import type { Booking, BookingCounts, BookingPage, BookingQuery } from '../../../common/booking';
import type { Clock, FetchFn, Logger } from '../ports';

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

/** Which of Cal.com's booking times a walk follows: `updatedAt` (changes) or `createdAt` (never-updated bookings). */
export type WatermarkField = 'updatedAt' | 'createdAt';

/** One request of a reconciliation walk: bookings at or after `after` on `field`, oldest first. */
export interface BookingPageQuery {
  readonly field: WatermarkField;
  readonly after: string | undefined;
  /** Also at or before this time (the reconciler walks one instant shared by more than a page this way). */
  readonly before?: string;
  readonly take: number;
  readonly skip: number;
}

/** A page as Cal.com sent it: each booking unparsed (booking-reader.ts reads them one at a time). */
export interface RawBookingPage {
  readonly items: readonly unknown[];
  readonly hasNextPage: boolean;
  readonly totalItems: number;
}

/** The slice of the Cal.com client that reconciliation needs (GET /v2/bookings, one page per call). */
export interface BookingsSource {
  readBookingsPage(query: BookingPageQuery): Promise<RawBookingPage>;
}

/** The Cal.com account (and relay channel) a sync engine works for: watermarks and bookings belong to it. */
export interface SyncAccount {
  readonly userId: number;
}

export interface SyncEngineDeps {
  readonly store: BookingStore;
  readonly channel: RelayChannel;
  /** The channel's Cal.com webhook secret (keychain). */
  readonly webhookSecret: () => Promise<string | null>;
  readonly bookingsSource: BookingsSource;
  /** The account this engine syncs; absent only in tests of the relay path alone. */
  readonly account?: SyncAccount;
  /** A desktop notification (a sync problem that lasted an hour). */
  readonly notify?: (title: string, body: string) => void;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** The relay's event pull and ack (AppCorePorts.syncFetch). */
  readonly fetch: FetchFn;
  /** Backoff jitter, 0 ≤ n < 1 (the random port's fraction). */
  readonly random: () => number;
  readonly onBookingsChanged: (
    uids: readonly string[],
    reason: 'created' | 'rescheduled' | 'cancelled' | 'updated',
  ) => void;
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
