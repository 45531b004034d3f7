import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { BookingActionInput } from '../../../common/booking-actions';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';

/** Runs a booking action through Cal.com; on its answer the booking and every list showing it refresh. */
export function useBookingAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: BookingActionInput) => callApi('bookingAction', input),
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.booking(updated.uid), updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.bookings });
    },
    onError: () => {
      // A refusal may have refreshed the booking from Cal.com (e.g. the client cancelled first): show that state.
      void queryClient.invalidateQueries({ queryKey: queryKeys.bookings });
    },
  });
}
