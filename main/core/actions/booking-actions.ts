import type { PushEvent } from '../../../common/api';
import type { Booking } from '../../../common/booking';
import type { BookingAction } from '../../../common/booking-actions';
import type { V2Booking } from '../../../common/calcom';
import { AppFailure, assertNever } from '../../../common/errors';
import type { SyncBookingStore } from '../bookings/booking-store';
import type { BookingWriteApi } from '../calcom/booking-write-api';
import type { Logger } from '../ports';
import { classifyActionFailure } from './action-errors';

export interface BookingActionsDeps {
  readonly api: BookingWriteApi;
  readonly store: () => SyncBookingStore;
  readonly emit: (event: PushEvent) => void;
  readonly logger: Logger;
  /** Cal.com answered insufficient_scope: the connection predates BOOKING_WRITE (app-core asks for it once). */
  readonly onPermissionMissing: () => void;
}

/** Runs a booking action: Cal.com first, then the local store from Cal.com's answer. Nothing changes locally on a refusal. */
export function createBookingActions(deps: BookingActionsDeps): { run(action: BookingAction): Promise<Booking> } {
  const inFlight = new Set<string>();

  const call = (a: BookingAction, booking: Booking): Promise<V2Booking> => {
    switch (a.action) {
      case 'accept':
        return deps.api.confirm(a.uid);
      case 'decline':
        return deps.api.decline(a.uid, a.reason || undefined);
      case 'cancel':
        return deps.api.cancel(a.uid, a.reason || undefined);
      case 'request-reschedule':
        return deps.api.requestReschedule(a.uid, a.reason || undefined);
      case 'no-show':
        return deps.api.markAbsent(a.uid, booking.attendee.email, a.noShow);
      default:
        return assertNever(a);
    }
  };

  const apply = (v2: V2Booking) => {
    const change = deps.store().upsertFromCalcom(v2);
    if (change) deps.emit({ type: 'bookings-changed', uids: change.uids, reason: change.reason });
  };

  return {
    async run(a) {
      const booking = deps.store().get(a.uid);
      if (!booking) throw new AppFailure('not_found', 'This booking is not in the app’s records.');
      if (a.action === 'no-show' && !booking.attendee.email)
        throw new AppFailure('bad_input', 'This booking has no attendee email, so Cal.com cannot record a no-show.');
      if (inFlight.has(a.uid))
        throw new AppFailure('bad_input', 'This booking is being updated already. Wait a moment.');
      inFlight.add(a.uid);
      try {
        apply(await call(a, booking));
        deps.logger.info('booking action done', { action: a.action, uid: a.uid });
        return deps.store().get(a.uid) ?? booking;
      } catch (err) {
        const failure = classifyActionFailure(err, a.action);
        const code = failure instanceof AppFailure ? failure.code : 'internal';
        deps.logger.warn('booking action refused', { action: a.action, uid: a.uid, code });
        if (code === 'permission_needed') deps.onPermissionMissing();
        // The booking changed on Cal.com (e.g. the client cancelled first): show its real state, best effort.
        if (code === 'booking_already_cancelled' || code === 'booking_not_pending')
          await deps.api.get(a.uid).then(apply, () => undefined);
        throw failure;
      } finally {
        inFlight.delete(a.uid);
      }
    },
  };
}
