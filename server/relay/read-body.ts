import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream';
import getRawBody from 'raw-body';

/** A body, or why it was refused and with which status. */
export type BodyRead =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly reason: 'too_large' | 'compressed' | 'unreadable'; readonly status: number };

const EMPTY: BodyRead = { ok: true, body: Buffer.alloc(0) };
const COMPRESSED: BodyRead = { ok: false, reason: 'compressed', status: 415 };
const TOO_LARGE: BodyRead = { ok: false, reason: 'too_large', status: 413 };

/** on-finished's test, as body-parser asks it: nothing more will arrive on this request. */
function isFinished(req: IncomingMessage): boolean {
  return !req.socket?.readable || (req.complete && !req.readable);
}

/** type-is's test: a request without Transfer-Encoding or a numeric Content-Length has no body. */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(req.headers['content-length']));
}

/** Reads off what is left of a refused body, so the client is sending into an open socket when the answer comes. */
function drain(req: IncomingMessage): Promise<void> {
  if (isFinished(req)) return Promise.resolve();
  return new Promise((resolve) => {
    finished(req, () => resolve());
    req.resume();
  });
}

/**
 * The raw body bytes, read as `express.raw({ type: () => true, limit, inflate: false })` read them, without
 * turning the request into an express one (nothing is set on `req`): the same raw-body call, the same empty body
 * for a request without one, 415 for any Content-Encoding but identity (compressed bytes are not the bytes Cal.com
 * signed), 413 past `limit`, and raw-body's own status for an aborted body or a wrong length.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  if (isFinished(req) || !hasBody(req)) return EMPTY;
  if ((req.headers['content-encoding'] || 'identity').toLowerCase() !== 'identity') return COMPRESSED;
  try {
    return { ok: true, body: await getRawBody(req, { length: req.headers['content-length'], limit }) };
  } catch (err) {
    await drain(req);
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') return TOO_LARGE;
    return { ok: false, reason: 'unreadable', status: e.status && e.status < 500 ? e.status : 400 };
  }
}
