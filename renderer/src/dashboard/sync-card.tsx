import type { AppState, SyncState } from '../../../common/app-state';
import { assertNever } from '../../../common/errors';
import { isApiError } from '../api/api-client';
import { ErrorNotice } from '../components/error-notice';
import { formatRelative, formatStamp } from '../components/format';
import { SyncProblemNotice } from './sync-problem';
import { useConnectionActions } from './use-connection-actions';

/** A sentence for each sync state. */
function describeSync(sync: SyncState, timeZone: string): string {
  switch (sync.status) {
    case 'live':
      return 'Live: new bookings arrive within seconds.';
    case 'catching-up':
      return 'Catching up on bookings that changed while the app was away…';
    case 'offline':
      return sync.offlineSince
        ? `Offline since ${formatStamp(sync.offlineSince, timeZone)}. Bookings sync again when the connection is back.`
        : 'Offline. Bookings sync again when the connection is back.';
    case 'idle':
      return 'Not syncing yet.';
    default:
      return assertNever(sync.status);
  }
}

/** Sync health: live or not, last synced, the last test webhook, and a Sync now button. */
export function SyncCard({ state, timeZone }: { readonly state: AppState; readonly timeZone: string }) {
  const { syncNow, connect } = useConnectionActions();
  const { sync, connection } = state;
  // Without a Cal.com sign-in the app cannot catch up, whatever the relay stream says: say that, not "Live".
  const paused = connection.status === 'reconnect-needed';
  // The connection card already explains a needed reconnect; the same notice twice would only add noise.
  // A later successful sync (a scheduled run after Cal.com recovered) makes an earlier Sync now failure old news.
  const overtaken = connection.lastSyncedAt !== undefined && Date.parse(connection.lastSyncedAt) > syncNow.submittedAt;
  const syncError =
    syncNow.isError && !overtaken && !(isApiError(syncNow.error) && syncNow.error.code === 'reconnect_needed')
      ? syncNow.error
      : null;
  return (
    <section className="card" aria-labelledby="sync-heading">
      <div className="card-header">
        <h2 id="sync-heading">Sync</h2>
        {paused ? (
          <span className="pill pill-offline">Paused</span>
        ) : sync.problem ? (
          <span className="pill pill-offline">Not syncing</span>
        ) : (
          <span className={`pill pill-${sync.status}`}>
            {sync.status === 'catching-up' ? 'Catching up' : sync.status[0]?.toUpperCase() + sync.status.slice(1)}
          </span>
        )}
      </div>
      <p>
        {paused
          ? 'Paused until you reconnect Cal.com: changes made in Cal.com may not reach the app until then.'
          : sync.problem && sync.status === 'live'
            ? 'New bookings still arrive live, but the app cannot check Cal.com for changes it may have missed.'
            : describeSync(sync, timeZone)}
      </p>
      <dl className="facts">
        <dt>Last synced</dt>
        <dd>
          {connection.lastSyncedAt ? (
            <time dateTime={connection.lastSyncedAt} title={formatStamp(connection.lastSyncedAt, timeZone)}>
              {formatRelative(connection.lastSyncedAt)}
            </time>
          ) : (
            'Not yet'
          )}
        </dd>
        <dt>Test webhook</dt>
        <dd>
          {sync.lastPingAt ? (
            <>
              Received{' '}
              <time dateTime={sync.lastPingAt} title={formatStamp(sync.lastPingAt, timeZone)}>
                {formatRelative(sync.lastPingAt)}
              </time>
            </>
          ) : (
            'None received yet (send one from Cal.com’s webhook settings to check the path).'
          )}
        </dd>
      </dl>
      {sync.problem && !paused ? (
        <SyncProblemNotice
          problem={sync.problem}
          timeZone={timeZone}
          onRetry={() => syncNow.mutate()}
          retrying={syncNow.isPending}
          onReconnect={() => connect.mutate()}
          reconnecting={connect.isPending}
        />
      ) : null}
      {connect.isError ? <ErrorNotice error={connect.error} title="Reconnect did not start" /> : null}
      {sync.quarantined > 0 ? (
        <p className="notice notice-warning">
          {sync.quarantined} incoming {sync.quarantined === 1 ? 'event' : 'events'} could not be verified and were set
          aside.
        </p>
      ) : null}
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={() => syncNow.mutate()}
          disabled={syncNow.isPending}
          aria-busy={syncNow.isPending}
        >
          {syncNow.isPending ? 'Syncing…' : 'Sync now'}
        </button>
      </div>
      {syncError && !sync.problem ? <ErrorNotice error={syncError} title="Sync did not finish" /> : null}
    </section>
  );
}
