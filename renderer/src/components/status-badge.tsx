import type { BookingStatus } from '../../../common/booking';

/** Words the consultant reads for each booking status. */
export const bookingStatusLabels: Readonly<Record<BookingStatus, string>> = {
  pending: 'Awaiting approval',
  scheduled: 'Scheduled',
  completed: 'Completed',
  cancelled: 'Cancelled',
  rescheduled: 'Rescheduled',
  rejected: 'Declined',
  'no-show': 'No-show',
};

/** A coloured pill with the status in words (colour is never the only signal). */
export function StatusBadge({ status }: { readonly status: BookingStatus }) {
  return <span className={`badge badge-${status}`}>{bookingStatusLabels[status]}</span>;
}
