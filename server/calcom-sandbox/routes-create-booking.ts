import { json, Router } from 'express';
import { z } from 'zod';
import { apiVersions } from '../../common/calcom';
import { requireApiVersion } from './api-guards';
import { bookerMetadataSchema, METADATA_LIMITS_MESSAGE } from './booker-metadata';
import type { SandboxContext } from './context';
import { SandboxError, V2Error } from './http-errors';
import { freeSlots } from './slots';
import { isValidTimeZone } from './time-zones';
import { parseV2 } from './v2-parse';

/**
 * CreateBookingInput_2024_08_13, the part the sandbox models: the event type by id or by username + slug, one
 * attendee, guests, notes (bookingFieldsResponses.notes) and metadata. Unknown properties are stripped (whitelist),
 * as for event types and webhooks (README "knowingly differs" 9).
 */
const createSchema = z
  .object({
    start: z.iso.datetime({ offset: true }),
    eventTypeId: z.number().int().optional(),
    eventTypeSlug: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    attendee: z.object({
      name: z.string().trim().min(1).max(200),
      email: z.email(),
      timeZone: z.string().refine(isValidTimeZone, 'timeZone must be a valid IANA time zone'),
      language: z.string().optional(),
    }),
    guests: z.array(z.email()).max(10).optional(),
    bookingFieldsResponses: z.object({ notes: z.string().max(5000).optional() }).optional(),
    // class-validator prefixes the property: "metadata property is wrong,<message>" is what Cal.com answers.
    metadata: z.unknown().pipe(bookerMetadataSchema).optional(),
  })
  .refine((b) => b.eventTypeId !== undefined || (b.eventTypeSlug && b.username), {
    message: 'Either eventTypeId or eventTypeSlug + username must be provided',
  });

/** The message Cal.com gives for a start the event type does not offer (its slots check). */
const NOT_BOOKABLE =
  'The event type can\'t be booked at the "start" time provided. This could be because it\'s too soon (violating the minimum booking notice) or too far in the future (outside the event\'s scheduling window). Try fetching available slots first using the GET /v2/slots endpoint and then make a booking with "start" time equal to one of the available slots.';

/**
 * `POST /v2/bookings` (cal-api-version 2024-08-13): the public booking endpoint, no token needed (mounted before
 * authentication). It books only a time the booking page offers, fires the webhook as the page does, and answers
 * `201 {status:"success", data:<v2 booking>}`.
 */
export function createBookingRoute(ctx: SandboxContext): Router {
  const r = Router();
  r.post('/v2/bookings', requireApiVersion(apiVersions.bookings), json({ limit: '100kb' }), async (req, res) => {
    const input = parseCreate(req.body);
    const s = ctx.store.state;
    const et =
      input.eventTypeId !== undefined
        ? s.eventTypes.find((e) => e.id === input.eventTypeId)
        : s.eventTypes.find(
            (e) =>
              e.slug === input.eventTypeSlug && s.users.find((u) => u.id === e.userId)?.username === input.username,
          );
    const user = et && s.users.find((u) => u.id === et.userId);
    if (!et || !user) throw new V2Error(404, 'Event type not found');
    const start = Date.parse(input.start);
    if (!freeSlots(et, user, s.bookings, ctx.clock.now()).some((d) => d.getTime() === start))
      throw new V2Error(400, NOT_BOOKABLE);
    const notes = input.bookingFieldsResponses?.notes;
    try {
      const { booking } = await ctx.bookings.createBooking({
        username: user.username,
        eventTypeSlug: et.slug,
        start: new Date(start).toISOString(),
        attendee: { name: input.attendee.name, email: input.attendee.email, timeZone: input.attendee.timeZone },
        ...(notes ? { notes } : {}),
        ...(input.guests ? { guests: input.guests } : {}),
        ...(input.metadata ? { metadata: input.metadata } : {}),
      });
      res.status(201).json({ status: 'success', data: booking });
    } catch (err) {
      // The booking service speaks the admin API's errors; the v2 envelope carries the same status and message.
      if (err instanceof SandboxError) throw new V2Error(err.status, err.message);
      throw err;
    }
  });
  return r;
}

/** Validates the body; a metadata problem answers Cal.com's class-validator message for that property. */
function parseCreate(body: unknown): z.infer<typeof createSchema> {
  const r = createSchema.safeParse(body ?? {});
  if (!r.success && r.error.issues.some((i) => i.path[0] === 'metadata'))
    throw new V2Error(400, `metadata property is wrong,${METADATA_LIMITS_MESSAGE}`);
  return parseV2(createSchema, body ?? {});
}
