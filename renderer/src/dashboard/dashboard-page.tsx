import { useAppState, useConsultantTimeZone } from '../api/use-app-state';
import { ErrorNotice } from '../components/error-notice';
import { Spinner } from '../components/spinner';
import { ConnectionCard } from './connection-card';
import { ServicesCard } from './services-card';
import { SyncCard } from './sync-card';
import { UpcomingCard } from './upcoming-card';

/** Dashboard: connection, services and links, sync health, next sessions. */
export function DashboardPage() {
  const state = useAppState();
  const timeZone = useConsultantTimeZone();
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
