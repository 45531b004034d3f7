import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Response } from 'express';
import { writeJson } from './json-response';

/** An HTTP error with the relay's `{ error: { code, message } }` body. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
  }
}

/**
 * Writes the relay error shape on any node:http response: the one place it is defined, for express routes (through
 * sendError) and the ingest fast path alike. Once a response has started, all that is left is to end it.
 */
export function writeError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  writeJson(res, status, { error: { code, message } });
}

/** Writes the relay error shape from an express handler. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  writeError(res, status, code, message);
}

/** Same 401 for a wrong token and an unknown channel, so a probe learns nothing. */
export const unauthorized = (): HttpError => new HttpError(401, 'unauthorized', 'Missing or invalid bearer token.');

/** Maps body-parser and thrown errors to precise statuses; never lets one bad request crash the process. */
export function errorHandler(onInternal: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof HttpError) return sendError(res, err.status, err.code, err.message);
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large')
      return sendError(res, 413, 'payload_too_large', 'The body is larger than the relay accepts.');
    if (e.type === 'entity.parse.failed') return sendError(res, 400, 'invalid_json', 'The body is not valid JSON.');
    if (e.type === 'request.aborted') return sendError(res, 400, 'aborted', 'The request was aborted.');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
      return sendError(res, 415, 'unsupported_media_type', 'Unsupported content encoding or charset.');
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendError(res, e.status, 'bad_request', 'The request could not be read.');
    }
    onInternal(err);
    sendError(res, 500, 'internal', 'Internal relay error.');
  };
}
