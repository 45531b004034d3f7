import type { ConnectionState } from '../../../common/app-state';
import { formatStamp } from '../components/format';

/** True when the relay hides the consultant's public links (issue 16: approval by LifeScore). */
export function linksHidden(connection: ConnectionState): boolean {
  return (
    connection.status === 'connected' && (connection.approval === 'pending' || connection.approval === 'suspended')
  );
}

/**
 * What the relay decided about this consultant and what the app did on its own: "Waiting for approval by LifeScore"
 * (and why the public links are hidden), "suspended", or a notice such as a re-created relay connection.
 */
export function ApprovalCard({
  connection,
  timeZone,
}: {
  readonly connection: ConnectionState;
  readonly timeZone: string;
}) {
  if (connection.status !== 'connected') return null;
  const { approval, notice } = connection;
  if (approval !== 'pending' && approval !== 'suspended' && !notice) return null;
  return (
    <section className="card" aria-labelledby="approval-heading">
      <div className="card-header">
        <h2 id="approval-heading">
          {approval === 'pending'
            ? 'Waiting for approval by LifeScore'
            : approval === 'suspended'
              ? 'Account suspended by LifeScore'
              : 'LifeScore relay'}
        </h2>
      </div>
      {approval === 'pending' ? (
        <div className="notice notice-warning" role="status">
          <p className="notice-title">Your public links are hidden for now</p>
          <p>
            Your public profile page and booking links are hidden, and LifeScore sends no booking emails, until
            LifeScore has approved your account. New bookings still arrive here. This page updates by itself once you
            are approved.
          </p>
        </div>
      ) : approval === 'suspended' ? (
        <div className="notice notice-warning" role="status">
          <p className="notice-title">Your public links are hidden</p>
          <p>
            LifeScore has suspended your account, so your public profile page and booking links are hidden and no
            booking emails are sent. Bookings still arrive here. Contact LifeScore support to have it restored.
          </p>
        </div>
      ) : null}
      {notice ? (
        <p className="muted" role="status">
          {notice.message} <span className="small">({formatStamp(notice.at, timeZone)})</span>
        </p>
      ) : null}
    </section>
  );
}
