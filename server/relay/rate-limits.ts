import type { ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type Options } from 'express-rate-limit';
import { writeError } from './errors';

const DEFAULT_WINDOW_MS = 60_000;

interface LimitOptions {
  perMinute: number;
  /** Window length (default one minute); `perMinute` is then the limit per window. */
  windowMs?: number;
  onLimited?: () => void;
  /** What a refused request gets instead of the JSON 429 (`limiter` only). */
  answer?: (res: Response) => void;
}

/** The per-IP key: the client IP, an IPv6 client by its /56 (one host can hold a whole prefix). */
export const ipKey = (ip: string | undefined): string => ipKeyGenerator(ip ?? 'unknown');

/** The relay's 429, whichever kind of limiter refused the request. */
function refuse(res: ServerResponse, opts: LimitOptions): void {
  opts.onLimited?.();
  writeError(res, 429, 'rate_limited', 'Too many requests; slow down.');
}

/** A fixed-window per-IP limiter (IPv6 by /56) for express routes, answering the relay's JSON 429. */
export function limiter(opts: LimitOptions): RequestHandler {
  return rateLimit({
    windowMs: opts.windowMs ?? DEFAULT_WINDOW_MS,
    limit: opts.perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Destructured: express-rate-limit scans this function's source for `req.ip` without `ipKeyGenerator`, and
    // ipKey is that call.
    keyGenerator: ({ ip }) => ipKey(ip),
    handler(_req, res) {
      if (!opts.answer) return refuse(res, opts);
      opts.onLimited?.();
      opts.answer(res);
    },
  });
}

/**
 * `limiter` for a plain node:http handler (the ingest fast path), which has no express request to run middleware
 * on: the same fixed window counted by express-rate-limit's own MemoryStore, the same draft-7 `RateLimit-Policy` /
 * `RateLimit` headers and `Retry-After` as express-rate-limit sets for `limiter`, and the same 429. Resolves true
 * when the request may go on, false once the 429 is written.
 */
export function nodeLimiter(opts: LimitOptions): (res: ServerResponse, key: string) => Promise<boolean> {
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const limit = opts.perMinute;
  const store = new MemoryStore();
  // MemoryStore reads only windowMs from the options (to stamp reset times and sweep expired keys).
  store.init({ windowMs } as Options);
  const policy = `${limit};w=${Math.ceil(windowMs / 1000)}`;
  return async (res, key) => {
    const { totalHits, resetTime } = await store.increment(key);
    const resetSeconds = resetTime
      ? Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1000))
      : Math.ceil(windowMs / 1000);
    res.setHeader('RateLimit-Policy', policy);
    res.setHeader('RateLimit', `limit=${limit}, remaining=${Math.max(limit - totalHits, 0)}, reset=${resetSeconds}`);
    if (totalHits <= limit) return true;
    res.setHeader('Retry-After', String(resetSeconds));
    refuse(res, opts);
    return false;
  };
}
