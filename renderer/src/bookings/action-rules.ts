import type { Booking } from '../../../common/booking';
import type { BookingActionName } from '../../../common/booking-actions';

/** The actions the detail offers for a booking at `now` (Cal.com refuses the others; the core maps its refusals). */
export function availableActions(booking: Booking, now: number): readonly BookingActionName[] {
  const ended = new Date(booking.endTime).getTime() <= now;
  const started = new Date(booking.startTime).getTime() <= now;
  const out: BookingActionName[] = [];
  if (booking.status === 'pending' && !ended) out.push('accept', 'decline');
  if (booking.status === 'scheduled' && !ended) out.push('cancel', 'request-reschedule');
  if (started && (booking.status === 'scheduled' || booking.status === 'completed' || booking.status === 'no-show'))
    out.push('no-show');
  return out;
}

/** Words of each action: the button, the dialog, the pending line and whether a reason can go with it. */
export const actionText: Readonly<
  Record<
    BookingActionName,
    { button: string; title: string; confirm: string; pending: string; body: string; reason?: string; danger?: boolean }
  >
> = {
  accept: {
    button: 'Accept',
    title: 'Accept this request?',
    confirm: 'Accept request',
    pending: 'Accepting on Cal.com…',
    body: 'The session is confirmed on Cal.com and the client gets a confirmation.',
  },
  decline: {
    button: 'Decline',
    title: 'Decline this request?',
    confirm: 'Decline request',
    pending: 'Declining on Cal.com…',
    body: 'The time is freed on Cal.com and the client is told the request was declined.',
    reason: 'Reason (optional, the client sees it)',
    danger: true,
  },
  cancel: {
    button: 'Cancel session',
    title: 'Cancel this session?',
    confirm: 'Cancel session',
    pending: 'Cancelling on Cal.com…',
    body: 'The session is cancelled on Cal.com and the client is told. This cannot be undone.',
    reason: 'Reason (optional, the client sees it)',
    danger: true,
  },
  'request-reschedule': {
    button: 'Ask to reschedule',
    title: 'Ask the client to pick another time?',
    confirm: 'Ask to reschedule',
    pending: 'Asking Cal.com to send a reschedule link…',
    body: 'Cal.com cancels this time and emails the client a link to book a new one. Their new booking appears here, linked to this one.',
    reason: 'Message (optional, the client sees it)',
  },
  'no-show': {
    button: 'Mark as no-show',
    title: 'Mark the client as a no-show?',
    confirm: 'Mark as no-show',
    pending: 'Saving on Cal.com…',
    body: 'Cal.com records that the client did not attend. You can undo this.',
  },
};
