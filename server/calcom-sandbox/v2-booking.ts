import type { BookingStatus, SandboxBooking, SandboxEventType, SandboxUser } from './state';

/** A booking as `GET /v2/bookings` (cal-api-version 2024-08-13) returns it: start/end, lowercase status. */
export interface V2BookingOut {
  id: number;
  uid: string;
  title: string;
  description: string;
  hosts: { id: number; name: string; email: string; displayEmail: string; username: string; timeZone: string }[];
  /** Lower-cased database status: the documented four, or another one (e.g. `awaiting_host`) Cal.com's database has. */
  status: string;
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
  attendees: V2AttendeeOut[];
  /** Regular and recurring bookings only (seated ones answer per seat, in the attendees). */
  guests?: string[];
  bookingFieldsResponses?: Record<string, unknown>;
  /** Recurring bookings: the series every occurrence belongs to. */
  recurringBookingUid?: string;
}

/** An attendee; for a seated booking also its seat (seatUid, the seat's own responses and metadata). */
export interface V2AttendeeOut {
  name: string;
  email?: string;
  displayEmail?: string;
  timeZone: string;
  language: string;
  absent: boolean;
  seatUid?: string;
  bookingFieldsResponses?: Record<string, unknown>;
  metadata?: Record<string, string>;
}

/** Cal.com lower-cases the database status (AWAITING_HOST → awaiting_host): not only the four its reference lists. */
const lower = (s: BookingStatus): string => s.toLowerCase();

/**
 * One attendee as the 2024-08-13 output writes it. `displayEmail` is always there next to `email` (the address to
 * show; for organization bookings Cal.com may mask `email` itself). A hidden email leaves both out.
 */
function attendeeOut(a: SandboxBooking['attendees'][number], seated: boolean): V2AttendeeOut {
  return {
    name: a.name,
    ...(a.emailHidden ? {} : { email: a.email, displayEmail: a.email }),
    timeZone: a.timeZone,
    language: 'en',
    absent: a.noShow,
    ...(seated && a.seatUid
      ? {
          seatUid: a.seatUid,
          bookingFieldsResponses: { name: a.name, ...(a.emailHidden ? {} : { email: a.email }) },
          metadata: {},
        }
      : {}),
  };
}

/** Maps the stored booking to the v2 2024-08-13 output shape. */
export function toV2Booking(b: SandboxBooking, et: SandboxEventType, host: SandboxUser, baseUrl: string): V2BookingOut {
  const out = toV2Shape(b, et, host, baseUrl);
  // A booking the reference would not allow: the fields named null (special-bookings.ts, `nullFields`).
  for (const field of b.nullFields ?? []) (out as unknown as Record<string, unknown>)[field] = null;
  return out;
}

function toV2Shape(b: SandboxBooking, et: SandboxEventType, host: SandboxUser, baseUrl: string): V2BookingOut {
  const booker = b.attendees[0];
  const meetingUrl = `${baseUrl}/video/${b.uid}`;
  const seated = b.attendees.some((a) => a.seatUid);
  const guests = b.attendees.slice(1).map((a) => a.email);
  return {
    id: b.id,
    uid: b.uid,
    title: b.title,
    description: b.description ?? '',
    hosts: [
      {
        id: host.id,
        name: host.name,
        email: host.email,
        displayEmail: host.email,
        username: host.username,
        timeZone: host.timeZone,
      },
    ],
    status: lower(b.status),
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
    // The booker's metadata as stored (see README "knowingly differs" for Cal.com's own videoCallUrl).
    metadata: { ...b.metadata },
    icsUid: b.iCalUID,
    attendees: b.attendees.map((a) => attendeeOut(a, seated)),
    ...(b.recurringBookingUid ? { recurringBookingUid: b.recurringBookingUid } : {}),
    ...(seated
      ? {}
      : {
          guests,
          bookingFieldsResponses: {
            name: booker?.name ?? '',
            ...(booker?.emailHidden ? {} : { email: booker?.email ?? '' }),
            ...(b.description ? { notes: b.description } : {}),
            ...(guests.length ? { guests } : {}),
          },
        }),
  };
}
