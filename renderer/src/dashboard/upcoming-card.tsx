import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';
import { EmptyState } from '../components/empty-state';
import { ErrorNotice } from '../components/error-notice';
import { formatDate, formatTime } from '../components/format';
import { Spinner } from '../components/spinner';

/** Today's and the next sessions at a glance. */
export function UpcomingCard({ timeZone }: { readonly timeZone: string }) {
  const upcoming = useQuery({
    queryKey: queryKeys.upcoming,
    queryFn: () => callApi('listBookings', { tab: 'upcoming', limit: 5 }),
  });
  const today = formatDate(new Date().toISOString(), timeZone);
  return (
    <section className="card" aria-labelledby="upcoming-heading">
      <div className="card-header">
        <h2 id="upcoming-heading">Next sessions</h2>
        {/* "View all", not "All bookings": the nav's "Bookings" link stays the only link of that name. */}
        <Link to="/bookings" className="card-link">
          View all
        </Link>
      </div>
      {upcoming.isPending ? (
        <Spinner label="Loading next sessions" />
      ) : upcoming.isError ? (
        <ErrorNotice error={upcoming.error}>
          <button type="button" className="button" onClick={() => void upcoming.refetch()}>
            Retry
          </button>
        </ErrorNotice>
      ) : upcoming.data.items.length === 0 ? (
        <EmptyState title="No upcoming sessions">
          Share a booking link with a client; their booking shows up here the moment they book.
        </EmptyState>
      ) : (
        <ul className="upcoming-list">
          {upcoming.data.items.map((b) => {
            const day = formatDate(b.startTime, timeZone);
            return (
              <li key={b.uid}>
                <Link to={`/bookings/${encodeURIComponent(b.uid)}`} className="upcoming-item">
                  <span className="upcoming-when">
                    <span className={day === today ? 'today' : undefined}>{day === today ? 'Today' : day}</span>
                    <strong>{formatTime(b.startTime, timeZone)}</strong>
                  </span>
                  <span className="upcoming-who">
                    <strong>{b.attendee.name}</strong>
                    <span className="muted" title={b.title}>
                      {b.title} · {b.duration} min
                    </span>
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
