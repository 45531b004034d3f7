import { json, Router, urlencoded, type ErrorRequestHandler, type Request, type Response } from 'express';
import { z } from 'zod';
import { adminPage } from './admin-view';
import type { SandboxContext } from './context';
import { faultsSchema } from './faults';
import { SandboxError } from './http-errors';
import type { SandboxApi } from './sandbox-api';
import { bookingStatuses } from './state';

const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const opt = (max = 2000) => z.string().max(max).optional();

/** HTML forms get a redirect back to the admin page; JSON callers get the result. */
function reply(req: Request, res: Response, result: unknown): void {
  if (req.is('application/x-www-form-urlencoded')) return res.redirect(303, '/_sandbox');
  res.json(result);
}

/** The consultant/admin side over HTTP (`/_sandbox/…`), a thin layer over the programmatic SandboxApi. */
export function adminRoutes(ctx: SandboxContext, api: SandboxApi): Router {
  const r = Router();
  r.use('/_sandbox', json({ limit: '100kb' }), urlencoded({ extended: false, limit: '100kb' }));
  const body = <T>(schema: z.ZodType<T>, req: Request): T => schema.parse(req.body ?? {});

  r.get('/_sandbox', (_req, res) => void res.type('html').send(adminPage(ctx.store.state, ctx.baseUrl())));
  r.get(
    '/_sandbox/state',
    (_req, res) =>
      void res.json({
        users: ctx.store.state.users,
        eventTypes: ctx.store.state.eventTypes,
        webhooks: ctx.store.state.webhooks,
        bookings: ctx.store.state.bookings,
      }),
  );

  r.post('/_sandbox/bookings', async (req, res) => reply(req, res, await api.createBooking(req.body)));
  r.post('/_sandbox/bookings/:uid/reschedule', async (req, res) => {
    const b = body(z.object({ start: z.string(), by: opt(320), reason: opt() }), req);
    reply(
      req,
      res,
      await api.rescheduleBooking(req.params.uid as string, b.start, {
        ...(b.by ? { by: b.by } : {}),
        ...(b.reason ? { reason: b.reason } : {}),
      }),
    );
  });
  r.post('/_sandbox/bookings/:uid/cancel', async (req, res) => {
    const b = body(z.object({ reason: opt(), by: opt(320) }), req);
    reply(
      req,
      res,
      await api.cancelBooking(req.params.uid as string, {
        ...(b.reason ? { reason: b.reason } : {}),
        ...(b.by ? { by: b.by } : {}),
      }),
    );
  });
  r.post('/_sandbox/bookings/:uid/no-show', async (req, res) => {
    const b = body(z.object({ attendeeEmail: z.string(), noShow: bool }), req);
    reply(req, res, await api.markNoShow(req.params.uid as string, b.attendeeEmail, b.noShow));
  });
  r.post('/_sandbox/bookings/:uid/confirm', async (req, res) =>
    reply(req, res, await api.confirmBooking(req.params.uid as string)),
  );
  r.post('/_sandbox/bookings/:uid/reject', async (req, res) => {
    const b = body(z.object({ reason: opt() }), req);
    reply(req, res, await api.rejectBooking(req.params.uid as string, b.reason || undefined));
  });
  r.post('/_sandbox/event-types/:id/requires-confirmation', (req, res) => {
    const b = body(z.object({ value: bool }), req);
    reply(req, res, { eventType: api.setRequiresConfirmation(z.coerce.number().int().parse(req.params.id), b.value) });
  });
  r.post('/_sandbox/ping', async (req, res) =>
    reply(req, res, await api.sendPing(body(z.object({ webhookId: opt(100) }), req).webhookId || undefined)),
  );
  r.post('/_sandbox/tokens/expire', (req, res) => reply(req, res, { expired: api.expireAccessTokens() }));
  r.post('/_sandbox/tokens/revoke-refresh', (req, res) =>
    reply(req, res, {
      revoked: api.revokeRefreshTokens(body(z.object({ username: opt(100) }), req).username || undefined),
    }),
  );
  r.get('/_sandbox/faults', (_req, res) => void res.json(api.getFaults()));
  r.put('/_sandbox/faults', (req, res) => {
    api.setFaults(faultsSchema.parse(req.body ?? {}));
    res.json(api.getFaults());
  });
  r.post('/_sandbox/special-bookings', (req, res) => reply(req, res, { uids: api.addSpecialBookings(req.body) }));
  r.post('/_sandbox/bookings/:uid/status', (req, res) => {
    api.setBookingStatus(req.params.uid as string, body(z.object({ status: z.enum(bookingStatuses) }), req).status);
    reply(req, res, { ok: true });
  });
  r.put('/_sandbox/clock', (req, res) => {
    const { offsetMs } = body(z.object({ offsetMs: z.number().int().min(-86_400_000).max(86_400_000) }), req);
    api.setClockOffset(offsetMs);
    res.json({ offsetMs });
  });
  r.delete('/_sandbox/faults', (_req, res) => {
    api.setFaults({});
    res.json(api.getFaults());
  });

  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    if (err instanceof SandboxError) return void res.status(err.status).json({ error: err.message });
    if (err instanceof z.ZodError)
      return void res
        .status(400)
        .json({ error: 'Invalid input', issues: err.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    if ((err as { type?: string }).type === 'entity.parse.failed')
      return void res.status(400).json({ error: 'Malformed JSON body' });
    ctx.options.logger.error({ err }, 'admin route error');
    res.status(500).json({ error: 'Internal error' });
  };
  r.use('/_sandbox', onError);
  return r;
}
