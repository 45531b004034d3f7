import type { BookingPayload } from '../../../common/calcom';
import { meetingLinkAndPlace } from '../../../common/meeting-place';
import { safeHttpUrl } from '../profile/html-escape';
import { safeTimeZone } from './format-time';

/** The booking triggers that send email (PING and NO_SHOW_UPDATED send none). */
export type MailTrigger =
  'BOOKING_CREATED' | 'BOOKING_RESCHEDULED' | 'BOOKING_CANCELLED' | 'BOOKING_REQUESTED' | 'BOOKING_REJECTED';

export interface Person {
  readonly name: string;
  readonly email: string;
  readonly timeZone: string;
  readonly hour12: boolean;
}

/** What the emails say about a booking, normalized from Cal.com's payload (whose formats vary by code path). */
export interface BookingFacts {
  readonly trigger: MailTrigger;
  readonly uid: string;
  /** Event type title ("60 Min Consultation"), falling back to the booking title. */
  readonly eventTitle: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly durationMinutes: number;
  readonly organizer: Person;
  /** Booker first, then guests. */
  readonly attendees: readonly Person[];
  readonly meetingUrl?: string;
  readonly location?: string;
  readonly notes?: string;
  readonly previous?: { readonly startMs: number; readonly endMs: number };
  readonly reason?: string;
  /**
   * Whether the consultant wrote `reason`: a rejection, the host's "request reschedule" (only a host can ask for
   * one), or a cancellation whose cancelledBy is the organizer. A booker who cancels writes their own reason, which
   * the attendee's email does not repeat (security review 42: booker text under the consultant's name).
   */
  readonly reasonFromConsultant: boolean;
  /** Who cancelled, as Cal.com says (an email address); for comparing with the verified consultant address too. */
  readonly cancelledBy?: string;
  /** Cal.com's base URL (bookerUrl), for "confirm in Cal.com" and rebooking fallbacks. */
  readonly calcomUrl?: string;
  readonly organizerUsername?: string;
  /** iCalendar identity: the same UID along a reschedule chain, SEQUENCE increasing. */
  readonly icalUid: string;
  readonly icalSequence: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

// Sequence fallback when Cal.com sends no iCalSequence: seconds since 2020 of the envelope time, which only grows.
const EPOCH_2020 = Date.UTC(2020, 0, 1);

const person = (p: { name: string; email: string; timeZone: string; timeFormat?: string }): Person => ({
  name: p.name.trim() || p.email,
  email: p.email,
  timeZone: safeTimeZone(p.timeZone),
  hour12: p.timeFormat === undefined ? true : !/^H/.test(p.timeFormat),
});

/** Case-insensitive, as mail systems treat addresses in practice; false when either is missing. */
export function sameAddress(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Extracts the facts; undefined when the times cannot be read (such an email would be wrong, so none is sent). */
export function bookingFacts(trigger: MailTrigger, createdAt: string, p: BookingPayload): BookingFacts | undefined {
  const startMs = Date.parse(p.startTime);
  const endMs = Date.parse(p.endTime);
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) return undefined;
  // The same link and place the app stores and shows (common/meeting-place.ts).
  const { meetingUrl, place } = meetingLinkAndPlace({
    metadata: p.metadata,
    videoCallUrl: p.videoCallData?.url,
    location: p.location,
    uid: p.uid,
    responses: p.responses,
  });
  const prevStart = p.rescheduleStartTime ? Date.parse(p.rescheduleStartTime) : NaN;
  const prevEnd = p.rescheduleEndTime ? Date.parse(p.rescheduleEndTime) : NaN;
  const sentAt = Date.parse(createdAt);
  const reason =
    trigger === 'BOOKING_CANCELLED'
      ? str(p.cancellationReason)
      : trigger === 'BOOKING_REJECTED'
        ? str(p.rejectionReason)
        : undefined;
  const cancelledBy = str(p.cancelledBy);
  const reasonFromConsultant =
    trigger === 'BOOKING_REJECTED' ||
    (trigger === 'BOOKING_CANCELLED' && (p.requestReschedule === true || sameAddress(cancelledBy, p.organizer.email)));
  return {
    trigger,
    uid: p.uid,
    eventTitle: str((p as Record<string, unknown>).eventTitle) ?? p.title,
    startMs,
    endMs,
    durationMinutes: p.length ?? Math.round((endMs - startMs) / 60_000),
    organizer: person(p.organizer),
    attendees: p.attendees.map(person),
    ...(meetingUrl ? { meetingUrl } : {}),
    ...(place ? { location: place } : {}),
    ...(str(p.description ?? p.additionalNotes) ? { notes: str(p.description ?? p.additionalNotes) } : {}),
    ...(Number.isFinite(prevStart)
      ? { previous: { startMs: prevStart, endMs: Number.isFinite(prevEnd) ? prevEnd : prevStart + (endMs - startMs) } }
      : {}),
    ...(reason ? { reason } : {}),
    reasonFromConsultant,
    ...(cancelledBy ? { cancelledBy } : {}),
    ...(safeHttpUrl(str((p as Record<string, unknown>).bookerUrl))
      ? { calcomUrl: str((p as Record<string, unknown>).bookerUrl)?.replace(/\/+$/, '') }
      : {}),
    ...(p.organizer.username ? { organizerUsername: p.organizer.username } : {}),
    icalUid: p.iCalUID ?? `${p.rescheduleUid ?? p.uid}@lifescore-relay`,
    icalSequence:
      p.iCalSequence ?? Math.max(0, Math.floor(((Number.isFinite(sentAt) ? sentAt : Date.now()) - EPOCH_2020) / 1000)),
  };
}
