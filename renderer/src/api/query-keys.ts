import type { BookingQuery } from '../../../common/booking';

/** Every react-query key in one place, so push events invalidate exactly what they change. */
export const queryKeys = {
  state: ['state'] as const,
  settings: ['settings'] as const,
  bookings: ['bookings'] as const,
  bookingList: (query: Omit<BookingQuery, 'offset' | 'limit'>) => ['bookings', 'list', query] as const,
  bookingCounts: ['bookings', 'counts'] as const,
  booking: (uid: string) => ['bookings', 'one', uid] as const,
  upcoming: ['bookings', 'upcoming'] as const,
  requests: ['bookings', 'requests'] as const,
  diagnostics: ['diagnostics'] as const,
  audit: (query: object) => ['audit', query] as const,
};
