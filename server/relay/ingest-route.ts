import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { channelIdSchema } from '../../common/relay';
import { CALCOM_LEGACY_SIGNATURE_HEADER, CALCOM_SIGNATURE_HEADER } from '../../common/calcom';
import type { ChannelCache, IngestChannel } from './channel-cache';
import { clientIpResolver } from './client-ip';
import type { GroupCommitter } from './committer';
import type { RelayConfig } from './config';
import { signatureMatches } from './crypto';
import { writeError } from './errors';
import { hookChannel, storedQuery } from './hook-target';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';
import { writeJson } from './json-response';
import { assignRequestId } from './logger';
import type { RelayMetrics } from './metrics';
import { ownedCopy } from './owned-bytes';
import { ipKey, nodeLimiter } from './rate-limits';
import { readBody } from './read-body';
import { createRequestLog } from './request-log';
import { ClientBudget } from './client-budget';
import { DailyBytes } from './daily-bytes';
import { diskRoom, type DiskRoom } from './disk-room';
import { isCanonicalJson } from './sse-format';

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
  readonly inspect: (req: IncomingMessage) => void;
  /**
   * Whether the channel has an open stream in this process: only then will its events be formatted from memory, and
   * only then is the canonical-JSON check worth its stringify (events read back are checked when read).
   */
  readonly streamed: (channelId: string) => boolean;
  /** Whether the channel belongs to an approved consultant (asked only while disk space is in their reserve). */
  readonly isApproved: (channelId: string) => Promise<boolean>;
}

/** The ingest endpoint, served from the server's request listener ahead of express. */
export interface IngestRoute {
  /**
   * Handles POST /hooks/:channel straight from node:http (issue 18): none of express's router, request/response
   * prototypes, pino-http or middleware chain runs for the relay's hottest request. Returns false for any other
   * request; express never sees a POST /hooks/:channel.
   */
  fastPath(req: IncomingMessage, res: ServerResponse): boolean;
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
  | 'busy'
  | 'quota'
  | 'no_space'
  | 'channel_full'
  | 'bad_request'
  | 'error';
const utf8 = new TextDecoder('utf-8', { fatal: true });

function isJsonType(contentType: string | undefined): contentType is string {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(media);
}

/** A header as express's req.get gave it (none of the headers read here can repeat into an array). */
function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** What any request holds besides its body (socket, parser, buffers): so tiny slow bodies are not free to hold open. */
const REQUEST_COST_BYTES = 16 * 1024;

/**
 * What a body will hold while it is read and stored: its declared length (raw-body refuses one over the limit before
 * reading it), or the whole limit when it comes chunked and says nothing; never less than a request's own cost.
 */
function bodyBytesToHold(req: IncomingMessage, limit: number): number {
  const declared = Number(req.headers['content-length']);
  const body = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, limit) : limit;
  return Math.min(Math.max(body, REQUEST_COST_BYTES), limit);
}

/**
 * POST /hooks/:channel — verifies, then commits durably BEFORE answering 2xx. Rejections store nothing. `app` is
 * the express app serving every other route: its compiled 'trust proxy' and 'query parser' settings apply here too.
 */
