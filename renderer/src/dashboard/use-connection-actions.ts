import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AppState } from '../../../common/app-state';
import { callApi } from '../api/api-client';
import { runsInBrowserHost } from '../api/bridge';
import { queryKeys } from '../api/query-keys';

/** Connect, cancel and disconnect as mutations; the core's `state` pushes carry the progress in between. */
export function useConnectionActions() {
  const queryClient = useQueryClient();
  const refreshState = () => queryClient.invalidateQueries({ queryKey: queryKeys.state });

  const connect = useMutation({
    mutationFn: () => callApi('connect', {}),
    onSuccess: ({ authorizeUrl }) => {
      // In Electron the core has already opened the system browser; a browser tab has to open it itself.
      if (runsInBrowserHost()) window.open(authorizeUrl, '_blank', 'noopener');
    },
    onSettled: refreshState,
  });
  const cancel = useMutation({ mutationFn: () => callApi('cancelConnect', {}), onSettled: refreshState });
  const disconnect = useMutation({
    mutationFn: (hideEventTypes: boolean) => callApi('disconnect', { hideEventTypes }),
    onSettled: () => queryClient.invalidateQueries(),
  });
  const setServices = useMutation({
    mutationFn: (services: AppState['services']) => callApi('setServices', services),
    // The switch moves at once (Cal.com may take a moment); a failure puts it back and says why.
    onMutate: async (services) => {
      await queryClient.cancelQueries({ queryKey: queryKeys.state });
      const previous = queryClient.getQueryData<AppState>(queryKeys.state);
      if (previous) queryClient.setQueryData<AppState>(queryKeys.state, { ...previous, services });
      return { previous };
    },
    onError: (_err, _services, context) => {
      if (context?.previous) queryClient.setQueryData(queryKeys.state, context.previous);
    },
    onSuccess: (state) => queryClient.setQueryData(queryKeys.state, state),
  });
  const syncNow = useMutation({ mutationFn: () => callApi('syncNow', {}), onSettled: refreshState });
  return { connect, cancel, disconnect, setServices, syncNow };
}
