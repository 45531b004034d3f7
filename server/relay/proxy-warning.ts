import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/** The X-Forwarded-For check, for express and for plain node:http handlers (the ingest fast path). */
export interface ForwardedWarning {
  /** Looks at one request; it needs only the headers and the socket, so any node:http request will do. */
  readonly inspect: (req: IncomingMessage) => void;
  /** The same check (same instance, same once-only state) as express middleware. */
  readonly middleware: RequestHandler;
}

/**
 * Logs once when X-Forwarded-For arrives while RELAY_TRUST_PROXY is off: behind a proxy every client then shares
 * the proxy's address, and every per-IP limit becomes one global limit (issue 16).
 */
export function warnForwardedWithoutTrust(trustProxy: boolean | number | string, logger: Logger): ForwardedWarning {
  let warned = trustProxy !== false;
  const inspect = (req: IncomingMessage) => {
    if (!warned && req.headers['x-forwarded-for'] !== undefined) {
      warned = true;
      logger.warn(
        { remoteAddress: req.socket.remoteAddress },
        'X-Forwarded-For received but RELAY_TRUST_PROXY is off: all clients behind this proxy share one rate limit; set RELAY_TRUST_PROXY (e.g. 1 or the proxy address)',
      );
    }
  };
  return {
    inspect,
    middleware: (req, _res, next) => {
      inspect(req);
      next();
    },
  };
}
