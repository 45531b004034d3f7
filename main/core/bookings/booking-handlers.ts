import type { ApiHandlers, PushEvent } from '../../../common/api';
import { AppFailure } from '../../../common/errors';
import { createBookingActions } from '../actions/booking-actions';
import type { BookingWriteApi } from '../calcom/booking-write-api';
import { patchIntegration, readIntegration } from '../integration/integration-records';
import type { Logger, SettingsStore } from '../ports';
import type { BookingDb } from './booking-db';

export type BookingHandlers = Pick<
  ApiHandlers,
  'listBookings' | 'countBookings' | 'getBooking' | 'markNoShow' | 'bookingAction' | 'syncNow'
>;

export interface BookingHandlersDeps {
  readonly db: BookingDb;
  /** Cal.com's booking writes, tried once: the consultant sees "Cal.com is down, retry" at once (issue 19). */
  readonly writeApi: BookingWriteApi;
  readonly settings: SettingsStore;
  readonly logger: Logger;
  readonly emit: (event: PushEvent) => void;
  readonly pushState: () => void;
  /** Reconciles now; false when there is no connection to sync. */
  readonly syncNow: () => Promise<boolean>;
}

/** The Bookings screen's API: reads from the local store, actions through Cal.com, and "Sync now". */
export function createBookingHandlers(deps: BookingHandlersDeps): BookingHandlers {
  const { db, settings } = deps;
  const actions = createBookingActions({
    api: deps.writeApi,
    store: () => db.require(),
    emit: deps.emit,
    logger: deps.logger,
    // The connection predates BOOKING_WRITE: forget the scope so the dashboard offers to connect again for it.
    onPermissionMissing: () => {
      const granted = readIntegration(settings)?.grantedScopes ?? [];
      patchIntegration(settings, { grantedScopes: granted.filter((s) => s !== 'BOOKING_WRITE') });
      deps.pushState();
    },
  });
  return {
    listBookings: async (query) => db.require().list(query),
    countBookings: async () => db.require().counts(),
    getBooking: async ({ uid }) => db.require().get(uid),
    markNoShow: ({ uid, noShow }) => actions.run({ uid, action: 'no-show', noShow }),
    bookingAction: (input) => actions.run(input),
    async syncNow() {
      if (!(await deps.syncNow())) throw new AppFailure('not_connected', 'Connect Cal.com first.');
      return null;
    },
  };
}
