import { useQuery } from '@tanstack/react-query';
import type { Booking } from '../../../common/booking';
import { callApi } from '../api/api-client';

const PAGE = 500;
/** Enough for a very busy practice over a quarter; beyond it the charts say they are partial. */
const MAX_ROWS = 20_000;

/** Every booking starting in [from, to], fetched page by page (the store answers from SQLite). */
export function usePeriodBookings(from: Date, to: Date) {
  const startDate = from.toISOString();
  const endDate = to.toISOString();
  return useQuery({
    queryKey: ['bookings', 'period', startDate, endDate],
    queryFn: async () => {
      const items: Booking[] = [];
      let total = 0;
      do {
        const page = await callApi('listBookings', {
          tab: 'all',
          startDate,
          endDate,
          offset: items.length,
          limit: PAGE,
        });
        total = page.total;
        items.push(...page.items);
        if (page.items.length === 0) break;
      } while (items.length < total && items.length < MAX_ROWS);
      return { items, partial: items.length < total };
    },
  });
}
