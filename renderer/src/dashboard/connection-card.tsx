import { useState } from 'react';
import type { AppState } from '../../../common/app-state';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorNotice } from '../components/error-notice';
import { formatStamp } from '../components/format';
import { ConnectProgress } from './connect-progress';
import { useConnectionActions } from './use-connection-actions';

/** Connection status with the one action that fits it: Connect, Retry, Reconnect or Disconnect. */
export function ConnectionCard({ state, timeZone }: { readonly state: AppState; readonly timeZone: string }) {
  const { connection } = state;
  const { connect, disconnect } = useConnectionActions();
  const [confirming, setConfirming] = useState(false);
  const [hideEventTypes, setHideEventTypes] = useState(true);

  const connectButton = (label: string) => (
    <button
      type="button"
      className="button button-primary"
      onClick={() => connect.mutate()}
      disabled={connect.isPending}
      aria-busy={connect.isPending}
    >
      {label}
    </button>
  );

  return (
    <section className="card" aria-labelledby="connection-heading">
      <div className="card-header">
        <h2 id="connection-heading">Cal.com</h2>
        <span className={`dot dot-${connection.status}`} aria-hidden="true" />
      </div>

      {connection.status === 'connected' ? (
        <>
          <p className="connection-status" role="status">
            Connected as <strong>{connection.username ?? connection.email ?? 'your Cal.com account'}</strong>
          </p>
          <dl className="facts">
            {connection.email ? (
              <>
                <dt>Email</dt>
                <dd>{connection.email}</dd>
              </>
            ) : null}
            {connection.connectedAt ? (
              <>
                <dt>Connected since</dt>
                <dd>{formatStamp(connection.connectedAt, timeZone)}</dd>
              </>
            ) : null}
            <dt>Time zone</dt>
            <dd>{timeZone}</dd>
          </dl>
          {connection.otherDeviceSince ? (
            <div className="notice notice-warning" role="status">
              <p className="notice-title">Connected on another computer</p>
              <p>
                Your Cal.com account was also connected to LifeScore on another computer on{' '}
                {formatStamp(connection.otherDeviceSince, timeZone)}. Bookings keep arriving on both while Cal.com
                allows it.
              </p>
            </div>
          ) : null}
          {connection.error ? <ErrorNotice error={connection.error} /> : null}
          <div className="actions">
            <button type="button" className="button button-quiet-danger" onClick={() => setConfirming(true)}>
              Disconnect
            </button>
          </div>
        </>
      ) : connection.status === 'connecting' ? (
        <>
          <p className="connection-status" role="status">
            Connecting to Cal.com…
          </p>
          <ConnectProgress connection={connection} />
        </>
      ) : connection.status === 'reconnect-needed' ? (
        <>
          <p className="connection-status" role="status">
            {connection.error?.code === 'other_computer' || connection.otherDeviceSince
              ? `Connected on another computer${connection.username ? ` (${connection.username})` : ''}`
              : `Reconnect needed${connection.username ? ` for ${connection.username}` : ''}`}
          </p>
          <ErrorNotice
            error={
              connection.error ?? { code: 'reconnect_needed', message: 'Cal.com no longer accepts the app’s sign-in.' }
            }
          />
          <div className="actions">
            {connectButton('Reconnect Cal.com')}
            <button type="button" className="button button-quiet-danger" onClick={() => setConfirming(true)}>
              Disconnect
            </button>
          </div>
        </>
      ) : (
        <>
          <p className="connection-status" role="status">
            Not connected
          </p>
          {connection.error ? (
            // Whatever stopped the last attempt (declined, Cal.com failing, interrupted), the way on is the same: Retry.
            <ErrorNotice error={connection.error} title="Connecting did not finish">
              {connectButton('Retry')}
            </ErrorNotice>
          ) : (
            <p className="muted">
              Connect your Cal.com account to offer 30, 60 and 90-minute sessions. The app creates your booking pages
              and brings every booking here, live.
            </p>
          )}
          {connect.isError ? <ErrorNotice error={connect.error} title="Could not start connecting" /> : null}
          {connection.error ? null : <div className="actions">{connectButton('Connect Cal.com')}</div>}
        </>
      )}

      <ConfirmDialog
        open={confirming}
        title="Disconnect Cal.com?"
        confirmLabel="Disconnect"
        danger
        busy={disconnect.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => disconnect.mutate(hideEventTypes, { onSettled: () => setConfirming(false) })}
      >
        <p>
          New bookings will stop arriving in the app and your booking links stop being shared. Your booking history
          stays on this computer.
        </p>
        <label className="checkbox">
          <input type="checkbox" checked={hideEventTypes} onChange={(e) => setHideEventTypes(e.target.checked)} />
          Hide my LifeScore booking pages on Cal.com
        </label>
      </ConfirmDialog>
      {disconnect.isError ? <ErrorNotice error={disconnect.error} title="Could not disconnect" /> : null}
    </section>
  );
}
