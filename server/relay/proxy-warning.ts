import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/**
 * Logs once when X-Forwarded-For arrives while RELAY_TRUST_PROXY is off: behind a proxy every client then shares
 * the proxy's address, and every per-IP limit becomes one global limit (issue 16).
 */
export function warnForwardedWithoutTrust(trustProxy: boolean | number | string, logger: Logger): RequestHandler {
  let warned = trustProxy !== false;
  return (req, _res, next) => {
    if (!warned && req.headers['x-forwarded-for'] !== undefined) {
      warned = true;
      logger.warn(
        { remoteAddress: req.socket.remoteAddress },
        'X-Forwarded-For received but RELAY_TRUST_PROXY is off: all clients behind this proxy share one rate limit; set RELAY_TRUST_PROXY (e.g. 1 or the proxy address)',
      );
    }
    next();
  };
}
