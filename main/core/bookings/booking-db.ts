import { AppFailure } from '../../../common/errors';
import type { SyncBookingStore } from './booking-store';

/** The bookings database the core opens at start() and closes at stop(); handlers reach it only through here. */
export interface BookingDb {
  /** The open store, or null before start() and after stop(). */
  current(): SyncBookingStore | null;
  /** The open store; AppFailure('internal') before start(). */
  require(): SyncBookingStore;
  set(store: SyncBookingStore): void;
  close(): void;
}

export function createBookingDb(): BookingDb {
  let store: SyncBookingStore | null = null;
  return {
    current: () => store,
    require() {
      if (!store) throw new AppFailure('internal', 'The bookings database is not open yet.');
      return store;
    },
    set(next) {
      store = next;
    },
    close() {
      store?.close();
      store = null;
    },
  };
}
