import type { BookingChange, SyncBookingStore } from '../bookings/booking-store';
import type { Clock, Logger } from '../ports';
import type { BookingsSource } from './sync-types';

/**
 * Reconciliation with Cal.com (DESIGN.md §5): Cal.com delivers webhooks best-effort, so bookings updated since
 * the last sync are fetched and joined through the same transition as webhooks. Single-flight.
 */

export const LAST_SYNCED_KEY = 'lastSyncedAt';

export interface ReconcilerDeps {
  readonly store: SyncBookingStore;
  readonly source: BookingsSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onChange: (change: BookingChange) => void;
  readonly onLastSynced: (at: string) => void;
}

export interface Reconciler {
  /** Runs a reconciliation (joins one already running); resolves with the number of bookings changed. */
  run(): Promise<number>;
  lastSyncedAt(): string | null;
  /** Waits for a running reconciliation, if any, without starting one. */
  settled(): Promise<void>;
}

/** Overlap with the previous window: Cal.com's clock and ours differ a little; re-reading a booking is harmless. */
const OVERLAP_MS = 60_000;

export function createReconciler(deps: ReconcilerDeps): Reconciler {
  let running: Promise<number> | undefined;

  const once = async (): Promise<number> => {
    // The new mark is taken before reading, so a booking updated during the walk is read again next time.
    const startedAt = new Date(deps.clock.now()).toISOString();
    const last = deps.store.getMeta(LAST_SYNCED_KEY);
    const since = last ? new Date(Date.parse(last) - OVERLAP_MS).toISOString() : undefined;
    const changed = new Set<string>();
    for await (const booking of deps.source.listBookingsUpdatedSince(since)) {
      const change = deps.store.upsertFromCalcom(booking);
      if (change) {
        change.uids.forEach((u) => changed.add(u));
        deps.onChange(change);
      }
    }
    deps.store.setMeta(LAST_SYNCED_KEY, startedAt);
    deps.onLastSynced(startedAt);
    deps.logger.info('reconciled with Cal.com', { changed: changed.size });
    return changed.size;
  };

  return {
    run() {
      running ??= once().finally(() => (running = undefined));
      return running;
    },
    lastSyncedAt: () => deps.store.getMeta(LAST_SYNCED_KEY),
    settled: async () => {
      await running?.catch(() => undefined);
    },
  };
}
