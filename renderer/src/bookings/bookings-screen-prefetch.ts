import type { QueryClient } from '@tanstack/react-query';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';
import { defaultFilters, toBookingQuery } from './booking-filters';
import { bookingListOptions } from './use-booking-list';

/**
 * Starts what the Bookings screen first shows (its list as it opens, the counts, a deep-linked booking) when the
 * app opens on it. A query otherwise starts only once React has rendered and committed the screen, so the first
 * rows would wait for that render and then for the answer; this way the two overlap. Fresh data is not asked again.
 */
export function prefetchBookingsScreen(queryClient: QueryClient, uid: string | undefined): void {
  void queryClient.prefetchInfiniteQuery(bookingListOptions(toBookingQuery(defaultFilters)));
  void queryClient.prefetchQuery({ queryKey: queryKeys.bookingCounts, queryFn: () => callApi('countBookings', {}) });
  if (uid)
    void queryClient.prefetchQuery({ queryKey: queryKeys.booking(uid), queryFn: () => callApi('getBooking', { uid }) });
}
