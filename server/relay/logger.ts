import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** Paths pino must blank wherever they appear: credentials and signatures are never logged. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-cal-signature-256"]',
  'req.headers["x-cal-signature"]',
  'res.headers["set-cookie"]',
  'token',
  'secret',
  'registrationKey',
  'accessToken',
  '*.accessToken',
  '*.token',
  '*.secret',
];

/** The relay's structured JSON logger. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { name: 'lifescore-relay', level, redact: { paths: REDACT, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The request's id: the caller's X-Request-Id when it is a plain token, else a fresh UUID; echoed on the response. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * A request's own text as logged (path, User-Agent): clipped, since a client chooses up to 16 KiB of it per request
 * and the request lines are written for every request (291 MB of log in 5 s in a security review).
 */
export function clipped(value: unknown, max = 200): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Request logging with request ids; the URL is logged without its query (OAuth codes and state live there). */
export function createHttpLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: assignRequestId,
    serializers: {
      req(req: { id: unknown; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) {
        const h = req.headers;
        return {
          id: req.id,
          method: req.method,
          path: clipped(String(req.url).split('?')[0]),
          remoteAddress: req.remoteAddress,
          userAgent: clipped(h['user-agent']),
          contentLength: h['content-length'],
        };
      },
    },
    customLogLevel(_req, res, err) {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
  });
}
