import type { BookingQuery, BookingStatus } from '../../../common/booking';
import type { bookingTabs } from '../../../common/booking';

export type BookingTab = (typeof bookingTabs)[number];

/** What the consultant chose on the Bookings screen (dates are yyyy-mm-dd in their own zone). */
export interface BookingFilters {
  readonly tab: BookingTab;
  readonly status: BookingStatus | 'any';
  readonly from: string;
  readonly to: string;
  readonly search: string;
}

export const defaultFilters: BookingFilters = { tab: 'upcoming', status: 'any', from: '', to: '', search: '' };

/** True when anything narrows the tab (for the "no results for this filter" empty state). */
export function hasNarrowingFilters(f: BookingFilters): boolean {
  return f.status !== 'any' || f.from !== '' || f.to !== '' || f.search.trim() !== '';
}

/** The API query for the filters; a day range covers whole local days. */
export function toBookingQuery(f: BookingFilters): Omit<BookingQuery, 'offset' | 'limit'> {
  const query: { -readonly [K in keyof BookingQuery]: BookingQuery[K] } = { tab: f.tab };
  if (f.status !== 'any') query.status = [f.status];
  if (f.from) query.startDate = new Date(`${f.from}T00:00:00`).toISOString();
  if (f.to) query.endDate = new Date(`${f.to}T23:59:59.999`).toISOString();
  const search = f.search.trim();
  if (search) query.search = search.slice(0, 200);
  return query;
}
