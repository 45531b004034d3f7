import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { Booking, BookingQuery } from '../../../common/booking';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';

/** Rows per request: enough to fill a tall window several times, small enough to answer in milliseconds. */
export const BOOKING_PAGE_SIZE = 100;

/** The list query for these filters (shared by the list and the prefetch that starts it before the screen renders). */
export function bookingListOptions(query: Omit<BookingQuery, 'offset' | 'limit'>) {
  return infiniteQueryOptions({
    queryKey: queryKeys.bookingList(query),
    queryFn: ({ pageParam }) => callApi('listBookings', { ...query, offset: pageParam, limit: BOOKING_PAGE_SIZE }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.items.length, 0);
      return loaded < last.total && last.items.length > 0 ? loaded : undefined;
    },
  });
}

/** The filtered bookings, loaded page by page as the list scrolls (the list is virtualized). */
export function useBookingList(query: Omit<BookingQuery, 'offset' | 'limit'>) {
  const result = useInfiniteQuery({ ...bookingListOptions(query), placeholderData: keepPreviousData });
  const items: readonly Booking[] = result.data?.pages.flatMap((p) => p.items) ?? [];
  const total = result.data?.pages.at(-1)?.total ?? 0;
  return { ...result, items, total };
}
