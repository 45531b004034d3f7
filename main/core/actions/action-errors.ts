import type { BookingActionName } from '../../../common/booking-actions';
import { AppFailure } from '../../../common/errors';
import { CalcomApiError } from '../calcom/calcom-http';

const verbs: Record<BookingActionName, string> = {
  accept: 'accept this request',
  decline: 'decline this request',
  cancel: 'cancel this booking',
  'request-reschedule': 'ask for a reschedule',
  'no-show': 'change the no-show mark',
};

/**
 * Turns Cal.com's refusal of a booking action into the specific error the consultant sees (issue 19): already
 * cancelled, no longer waiting for an answer, in the past, not this account's booking, a missing permission. Cal.com
 * down, rate limits and "reconnect needed" keep the codes calcom-http.ts gave them. Pure; messages name the action.
 */
export function classifyActionFailure(err: unknown, action: BookingActionName): unknown {
  if (!(err instanceof CalcomApiError) || err.status === undefined) return err;
  const message = err.apiMessage ?? '';
  const cannot = `Cal.com did not let you ${verbs[action]}`;
  if (err.status === 404) return new AppFailure('not_found', `${cannot}: the booking no longer exists on Cal.com.`);
  if (err.status === 403) {
    if (/insufficient_scope/i.test(message)) {
      return new AppFailure(
        'permission_needed',
        'LifeScore needs one more Cal.com permission (manage bookings) to act on bookings. Grant it once from the dashboard.',
      );
    }
    return new AppFailure('booking_not_owner', `${cannot}: this booking belongs to another Cal.com account.`);
  }
  if (err.status === 400 || err.status === 409) {
    if (/already (been )?(cancel|reject)/i.test(message))
      return new AppFailure(
        'booking_already_cancelled',
        `${cannot}: it was already cancelled or declined (perhaps by the client).`,
      );
    if (/not pending|already (been )?(confirm|accept)/i.test(message))
      return new AppFailure('booking_not_pending', `${cannot}: the request was already answered.`);
    if (/ended|in the past|not started|past booking/i.test(message)) {
      return new AppFailure(
        'booking_in_past',
        action === 'no-show'
          ? `${cannot}: the session has not started yet.`
          : `${cannot}: the session is already over.`,
      );
    }
  }
  return err;
}
