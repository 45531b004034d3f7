import { Router, urlencoded, type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { bookerMetadataSchema, metadataFromParams, type BookerMetadata } from './booker-metadata';
import { bookingDetails, bookingForm, slotPicker } from './booking-page-view';
import type { SandboxContext } from './context';
import { html, page } from './html';
import { SandboxError } from './http-errors';
import { freeSlots } from './slots';
import type { SandboxBooking } from './state';
import { isValidTimeZone } from './time-zones';

const tzParam = z.string().refine(isValidTimeZone, 'unknown time zone').optional();
const form = urlencoded({ extended: false, limit: '50kb' });

/**
 * The booker's `metadata[key]=value` parameters (query string or form), validated (ZodError: 400 page). Read from the
 * raw query so it does not depend on express's query parser.
 */
function pageMetadata(params: Iterable<[string, unknown]>): BookerMetadata {
  return bookerMetadataSchema.parse(metadataFromParams(params));
}
const queryParams = (originalUrl: string) => new URLSearchParams(originalUrl.split('?')[1] ?? '');

/** The attendee side: /{username}, /{username}/{slug} (slots), booking form, /booking/{uid}, cancel and reschedule. */
export function bookingPageRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const s = () => ctx.store.state;
  const findUser = (username: string) => {
    const u = s().users.find((x) => x.username === username);
    if (!u) throw new SandboxError(404, 'This user does not exist.');
    return u;
  };
  const findEventType = (username: string, slug: string) => {
    const user = findUser(username);
    const et = s().eventTypes.find((e) => e.userId === user.id && e.slug === slug);
    if (!et) throw new SandboxError(404, 'This event type does not exist.');
    return { user, et };
  };
  const reschedulable = (uid: string | undefined, userId: number): SandboxBooking | undefined => {
    if (!uid) return undefined;
    const b = ctx.bookings.booking(uid);
    const requested = b.status === 'CANCELLED' && b.rescheduleRequested === true && !b.rescheduledToUid;
    if (b.userId !== userId || (b.status !== 'ACCEPTED' && b.status !== 'PENDING' && !requested))
      throw new SandboxError(409, 'This booking can no longer be rescheduled.');
    return b;
  };

  r.get('/video/:uid', (req, res) => {
    const b = ctx.bookings.booking(req.params.uid);
    res
      .type('html')
      .send(
        page(
          'Video call',
          html`<h1>Cal Video (sandbox)</h1><p>Meeting room for ${b.title}. Nothing to join here: this is a stand-in.</p>`,
        ),
      );
  });

  r.get('/booking/:uid', (req, res) => {
    const b = ctx.bookings.booking(req.params.uid);
    const et = s().eventTypes.find((e) => e.id === b.eventTypeId);
    const user = s().users.find((u) => u.id === b.userId);
    if (!et || !user) throw new SandboxError(404, 'This booking is no longer available.');
    res.type('html').send(page(b.title, bookingDetails(b, et, user, req.query.cancel === 'true')));
  });

  r.post('/booking/:uid/cancel', form, async (req, res) => {
    const body = z.object({ cancellationReason: z.string().max(2000).optional() }).parse(req.body ?? {});
    const b = ctx.bookings.booking(req.params.uid);
    // The attendee cancels from this page, so cancelledBy is the attendee's email.
    await ctx.bookings.cancelBooking(b.uid, {
      ...(body.cancellationReason ? { reason: body.cancellationReason } : {}),
      by: b.attendees[0]?.email ?? '',
    });
    res.redirect(303, `/booking/${b.uid}`);
  });

  r.get('/reschedule/:uid', (req, res) => {
    const b = ctx.bookings.booking(req.params.uid);
    const et = s().eventTypes.find((e) => e.id === b.eventTypeId);
    const user = s().users.find((u) => u.id === b.userId);
    if (!et || !user) throw new SandboxError(404, 'This booking is no longer available.');
    reschedulable(b.uid, user.id);
    res.redirect(
      303,
      `/${user.username}/${et.slug}?rescheduleUid=${encodeURIComponent(b.uid)}&tz=${encodeURIComponent(b.attendees[0]?.timeZone ?? user.timeZone)}`,
    );
  });

  r.get('/:username', (req, res) => {
    const user = findUser(req.params.username);
    const list = s().eventTypes.filter((e) => e.userId === user.id && !e.hidden);
    res
      .type('html')
      .send(
        page(
          user.name,
          html`<h1>${user.name}</h1>${list.length ? html`<ul>${list.map((e) => html`<li><a href="${`/${user.username}/${e.slug}`}">${e.title}</a> (${e.lengthInMinutes} min)</li>`)}</ul>` : html`<p>No event types yet.</p>`}`,
        ),
      );
  });

  r.get('/:username/:slug', (req, res) => {
    const { user, et } = findEventType(req.params.username, req.params.slug);
    const q = z.object({ tz: tzParam, rescheduleUid: z.string().optional() }).parse(req.query);
    const rescheduling = reschedulable(q.rescheduleUid, user.id);
    const tz = q.tz ?? user.timeZone;
    const metadata = pageMetadata(queryParams(req.originalUrl));
    const slots = freeSlots(et, user, s().bookings, new Date(), rescheduling?.uid);
    res.type('html').send(page(et.title, slotPicker(user, et, slots, tz, rescheduling?.uid, metadata)));
  });

  r.get('/:username/:slug/book', (req, res) => {
    const { user, et } = findEventType(req.params.username, req.params.slug);
    const q = z.object({ slot: z.iso.datetime(), tz: tzParam, rescheduleUid: z.string().optional() }).parse(req.query);
    const metadata = pageMetadata(queryParams(req.originalUrl));
    const rescheduling = reschedulable(q.rescheduleUid, user.id);
    res.type('html').send(page(et.title, bookingForm(user, et, q.slot, q.tz ?? user.timeZone, rescheduling, metadata)));
  });

  r.post('/:username/:slug/book', form, async (req, res) => {
    const { user, et } = findEventType(req.params.username, req.params.slug);
    const body = z
      .object({
        slot: z.iso.datetime(),
        tz: z.string().refine(isValidTimeZone, 'unknown time zone'),
        rescheduleUid: z.string().optional(),
        reason: z.string().max(2000).optional(),
        name: z.string().max(200).optional(),
        email: z.string().max(320).optional(),
        notes: z.string().max(5000).optional(),
      })
      .parse(req.body ?? {});
    // Cal.com's booker sends the page's metadata[…] parameters with the booking request (the form carries them).
    const metadata = pageMetadata(Object.entries((req.body ?? {}) as Record<string, unknown>));
    const hasMetadata = Object.keys(metadata).length > 0;
    const rescheduling = reschedulable(body.rescheduleUid, user.id);
    const slot = new Date(body.slot).getTime();
    // The public page only books times it offered; the programmatic API may book any free time.
    if (!freeSlots(et, user, s().bookings, new Date(), rescheduling?.uid).some((d) => d.getTime() === slot))
      throw new SandboxError(409, 'That time is no longer available. Please pick another one.');
    const result = rescheduling
      ? await ctx.bookings.rescheduleBooking(rescheduling.uid, body.slot, {
          by: rescheduling.attendees[0]?.email ?? '',
          ...(body.reason ? { reason: body.reason } : {}),
          ...(hasMetadata ? { metadata } : {}),
        })
      : await ctx.bookings.createBooking({
          username: user.username,
          eventTypeSlug: et.slug,
          start: body.slot,
          attendee: { name: body.name ?? '', email: body.email ?? '', timeZone: body.tz },
          ...(body.notes ? { notes: body.notes } : {}),
          ...(hasMetadata ? { metadata } : {}),
        });
    res.redirect(303, `/booking/${result.booking.uid}`);
  });

  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const parserStatus =
      typeof (err as { status?: unknown }).status === 'number' && (err as { status: number }).status < 500
        ? (err as { status: number }).status
        : 500;
    const status = err instanceof SandboxError ? err.status : err instanceof z.ZodError ? 400 : parserStatus;
    const message =
      err instanceof SandboxError
        ? err.message
        : err instanceof z.ZodError
          ? `Invalid input: ${err.issues[0]?.message ?? ''}`
          : status < 500
            ? 'Invalid request.'
            : 'Something went wrong.';
    if (status === 500) ctx.options.logger.error({ err }, 'booking page error');
    res
      .status(status)
      .type('html')
      .send(
        page(
          'Error',
          html`<h1>${status === 404 ? 'Not found' : 'Sorry'}</h1><p class="error" role="alert">${message}</p><p><a href="/">Back to the sandbox home</a></p>`,
        ),
      );
  };
  r.use(onError);
  return r;
}
