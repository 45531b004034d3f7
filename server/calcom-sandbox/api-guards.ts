import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { SandboxContext } from './context';
import { sendV2Error, V2Error } from './http-errors';
import type { SandboxUser } from './state';
import type { SandboxToken } from './state';

/** The authenticated caller of a /v2 route (set by authenticate()). */
export interface ApiAuth {
  readonly user: SandboxUser;
  readonly token: SandboxToken;
}

/** Fault injection for /v2 (including the token endpoint): 500, 429 or a request that never gets an answer. */
export function apiFaults(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    // Patterns match the full path (/v2/...), not the path relative to the /v2 mount.
    const path = req.originalUrl.split('?')[0] ?? '';
    const fault = ctx.faults.takeApiFault(path);
    if (!fault) return next();
    ctx.options.logger.info({ path, mode: fault.mode }, 'api fault injected');
    if (fault.mode === '500')
      return sendV2Error(req, res, new V2Error(500, 'Internal server error (sandbox fault injection)'));
    if (fault.mode === '429')
      return sendThrottled(req, res, { limit: ctx.options.rateLimitPerMinute, resetSeconds: 60 });
    // 'timeout': hold the request, then drop the connection without a response.
    const timer = setTimeout(() => req.socket.destroy(), fault.hangMs ?? 30_000);
    timer.unref();
    req.socket.once('close', () => clearTimeout(timer));
  };
}

function sendThrottled(req: Request, res: Response, v: { limit: number; resetSeconds: number }): void {
  setRateHeaders(res, v.limit, 0, v.resetSeconds);
  sendV2Error(req, res, new V2Error(429, 'CustomThrottlerGuard - Too many requests. Please try again later.'));
}

function setRateHeaders(res: Response, limit: number, remaining: number, reset: number): void {
  res.setHeader('X-RateLimit-Limit-Default', String(limit));
  res.setHeader('X-RateLimit-Remaining-Default', String(remaining));
  res.setHeader('X-RateLimit-Reset-Default', String(reset));
}

function bearer(req: Request): string | undefined {
  const h = req.get('authorization');
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m?.[1]?.trim() || undefined;
}

/** Cal.com's global throttler runs before auth and tracks OAuth callers by their access token (else by IP, 120/min). */
export function rateLimit(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    const token = bearer(req);
    const v = token ? ctx.rateLimiter.hit(token) : ctx.ipRateLimiter.hit(req.ip ?? 'unknown');
    if (!v.allowed) return sendThrottled(req, res, v);
    setRateHeaders(res, v.limit, v.remaining, v.resetSeconds);
    next();
  };
}

/** 401 for a missing, unknown, expired or revoked bearer token (UnauthorizedException, v2 envelope). */
export function authenticate(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    const token = bearer(req);
    if (!token) {
      return sendV2Error(
        req,
        res,
        new V2Error(
          401,
          "No authentication method provided. Either pass an API key as 'Bearer' header or OAuth client credentials as 'x-cal-secret-key' and 'x-cal-client-id' headers",
        ),
      );
    }
    const check = ctx.tokens.checkAccess(token);
    if (!check.ok) {
      ctx.options.logger.info({ reason: check.reason, path: req.path }, 'bearer token refused');
      return sendV2Error(
        req,
        res,
        new V2Error(401, check.reason === 'expired' ? 'Access token is expired' : 'Invalid Access Token.'),
      );
    }
    const user = ctx.store.state.users.find((u) => u.id === check.token.userId);
    if (!user) return sendV2Error(req, res, new V2Error(401, 'No user associated with the provided token'));
    res.locals.auth = { user, token: check.token } satisfies ApiAuth;
    next();
  };
}

/** OAuthPermissionsGuard: 403 when the token lacks the scope the endpoint needs. */
export function requireScope(scope: string): RequestHandler {
  return (req, res, next) => {
    const { token } = authOf(res);
    if (token.scopes.includes(scope)) return next();
    sendV2Error(
      req,
      res,
      new V2Error(
        403,
        `insufficient_scope: token does not have the required scopes. Required: ${scope}. Token has: ${token.scopes.join(', ')}`,
      ),
    );
  };
}

/**
 * The sandbox implements only the versions the app uses. Cal.com silently falls back to an older schema when the
 * header is missing; the sandbox answers 400 instead so a missing header is caught in tests (documented difference).
 */
export function requireApiVersion(version: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const got = req.get('cal-api-version');
    if (got === version) return next();
    sendV2Error(
      req,
      res,
      new V2Error(
        400,
        `The Cal.com sandbox implements this endpoint only for cal-api-version ${version} (got ${got ?? 'none'}); Cal.com would fall back to an older request/response schema.`,
      ),
    );
  };
}

/** The caller set by authenticate(). */
export function authOf(res: Response): ApiAuth {
  return res.locals.auth as ApiAuth;
}
