import type { BookingStatus, SandboxBooking, SandboxEventType, SandboxUser } from './state';

/** A booking as `GET /v2/bookings` (cal-api-version 2024-08-13) returns it: start/end, lowercase status. */
export interface V2BookingOut {
  id: number;
  uid: string;
  title: string;
  description: string;
  hosts: { id: number; name: string; email: string; username: string; timeZone: string }[];
  status: 'accepted' | 'pending' | 'cancelled' | 'rejected';
  cancellationReason: string | null;
  cancelledByEmail: string | null;
  rejectionReason: string | null;
  reschedulingReason: string | null;
  rescheduledByEmail: string | null;
  rescheduledFromUid: string | null;
  rescheduledToUid: string | null;
  start: string;
  end: string;
  duration: number;
  eventTypeId: number;
  eventType: { id: number; slug: string };
  meetingUrl: string;
  location: string;
  absentHost: boolean;
  createdAt: string;
  updatedAt: string;
  metadata: Record<string, string>;
  icsUid: string;
  attendees: { name: string; email: string; timeZone: string; language: string; absent: boolean }[];
  guests: string[];
  bookingFieldsResponses: Record<string, unknown>;
}

const lower: Record<BookingStatus, V2BookingOut['status']> = { ACCEPTED: 'accepted', PENDING: 'pending', CANCELLED: 'cancelled', REJECTED: 'rejected' };

/** Maps the stored booking to the v2 2024-08-13 output shape. */
export function toV2Booking(b: SandboxBooking, et: SandboxEventType, host: SandboxUser, baseUrl: string): V2BookingOut {
  const booker = b.attendees[0];
  const meetingUrl = `${baseUrl}/video/${b.uid}`;
  const guests = b.attendees.slice(1).map((a) => a.email);
  return {
    id: b.id,
    uid: b.uid,
    title: b.title,
    description: b.description ?? '',
    hosts: [{ id: host.id, name: host.name, email: host.email, username: host.username, timeZone: host.timeZone }],
    status: lower[b.status],
    cancellationReason: b.cancellationReason,
    cancelledByEmail: b.cancelledBy,
    rejectionReason: b.rejectionReason,
    reschedulingReason: b.rescheduleReason,
    rescheduledByEmail: b.rescheduledBy,
    rescheduledFromUid: b.fromReschedule,
    rescheduledToUid: b.rescheduledToUid,
    start: new Date(b.start).toISOString(),
    end: new Date(b.end).toISOString(),
    duration: Math.round((Date.parse(b.end) - Date.parse(b.start)) / 60_000),
    eventTypeId: et.id,
    eventType: { id: et.id, slug: et.slug },
    // meetingUrl is deprecated in favour of location, which carries the Cal Video URL rather than `integrations:daily`.
    meetingUrl,
    location: meetingUrl,
    absentHost: false,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
    metadata: {},
    icsUid: b.iCalUID,
    attendees: b.attendees.map((a) => ({ name: a.name, email: a.email, timeZone: a.timeZone, language: 'en', absent: a.noShow })),
    guests,
    bookingFieldsResponses: {
      name: booker?.name ?? '',
      email: booker?.email ?? '',
      ...(b.description ? { notes: b.description } : {}),
      ...(guests.length ? { guests } : {}),
    },
  };
}
