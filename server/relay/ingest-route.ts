import express, { type Request, type RequestHandler, type Response } from 'express';
import { channelIdSchema } from '../../common/relay';
import { CALCOM_LEGACY_SIGNATURE_HEADER, CALCOM_SIGNATURE_HEADER } from '../../common/calcom';
import type { RelayConfig } from './config';
import { signatureMatches } from './crypto';
import { sendError } from './errors';
import type { GroupCommitter } from './committer';
import type { RelayMetrics } from './metrics';
import { limiter } from './rate-limits';
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
  readonly now: () => number;
  readonly onStorageError: (err: unknown) => void;
}

type Outcome = 'stored' | 'not_found' | 'not_ready' | 'invalid_signature' | 'invalid_json' | 'too_large' | 'unsupported_type' | 'rate_limited' | 'bad_request' | 'error';
const utf8 = new TextDecoder('utf-8', { fatal: true });

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

/** POST /hooks/:channel — verifies, then commits durably BEFORE answering 2xx. Rejections store nothing. */
export function ingestHandlers(deps: IngestDeps): RequestHandler[] {
  const { config, channels, committer, metrics } = deps;
  const started = new WeakMap<Request, number>();
  const finish = (req: Request, res: Response, outcome: Outcome, status: number, code?: string, message?: string) => {
    metrics.ingestTotal.inc({ outcome });
    metrics.ingestSeconds.observe({ outcome }, (performance.now() - (started.get(req) ?? performance.now())) / 1000);
    if (code) sendError(res, status, code, message ?? code);
  };
  // inflate:false — a compressed body would not be the bytes Cal.com signed; raw-body answers 415 for it.
  const readRaw = express.raw({ type: () => true, limit: config.bodyLimitBytes, inflate: false });
  const rawBody = (req: Request, res: Response) =>
    new Promise<Buffer>((resolve, reject) => readRaw(req, res, (err?: unknown) => (err ? reject(err) : resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)))));

  const begin: RequestHandler = (req, _res, next) => {
    started.set(req, performance.now());
    next();
  };
  const perIp = limiter({ perMinute: config.rateLimits.ingestPerIpPerMinute, onLimited: () => metrics.ingestTotal.inc({ outcome: 'rate_limited' }) });
  const perChannel = limiter({
    perMinute: config.rateLimits.ingestPerChannelPerMinute,
    key: (req) => `ch:${String(req.params.channel)}`,
    onLimited: () => metrics.ingestTotal.inc({ outcome: 'rate_limited' }),
  });
  const lookup: RequestHandler = async (req, res, next) => {
    const id = String(req.params.channel);
    let channel: IngestChannel | undefined;
    try {
      channel = channelIdSchema.safeParse(id).success ? await channels.get(id) : undefined;
    } catch (err) {
      deps.onStorageError(err);
      return finish(req, res, 'error', 503, 'storage_unavailable', 'The relay could not reach its storage.');
    }
    if (!channel) return finish(req, res, 'not_found', 404, 'not_found', 'No such channel.');
    res.locals.channel = channel;
    next();
  };
  const handle: RequestHandler = async (req, res) => {
    const channel = res.locals.channel as IngestChannel;
    // No secret, no ingest (issue 16): an unsigned body could be anyone's. Checked before the body is even read.
    if (channel.secret === null) {
      return finish(req, res, 'not_ready', 409, 'channel_not_ready', 'This channel accepts webhooks only once its secret is set.');
    }
    const contentType = req.get('content-type');
    if (!isJsonType(contentType)) {
      return finish(req, res, 'unsupported_type', 415, 'unsupported_media_type', 'Webhooks must be application/json.');
    }
    let raw: Buffer;
    try {
      raw = await rawBody(req, res);
    } catch (err) {
      const e = err as { type?: string; status?: number };
      if (e.type === 'entity.too.large') return finish(req, res, 'too_large', 413, 'payload_too_large', `The body is larger than ${config.bodyLimitBytes} bytes.`);
      if (e.type === 'encoding.unsupported') return finish(req, res, 'unsupported_type', 415, 'unsupported_media_type', 'Compressed bodies are not accepted.');
      return finish(req, res, 'bad_request', e.status && e.status < 500 ? e.status : 400, 'bad_request', 'The body could not be read.');
    }
    const presented = req.get(CALCOM_SIGNATURE_HEADER) ?? req.get(CALCOM_LEGACY_SIGNATURE_HEADER);
    if (!signatureMatches(channel.secret, raw, presented)) {
      return finish(req, res, 'invalid_signature', 401, 'invalid_signature', 'Missing or invalid X-Cal-Signature-256.');
    }
    try {
      JSON.parse(utf8.decode(raw));
    } catch {
      return finish(req, res, 'invalid_json', 400, 'invalid_json', 'The body is not valid UTF-8 JSON.');
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
        body: raw,
      });
      if (!outcome.ok) return finish(req, res, 'not_found', 404, 'not_found', 'No such channel.');
      finish(req, res, 'stored', 200);
      res.status(200).set('Cache-Control', 'no-store').json({ received: true, seq: outcome.event.seq });
    } catch (err) {
      deps.onStorageError(err);
      finish(req, res, 'error', 503, 'storage_unavailable', 'The event could not be stored.');
    }
  };
  return [begin, perIp, lookup, perChannel, handle];
}
