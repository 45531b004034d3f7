import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/**
 * One line for a finished request, in the shape and at the level pino-http writes for the express routes (request
 * id, path without its query: OAuth codes and state live there), for handlers that bypass pino-http.
 */
export function logRequest(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  started: number,
): void {
  const status = res.statusCode;
  const line = {
    req: {
      id,
      method: req.method,
      path: (req.url ?? '').split('?')[0],
      remoteAddress: req.socket.remoteAddress,
      userAgent: req.headers['user-agent'],
      contentLength: req.headers['content-length'],
    },
    res: { statusCode: status },
    responseTime: Math.round(performance.now() - started),
  };
  if (status >= 500) logger.error(line, 'request errored');
  else if (status >= 400) logger.warn(line, 'request completed');
  else logger.info(line, 'request completed');
}
