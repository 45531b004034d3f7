import { isoOffset, isoSeconds, utcOffsetMinutes } from './time-zones';
import type { SandboxBooking, SandboxEventType, SandboxUser } from './state';

/**
 * Builds webhook envelopes with the field set, nesting and value types of the contract's examples (§3.9 A–C,
 * §3.5, §3.6), which follow Cal.com's v2021-10-20 BookingPayloadBuilder. Pure: golden-tested in webhook-payload.test.ts.
 */

/** Everything a booking payload is built from. */
export interface PayloadContext {
  readonly booking: SandboxBooking;
  readonly eventType: SandboxEventType;
  readonly organizer: SandboxUser;
  /** Base URL of the sandbox (Cal.com: WEBAPP_URL), used for bookerUrl and metadata.videoCallUrl. */
  readonly bookerUrl: string;
  readonly now: Date;
}

/** `{ triggerEvent, createdAt, payload }`: Cal.com's envelope. */
export interface WebhookEnvelopeOut {
  triggerEvent: string;
  createdAt: string;
  payload: Record<string, unknown>;
}

const language = () => ({ locale: 'en' });
/** Cal.com's organizer.timeFormat is a dayjs format string derived from the user's 12/24 setting. */
const timeFormat = (u: SandboxUser) => (u.timeFormat === 24 ? 'HH:mm' : 'h:mma');

function splitName(name: string): { firstName: string; lastName: string } {
  const [first = '', ...rest] = name.trim().split(/\s+/);
  return { firstName: first, lastName: rest.join(' ') };
}

function organizer(ctx: PayloadContext) {
  const u = ctx.organizer;
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    username: u.username,
    timeZone: u.timeZone,
    timeFormat: timeFormat(u),
    language: language(),
    utcOffset: utcOffsetMinutes(u.timeZone, ctx.now),
  };
}

function attendeesFull(ctx: PayloadContext) {
  return ctx.booking.attendees.map((a) => ({
    email: a.email,
    name: a.name,
    ...splitName(a.name),
    timeZone: a.timeZone,
    language: language(),
    utcOffset: utcOffsetMinutes(a.timeZone, ctx.now),
  }));
}

function videoCallData(ctx: PayloadContext) {
  const id = ctx.booking.videoCallId;
  return { type: 'daily_video', id, password: '<redacted>', url: `https://meetco.daily.co/${id}` };
}

/**
 * Cal.com's `metadata: { ...metadata, ...reqBody.metadata }` (RegularBookingService): its own (Cal Video's page) first,
 * then the booker's, so a booker's key, `videoCallUrl` included, wins. Receivers must not trust `videoCallUrl`.
 */
function metadata(ctx: PayloadContext): Record<string, string> {
  return { videoCallUrl: `${ctx.bookerUrl}/video/${ctx.booking.uid}`, ...ctx.booking.metadata };
}

function booker(ctx: PayloadContext) {
  const first = ctx.booking.attendees[0];
  if (!first) throw new Error(`Booking ${ctx.booking.uid} has no attendee`);
  return first;
}

function guests(ctx: PayloadContext): string[] {
  return ctx.booking.attendees.slice(1).map((a) => a.email);
}

function title(ctx: PayloadContext): string {
  return ctx.booking.title;
}

const locationResponse = (ctx: PayloadContext) => ({
  label: 'location',
  value: { value: ctx.booking.location, optionValue: '' },
  isHidden: false,
});

/** The common head of created/requested/rescheduled payloads (contract §3.9 A and B). */
function head(ctx: PayloadContext) {
  const b = ctx.booking;
  return {
    bookerUrl: ctx.bookerUrl,
    type: ctx.eventType.slug,
    title: title(ctx),
    description: b.description ?? '',
    additionalNotes: b.description ?? '',
    customInputs: {},
    startTime: isoSeconds(new Date(b.start)),
    endTime: isoSeconds(new Date(b.end)),
    organizer: organizer(ctx),
    attendees: attendeesFull(ctx),
  };
}

function eventTail(ctx: PayloadContext) {
  return {
    eventTitle: ctx.eventType.title,
    eventDescription: ctx.eventType.description ?? '',
    price: 0,
    currency: 'usd',
    length: ctx.eventType.lengthInMinutes,
  };
}

/** BOOKING_CREATED (status ACCEPTED), BOOKING_REQUESTED (PENDING) and BOOKING_REJECTED (REJECTED): contract §3.9 A. */
export function buildCreatedLikePayload(
  ctx: PayloadContext,
  status: 'ACCEPTED' | 'PENDING' | 'REJECTED',
): Record<string, unknown> {
  const b = ctx.booking;
  const a = booker(ctx);
  const payload: Record<string, unknown> = {
    ...head(ctx),
    responses: {
      name: { label: 'your_name', value: a.name, isHidden: false },
      email: { label: 'email_address', value: a.email, isHidden: false },
      location: locationResponse(ctx),
      notes: { label: 'additional_notes', value: b.description ?? '', isHidden: false },
      guests: { label: 'additional_guests', value: guests(ctx), isHidden: false },
    },
    userFieldsResponses: {},
    location: b.location,
    destinationCalendar: null,
    hideCalendarNotes: false,
    hideCalendarEventDetails: false,
    hideOrganizerEmail: false,
    schedulingType: null,
    seatsPerTimeSlot: null,
    seatsShowAttendees: true,
    seatsShowAvailabilityCount: true,
    requiresConfirmation: ctx.eventType.requiresConfirmation,
    eventTypeId: ctx.eventType.id,
    iCalUID: b.iCalUID,
    iCalSequence: b.iCalSequence,
    oneTimePassword: null,
    organizationId: null,
    hashedLink: null,
    uid: b.uid,
    videoCallData: videoCallData(ctx),
    appsStatus: [{ appName: 'Cal Video', type: 'daily_video', success: 1, failures: 0, errors: [] }],
    ...eventTail(ctx),
    bookingId: b.id,
    metadata: metadata(ctx),
    status,
  };
  if (status === 'REJECTED') payload.rejectionReason = b.rejectionReason ?? null;
  return payload;
}

