import { json, Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { apiVersions } from '../../common/calcom';
import { authOf, requireApiVersion, requireScope } from './api-guards';
import type { SandboxContext } from './context';
import { V2Error } from './http-errors';
import type { SandboxBooking } from './state';
import { parseV2 } from './v2-parse';

const reasonSchema = z.string().max(2000).optional();
/** DeclineBookingInput_2024_08_13: `{ reason? }`. */
const declineSchema = z.object({ reason: reasonSchema }).strict();
/** CancelBookingInput_2024_08_13 (non-seated): `{ cancellationReason? }` (seat and recurring options are not modelled). */
const cancelSchema = z.object({ cancellationReason: reasonSchema }).strict();
/** Request reschedule (2026-02-25): `{ rescheduleReason? }`; the field name is not confirmed (see README). */
const requestRescheduleSchema = z.object({ rescheduleReason: reasonSchema }).strict();
/** MarkAbsentBookingInput_2024_08_13: `{ host?, attendees?: [{ email, absent }] }` (attendees at least one when given). */
const markAbsentSchema = z
  .object({
    host: z.boolean().optional(),
    attendees: z
      .array(z.object({ email: z.email(), absent: z.boolean() }).strict())
      .min(1)
      .optional(),
  })
  .strict();

const write = requireScope('BOOKING_WRITE');
const body = json({ limit: '100kb' });

/**
 * The host's booking actions of API v2 (BookingsController_2024_08_13: confirm, decline, cancel, mark-absent; and
 * request-reschedule, documented for 2026-02-25). Each answers 200 with `{status:"success", data:<booking>}` and fires
 * the webhook Cal.com fires for it. State errors are 400 BadRequestException as Cal.com's booking handlers throw them.
 */
export function bookingActionRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const v = requireApiVersion(apiVersions.bookings);
  const now = () => ctx.clock.now().getTime();

  /** BookingUidGuard (404) and the owner check (403) before any change. */
  const owned = (uid: string, userId: number): SandboxBooking => {
    const b = ctx.store.state.bookings.find((x) => x.uid === uid);
    if (!b) throw new V2Error(404, `Booking with uid=${uid} was not found in the database`);
    if (b.userId !== userId)
      throw new V2Error(403, `User with id=${userId} is not the owner of booking with uid=${uid}`);
    return b;
  };
  const notClosed = (b: SandboxBooking) => {
    if (b.status === 'CANCELLED') throw new V2Error(400, 'This booking has already been cancelled.');
    if (b.status === 'REJECTED') throw new V2Error(400, 'This booking has already been rejected.');
  };
  const notEnded = (b: SandboxBooking, what: string) => {
    if (Date.parse(b.end) <= now()) throw new V2Error(400, `Cannot ${what} a booking that has already ended.`);
  };
  const handle =
    (fn: (uid: string, userId: number, input: unknown) => Promise<unknown>): RequestHandler =>
    async (req, res, next) => {
      try {
        const data = await fn(String(req.params.uid), authOf(res).user.id, req.body ?? {});
        res.status(200).json({ status: 'success', data });
      } catch (err) {
        next(err);
      }
    };

  r.post(
    '/v2/bookings/:uid/confirm',
    v,
    write,
    handle(async (uid, userId) => {
      const b = owned(uid, userId);
      notClosed(b);
      if (b.status !== 'PENDING') throw new V2Error(400, `Booking with uid=${uid} is not pending confirmation.`);
      return (await ctx.bookings.confirmBooking(uid)).booking;
    }),
  );

  r.post(
    '/v2/bookings/:uid/decline',
    v,
    write,
    body,
    handle(async (uid, userId, input) => {
      const { reason } = parseV2(declineSchema, input);
      const b = owned(uid, userId);
      notClosed(b);
      if (b.status !== 'PENDING') throw new V2Error(400, `Booking with uid=${uid} is not pending confirmation.`);
      return (await ctx.bookings.rejectBooking(uid, reason)).booking;
    }),
  );

  r.post(
    '/v2/bookings/:uid/cancel',
    v,
    write,
    body,
    handle(async (uid, userId, input) => {
      const { cancellationReason } = parseV2(cancelSchema, input);
      const b = owned(uid, userId);
      notClosed(b);
      notEnded(b, 'cancel');
      return (await ctx.bookings.cancelBooking(uid, cancellationReason ? { reason: cancellationReason } : {})).booking;
    }),
  );

  r.post(
    '/v2/bookings/:uid/request-reschedule',
    requireApiVersion(apiVersions.bookingsRequestReschedule),
    write,
    body,
    handle(async (uid, userId, input) => {
      const { rescheduleReason } = parseV2(requestRescheduleSchema, input);
      const b = owned(uid, userId);
      notClosed(b);
      notEnded(b, 'request a reschedule of');
      return (await ctx.bookings.requestReschedule(uid, rescheduleReason)).booking;
    }),
  );

  r.post(
    '/v2/bookings/:uid/mark-absent',
    v,
    write,
    body,
    handle(async (uid, userId, input) => {
      const { attendees } = parseV2(markAbsentSchema, input);
      const b = owned(uid, userId);
      notClosed(b);
      if (Date.parse(b.start) > now())
        throw new V2Error(400, 'Cannot mark absence of a booking that has not started yet.');
      let last = ctx.bookings.toV2(b);
      for (const a of attendees ?? []) {
        if (!b.attendees.some((x) => x.email.toLowerCase() === a.email.toLowerCase()))
          throw new V2Error(400, `Attendee with email ${a.email} is not part of this booking.`);
        last = (await ctx.bookings.markNoShow(uid, a.email, a.absent)).booking;
      }
      return last;
    }),
  );
  return r;
}
