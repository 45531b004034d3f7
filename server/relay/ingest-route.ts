import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { channelIdSchema } from '../../common/relay';
import { CALCOM_LEGACY_SIGNATURE_HEADER, CALCOM_SIGNATURE_HEADER } from '../../common/calcom';
import type { RelayConfig } from './config';
import { signatureMatches } from './crypto';
import { sendError } from './errors';
import type { GroupCommitter } from './committer';
import type { RelayMetrics } from './metrics';
import { limiter } from './rate-limits';
import { ownedCopy } from './owned-bytes';
import type { ChannelCache, IngestChannel } from './channel-cache';

/** Headers kept with each event (the pull endpoint returns them); values are capped. */
const STORED_HEADERS = [
  'user-agent',
  CALCOM_SIGNATURE_HEADER,
  CALCOM_LEGACY_SIGNATURE_HEADER,
  'x-cal-webhook-version',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
] as const;

export interface IngestDeps {
  readonly config: RelayConfig;
  /** Channel records, cached (invalidated when a secret changes or a channel is closed). */
  readonly channels: ChannelCache;
  readonly committer: GroupCommitter;
  readonly metrics: RelayMetrics;
  readonly logger: Logger;
  readonly now: () => number;
  readonly onStorageError: (err: unknown) => void;
  /** Runs first on every request, as the express app's own first middleware does (the X-Forwarded-For warning). */
  readonly inspect: RequestHandler;
}

/** The ingest endpoint: `route` for express, `fastPath` for the server's request listener. */
export interface IngestRoute {
  /**
   * Handles POST /hooks/:channel straight from node:http, before express (issue 18): none of express's router,
   * pino-http or middleware chain runs for the relay's hottest request. Returns false for any other request.
   */
  fastPath(req: IncomingMessage, res: ServerResponse): boolean;
  /** The same handler mounted in express, for requests the fast path leaves to it (there are none it matches). */
  readonly route: RequestHandler;
}

type Outcome =
  | 'stored'
  | 'not_found'
  | 'not_ready'
  | 'invalid_signature'
  | 'invalid_json'
  | 'too_large'
  | 'unsupported_type'
  | 'rate_limited'
  | 'bad_request'
  | 'error';
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** What express's router matches for app.post('/hooks/:channel'): case-insensitive, an optional trailing slash. */
const HOOK_PATH = /^\/hooks\/([^/?#]+)\/?(?:\?|$)/i;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

function isJsonType(contentType: string | undefined): boolean {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(media);
}

function flatQuery(q: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (q && typeof q === 'object') {
    for (const [k, v] of Object.entries(q).slice(0, 20)) {
      const first = Array.isArray(v) ? v[0] : v;
      if (typeof first === 'string' && k.length <= 64) out[k] = first.slice(0, 512);
    }
  }
  return out;
}

/** Runs an express middleware on the fast path; true when it called next(), false when it answered. */
function passes(mw: RequestHandler, req: Request, res: Response): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let passed = false;
    const done = mw(req, res, (err?: unknown) => {
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      passed = true;
      resolve(true);
    }) as unknown;
    if (done instanceof Promise) done.then(() => passed || resolve(false), reject);
    else if (!passed) resolve(false);
  });
}

