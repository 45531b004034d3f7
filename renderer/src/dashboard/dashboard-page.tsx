import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';
import { useAppState, useConsultantTimeZone } from '../api/use-app-state';
import { ApprovalCard } from './approval-card';
import { ErrorNotice } from '../components/error-notice';
import { Spinner } from '../components/spinner';
import { ConnectionCard } from './connection-card';
import { ServicesCard } from './services-card';
import { SyncCard } from './sync-card';
import { UpcomingCard } from './upcoming-card';
import { PermissionPrompt } from './permission-card';
import { RequestsCard } from './requests-card';

/** Dashboard: connection, services and links, sync health, next sessions. */
export function DashboardPage() {
  const state = useAppState();
  const timeZone = useConsultantTimeZone();
  const queryClient = useQueryClient();
  // Approval and the relay connection can change while the app sits in the background: ask again when it comes back.
  useEffect(() => {
    const refresh = () => {
      callApi('refreshChannelStatus', {})
        .then((next) => queryClient.setQueryData(queryKeys.state, next))
        .catch(() => undefined);
    };
    window.addEventListener('focus', refresh);
    return () => window.removeEventListener('focus', refresh);
  }, [queryClient]);
  return (
    <>
      <header className="page-header">
        <h1>Dashboard</h1>
      </header>
      {state.isPending ? (
        <Spinner label="Loading" />
      ) : state.isError ? (
        <ErrorNotice error={state.error} title="The app state could not be loaded">
          <button type="button" className="button" onClick={() => void state.refetch()}>
            Retry
          </button>
        </ErrorNotice>
      ) : (
        <div className="grid">
          <ConnectionCard state={state.data} timeZone={timeZone} />
          <ApprovalCard connection={state.data.connection} timeZone={timeZone} />
          {state.data.connection.status === 'connected' && state.data.connection.missingPermission ? (
            <section className="card" aria-label="Permission needed">
              <PermissionPrompt why={state.data.connection.missingPermission.why} />
            </section>
          ) : null}
          {state.data.connection.status === 'connected' ? (
            <RequestsCard timeZone={timeZone} disabled={Boolean(state.data.connection.missingPermission)} />
          ) : null}
          {state.data.connection.status === 'connected' ? <UpcomingCard timeZone={timeZone} /> : null}
          <ServicesCard state={state.data} />
          {state.data.connection.status === 'connected' || state.data.connection.status === 'reconnect-needed' ? (
            <SyncCard state={state.data} timeZone={timeZone} />
          ) : null}
        </div>
      )}
    </>
  );
}
