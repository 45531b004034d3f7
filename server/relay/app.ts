import type { RequestListener } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import type { RelayConfig } from './config';
import { channelAuth } from './channel-auth';
import { createChannelCache } from './channel-cache';
import { channelsRouter } from './channels-route';
import type { GroupCommitter } from './committer';
import { errorHandler, sendError } from './errors';
import { ingestRoute } from './ingest-route';
import { createHttpLogger } from './logger';
import type { RelayMetrics } from './metrics';
import { oauthBounceRouter } from './oauth-bounce';
import { createProfileRouter } from './profile';
import type { Profiles } from './profile';
import { limiter } from './rate-limits';
import { bearerToken, hashToken, tokenMatches } from './crypto';
import { warnForwardedWithoutTrust } from './proxy-warning';
import { adminRouter } from './trust/admin-route';
import { identityRouter } from './trust/identity-route';
import { isChannelApproved } from './trust/channel-status';
import { createProfileAccess } from './trust/profile-access';
import type { TrustStore } from './trust/trust-store';
import type { StreamHub } from './stream-hub';
import { requireEventStream, retryLater, streamHandler } from './stream-route';
import type { RelayStore } from './store/types';

export interface AppDeps {
  readonly config: RelayConfig;
  readonly store: RelayStore;
  readonly committer: GroupCommitter;
  readonly hub: StreamHub;
  readonly metrics: RelayMetrics;
  readonly logger: Logger;
  readonly publicUrl: () => string;
  readonly now: () => number;
  readonly isShuttingDown: () => boolean;
  readonly profiles: Profiles;
  /** Runs when a channel is closed: its profile is unpublished and its pending mail forgotten. */
  readonly onChannelDeleted: (id: string) => Promise<void>;
  /** Accounts, channel bindings and approval (issue 16). */
  readonly trust: TrustStore;
  /** Where GET /v2/me is asked (config.trust.calcomApiUrl unless the embedder knows it only later). */
  readonly calcomApiUrl: () => string;
}

/** The relay's request listener, and how to close a channel the way DELETE /api/channels/:id does. */
export interface RelayApp {
  readonly listener: RequestListener;
  /** Deletes the channel and its events, forgets it in the ingest cache, its profile and mail, ends its streams. */
  readonly closeChannel: (id: string) => Promise<void>;
}

/**
 * Assembles the relay's request listener: POST /hooks/:channel on its own lean path (ingest-route.ts), everything
 * else through the express app.
 */
export function createApp(deps: AppDeps): RelayApp {
  const { config, store, metrics, logger } = deps;
  const onStorageError = (err: unknown) => {
    metrics.storageErrors.inc();
    logger.error({ err }, 'storage error');
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // No ETags: nothing here benefits from conditional requests, and SSE/pull responses must never be 304.
  app.set('etag', false);
  app.use(createHttpLogger(logger));
  // One instance for both paths, so the warning is still logged once per process.
  const forwardedWarning = warnForwardedWithoutTrust(config.trustProxy, logger);
  app.use(forwardedWarning.middleware);
  const requireChannelToken = channelAuth(store, 'id', onStorageError);
  const profileAccess = createProfileAccess(deps.trust, deps.profiles);
  // Exact within this process; other instances' changes are seen within 2 s (PostgreSQL, several relays).
  const channels = createChannelCache(store, { ttlMs: store.shared ? 2_000 : 60_000, now: deps.now });
  const closeChannel = async (id: string) => {
    await store.deleteChannel(id);
    channels.invalidate(id);
    await deps.onChannelDeleted(id);
    deps.hub.endChannel(id);
  };

  const ingest = ingestRoute(
    {
      config,
      channels,
      committer: deps.committer,
      metrics,
      logger,
      now: deps.now,
      onStorageError,
      inspect: forwardedWarning.inspect,
      streamed: (id) => deps.hub.has(id),
      isApproved: (id) => isChannelApproved(deps.trust, id),
    },
    app,
  );
  // No express route for POST /hooks/:channel: ingest.fastPath answers every request express would have routed there.
  app.get(
    '/hooks/:channel',
    requireEventStream(),
    // Before the channel lookup, and answered like every refusal of a stream (a non-200 would stop eventsource).
    limiter({
      perMinute: config.rateLimits.streamOpensPerIpPerMinute,
      answer: retryLater,
      onLimited: () => metrics.streamRefusals.inc({ reason: 'rate_limited' }),
    }),
    channelAuth(store, 'channel', onStorageError, retryLater),
    streamHandler({ ...deps }),
  );
  // Before the channels router: it owns PUT /api/channels/:id/profile and GET /consultations/:slug.
  app.use(
    createProfileRouter({
      profiles: deps.profiles,
      requireChannelToken,
      publicUrl: deps.publicUrl,
      apiMiddleware: [limiter({ perMinute: config.rateLimits.apiPerIpPerMinute })],
      onError: onStorageError,
      access: profileAccess,
    }),
  );
  app.use(
    '/api/channels',
    identityRouter({
      trust: deps.trust,
      profiles: deps.profiles,
      config: config.trust,
      apiPerIpPerMinute: config.rateLimits.apiPerIpPerMinute,
      requireChannelToken,
      publicUrl: deps.publicUrl,
      now: deps.now,
      logger,
      closeChannel,
      calcomApiUrl: deps.calcomApiUrl,
    }),
  );
  app.use(
    '/api/admin',
    adminRouter({
      trust: deps.trust,
      profiles: deps.profiles,
      adminToken: config.trust.adminToken,
      apiPerIpPerMinute: config.rateLimits.apiPerIpPerMinute,
      now: deps.now,
    }),
  );
  app.use(
    '/api/channels',
    channelsRouter({
      config,
      store,
      channels,
      publicUrl: deps.publicUrl,
      now: deps.now,
      onStorageError,
      closeChannel,
    }),
  );
  app.use(oauthBounceRouter(config.appScheme));

  app.get('/healthz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (deps.isShuttingDown()) return sendError(res, 503, 'shutting_down', 'The relay is shutting down.');
    try {
      await store.ping();
      res.json({ status: 'ok' });
    } catch (err) {
      onStorageError(err);
      sendError(res, 503, 'storage_unavailable', 'Storage is not reachable.');
    }
  });
  // Not public (issue 16): metrics reveal traffic per channel hash and mail refusals. Without a token: no route.
  const metricsHash = config.trust.metricsToken === undefined ? undefined : hashToken(config.trust.metricsToken);
  app.get('/metrics', async (req, res) => {
    if (!metricsHash) return sendError(res, 404, 'not_found', 'No such route.');
    if (!tokenMatches(bearerToken(req.get('authorization')) ?? '', metricsHash)) {
      res.set('WWW-Authenticate', 'Bearer');
      return sendError(res, 401, 'unauthorized', 'Metrics need Authorization: Bearer <RELAY_METRICS_TOKEN>.');
    }
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use((_req, res) => sendError(res, 404, 'not_found', 'No such route.'));
  app.use(errorHandler((err) => logger.error({ err }, 'unhandled request error')));
  return {
    listener: (req, res) => {
      if (!ingest.fastPath(req, res)) app(req, res);
    },
    closeChannel,
  };
}