export function ingestRoute(deps: IngestDeps, app: Express): IngestRoute {
  const { config, channels, committer, metrics, logger } = deps;
  const logRequest = createRequestLog(logger);
  const clientIp = clientIpResolver(app);
  const finish = (
    res: ServerResponse,
    started: number,
    outcome: Outcome,
    status: number,
    code?: string,
    message?: string,
  ) => {
    metrics.ingestTotal.inc({ outcome });
    metrics.ingestSeconds.observe({ outcome }, (performance.now() - started) / 1000);
    if (code) writeError(res, status, code, message ?? code);
  };
  const countLimited = () => metrics.ingestTotal.inc({ outcome: 'rate_limited' });
  const perIp = nodeLimiter({ perMinute: config.rateLimits.ingestPerIpPerMinute, onLimited: countLimited });
  const perChannel = nodeLimiter({ perMinute: config.rateLimits.ingestPerChannelPerMinute, onLimited: countLimited });
  const perChannelDay = new DailyBytes(config.ingestQuota.perChannelBytesPerDay);
  const perClientDay = new DailyBytes(config.ingestQuota.perClientBytesPerDay);
  const disk = diskRoom({
    dataDir: config.dataDir,
    minFreeBytes: config.ingestQuota.minFreeDiskBytes,
    approvedReserveBytes: config.ingestQuota.approvedDiskReserveBytes,
    isApproved: deps.isApproved,
    logger,
  });
  /** Room on disk and in the channel's and the client's byte quotas for one more signed body; else answered. */
  const roomFor = async (
    res: ServerResponse,
    started: number,
    channelId: string,
    ip: string | undefined,
    bytes: number,
  ): Promise<boolean> => {
    let room: DiskRoom;
    try {
      room = await disk.check(channelId);
    } catch (err) {
      // The approval lookup inside the reserve failed: storage is down, and so would the append be.
      deps.onStorageError(err);
      finish(res, started, 'error', 503, 'storage_unavailable', 'The relay could not reach its storage.');
      return false;
    }
    if (room !== 'ok') {
      const message =
        room === 'low'
          ? 'The relay is low on disk space; retry later.'
          : 'The relay keeps its remaining disk space for approved consultants; retry later.';
      finish(res, started, 'no_space', 507, 'insufficient_storage', message);
      return false;
    }
    const channelWait = await perChannelDay.take(channelId, bytes);
    const clientWait = channelWait ?? (await perClientDay.take(ipKey(ip), bytes));
    if (channelWait === undefined && clientWait === undefined) return true;
    if (channelWait === undefined) await perChannelDay.giveBack(channelId, bytes);
    res.setHeader('Retry-After', String(channelWait ?? clientWait));
    const whose = channelWait === undefined ? 'this address' : 'this channel';
    finish(
      res,
      started,
      'quota',
      429,
      'quota_exceeded',
      `The day's webhook bytes for ${whose} are used up; retry later.`,
    );
    return false;
  };
  // Rate limits bound how often a client posts, not how many bytes it has the relay hold at once: slow bodies of up
  // to RELAY_BODY_LIMIT over many connections (behind a proxy, with no connection cap) could otherwise fill memory.
  const inflight = new ClientBudget({
    total: config.ingestInflight.totalBytes,
    perClient: config.ingestInflight.perClientBytes,
  });

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    id: string | null,
    started: number,
  ): Promise<void> => {
    if (id === null) {
      return finish(res, started, 'bad_request', 400, 'bad_request', 'The request could not be read.');
    }
    const ip = clientIp(req);
    if (!(await perIp(res, ipKey(ip)))) return;
    let channel: IngestChannel | undefined;
    try {
      channel = channelIdSchema.safeParse(id).success ? await channels.get(id) : undefined;
    } catch (err) {
      deps.onStorageError(err);
      return finish(res, started, 'error', 503, 'storage_unavailable', 'The relay could not reach its storage.');
    }
    if (!channel) return finish(res, started, 'not_found', 404, 'not_found', 'No such channel.');
    if (!(await perChannel(res, `ch:${id}`))) return;
    // No secret, no ingest (issue 16): an unsigned body could be anyone's. Checked before the body is even read.
    if (channel.secret === null) {
      return finish(
        res,
        started,
        'not_ready',
        409,
        'channel_not_ready',
        'This channel accepts webhooks only once its secret is set.',
      );
    }
    const contentType = header(req, 'content-type');
    if (!isJsonType(contentType)) {
      return finish(
        res,
        started,
        'unsupported_type',
        415,
        'unsupported_media_type',
        'Webhooks must be application/json.',
      );
    }
    const share = inflight.take(ip, bodyBytesToHold(req, config.bodyLimitBytes));
    if ('refused' in share) {
      res.setHeader('Retry-After', '1');
      return share.refused === 'client_limit'
        ? finish(
            res,
            started,
            'rate_limited',
            429,
            'rate_limited',
            'Too many webhook bodies in flight from this address; retry shortly.',
          )
        : finish(res, started, 'busy', 503, 'busy', 'The relay is receiving too much at once; retry shortly.');
    }
    try {
      await receive(req, res, started, { id: channel.id, secret: channel.secret }, contentType, ip);
    } finally {
      share.release();
    }
  };

  /** Reads, verifies and stores one body the budget has room for. */
  const receive = async (
    req: IncomingMessage,
    res: ServerResponse,
    started: number,
    channel: { readonly id: string; readonly secret: string },
    contentType: string,
    ip: string | undefined,
  ): Promise<void> => {
    const read = await readBody(req, config.bodyLimitBytes);
    if (!read.ok) {
      if (read.reason === 'too_large') {
        const message = `The body is larger than ${config.bodyLimitBytes} bytes.`;
        return finish(res, started, 'too_large', 413, 'payload_too_large', message);
      }
      if (read.reason === 'compressed') {
        return finish(
          res,
          started,
          'unsupported_type',
          415,
          'unsupported_media_type',
          'Compressed bodies are not accepted.',
        );
      }
      return finish(res, started, 'bad_request', read.status, 'bad_request', 'The body could not be read.');
    }
    const raw = read.body;
    const presented = header(req, CALCOM_SIGNATURE_HEADER) ?? header(req, CALCOM_LEGACY_SIGNATURE_HEADER);
    if (!signatureMatches(channel.secret, raw, presented)) {
      return finish(
        res,
        started,
        'invalid_signature',
        401,
        'invalid_signature',
        'Missing or invalid X-Cal-Signature-256.',
      );
    }
    if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) {
      const message = `The body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels.`;
      return finish(res, started, 'invalid_json', 400, 'invalid_json', message);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(utf8.decode(raw));
    } catch {
      return finish(res, started, 'invalid_json', 400, 'invalid_json', 'The body is not valid UTF-8 JSON.');
    }
    // Counted once the body is known to be the channel owner's (signed) and storable: nobody can use up another's quota.
    if (!(await roomFor(res, started, channel.id, ip, raw.byteLength))) return;
    const headers: Record<string, string> = {};
    for (const name of STORED_HEADERS) {
      const v = header(req, name);
      if (v !== undefined) headers[name] = v.slice(0, 1024);
    }
    try {
      const outcome = await committer.append({
        channelId: channel.id,
        receivedAt: deps.now(),
        contentType,
        headers,
        query: storedQuery(req.url ?? '', app.get('query parser fn') as ((qs: string) => unknown) | undefined),
        body: ownedCopy(raw),
        canonicalJson: deps.streamed(channel.id) && isCanonicalJson(raw, parsed),
      });
      if (!outcome.ok) {
        // Nothing was stored: the body's bytes go back to the day's quotas.
        await Promise.all([
          perChannelDay.giveBack(channel.id, raw.byteLength),
          perClientDay.giveBack(ipKey(ip), raw.byteLength),
        ]);
        if (outcome.reason === 'channel_not_found')
          return finish(res, started, 'not_found', 404, 'not_found', 'No such channel.');
        const message = `This channel holds ${config.ingestQuota.maxChannelBytes} bytes of events; it takes more once the app has acknowledged them or they age out.`;
        return finish(res, started, 'channel_full', 507, 'channel_full', message);
      }
      finish(res, started, 'stored', 200);
      writeJson(res, 200, { received: true, seq: outcome.event.seq });
    } catch (err) {
      deps.onStorageError(err);
      finish(res, started, 'error', 503, 'storage_unavailable', 'The event could not be stored.');
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, id: string | null, started: number) => {
    try {
      await handle(req, res, id, started);
    } catch (err) {
      logger.error({ err }, 'unhandled request error');
      writeError(res, 500, 'internal', 'Internal relay error.');
    }
  };

  return {
    fastPath(req, res) {
      if (req.method !== 'POST') return false;
      const id = hookChannel(req.url ?? '');
      if (id === undefined) return false;
      const started = performance.now();
      const requestId = assignRequestId(req, res);
      res.once('finish', () => logRequest(req, res, requestId, started));
      deps.inspect(req);
      void serve(req, res, id, started);
      return true;
    },
  };
}
