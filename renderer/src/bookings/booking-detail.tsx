import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { Booking } from '../../../common/booking';
import { openableUrl } from '../../../common/external-url-policy';
import { meetingPlace } from '../../../common/meeting-place';
import { callApi } from '../api/api-client';
import { queryKeys } from '../api/query-keys';
import { CopyButton } from '../components/copy-button';
import { EmptyState } from '../components/empty-state';
import { ErrorNotice } from '../components/error-notice';
import { formatRange, formatStamp, formatTime, isKnownZone, zoneName } from '../components/format';
import { Spinner } from '../components/spinner';
import { StatusBadge } from '../components/status-badge';
import { useNow } from '../components/use-now';
import { useOpenExternal } from '../components/use-open-external';
import { BookingActions } from './booking-actions';

/** The booking the list selected, loaded on its own so a deep link works before the list has it. */
export function BookingDetail({ uid, timeZone }: { readonly uid: string; readonly timeZone: string }) {
  const booking = useQuery({ queryKey: queryKeys.booking(uid), queryFn: () => callApi('getBooking', { uid }) });
  if (booking.isPending) return <Spinner label="Loading booking" />;
  if (booking.isError) {
    return (
      <ErrorNotice error={booking.error} title="This booking could not be loaded">
        <button type="button" className="button" onClick={() => void booking.refetch()}>
          Retry
        </button>
      </ErrorNotice>
    );
  }
  if (!booking.data) {
    return (
      <EmptyState title="Booking not found">
        It is not in this computer’s records. It may belong to another Cal.com account.
      </EmptyState>
    );
  }
  return <BookingDetailBody booking={booking.data} timeZone={timeZone} />;
}

function BookingDetailBody({ booking, timeZone }: { readonly booking: Booking; readonly timeZone: string }) {
  const openExternal = useOpenExternal();
  const now = useNow();
  const attendeeZone = booking.attendee.timeZone;
  const showAttendeeZone = attendeeZone && attendeeZone !== timeZone && isKnownZone(attendeeZone);
  const meetingUrl = openableUrl(booking.meetingUrl);
  // Only a session still ahead (or running) can be joined; a moved, cancelled or finished one cannot.
  const canJoin =
    (booking.status === 'scheduled' || booking.status === 'pending') && new Date(booking.endTime).getTime() > now;
  // Named as the emails name it (common/meeting-place.ts): nothing when the location is the link itself.
  const place = meetingPlace(booking.location, booking.meetingUrl);

  return (
    <article className="booking-detail" aria-labelledby="booking-detail-heading">
      <header className="detail-header">
        <div>
          <h2 id="booking-detail-heading">{booking.attendee.name}</h2>
          <p className="muted">{booking.title}</p>
        </div>
        <StatusBadge status={booking.status} />
      </header>

      <section aria-label="When">
        <p className="detail-when">{formatRange(booking.startTime, booking.endTime, timeZone)}</p>
        {showAttendeeZone ? (
          <p className="muted small">
            {booking.attendee.name.split(' ')[0]}’s time: {formatTime(booking.startTime, attendeeZone)} –{' '}
            {formatTime(booking.endTime, attendeeZone)} {zoneName(booking.startTime, attendeeZone)} ({attendeeZone})
          </p>
        ) : null}
        <p className="muted small">{booking.duration} minutes</p>
      </section>

      {meetingUrl && canJoin ? (
        <div className="actions">
          <button type="button" className="button button-primary" onClick={() => openExternal(meetingUrl)}>
            Join meeting
          </button>
          <CopyButton text={meetingUrl} label="meeting link" />
        </div>
      ) : null}

      <dl className="facts">
        <dt>Attendee</dt>
        <dd>
          {booking.attendee.name}
          <br />
          <span className="muted">{booking.attendee.email}</span>
          {attendeeZone ? <span className="muted"> · {attendeeZone}</span> : null}
        </dd>
        {booking.guests.length > 0 ? (
          <>
            <dt>Guests</dt>
            <dd>{booking.guests.map((g) => `${g.name} <${g.email}>`).join(', ')}</dd>
          </>
        ) : null}
        {place ? (
          <>
            <dt>Location</dt>
            <dd title={place === booking.location ? undefined : (booking.location ?? undefined)}>{place}</dd>
          </>
        ) : null}
        {booking.meetingUrl && !meetingUrl ? (
          <>
            <dt>Meeting link</dt>
            <dd>{booking.meetingUrl}</dd>
          </>
        ) : null}
        {booking.description ? (
          <>
            <dt>Notes</dt>
            <dd className="pre-wrap">{booking.description}</dd>
          </>
        ) : null}
        {booking.status === 'cancelled' ? (
          <>
            <dt>Cancelled</dt>
            <dd>
              {booking.cancelledAt ? formatStamp(booking.cancelledAt, timeZone) : 'Yes'}
              {booking.cancelledBy ? ` by ${whoCancelled(booking)}` : ''}
              <br />
              <span className="muted">
                {booking.cancellationReason ? `“${booking.cancellationReason}”` : 'No reason given.'}
              </span>
            </dd>
          </>
        ) : null}
        {booking.rejectionReason ? (
          <>
            <dt>Declined because</dt>
            <dd>{booking.rejectionReason}</dd>
          </>
        ) : null}
        {booking.rescheduledFrom ? (
          <>
            <dt>Rescheduled from</dt>
            <dd>
              <ChainLink uid={booking.rescheduledFrom} timeZone={timeZone} />
            </dd>
          </>
        ) : null}
        {booking.rescheduledTo ? (
          <>
            <dt>Moved to</dt>
            <dd>
              <ChainLink uid={booking.rescheduledTo} timeZone={timeZone} />
            </dd>
          </>
        ) : null}
        <dt>Booked</dt>
        <dd>{formatStamp(booking.createdAt, timeZone)}</dd>
      </dl>

      <BookingActions booking={booking} />
    </article>
  );
}

/** The core says 'consultant' or 'user' (the original model's words) when it knows; the consultant reads "you" or the client's name. */
function whoCancelled(booking: Booking): string {
  if (booking.cancelledBy === 'consultant') return 'you';
  if (booking.cancelledBy === 'user') return booking.attendee.name;
  return booking.cancelledBy ?? '';
}

/** One link of a reschedule chain: the other booking's time, linking to it. */
function ChainLink({ uid, timeZone }: { readonly uid: string; readonly timeZone: string }) {
  const other = useQuery({ queryKey: queryKeys.booking(uid), queryFn: () => callApi('getBooking', { uid }) });
  const label = other.data
    ? formatStamp(other.data.startTime, timeZone)
    : other.isPending
      ? 'Loading…'
      : 'A booking not in this app';
  return <Link to={`/bookings/${encodeURIComponent(uid)}`}>{label}</Link>;
}