/** BOOKING_RESCHEDULED (or BOOKING_REQUESTED after a reschedule): contract §3.9 B. `previous` is the old booking. */
export function buildRescheduledPayload(
  ctx: PayloadContext,
  previous: SandboxBooking,
  status: 'ACCEPTED' | 'PENDING',
): Record<string, unknown> {
  const b = ctx.booking;
  const a = booker(ctx);
  const responses: Record<string, unknown> = {
    name: { label: 'your_name', value: a.name, isHidden: false },
    email: { label: 'email_address', value: a.email, isHidden: false },
    location: locationResponse(ctx),
  };
  // Cal.com only has a rescheduleReason response when the booker typed one.
  if (b.rescheduleReason)
    responses.rescheduleReason = { label: 'reason_for_reschedule', value: b.rescheduleReason, isHidden: false };
  return {
    ...head(ctx),
    responses,
    userFieldsResponses: {},
    location: b.location,
    destinationCalendar: null,
    requiresConfirmation: ctx.eventType.requiresConfirmation,
    eventTypeId: ctx.eventType.id,
    iCalUID: b.iCalUID,
    iCalSequence: b.iCalSequence,
    organizationId: null,
    uid: b.uid,
    videoCallData: videoCallData(ctx),
    ...eventTail(ctx),
    bookingId: b.id,
    rescheduleId: previous.id,
    rescheduleUid: previous.uid,
    rescheduleStartTime: isoSeconds(new Date(previous.start)),
    rescheduleEndTime: isoSeconds(new Date(previous.end)),
    rescheduledBy: previous.rescheduledBy ?? a.email,
    metadata: metadata(ctx),
    status,
  };
}

/** BOOKING_CANCELLED: contract §3.9 C (handleCancelBooking's shape: `+00:00` times, no firstName/lastName, `destinationCalendar: []`). */
export function buildCancelledPayload(ctx: PayloadContext): Record<string, unknown> {
  const b = ctx.booking;
  const a = booker(ctx);
  const u = ctx.organizer;
  return {
    bookerUrl: ctx.bookerUrl,
    type: ctx.eventType.slug,
    title: title(ctx),
    description: b.description ?? '',
    additionalNotes: b.description ?? '',
    customInputs: {},
    eventTypeId: ctx.eventType.id,
    length: ctx.eventType.lengthInMinutes,
    startTime: isoOffset(new Date(b.start)),
    endTime: isoOffset(new Date(b.end)),
    organizer: {
      id: u.id,
      username: u.username,
      email: u.email,
      name: u.name,
      timeZone: u.timeZone,
      timeFormat: timeFormat(u),
      language: language(),
      utcOffset: utcOffsetMinutes(u.timeZone, ctx.now),
    },
    attendees: b.attendees.map((x) => ({
      name: x.name,
      email: x.email,
      timeZone: x.timeZone,
      phoneNumber: null,
      language: language(),
      utcOffset: utcOffsetMinutes(x.timeZone, ctx.now),
    })),
    responses: { name: { label: 'name', value: a.name }, email: { label: 'email', value: a.email } },
    userFieldsResponses: {},
    uid: b.uid,
    bookingId: b.id,
    location: b.location,
    destinationCalendar: [],
    iCalUID: b.iCalUID,
    iCalSequence: b.iCalSequence,
    hideOrganizerEmail: false,
    organizationId: null,
    eventTitle: ctx.eventType.title,
    eventDescription: ctx.eventType.description ?? '',
    requiresConfirmation: ctx.eventType.requiresConfirmation,
    price: 0,
    currency: 'usd',
    cancellationReason: b.cancellationReason ?? '',
    cancelledBy: b.cancelledBy ?? '',
    requestReschedule: b.rescheduleRequested === true,
    status: 'CANCELLED',
  };
}

/** BOOKING_NO_SHOW_UPDATED: `{message, attendees:[{email,noShow}], bookingUid, bookingId}` (contract §3.5). */
export function buildNoShowPayload(
  booking: SandboxBooking,
  changed: { email: string; noShow: boolean }[],
): Record<string, unknown> {
  const marked = changed.every((c) => c.noShow);
  return {
    message: marked ? 'Attendee(s) marked as no-show' : 'Attendee(s) no-show status removed',
    attendees: changed.map((c) => ({ email: c.email, noShow: c.noShow })),
    bookingUid: booking.uid,
    bookingId: booking.id,
  };
}

/** PING from the "Ping test" button (testTrigger.handler.ts, contract §3.6). */
export function buildPingPayload(now: Date): Record<string, unknown> {
  const at = now.toISOString();
  const utcOffset = utcOffsetMinutes('Europe/London', now);
  return {
    type: 'Test',
    title: 'Test trigger event',
    description: '',
    startTime: at,
    endTime: at,
    attendees: [
      { email: 'jdoe@example.com', name: 'John Doe', timeZone: 'Europe/London', language: { locale: 'en' }, utcOffset },
    ],
    organizer: {
      name: 'Cal',
      email: 'no-reply@cal.com',
      timeZone: 'Europe/London',
      language: { locale: 'en' },
      utcOffset,
    },
  };
}

/** Wraps a payload in the envelope; createdAt is the time of sending. */
export function envelope(triggerEvent: string, payload: Record<string, unknown>, now: Date): WebhookEnvelopeOut {
  return { triggerEvent, createdAt: now.toISOString(), payload };
}
