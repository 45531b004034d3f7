import type { QueryClient } from '@tanstack/react-query';
import type { Params } from 'react-router';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';

/** What a route may put in its `handle`: the data its screen shows first, to start before the screen renders. */
export interface RouteHandle {
  readonly prefetch?: (queryClient: QueryClient, params: Params) => void;
}

/**
 * Starts the first screen's data as the app loads, in parallel with React's first render (queries otherwise start
 * once that render is committed): the app state every screen's frame shows, and whatever the opening route asks for.
 */
export function prefetchFirstScreen(
  queryClient: QueryClient,
  matches: readonly { readonly route: { readonly handle?: unknown }; readonly params: Params }[],
): void {
  void queryClient.prefetchQuery({ queryKey: queryKeys.state, queryFn: () => callApi('getState', {}) });
  for (const match of matches) (match.route.handle as RouteHandle | undefined)?.prefetch?.(queryClient, match.params);
}
