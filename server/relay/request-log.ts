import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { clipped } from './logger';

/** Writes the one line of a finished request (see createRequestLog). */
export type RequestLog = (req: IncomingMessage, res: ServerResponse, id: string, started: number) => void;

/**
 * One line per finished request, in the shape and at the level pino-http writes for the express routes (request id,
 * path without its query: OAuth codes and state live there), for handlers that bypass pino-http.
 *
 * The line is built here from a fixed set of fields, none of them a credential, so it skips the relay logger's
 * redaction: walking its wildcard paths was ~5.5 µs of the ~8 µs each line cost, 4.6% of the relay's event loop
 * during a burst of webhooks (issue 18). Anything else, including errors, goes through the redacting logger.
 */
export function createRequestLog(logger: Logger): RequestLog {
  const lines = logger.child({}, { redact: { paths: [] } });
  return (req, res, id, started) => {
    const status = res.statusCode;
    const line = {
      req: {
        id,
        method: req.method,
        path: clipped((req.url ?? '').split('?')[0]),
        remoteAddress: req.socket.remoteAddress,
        userAgent: clipped(req.headers['user-agent']),
        contentLength: req.headers['content-length'],
      },
      res: { statusCode: status },
      responseTime: Math.round(performance.now() - started),
    };
    if (status >= 500) lines.error(line, 'request errored');
    else if (status >= 400) lines.warn(line, 'request completed');
    else lines.info(line, 'request completed');
  };
}
