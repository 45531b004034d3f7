import type { Attendee } from '../../../common/booking';
import type { BookingPayload, V2Booking, WebhookEnvelope } from '../../../common/calcom';
import { assertNever } from '../../../common/errors';
import { pickMeetingUrl } from '../../../common/meeting-place';
import type { BookingData, BookingFact, Lifecycle, Stamp } from './booking-record';
import { EVENT_RANK, PLACEHOLDER_RANK } from './booking-record';
import { isoTime } from './iso-time';

/** Why a change happened, as the UI's `bookings-changed` push event says it. */
export type ChangeReason = 'created' | 'rescheduled' | 'cancelled' | 'updated';

/** Facts an event states, and the reason to report when they change something. */
export interface EventFacts {
  readonly facts: readonly BookingFact[];
  readonly reason: ChangeReason;
}

/** Cal.com's time formats vary (`Z`, `.000Z`, `+00:00`): store one canonical ISO form, or keep the input if unparsable. */
export function normalizeTime(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : isoTime(ms);
}

function eventTime(value: string): number {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? 0 : ms;
}

function minutesBetween(start: string, end: string): number {
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 60_000)) : 0;
}

/** Who cancelled: the original model's 'consultant' / 'user' when the email says so, else what Cal.com sent. */
export function cancelledByLabel(
  by: string | null | undefined,
  hostEmails: readonly string[],
  attendeeEmails: readonly string[],
): string | null {
  if (!by) return null;
  const email = by.toLowerCase();
  if (hostEmails.some((e) => e.toLowerCase() === email)) return 'consultant';
  if (attendeeEmails.some((e) => e.toLowerCase() === email)) return 'user';
  return by;
}

function v2HostEmails(b: V2Booking): string[] {
  const hosts: unknown = (b as Record<string, unknown>).hosts;
  if (!Array.isArray(hosts)) return [];
  return hosts.flatMap((h: unknown) =>
    h && typeof h === 'object' && typeof (h as { email?: unknown }).email === 'string'
      ? [(h as { email: string }).email]
      : [],
  );
}

function attendeesOf(payload: BookingPayload): Attendee[] {
  return payload.attendees.map((a) => {
    const locale = a.language?.locale;
    return { name: a.name, email: a.email, timeZone: a.timeZone, ...(locale ? { locale } : {}) };
  });
}

/** The booking data a webhook payload carries; `times` overrides start/end (the old slot of a reschedule). */
export function dataFromPayload(
  p: BookingPayload,
  times?: { start: string; end: string; bookingId: number },
): BookingData {
  const startTime = normalizeTime(times?.start ?? p.startTime);
  const endTime = normalizeTime(times?.end ?? p.endTime);
  return {
    calcomBookingId: times?.bookingId ?? p.bookingId,
    attendees: attendeesOf(p),
    title: p.title,
    description: p.description ?? p.additionalNotes ?? null,
    startTime,
    endTime,
    duration: times ? minutesBetween(startTime, endTime) : (p.length ?? minutesBetween(startTime, endTime)),
    eventTypeId: p.eventTypeId ?? null,
    eventTypeSlug: p.type || null,
    meetingUrl: times
      ? null
      : pickMeetingUrl({
          metadata: p.metadata,
          videoCallUrl: p.videoCallData?.url,
          location: p.location,
          uid: p.uid,
          responses: p.responses,
        }),
    location: p.location ?? null,
    metadata: times ? {} : (p.metadata ?? {}),
  };
}

/** Turns a webhook envelope into facts (a reschedule states facts about two bookings; PING states none). */
export function factsFromEnvelope(envelope: WebhookEnvelope): EventFacts {
  const stamp: Stamp = { rank: EVENT_RANK, at: eventTime(envelope.createdAt) };
  switch (envelope.triggerEvent) {
    case 'PING':
      return { facts: [], reason: 'updated' };
    case 'BOOKING_NO_SHOW_UPDATED': {
      const p = envelope.payload;
      return {
        facts: [{ uid: p.bookingUid, stamp, noShow: p.attendees.map((a) => ({ email: a.email, noShow: a.noShow })) }],
        reason: 'updated',
      };
    }
    case 'BOOKING_CREATED':
    case 'BOOKING_REQUESTED': {
      const p = envelope.payload;
      const lifecycle: Lifecycle = envelope.triggerEvent === 'BOOKING_CREATED' ? 'scheduled' : 'pending';
      const from = p.rescheduleUid ? { rescheduledFrom: p.rescheduleUid } : {};
      return {
        facts: [{ uid: p.uid, stamp, data: { value: dataFromPayload(p), stamp }, lifecycle, ...from }],
        reason: 'created',
      };
    }
    case 'BOOKING_REJECTED': {
      const p = envelope.payload;
      const fact: BookingFact = {
        uid: p.uid,
        stamp,
        data: { value: dataFromPayload(p), stamp },
        lifecycle: 'rejected',
        rejectionReason: p.rejectionReason ?? null,
      };
      return { facts: [fact], reason: 'cancelled' };
    }
    case 'BOOKING_CANCELLED': {
      const p = envelope.payload;
      const cancellation = {
        reason: p.cancellationReason ?? null,
        by: cancelledByLabel(
          p.cancelledBy,
          [p.organizer.email],
          p.attendees.map((a) => a.email),
        ),
        at: normalizeTime(envelope.createdAt),
        requestReschedule: p.requestReschedule === true,
      };
      return {
        facts: [
          { uid: p.uid, stamp, data: { value: dataFromPayload(p), stamp }, lifecycle: 'cancelled', cancellation },
        ],
        reason: 'cancelled',
      };
    }
    case 'BOOKING_RESCHEDULED':
      return { facts: rescheduleFacts(envelope.payload, stamp), reason: 'rescheduled' };
    default:
      return assertNever(envelope);
  }
}

