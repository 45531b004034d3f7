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

/**
 * Every status, in the order the filters list them: common/booking's `bookingStatuses` (status-badge.test.ts checks
 * they match), read from the labels so the renderer never imports common/booking at run time. That module builds
 * its zod schemas as it loads, which would put zod and that work on the path to the app's first screen.
 */
export const bookingStatusOrder = Object.keys(bookingStatusLabels) as readonly BookingStatus[];

/** A coloured pill with the status in words (colour is never the only signal). */
export function StatusBadge({ status }: { readonly status: BookingStatus }) {
  return <span className={`badge badge-${status}`}>{bookingStatusLabels[status]}</span>;
}
