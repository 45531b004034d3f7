import { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/api-client';

/** Errors worth one quiet retry: the far side may be back a moment later. Others are shown at once. */
const transient = new Set(['calcom_unavailable', 'relay_unavailable', 'internal']);

/** The one QueryClient: local data is cheap to ask for, push events do the invalidation. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failures, err) => failures < 1 && isApiError(err) && transient.has(err.code),
      },
      mutations: { retry: false },
    },
  });
}
