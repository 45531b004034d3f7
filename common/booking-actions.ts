import { z } from 'zod';

const uid = z.string().min(1).max(200);
/** Cal.com shows reasons to the client in its emails; 500 characters is Cal.com's own decline limit in its docs. */
const reason = z.string().trim().max(500).optional();

/**
 * What the consultant can do to a booking from the app (issue 19), each one call to Cal.com API v2:
 * accept/decline a request, cancel, ask the client to reschedule, mark the client as a no-show (or undo it).
 */
export const bookingActionSchema = z.discriminatedUnion('action', [
  z.object({ uid, action: z.literal('accept') }).strict(),
  z.object({ uid, action: z.literal('decline'), reason }).strict(),
  z.object({ uid, action: z.literal('cancel'), reason }).strict(),
  z.object({ uid, action: z.literal('request-reschedule'), reason }).strict(),
  z.object({ uid, action: z.literal('no-show'), noShow: z.boolean() }).strict(),
]);
export type BookingActionInput = z.input<typeof bookingActionSchema>;
export type BookingAction = z.output<typeof bookingActionSchema>;
export type BookingActionName = BookingAction['action'];

/** The Cal.com permission the actions need; a connection made before issue 19 lacks it and is asked once. */
export const BOOKING_WRITE_SCOPE = 'BOOKING_WRITE';
