import express, { type ErrorRequestHandler, type Express } from 'express';
import { adminRoutes } from './admin-routes';
import { apiFaults, authenticate, rateLimit } from './api-guards';
import { bookingPageRoutes } from './booking-page-routes';
import type { SandboxContext } from './context';
import { html, page } from './html';
import { sendV2Error, V2Error } from './http-errors';
import { authorizeRoutes } from './oauth-authorize-routes';
import { tokenRoute } from './oauth-token-route';
import { bookingActionRoutes } from './routes-booking-actions';
import { createBookingRoute } from './routes-create-booking';
import { bookingRoutes } from './routes-bookings';
import { eventTypeRoutes } from './routes-event-types';
import { meRoutes } from './routes-me';
import { webhookRoutes } from './routes-webhooks';
import type { SandboxApi } from './sandbox-api';

/** Assembles the sandbox's express app: app pages, OAuth, API v2, admin, then the public booking pages (catch-all last). */
export function buildApp(ctx: SandboxContext, api: SandboxApi): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/', (_req, res) => {
    const users = ctx.store.state.users.map(
      (u) => html`<li><a href="${`/${u.username}`}">${u.name}</a> (${u.username})</li>`,
    );
    res
      .type('html')
      .send(
        page(
          'Home',
          html`<h1>Cal.com sandbox</h1><ul>${users}</ul><p><a href="/_sandbox">Consultant / admin page</a></p>`,
        ),
      );
  });
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.use(authorizeRoutes(ctx));

  // API v2: faults first (they apply to the token endpoint too), then the token endpoint, then throttling and auth.
  app.use('/v2', apiFaults(ctx), rateLimit(ctx));
  app.use(tokenRoute(ctx));
  // Booking is public in Cal.com (anyone may book), so POST /v2/bookings comes before authentication.
  app.use(createBookingRoute(ctx));
  app.use('/v2', authenticate(ctx));
  app.use(meRoutes(), eventTypeRoutes(ctx), webhookRoutes(ctx), bookingRoutes(ctx), bookingActionRoutes(ctx));
  app.use('/v2', (req, res) => sendV2Error(req, res, new V2Error(404, `Cannot ${req.method} ${req.originalUrl}`)));
  const v2Errors: ErrorRequestHandler = (err, req, res, _next) => {
    if (err instanceof V2Error) return sendV2Error(req, res, err);
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.parse.failed') return sendV2Error(req, res, new V2Error(400, 'Malformed JSON body'));
    if (e.type === 'entity.too.large') return sendV2Error(req, res, new V2Error(413, 'Request body too large'));
    ctx.options.logger.error({ err, path: req.path }, 'v2 route error');
    sendV2Error(req, res, new V2Error(500, 'Internal server error'));
  };
  app.use('/v2', v2Errors);

  app.use(adminRoutes(ctx, api));
  app.use(bookingPageRoutes(ctx));
  app.use(
    (_req, res) =>
      void res
        .status(404)
        .type('html')
        .send(page('Not found', html`<h1>Not found</h1><p><a href="/">Sandbox home</a></p>`)),
  );
  const lastResort: ErrorRequestHandler = (err, _req, res, _next) => {
    ctx.options.logger.error({ err }, 'unhandled sandbox error');
    if (!res.headersSent) res.status(500).type('text').send('Internal error');
  };
  app.use(lastResort);
  return app;
}
