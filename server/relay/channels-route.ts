import express, { Router, type RequestHandler } from 'express';
import type { z } from 'zod';
import {
  ackBodySchema,
  pullQuerySchema,
  setSecretBodySchema,
  type CreateChannelResponse,
  type PullResponse,
} from '../../common/relay';
import type { RelayConfig } from './config';
import { bearerToken, hashToken, newChannelId, newToken, tokenMatches } from './crypto';
import { channelAuth } from './channel-auth';
import { HttpError, sendError, unauthorized } from './errors';
import { limiter } from './rate-limits';
import type { ChannelCache } from './channel-cache';
import type { ChannelRecord, RelayStore } from './store/types';

export interface ChannelsDeps {
  readonly config: RelayConfig;
  readonly store: RelayStore;
  /** Ingest's channel cache: told when a secret changes or a channel goes. */
  readonly channels?: Pick<ChannelCache, 'invalidate'>;
  readonly publicUrl: () => string;
  readonly now: () => number;
  readonly onStorageError: (err: unknown) => void;
  /** Deletes the channel with everything of it and ends its streams (app.ts closeChannel). */
  readonly closeChannel: (id: string) => Promise<void>;
}

/**
 * Bodies per pull, besides its event limit: a page of 1,000 events of RELAY_BODY_LIMIT each took gigabytes to answer.
 * Cal.com events of a few KB still come hundreds per page; the app pulls on until it reaches the page's lastSeq.
 */
const PULL_PAGE_BYTES = 1024 * 1024;

const zodMessage = (err: z.ZodError) => err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new HttpError(400, 'bad_request', zodMessage(r.error));
  return r.data;
}

const requireJson: RequestHandler = (req, res, next) => {
  if (!req.is('application/json')) return sendError(res, 415, 'unsupported_media_type', 'Send application/json.');
  next();
};

/** The channel management API under /api/channels. No CORS headers: browsers elsewhere cannot call it. */
export function channelsRouter(deps: ChannelsDeps): Router {
  const { config, store } = deps;
  const router = Router();
  const json = express.json({ limit: '16kb', strict: true });
  const auth = channelAuth(store, 'id', deps.onStorageError);
  router.use(limiter({ perMinute: config.rateLimits.apiPerIpPerMinute }));

  const keyHash = config.registrationKey === undefined ? undefined : hashToken(config.registrationKey);
  // Channels are free to make but each holds storage: far fewer per IP than other API calls (issue 16).
  const creation = limiter({ perMinute: config.trust.channelCreatePerIpPerHour, windowMs: 60 * 60_000 });
  router.post('/', creation, async (req, res) => {
    if (keyHash && !tokenMatches(bearerToken(req.get('authorization')) ?? '', keyHash)) {
      res.set('WWW-Authenticate', 'Bearer');
      return sendError(res, 401, 'unauthorized', 'A valid registration key is required to create channels.');
    }
    const id = newChannelId();
    const token = newToken();
    await store.createChannel({ id, tokenHash: hashToken(token), createdAt: deps.now() });
    const url = `${deps.publicUrl()}/hooks/${id}`;
    const body: CreateChannelResponse = { id, token, ingestUrl: url, streamUrl: url };
    res.status(201).set('Cache-Control', 'no-store').json(body);
  });

  router.put('/:id/secret', auth, requireJson, json, async (req, res) => {
    const { secret } = parseBody(setSecretBodySchema, req.body);
    await store.setSecret(String(req.params.id), secret);
    deps.channels?.invalidate(String(req.params.id));
    res.status(204).end();
  });

  router.get('/:id/events', auth, async (req, res) => {
    const { after, limit } = parseBody(pullQuerySchema, req.query);
    const channel = res.locals.channel as ChannelRecord;
    const [bounds, events] = await Promise.all([
      store.bounds(channel.id),
      store.listEvents(channel.id, after, limit, PULL_PAGE_BYTES),
    ]);
    const body: PullResponse = {
      events: events.map((e) => ({
        seq: e.seq,
        receivedAt: new Date(e.receivedAt).toISOString(),
        contentType: e.contentType,
        headers: e.headers,
        bodyBase64: e.body.toString('base64'),
      })),
      lastSeq: bounds?.lastSeq ?? 0,
      oldestSeq: bounds?.oldestSeq ?? 0,
    };
    res.set('Cache-Control', 'no-store').json(body);
  });

  router.post('/:id/ack', auth, requireJson, json, async (req, res) => {
    const { upTo } = parseBody(ackBodySchema, req.body);
    // Read again for its current last sequence; a DELETE may have closed it since auth looked it up.
    const channel = await store.getChannel(String(req.params.id));
    if (!channel) throw unauthorized();
    if (upTo > channel.lastSeq)
      throw new HttpError(400, 'bad_request', `upTo ${upTo} is beyond the last stored event ${channel.lastSeq}.`);
    const ackedSeq = await store.ack(channel.id, upTo);
    res.json({ ackedSeq });
  });

  router.delete('/:id', auth, async (req, res) => {
    // Subscribers then reconnect and get 401: a deliberate revocation, the one case where they should stop.
    await deps.closeChannel(String(req.params.id));
    res.status(204).end();
  });

  return router;
}
