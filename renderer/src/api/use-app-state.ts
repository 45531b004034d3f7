import { useQuery } from '@tanstack/react-query';
import type { AppState } from '../../../common/app-state';
import { callApi } from './api-client';
import { queryKeys } from './query-keys';

/** The app state (connection + sync); kept fresh by `state` push events (see use-push-events). */
export function useAppState() {
  return useQuery<AppState>({ queryKey: queryKeys.state, queryFn: () => callApi('getState', {}) });
}

/** The consultant's time zone: Cal.com's, or this computer's until connected. */
export function useConsultantTimeZone(): string {
  const { data } = useAppState();
  return data?.connection.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}
