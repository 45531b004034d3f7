import type { Attendee, Booking, BookingStatus } from '../../../common/booking';
import { isoTime } from './iso-time';

/**
 * The stored form of a booking: every field carries the version that set it, so the merge of any set of
 * events is a join (commutative, associative, idempotent) and the final state does not depend on the
 * order or the repetition of deliveries. `toBooking` derives the model the UI sees.
 */

/** What Cal.com's events say about a booking's life; `completed` and `no-show` are derived, never stored. */
export type Lifecycle = 'pending' | 'scheduled' | 'rejected' | 'cancelled' | 'rescheduled';

/**
 * Cal.com's lifecycle only moves forward (pending → scheduled → cancelled/rescheduled; pending → rejected),
 * so the highest rank seen is the current one whatever order the events arrive in.
 */
export const lifecycleRank: Readonly<Record<Lifecycle, number>> = {
  pending: 1,
  scheduled: 2,
  rejected: 3,
  cancelled: 4,
  rescheduled: 5,
};

/** A version: higher `rank` wins (a placeholder loses to any real event), then later `at` (epoch ms). */
export interface Stamp {
  readonly rank: number;
  readonly at: number;
}

export const PLACEHOLDER_RANK = 0;
export const EVENT_RANK = 1;

export interface Stamped<T> {
  readonly value: T;
  readonly stamp: Stamp;
}

/** The descriptive part of a booking, replaced as a whole by the newest event that carries it. */
export interface BookingData {
  readonly calcomBookingId: number;
  readonly attendees: readonly Attendee[];
  readonly title: string;
  readonly description: string | null;
  readonly startTime: string;
  readonly endTime: string;
  readonly duration: number;
  readonly eventTypeId: number | null;
  readonly eventTypeSlug: string | null;
  readonly meetingUrl: string | null;
  readonly location: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface Cancellation {
  readonly reason: string | null;
  readonly by: string | null;
  readonly at: string;
  readonly requestReschedule: boolean;
}

export interface RescheduledTo {
  readonly uid: string;
  readonly by: string | null;
}

export interface BookingRecord {
  readonly uid: string;
  /** Null while only a no-show update has been seen for this uid (the booking itself is still on its way). */
  readonly data: Stamped<BookingData> | null;
  readonly lifecycle: Lifecycle | null;
  readonly cancellation: Stamped<Cancellation> | null;
  readonly rejectionReason: Stamped<string | null> | null;
  readonly rescheduledFrom: Stamped<string> | null;
  readonly rescheduledTo: Stamped<RescheduledTo> | null;
  /** Attendee no-show flags keyed by lower-cased email. */
  readonly noShow: Readonly<Record<string, Stamped<boolean>>>;
  /** Earliest and latest event times seen (epoch ms): the booking's createdAt / updatedAt. */
  readonly firstAt: number;
  readonly lastAt: number;
}

/** One normalized statement about one booking, produced from a webhook or a v2 booking. */
export interface BookingFact {
  readonly uid: string;
  readonly stamp: Stamp;
  /** When the booking was created, if the source says (v2 does; webhooks don't). */
  readonly createdAt?: number;
  readonly data?: Stamped<BookingData>;
  readonly lifecycle?: Lifecycle;
  readonly cancellation?: Cancellation;
  readonly rejectionReason?: string | null;
  readonly rescheduledFrom?: string;
  readonly rescheduledTo?: RescheduledTo;
  readonly noShow?: readonly { readonly email: string; readonly noShow: boolean }[];
}

/** A record with nothing known yet. */
export function emptyRecord(uid: string): BookingRecord {
  return {
    uid,
    data: null,
    lifecycle: null,
    cancellation: null,
    rejectionReason: null,
    rescheduledFrom: null,
    rescheduledTo: null,
    noShow: {},
    firstAt: Number.POSITIVE_INFINITY,
    lastAt: Number.NEGATIVE_INFINITY,
  };
}

/** The display status: lifecycle, plus no-show of the main attendee and completion of past bookings at `now`. */
export function deriveStatus(record: BookingRecord, now: number): BookingStatus {
  const lifecycle = record.lifecycle ?? 'scheduled';
  if (lifecycle !== 'scheduled') return lifecycle;
  const main = record.data?.value.attendees[0];
  if (main && record.noShow[main.email.toLowerCase()]?.value === true) return 'no-show';
  const end = record.data ? Date.parse(record.data.value.endTime) : Number.NaN;
  return end < now ? 'completed' : 'scheduled';
}

/** The attendee with its no-show flag, if one was recorded. */
function withNoShow(a: Attendee, noShow: BookingRecord['noShow']): Attendee {
  const flag = noShow[a.email.toLowerCase()];
  return flag ? { ...a, noShow: flag.value } : a;
}

const iso = (ms: number): string => isoTime(Number.isFinite(ms) ? ms : 0);

/** The Booking the UI sees, or null while the record has no booking data yet. */
export function toBooking(record: BookingRecord, now: number): Booking | null {
  if (!record.data) return null;
  const d = record.data.value;
  const attendees = d.attendees.map((a) => withNoShow(a, record.noShow));
  const createdAt = iso(record.firstAt);
  const main = attendees[0] ?? { name: '', email: '', timeZone: 'UTC' };
  const cancellation = record.lifecycle === 'cancelled' ? record.cancellation?.value : undefined;
  const metadata: Record<string, unknown> = { ...d.metadata };
  if (cancellation?.requestReschedule) metadata.requestReschedule = true;
  if (record.rescheduledTo?.value.by) metadata.rescheduledBy = record.rescheduledTo.value.by;
  return {
    uid: record.uid,
    calcomBookingId: d.calcomBookingId,
    attendee: main,
    guests: attendees.slice(1),
    title: d.title,
    description: d.description,
    startTime: d.startTime,
    endTime: d.endTime,
    duration: d.duration,
    status: deriveStatus(record, now),
    eventTypeId: d.eventTypeId,
    eventTypeSlug: d.eventTypeSlug,
    meetingUrl: d.meetingUrl,
    location: d.location,
    cancellationReason: cancellation?.reason ?? null,
    cancelledAt: cancellation?.at ?? null,
    cancelledBy: cancellation?.by ?? null,
    rejectionReason: record.lifecycle === 'rejected' ? (record.rejectionReason?.value ?? null) : null,
    rescheduledFrom: record.rescheduledFrom?.value ?? null,
    rescheduledTo: record.rescheduledTo?.value.uid ?? null,
    metadata,
    createdAt,
    updatedAt: record.lastAt === record.firstAt ? createdAt : iso(record.lastAt),
  };
}
