import express, { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { profileBodySchema, profileSlugSchema, type PublishProfileResponse } from '../../../common/relay';
import { PAGE_CSP } from './page-shell';
import { renderNotAvailablePage, renderNotFoundPage, renderProfilePage } from './profile-page';
import type { Profiles } from './profiles';

export interface ProfileRouterDeps {
  readonly profiles: Profiles;
  /**
   * Authenticates `Authorization: Bearer <channel token>` for the channel in `:id` and calls next() only when it
   * matches, answering 401 itself otherwise: the shape of channel-auth.ts `channelAuth(store, 'id', …)`.
   */
  readonly requireChannelToken: RequestHandler;
  /** Public base URL without trailing slash (a function because the relay only knows its port after listening). */
  readonly publicUrl: string | (() => string);
  /** Extra middleware in front of the PUT (e.g. the relay's per-IP API rate limiter). */
  readonly apiMiddleware?: readonly RequestHandler[];
  readonly onError?: (err: unknown) => void;
  /** Who may publish which slug (issue 16: verified channels only; usernames reserved for their account). */
  readonly access: ProfileAccess;
}

/** The trust model's answers the router needs (trust/profile-access.ts implements it). */
export interface ProfileAccess {
  /** May this channel publish this slug? On yes: the publishing account and whether the slug is its own username. */
  authorizePublish(
    channelId: string,
    slug: string,
  ): Promise<
    { ok: true; userId: number; takeOver: boolean } | { ok: false; status: number; code: string; message: string }
  >;
  /** Whether the page shows: its account is verified and approved. */
  isVisible(userId: number | null): Promise<boolean>;
}

function sendError(res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.end();
  res.status(status).set('Cache-Control', 'no-store').json({ error: { code, message } });
}

function sendPage(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': PAGE_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      // Short: a consultant who disconnects must stop being bookable soon, even through caches.
      'Cache-Control': status === 200 ? 'public, max-age=60' : 'no-store',
    })
    .send(html);
}

/** `PUT /api/channels/:id/profile` (channel token) and the public `GET /consultations/:slug`. */
export function createProfileRouter(deps: ProfileRouterDeps): Router {
  const { profiles } = deps;
  const base = () => (typeof deps.publicUrl === 'function' ? deps.publicUrl() : deps.publicUrl).replace(/\/+$/, '');
  const onError = deps.onError ?? (() => undefined);
  const router = Router();

  const requireJson: RequestHandler = (req, res, next) => {
    if (!req.is('application/json'))
      return sendError(res, 415, 'unsupported_media_type', 'Send the profile as application/json.');
    next();
  };
  const jsonBody = express.json({ limit: '128kb', strict: true });

  router.put(
    '/api/channels/:id/profile',
    ...(deps.apiMiddleware ?? []),
    deps.requireChannelToken,
    requireJson,
    jsonBody,
    async (req, res) => {
      const parsed = profileBodySchema.safeParse(req.body);
      if (!parsed.success) {
        const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
        return sendError(res, 400, 'bad_request', message);
      }
      const channelId = String(req.params.id);
      const allowed = await deps.access.authorizePublish(channelId, parsed.data.slug);
      if (!allowed.ok) return sendError(res, allowed.status, allowed.code, allowed.message);
      const outcome = await profiles.publish(channelId, parsed.data, {
        userId: allowed.userId,
        takeOver: allowed.takeOver,
      });
      if (outcome === 'slug_taken') {
        return sendError(res, 409, 'slug_taken', `The profile address "${parsed.data.slug}" is taken; choose another.`);
      }
      const answer: PublishProfileResponse = {
        slug: parsed.data.slug,
        url: `${base()}/consultations/${parsed.data.slug}`,
        visible: await deps.access.isVisible(allowed.userId),
      };
      res.status(200).set('Cache-Control', 'no-store').json(answer);
    },
  );

  router.get('/consultations/:slug', async (req, res) => {
    const slug = profileSlugSchema.safeParse(req.params.slug);
    const found = slug.success ? await profiles.getBySlug(slug.data) : undefined;
    if (!found) return sendPage(res, 404, renderNotFoundPage());
    // Unapproved or suspended consultants (and pages from before verification) are not shown: no links to follow.
    if (!(await deps.access.isVisible(found.userId))) return sendPage(res, 404, renderNotAvailablePage());
    sendPage(res, 200, renderProfilePage(found.profile, `${base()}/consultations/${found.profile.slug}`));
  });

  // Self-contained errors: a malformed body or a storage failure answers in the relay's error shape.
  const errors: ErrorRequestHandler = (err, _req, res, _next) => {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large')
      return sendError(res, 413, 'payload_too_large', 'The profile is larger than 128 KiB.');
    if (e.type === 'entity.parse.failed') return sendError(res, 400, 'invalid_json', 'The body is not valid JSON.');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
      return sendError(res, e.status, 'bad_request', 'The request could not be read.');
    onError(err);
    sendError(res, 503, 'storage_unavailable', 'The relay could not reach its storage.');
  };
  router.use(errors);
  return router;
}