/** A reschedule: the new booking (linked back), and the old one marked rescheduled, as a placeholder if never seen. */
function rescheduleFacts(p: BookingPayload, stamp: Stamp): BookingFact[] {
  const next: BookingFact = { uid: p.uid, stamp, data: { value: dataFromPayload(p), stamp }, lifecycle: 'scheduled' };
  const oldUid = p.rescheduleUid;
  if (!oldUid || oldUid === p.uid) return [next]; // seated events may keep the uid (calcom #10631): just an update
  const placeholder = dataFromPayload(p, {
    start: p.rescheduleStartTime ?? p.startTime,
    end: p.rescheduleEndTime ?? p.endTime,
    bookingId: p.rescheduleId ?? 0,
  });
  const old: BookingFact = {
    uid: oldUid,
    stamp,
    data: { value: placeholder, stamp: { rank: PLACEHOLDER_RANK, at: stamp.at } },
    lifecycle: 'rescheduled',
    rescheduledTo: { uid: p.uid, by: p.rescheduledBy ?? null },
  };
  return [{ ...next, rescheduledFrom: oldUid }, old];
}

/**
 * The lifecycle of a v2 status. A status the API reference does not list (Cal.com's database also has e.g.
 * AWAITING_HOST, for instant meetings) falls back to `pending`: the booking exists but is not a confirmed
 * appointment, so it is shown and never counted as one; the reconciler records the raw status for Diagnostics.
 */
export function v2Lifecycle(
  status: string,
  rescheduledToUid: string | null | undefined,
): { lifecycle: Lifecycle; known: boolean } {
  switch (status.toLowerCase()) {
    case 'accepted':
      return { lifecycle: 'scheduled', known: true };
    case 'pending':
      return { lifecycle: 'pending', known: true };
    case 'rejected':
      return { lifecycle: 'rejected', known: true };
    case 'cancelled':
      return { lifecycle: rescheduledToUid ? 'rescheduled' : 'cancelled', known: true };
    default:
      return { lifecycle: 'pending', known: false };
  }
}

/** An attendee's email: Cal.com may send only `displayEmail`, or none (phone-only booker); never undefined here. */
const attendeeEmail = (a: V2Booking['attendees'][number]): string => a.email ?? a.displayEmail ?? '';

/** Turns a v2 booking (reconciliation) into a fact stamped with its updatedAt, through the same join. */
export function factFromV2(b: V2Booking): BookingFact {
  const { lifecycle, known } = v2Lifecycle(b.status, b.rescheduledToUid);
  const at = eventTime(b.updatedAt ?? b.createdAt);
  const stamp: Stamp = { rank: EVENT_RANK, at };
  const startTime = normalizeTime(b.start);
  const endTime = normalizeTime(b.end);
  const data: BookingData = {
    calcomBookingId: b.id,
    // A seated booking's seats are its attendees (each with a seatUid); a recurring occurrence is a booking of its own.
    attendees: b.attendees.map((a) => ({
      name: a.name,
      email: attendeeEmail(a),
      timeZone: a.timeZone,
      ...(a.language ? { locale: a.language } : {}),
    })),
    title: b.title,
    description: b.description ?? null,
    startTime,
    endTime,
    duration: b.duration,
    eventTypeId: b.eventTypeId ?? b.eventType?.id ?? null,
    eventTypeSlug: b.eventType?.slug ?? null,
    meetingUrl: pickMeetingUrl({
      metadata: b.metadata,
      videoCallUrl: b.meetingUrl,
      location: b.location,
      uid: b.uid,
      responses: b.bookingFieldsResponses,
    }),
    location: b.location ?? null,
    metadata: {
      ...(b.metadata ?? {}),
      ...(b.recurringBookingUid ? { recurringBookingUid: b.recurringBookingUid } : {}),
      ...(known ? {} : { calcomStatus: b.status }),
    },
  };
  const noShow = b.attendees
    .filter((a) => a.absent !== undefined && a.absent !== null && attendeeEmail(a) !== '')
    .map((a) => ({ email: attendeeEmail(a), noShow: a.absent === true }));
  return {
    uid: b.uid,
    stamp,
    createdAt: eventTime(b.createdAt),
    data: { value: data, stamp },
    lifecycle,
    ...(lifecycle === 'cancelled'
      ? {
          cancellation: {
            reason: b.cancellationReason ?? null,
            by: cancelledByLabel(b.cancelledByEmail, v2HostEmails(b), b.attendees.map(attendeeEmail)),
            at: new Date(at).toISOString(),
            requestReschedule: false,
          },
        }
      : {}),
    ...(lifecycle === 'rejected' ? { rejectionReason: b.rejectionReason ?? null } : {}),
    ...(b.rescheduledFromUid ? { rescheduledFrom: b.rescheduledFromUid } : {}),
    ...(b.rescheduledToUid ? { rescheduledTo: { uid: b.rescheduledToUid, by: null } } : {}),
    ...(noShow.length > 0 ? { noShow } : {}),
  };
}
