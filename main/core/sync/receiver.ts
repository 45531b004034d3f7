import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { CALCOM_SIGNATURE_HEADER } from '../../../common/calcom';
import { RELAY_CHANNEL_HEADER, RELAY_REENCODED_HEADER, RELAY_SEQ_HEADER } from '../../../common/relay';
import type { Logger } from '../ports';
import type { ForwardedEvent, IntakeOutcome } from './event-intake';

/**
 * The loopback receiver smee-client forwards to. It answers fast and never relies on smee-client retrying
 * (it doesn't): whatever it can't take now, the intake's gap filler pulls from the relay later.
 */

export interface Receiver {
  /** The URL to give smee-client as its target. */
  readonly url: string;
  /** Settles when the receiver stops by itself (its server closed or failed), never after close(): the engine restarts it. */
  readonly ended: Promise<Error>;
  close(): Promise<void>;
}

export interface ReceiverDeps {
  readonly channelId: string;
  readonly accept: (event: ForwardedEvent) => Promise<IntakeOutcome>;
  readonly logger: Logger;
  /** Largest forwarded body, in bytes after decompression (default 10 MiB; the relay's limit is the real one). */
  readonly bodyLimitBytes?: number;
}

/** A parsed forward, or why it was refused. Pure. */
export function parseForward(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer,
  channelId: string,
): { ok: true; event: ForwardedEvent } | { ok: false; status: number; reason: string } {
  const one = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const seqText = one(RELAY_SEQ_HEADER);
  if (!seqText || !/^[1-9]\d{0,14}$/.test(seqText))
    return { ok: false, status: 400, reason: 'missing or bad relay sequence' };
  if (one(RELAY_CHANNEL_HEADER) !== channelId) return { ok: false, status: 403, reason: 'not this channel' };
  return {
    ok: true,
    event: {
      seq: Number(seqText),
      reencoded: one(RELAY_REENCODED_HEADER) === 'true',
      signature: one(CALCOM_SIGNATURE_HEADER),
      body,
    },
  };
}

/** True for a Host header naming this loopback server (DNS-rebinding guard). */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

const statusFor: Readonly<Record<IntakeOutcome, number>> = {
  applied: 200,
  duplicate: 200,
  quarantined: 200,
  deferred: 503,
  'unknown-seq': 404,
};

const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/**
 * Starts the receiver on 127.0.0.1, on a free port. Plain node:http: one loopback POST needs no framework, and the
 * app starts without loading one (issue 10). Answers as the express receiver before it did: 403 for a foreign Host,
 * 404 for anything but POST /, 413 over the limit, 415 for an unknown content encoding, 400/403 for a bad forward.
 */
export async function startReceiver(deps: ReceiverDeps): Promise<Receiver> {
  const limit = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  let port = 0;
  const server: Server = createServer((req, res) => {
    if (!isLoopbackHost(req.headers.host, port)) {
      req.resume();
      return sendJson(res, 403, { error: { code: 'forbidden', message: 'loopback only' } });
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'POST' || path !== '/') {
      req.resume();
      return sendJson(res, 404, { error: { code: 'not_found', message: 'not found' } });
    }
    void handleForward(req, res, deps, limit);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  let closing = false;
  const ended = new Promise<Error>((resolve) => {
    server.once('error', (err) => resolve(err));
    server.once('close', () => {
      if (!closing) resolve(new Error('the local receiver stopped'));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    ended,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handleForward(
  req: IncomingMessage,
  res: ServerResponse,
  deps: ReceiverDeps,
  limit: number,
): Promise<void> {
  // Raw bytes whatever the content type: smee-client always says application/json, but the bytes are what we verify.
  const read = await readBody(req, limit);
  if (!read.ok) return sendJson(res, read.status, { error: { code: 'bad_input', message: read.reason } });
  const parsed = parseForward(req.headers, read.body, deps.channelId);
  if (!parsed.ok) {
    deps.logger.warn('forward refused', { reason: parsed.reason });
    return sendJson(res, parsed.status, { error: { code: 'bad_input', message: parsed.reason } });
  }
  try {
    const outcome = await deps.accept(parsed.event);
    sendJson(res, statusFor[outcome], { outcome });
  } catch (err) {
    deps.logger.error('forward failed', { seq: parsed.event.seq, error: String(err) });
    sendJson(res, 500, { error: { code: 'internal', message: 'could not take the event' } });
  }
}

type BodyRead = { ok: true; body: Buffer } | { ok: false; status: number; reason: string };

/** The request body, decompressed as its Content-Encoding says (as express.raw did), within `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = req.headers['content-length'];
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const tooLarge: BodyRead = { ok: false, status: 413, reason: 'request entity too large' };
  if (encoding === 'identity' && declared !== undefined && Number(declared) > limit) {
    req.resume();
    return Promise.resolve(tooLarge);
  }
  const decoder = decoderFor(encoding);
  if (decoder === null) {
    req.resume();
    return Promise.resolve({ ok: false, status: 415, reason: `unsupported content encoding "${encoding}"` });
  }
  const source: Readable = decoder ? req.pipe(decoder) : req;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      if (!result.ok) {
        source.removeAllListeners('data');
        if (decoder) req.unpipe(decoder);
        req.resume(); // drain what is left so the answer can go out on this connection
      }
      resolve(result);
    };
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return settle(tooLarge);
      chunks.push(chunk);
    });
    source.on('end', () => settle({ ok: true, body: Buffer.concat(chunks) }));
    source.on('error', () => settle({ ok: false, status: 400, reason: 'the request body could not be read' }));
    req.on('aborted', () => settle({ ok: false, status: 400, reason: 'request aborted' }));
  });
}

/** undefined: no decoding needed; null: an encoding express.raw would also refuse (415). */
function decoderFor(encoding: string): Transform | undefined | null {
  switch (encoding) {
    case 'identity':
      return undefined;
    case 'gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) };
  res.writeHead(status, headers);
  res.end(text);
}
