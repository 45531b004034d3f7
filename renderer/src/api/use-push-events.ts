import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import type { PushEvent } from '../../../common/api';
import { assertNever } from '../../../common/errors';
import { useToast } from '../app/toasts';
import { getBridge } from './bridge';
import { queryKeys } from './query-keys';

/**
 * Subscribes once to the bridge's push events and turns them into cache updates: `state` replaces the
 * state query, `bookings-changed` (and `state`, which follows syncs and reconnects) refetch bookings.
 */
export function usePushEvents(): void {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();

  useEffect(() => {
    const bridge = getBridge();
    if (!bridge) return undefined;
    const unsubscribe = bridge.onEvent((event: PushEvent) => {
      switch (event.type) {
        case 'state':
          queryClient.setQueryData(queryKeys.state, event.state);
          // Without cancelling a fetch under way: every stream opens with a state event, as the page loads its
          // first bookings, and cancelling that first fetch to ask again only delays the first rows.
          void queryClient.invalidateQueries({ queryKey: queryKeys.bookings }, { cancelRefetch: false });
          break;
        case 'bookings-changed':
          void queryClient.invalidateQueries({ queryKey: queryKeys.bookings });
          break;
        case 'open-booking':
          void navigate(`/bookings/${encodeURIComponent(event.uid)}`);
          break;
        case 'toast':
          toast.show(event.level, event.message);
          break;
        default:
          assertNever(event);
      }
    });
    // Subscribed: main may now deliver the deep links it queued (a cold-start booking link, a link after a reload).
    void bridge.rendererReady({}).catch(() => undefined);
    return unsubscribe;
  }, [queryClient, navigate, toast]);
}
