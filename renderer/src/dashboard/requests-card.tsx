import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Booking } from '../../../common/booking';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';
import { ActionDialog } from '../bookings/action-dialog';
import { actionText } from '../bookings/action-rules';
import { useBookingAction } from '../bookings/use-booking-action';
import { ErrorNotice } from '../components/error-notice';
import { formatDate, formatTime } from '../components/format';

/** "Needs your answer": booking requests waiting for the consultant, each with Accept / Decline (issue 19). Hidden when none. */
export function RequestsCard({ timeZone, disabled }: { readonly timeZone: string; readonly disabled: boolean }) {
  const requests = useQuery({
    queryKey: queryKeys.requests,
    queryFn: () => callApi('listBookings', { tab: 'upcoming', status: ['pending'], limit: 20 }),
  });
  const run = useBookingAction();
  const [open, setOpen] = useState<{ booking: Booking; action: 'accept' | 'decline' } | null>(null);
  if (!requests.data || requests.data.items.length === 0) return null;
  return (
    <section className="card" aria-labelledby="requests-heading">
      <div className="card-header">
        <h2 id="requests-heading">Needs your answer</h2>
        <span className="muted small">
          {requests.data.total === 1 ? '1 request' : `${requests.data.total} requests`}
        </span>
      </div>
      <ul className="requests-list">
        {requests.data.items.map((b) => {
          const busy = run.isPending && run.variables?.uid === b.uid;
          return (
            <li key={b.uid} className="request-item">
              <Link to={`/bookings/${encodeURIComponent(b.uid)}`}>
                {b.attendee.name}
                <span className="muted">
                  {' '}
                  · {formatDate(b.startTime, timeZone)} {formatTime(b.startTime, timeZone)} · {b.duration} min
                </span>
              </Link>
              <div className="actions">
                {busy && run.variables ? (
                  <span role="status" className="muted small">
                    {actionText[run.variables.action].pending}
                  </span>
                ) : (
                  <>
                    <button
                      type="button"
                      className="button button-primary"
                      disabled={disabled || run.isPending}
                      onClick={() => setOpen({ booking: b, action: 'accept' })}
                      aria-label={`Accept ${b.attendee.name}`}
                    >
                      Accept
                    </button>
                    <button
                      type="button"
                      className="button"
                      disabled={disabled || run.isPending}
                      onClick={() => setOpen({ booking: b, action: 'decline' })}
                      aria-label={`Decline ${b.attendee.name}`}
                    >
                      Decline
                    </button>
                  </>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {run.isError ? <ErrorNotice error={run.error} title="Cal.com did not make the change" /> : null}
      {open ? (
        <ActionDialog
          action={open.action}
          clientName={open.booking.attendee.name}
          onCancel={() => setOpen(null)}
          onConfirm={(reason) => {
            const { booking, action } = open;
            setOpen(null);
            run.mutate(
              action === 'accept'
                ? { uid: booking.uid, action }
                : { uid: booking.uid, action, ...(reason ? { reason } : {}) },
            );
          }}
        />
      ) : null}
    </section>
  );
}
