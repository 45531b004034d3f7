import { z } from 'zod';
import type { SandboxContext } from './context';
import { SandboxError } from './http-errors';
import { randomUid } from './ids';
import type { SandboxAttendee, SandboxBooking, SandboxUser } from './state';
import { bookingStatuses } from './state';
import { isValidTimeZone } from './time-zones';

/**
 * Booking shapes and situations beyond the booking page (issue 22), added straight into the sandbox's database as
 * Cal.com would hold them, without webhooks (as if their deliveries were lost: reconciliation must find them):
 * recurring series, seated events, a status outside the API reference (AWAITING_HOST), an attendee without an
 * email; and the churn of the paging-while-changing mode.
 */

const attendee = z.object({
  name: z.string().min(1),
  email: z.email(),
  timeZone: z.string().refine(isValidTimeZone, 'unknown time zone'),
  /** Leave the email out of API answers (a phone-only booker). */
  hideEmail: z.boolean().optional(),
});

export const specialBookingSchema = z.discriminatedUnion('kind', [
  /** A recurring series: `occurrences` bookings `everyDays` apart sharing one recurringBookingUid. */
  z.object({
    kind: z.literal('recurring'),
    username: z.string(),
    eventTypeSlug: z.string(),
    start: z.iso.datetime({ offset: true }),
    occurrences: z.number().int().min(2).max(52),
    everyDays: z.number().int().min(1).max(31).default(7),
    attendee,
  }),
  /** A seated event: one booking whose attendees are seats (each with a seatUid). */
  z.object({
    kind: z.literal('seated'),
    username: z.string(),
    eventTypeSlug: z.string(),
    start: z.iso.datetime({ offset: true }),
    seats: z.array(attendee).min(1).max(50),
  }),
  /** An ordinary booking, possibly with a status the API reference does not list and a hidden attendee email. */
  z.object({
    kind: z.literal('plain'),
    username: z.string(),
    eventTypeSlug: z.string(),
    start: z.iso.datetime({ offset: true }),
    status: z.enum(bookingStatuses).default('ACCEPTED'),
    attendee,
    /** Fields the API answer gives as null although the reference says string: a booking clients cannot read. */
    nullFields: z.array(z.enum(['title', 'start', 'end'])).optional(),
  }),
]);
export type SpecialBookingInput = z.input<typeof specialBookingSchema>;

/** Adds the bookings; returns their uids. */
export function addSpecialBookings(ctx: SandboxContext, raw: SpecialBookingInput): string[] {
  const parsed = specialBookingSchema.safeParse(raw);
  if (!parsed.success)
    throw new SandboxError(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const input = parsed.data;
  const state = ctx.store.state;
  const user = state.users.find((u) => u.username === input.username);
  if (!user) throw new SandboxError(404, `No sandbox user ${input.username}`);
  const et = state.eventTypes.find((e) => e.userId === user.id && e.slug === input.eventTypeSlug);
  if (!et) throw new SandboxError(404, `Event type ${input.username}/${input.eventTypeSlug} not found`);
  const now = ctx.clock.now().toISOString();
  const toAttendee = (a: z.infer<typeof attendee>, seat: boolean): SandboxAttendee => ({
    name: a.name,
    email: a.email,
    timeZone: a.timeZone,
    noShow: false,
    ...(seat ? { seatUid: randomUid() } : {}),
    ...(a.hideEmail ? { emailHidden: true } : {}),
  });
  const make = (start: Date, attendees: SandboxAttendee[], extra: Partial<SandboxBooking> = {}): SandboxBooking => {
    const uid = randomUid();
    return {
      id: ctx.store.nextBookingId(),
      uid,
      userId: user.id,
      eventTypeId: et.id,
      title: titleFor(et.title, user, attendees),
      description: null,
      start: start.toISOString(),
      end: new Date(start.getTime() + et.lengthInMinutes * 60_000).toISOString(),
      status: 'ACCEPTED',
      attendees,
      location: 'integrations:daily',
      videoCallId: randomUid(12),
      iCalUID: `${uid}@Cal.com`,
      iCalSequence: 0,
      cancellationReason: null,
      cancelledBy: null,
      rejectionReason: null,
      rescheduled: false,
      fromReschedule: null,
      rescheduledToUid: null,
      rescheduledBy: null,
      rescheduleReason: null,
      createdAt: now,
      updatedAt: now,
      ...extra,
    };
  };
  const start = new Date(input.start);
  let made: SandboxBooking[];
  switch (input.kind) {
    case 'recurring': {
      const series = randomUid();
      made = Array.from({ length: input.occurrences }, (_, i) =>
        make(new Date(start.getTime() + i * input.everyDays * 86_400_000), [toAttendee(input.attendee, false)], {
          recurringBookingUid: series,
        }),
      );
      break;
    }
    case 'seated':
      made = [
        make(
          start,
          input.seats.map((s) => toAttendee(s, true)),
        ),
      ];
      break;
    case 'plain':
      made = [
        make(start, [toAttendee(input.attendee, false)], {
          status: input.status,
          ...(input.nullFields ? { nullFields: input.nullFields } : {}),
        }),
      ];
      break;
  }
  state.bookings.push(...made);
  ctx.store.save();
  return made.map((b) => b.uid);
}

const titleFor = (eventTitle: string, host: SandboxUser, attendees: readonly SandboxAttendee[]) =>
  `${eventTitle} between ${host.name} and ${attendees.length === 1 ? attendees[0]?.name : `${attendees.length} attendees`}`;

/** Changes a booking's status in place (no webhook), e.g. to AWAITING_HOST. */
export function setBookingStatus(ctx: SandboxContext, uid: string, status: SandboxBooking['status']): void {
  const b = ctx.store.state.bookings.find((x) => x.uid === uid);
  if (!b) throw new SandboxError(404, `Booking ${uid} not found`);
  b.status = z.enum(bookingStatuses).parse(status);
  b.updatedAt = ctx.clock.now().toISOString();
  ctx.store.save();
}

/** The paging-while-changing mode: changes the caller's bookings with the oldest updatedAt (see faults.ts). */
export function churnBookings(ctx: SandboxContext, userId: number): void {
  const n = ctx.faults.bookingsChurn();
  if (n === 0) return;
  const mine = ctx.store.state.bookings
    .filter((b) => b.userId === userId)
    .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.id - b.id);
  let at = Math.max(ctx.clock.now().getTime(), ...mine.map((b) => Date.parse(b.updatedAt) + 1));
  for (const b of mine.slice(0, n)) {
    b.description = `changed while paging at ${new Date(at).toISOString()}`;
    b.updatedAt = new Date(at).toISOString();
    at += 1;
  }
  ctx.store.save();
}
