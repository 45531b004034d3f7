import { Router } from 'express';
import { z } from 'zod';
import { apiVersions } from '../../common/calcom';
import { authOf, requireApiVersion, requireScope } from './api-guards';
import type { SandboxContext } from './context';
import { V2Error } from './http-errors';
import type { SandboxBooking } from './state';
import { parseV2 } from './v2-parse';
import { churnBookings } from './special-bookings';

const statusValues = ['upcoming', 'recurring', 'past', 'cancelled', 'unconfirmed'] as const;
const iso = z.iso.datetime({ offset: true });
const sort = z.enum(['asc', 'desc']).optional();
/** get-bookings.input.ts (2024-08-13), the filters the sandbox implements. */
const querySchema = z
  .object({
    status: z
      .string()
      .transform((v, c) => {
        const parts = v
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
        const bad = parts.find((p) => !(statusValues as readonly string[]).includes(p));
        if (bad)
          c.addIssue({
            code: 'custom',
            message: `status must be a comma separated list of ${statusValues.join(', ')}`,
          });
        return parts as (typeof statusValues)[number][];
      })
      .optional(),
    attendeeEmail: z.string().optional(),
    attendeeName: z.string().optional(),
    bookingUid: z.string().optional(),
    eventTypeId: z.coerce.number().int().optional(),
    eventTypeIds: z
      .string()
      .regex(/^\d+(,\d+)*$/)
      .optional(),
    afterStart: iso.optional(),
    beforeEnd: iso.optional(),
    afterCreatedAt: iso.optional(),
    beforeCreatedAt: iso.optional(),
    afterUpdatedAt: iso.optional(),
    beforeUpdatedAt: iso.optional(),
    sortStart: sort,
    sortEnd: sort,
    sortCreated: sort,
    sortUpdatedAt: sort,
    take: z.coerce.number().int().min(1).max(250).default(100),
    skip: z.coerce.number().int().min(0).default(0),
  })
  .passthrough();
type Query = z.infer<typeof querySchema>;

function matchesStatus(b: SandboxBooking, wanted: Query['status'], now: number): boolean {
  if (!wanted || wanted.length === 0) return true;
  const ended = Date.parse(b.end) <= now;
  const live = b.status === 'ACCEPTED' || b.status === 'PENDING' || b.status === 'AWAITING_HOST';
  return wanted.some((w) => {
    switch (w) {
      case 'upcoming':
        return live && !ended;
      case 'past':
        return live && ended;
      case 'cancelled':
        return b.status === 'CANCELLED' || b.status === 'REJECTED';
      case 'unconfirmed':
        return b.status === 'PENDING' && !ended;
      case 'recurring':
        return live && !ended && Boolean(b.recurringBookingUid);
    }
  });
}

const t = (s: string) => Date.parse(s);

/** Filters and sorts a user's bookings as GET /v2/bookings does (exported for the programmatic API). */
export function filterBookings(
  all: readonly SandboxBooking[],
  userId: number,
  q: Query,
  now: number,
): SandboxBooking[] {
  const ids = q.eventTypeIds?.split(',').map(Number);
  const list = all.filter(
    (b) =>
      b.userId === userId &&
      matchesStatus(b, q.status, now) &&
      (!q.attendeeEmail || b.attendees.some((a) => a.email.toLowerCase() === q.attendeeEmail?.toLowerCase())) &&
      (!q.attendeeName ||
        b.attendees.some((a) => a.name.toLowerCase().includes(q.attendeeName?.toLowerCase() ?? ''))) &&
      (!q.bookingUid || b.uid === q.bookingUid) &&
      (q.eventTypeId === undefined || b.eventTypeId === q.eventTypeId) &&
      (!ids || ids.includes(b.eventTypeId)) &&
      (!q.afterStart || t(b.start) >= t(q.afterStart)) &&
      (!q.beforeEnd || t(b.end) <= t(q.beforeEnd)) &&
      (!q.afterCreatedAt || t(b.createdAt) >= t(q.afterCreatedAt)) &&
      (!q.beforeCreatedAt || t(b.createdAt) <= t(q.beforeCreatedAt)) &&
      (!q.afterUpdatedAt || t(b.updatedAt) >= t(q.afterUpdatedAt)) &&
      (!q.beforeUpdatedAt || t(b.updatedAt) <= t(q.beforeUpdatedAt)),
  );
  const [key, dir] = q.sortStart
    ? (['start', q.sortStart] as const)
    : q.sortEnd
      ? (['end', q.sortEnd] as const)
      : q.sortCreated
        ? (['createdAt', q.sortCreated] as const)
        : q.sortUpdatedAt
          ? (['updatedAt', q.sortUpdatedAt] as const)
          : (['start', 'asc'] as const);
  return list.sort((a, b) => (dir === 'asc' ? 1 : -1) * (t(a[key]) - t(b[key]) || a.id - b.id));
}

/** GET /v2/bookings (cal-api-version 2024-08-13, BOOKING_READ) with the pagination object, and GET /v2/bookings/{uid}. */
export function bookingRoutes(ctx: SandboxContext): Router {
  const r = Router();
  r.get('/v2/bookings', requireApiVersion(apiVersions.bookings), requireScope('BOOKING_READ'), (req, res) => {
    const { user } = authOf(res);
    const q = parseV2(querySchema, req.query);
    // Paging-while-changing mode: bookings change between the pages a client asks for (faults.bookingsChurn).
    churnBookings(ctx, user.id);
    const all = filterBookings(ctx.store.state.bookings, user.id, q, ctx.clock.now().getTime());
    const pageItems = all.slice(q.skip, q.skip + q.take);
    const totalPages = Math.ceil(all.length / q.take);
    const currentPage = Math.floor(q.skip / q.take) + 1;
    res.json({
      status: 'success',
      data: pageItems.map((b) => ctx.bookings.toV2(b)),
      pagination: {
        totalItems: all.length,
        remainingItems: Math.max(0, all.length - q.skip - pageItems.length),
        returnedItems: pageItems.length,
        itemsPerPage: q.take,
        currentPage,
        totalPages,
        hasNextPage: q.skip + pageItems.length < all.length,
        hasPreviousPage: q.skip > 0,
      },
    });
  });
  r.get('/v2/bookings/:uid', requireApiVersion(apiVersions.bookings), requireScope('BOOKING_READ'), (req, res) => {
    const b = ctx.store.state.bookings.find((x) => x.uid === req.params.uid);
    if (!b) throw new V2Error(404, `Booking with uid=${req.params.uid} was not found in the database`);
    if (b.userId !== authOf(res).user.id) throw new V2Error(403, 'Forbidden resource');
    res.json({ status: 'success', data: ctx.bookings.toV2(b) });
  });
  return r;
}
