import type { ServerResponse } from 'node:http';

/**
 * Ends `res` with `value` as JSON, never cached: byte for byte what express's `res.status().set('Cache-Control',
 * 'no-store').json()` sends (same headers in the same order), written on a plain node:http response so the ingest
 * fast path needs no express response methods.
 */
export function writeJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