/** POST /hooks/:channel — verifies, then commits durably BEFORE answering 2xx. Rejections store nothing. */
export function ingestRoute(deps: IngestDeps, app: Express): IngestRoute {
  const { config, channels, committer, metrics, logger } = deps;
  const finish = (
    req: Request,
    res: Response,
    started: number,
    outcome: Outcome,
    status: number,
    code?: string,
    message?: string,
  ) => {
    metrics.ingestTotal.inc({ outcome });
    metrics.ingestSeconds.observe({ outcome }, (performance.now() - started) / 1000);
    if (code) sendError(res, status, code, message ?? code);
  };
  // inflate:false — a compressed body would not be the bytes Cal.com signed; raw-body answers 415 for it.
  const readRaw = express.raw({ type: () => true, limit: config.bodyLimitBytes, inflate: false });
  const rawBody = (req: Request, res: Response) =>
    new Promise<Buffer>((resolve, reject) =>
      readRaw(req, res, (err?: unknown) =>
        err ? reject(err) : resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)),
      ),
    );

  // The limits that applied to this route under express apply here too: the same limiter instances, in the same order.
  const perIp = limiter({
    perMinute: config.rateLimits.ingestPerIpPerMinute,
    onLimited: () => metrics.ingestTotal.inc({ outcome: 'rate_limited' }),
  });
  const perChannel = limiter({
    perMinute: config.rateLimits.ingestPerChannelPerMinute,
    key: (req) => `ch:${String(req.params.channel)}`,
    onLimited: () => metrics.ingestTotal.inc({ outcome: 'rate_limited' }),
  });

  const handle = async (req: Request, res: Response, started: number): Promise<void> => {
    if (!(await passes(perIp, req, res))) return;
    const id = String(req.params.channel);
    let channel: IngestChannel | undefined;
    try {
      channel = channelIdSchema.safeParse(id).success ? await channels.get(id) : undefined;
    } catch (err) {
      deps.onStorageError(err);
      return finish(req, res, started, 'error', 503, 'storage_unavailable', 'The relay could not reach its storage.');
    }
    if (!channel) return finish(req, res, started, 'not_found', 404, 'not_found', 'No such channel.');
    if (!(await passes(perChannel, req, res))) return;
    // No secret, no ingest (issue 16): an unsigned body could be anyone's. Checked before the body is even read.
    if (channel.secret === null) {
      return finish(
        req,
        res,
        started,
        'not_ready',
        409,
        'channel_not_ready',
        'This channel accepts webhooks only once its secret is set.',
      );
    }
    const contentType = req.headers['content-type'];
    if (!isJsonType(contentType)) {
      return finish(
        req,
        res,
        started,
        'unsupported_type',
        415,
        'unsupported_media_type',
        'Webhooks must be application/json.',
      );
    }
    let raw: Buffer;
    try {
      raw = await rawBody(req, res);
    } catch (err) {
      const e = err as { type?: string; status?: number };
      if (e.type === 'entity.too.large')
        return finish(
          req,
          res,
          started,
          'too_large',
          413,
          'payload_too_large',
          `The body is larger than ${config.bodyLimitBytes} bytes.`,
        );
      if (e.type === 'encoding.unsupported')
        return finish(
          req,
          res,
          started,
          'unsupported_type',
          415,
          'unsupported_media_type',
          'Compressed bodies are not accepted.',
        );
      return finish(
        req,
        res,
        started,
        'bad_request',
        e.status && e.status < 500 ? e.status : 400,
        'bad_request',
        'The body could not be read.',
      );
    }
    const presented = req.get(CALCOM_SIGNATURE_HEADER) ?? req.get(CALCOM_LEGACY_SIGNATURE_HEADER);
    if (!signatureMatches(channel.secret, raw, presented)) {
      return finish(
        req,
        res,
        started,
        'invalid_signature',
        401,
        'invalid_signature',
        'Missing or invalid X-Cal-Signature-256.',
      );
    }
    try {
      JSON.parse(utf8.decode(raw));
    } catch {
      return finish(req, res, started, 'invalid_json', 400, 'invalid_json', 'The body is not valid UTF-8 JSON.');
    }
    const headers: Record<string, string> = {};
    for (const name of STORED_HEADERS) {
      const v = req.get(name);
      if (v !== undefined) headers[name] = v.slice(0, 1024);
    }
    try {
      const outcome = await committer.append({
        channelId: channel.id,
        receivedAt: deps.now(),
        contentType: contentType as string,
        headers,
        query: flatQuery(req.query),
        body: ownedCopy(raw),
      });
      if (!outcome.ok) return finish(req, res, started, 'not_found', 404, 'not_found', 'No such channel.');
      finish(req, res, started, 'stored', 200);
      res.status(200).set('Cache-Control', 'no-store').json({ received: true, seq: outcome.event.seq });
    } catch (err) {
      deps.onStorageError(err);
      finish(req, res, started, 'error', 503, 'storage_unavailable', 'The event could not be stored.');
    }
  };

  /** One line per request, the shape pino-http writes for the express routes (request id, path without query). */
  const logLine = (req: IncomingMessage, res: ServerResponse, id: string, started: number, err?: unknown) => {
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
    if (err || status >= 500) logger.error({ ...line, err }, 'request errored');
    else if (status >= 400) logger.warn(line, 'request completed');
    else logger.info(line, 'request completed');
  };

  return {
    fastPath(req, res) {
      if (req.method !== 'POST') return false;
      const m = HOOK_PATH.exec(req.url ?? '');
      if (!m) return false;
      let channel: string;
      try {
        channel = decodeURIComponent(m[1] as string);
      } catch {
        return false; // express answers an undecodable path segment as it always has
      }
      const started = performance.now();
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      // What express's app.handle does before its router, so req.ip (trust proxy), req.get, req.query and
      // res.status/set/json behave exactly as on the express route, and the shared limiters run unchanged.
      const r = Object.setPrototypeOf(req, app.request) as Request;
      const s = Object.setPrototypeOf(res, app.response) as Response;
      Object.assign(r, { res: s, params: { channel } });
      Object.assign(s, { req: r, locals: Object.create(null) as Record<string, unknown> });
      res.once('finish', () => logLine(req, res, id, started));
      deps.inspect(r, s, () => undefined);
      handle(r, s, started).catch((err: unknown) => {
        logger.error({ err }, 'unhandled request error');
        if (!res.headersSent) sendError(s, 500, 'internal', 'Internal relay error.');
        else res.end();
      });
      return true;
    },
    route: (req, res, next) => {
      handle(req, res, performance.now()).catch(next);
    },
  };
}
