import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { sendError } from './errors';

/** A fixed-window limiter answering the relay's JSON 429; key is the client IP (IPv6 /56) unless given. */
export function limiter(opts: {
  perMinute: number;
  /** Window length (default one minute); `perMinute` is then the limit per window. */
  windowMs?: number;
  key?: (req: Parameters<RequestHandler>[0]) => string;
  onLimited?: () => void;
}): RequestHandler {
  return rateLimit({
    windowMs: opts.windowMs ?? 60_000,
    limit: opts.perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: opts.key ?? ((req) => ipKeyGenerator(req.ip ?? 'unknown')),
    handler(_req, res) {
      opts.onLimited?.();
      sendError(res, 429, 'rate_limited', 'Too many requests; slow down.');
    },
  });
}
